/** Decodes what the customer's page put on the data channel (recorded by RECORD_CHANNEL_BYTES). */
import type { Page } from 'playwright-core';
import { MessageDecoder } from '../../../shared/codec.js';
import { ChunkAssembler } from '../../../shared/framing.js';
import { inflateStream } from '../../../shared/inflate-stream.js';
import type { ChannelMessage } from '../../../shared/protocol.js';

/** Decode, in order, every message the customer's page put on the data channel. */
export async function decodeWire(customer: Page): Promise<ChannelMessage[]> {
  const wire = (await customer.evaluate(() => (window as unknown as { __wire: (number[] | string)[] }).__wire)) ?? [];
  const assembler = new ChunkAssembler();
  const decoder = new MessageDecoder({ inflater: inflateStream });
  const messages: ChannelMessage[] = [];
  for (const chunk of wire) {
    if (typeof chunk === 'string') throw new Error('a text message went over the data channel');
    const assembled = assembler.push(Uint8Array.from(chunk));
    if ('complete' in assembled) {
      const result = decoder.decode(assembled.complete);
      if (!result.ok) throw new Error(`undecodable frame on the wire: ${result.error.code}`);
      messages.push(result.message);
    }
  }
  return messages;
}
