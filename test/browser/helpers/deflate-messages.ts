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
import type { ChannelMessage, SerializedNode } from '../../../shared/protocol.js';

/**
 * Two snapshot parts, then insertions. The first part takes the stream past 8 KiB (codec.ts
 * SIDE_STREAMS_AFTER_BYTES), so the second part and every 25th insertion (long texts) go in segments:
 * all three of the stream's deflaters (stream-segments.ts) take part, the side ones started with the
 * structure stream's history as their dictionary.
 */
export function sampleMessages(count: number): ChannelMessage[] {
  const nodes: SerializedNode[] = [];
  for (let j = 0; j < 20; j++) {
    nodes.push({ kind: 'el', id: 2 + 2 * j, parent: 1, tag: 'p', attributes: { class: `para p${j % 4}` } });
    nodes.push({ kind: 'text', id: 3 + 2 * j, parent: 2 + 2 * j, text: `Paragraph ${j}: näive 😀 text` });
  }
  const part = {
    url: 'https://shop.example/',
    title: 'Shop',
    viewportWidth: 800,
    viewportHeight: 600,
    devicePixelRatio: 1,
    scrollX: 0,
    scrollY: 0,
  };
  const messages: ChannelMessage[] = [
    {
      t: 'snapshot',
      seq: 0,
      part: 0,
      final: false,
      ...part,
      nodes: [{ kind: 'text', id: 1, parent: 0, text: 'Welcome to the shop. '.repeat(450) }],
    },
    {
      t: 'snapshot',
      seq: 1,
      part: 1,
      final: true,
      ...part,
      nodes,
    },
  ];
  for (let i = 0; i < count - 1; i++) {
    const adds = [];
    for (let j = 0; j < 1 + (i % 7); j++)
      adds.push({
        kind: 'el' as const,
        id: i * 10 + j + 1,
        parent: 0,
        tag: 'li',
        attributes: { class: `row r${j % 3}` },
      });
    if (i % 25 === 0)
      adds.push({ kind: 'text' as const, id: i * 10 + 9, parent: 0, text: `Long text ${i}. `.repeat(100) });
    messages.push({ t: 'mutations', seq: i + 2, removes: [], adds, attrs: [], texts: [] });
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

/** The same messages deflated on this thread with fresh streams at `level` (what the deflater must match byte for byte). */
export function deflateHere(messages: readonly ChannelMessage[], level?: number): Uint8Array[] {
  const packer = new MessagePacker();
  const stream = new DeflateStream(level === undefined ? {} : { level });
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
