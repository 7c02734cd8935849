/**
 * Shared by the deflate worker tests: a run of channel messages whose names
 * and texts repeat (so a shared stream matters), and the check that bytes
 * from a deflater inflate back to exactly those messages with the agent's
 * own decoder (an oracle that shares no code with the deflating side).
 */
import { expect } from '@open-wc/testing';
import { MessageDecoder, MessagePacker, type StreamDeflater } from '../../../shared/codec.js';
import { DeflateStream } from '../../../shared/deflate-stream.js';
import { inflateStream } from '../../../shared/inflate-stream.js';
import type { ChannelMessage } from '../../../shared/protocol.js';

export function sampleMessages(count: number): ChannelMessage[] {
  const messages: ChannelMessage[] = [];
  for (let i = 0; i < count; i++) {
    const adds = [];
    for (let j = 0; j < 1 + (i % 7); j++)
      adds.push({
        kind: 'el' as const,
        id: i * 10 + j + 1,
        parent: 0,
        tag: 'li',
        attributes: { class: `row r${j % 3}` },
      });
    messages.push({ t: 'mutations', seq: i, removes: [], adds, attrs: [], texts: [] });
    if (i % 5 === 0) messages.push({ t: 'pointer', x: i, y: i * 2 });
  }
  return messages;
}

/** Packs and deflates every message through `deflater`, checking that answers come in order, as a channel needs. */
export function deflateAll(deflater: StreamDeflater, messages: readonly ChannelMessage[]): Promise<Uint8Array[]> {
  const packer = new MessagePacker();
  const wire: Uint8Array[] = [];
  return new Promise((resolve, reject) => {
    let next = 0;
    const take = (index: number, bytes: Uint8Array): void => {
      if (index !== next) reject(new Error(`answer for message ${index} came before ${next}`));
      wire.push(bytes);
      next++;
      if (next === messages.length) resolve(wire);
    };
    messages.forEach((message, index) => {
      const now = deflater.deflate(packer.pack(message), (outcome) => {
        if (outcome.ok) take(index, outcome.bytes);
        else reject(outcome.error);
      });
      if (now !== null) take(index, now);
    });
  });
}

/** The same messages deflated on this thread with a fresh stream (what the worker must match byte for byte). */
export function deflateHere(messages: readonly ChannelMessage[]): Uint8Array[] {
  const packer = new MessagePacker();
  const stream = new DeflateStream();
  return messages.map((message) => stream.deflate(packer.pack(message)));
}

export function expectDecodesTo(wire: readonly Uint8Array[], messages: readonly ChannelMessage[]): void {
  const decoder = new MessageDecoder({ inflater: inflateStream });
  const decoded = wire.map((bytes) => {
    const result = decoder.decode(bytes);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.message;
  });
  expect(decoded).to.deep.equal(messages);
}
