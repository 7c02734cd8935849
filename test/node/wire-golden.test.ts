/**
 * The data channel's bytes for a fixed set of messages that uses every message
 * type and every optional field, compared with bytes recorded once. Field names
 * in protocol.ts are for people: the wire layout is positional (wire-format.ts),
 * and the few nested maps that do travel keep their short wire keys, so a
 * rename must leave these bytes exactly as they were. A change here is a wire
 * change: it needs a major PROTOCOL_VERSION bump.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MessageDecoder, MessagePacker } from '../../shared/codec.js';
import type { ChannelMessage } from '../../shared/protocol.js';

const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

export const GOLDEN_MESSAGES: ChannelMessage[] = [
  {
    t: 'snapshot',
    seq: 0,
    part: 0,
    final: true,
    url: 'https://shop.example/cart',
    title: 'Cart',
    vw: 1280,
    vh: 720,
    dpr: 2,
    sx: 0,
    sy: 40,
    nodes: [
      { k: 'doctype', id: 1, p: 0, name: 'html' },
      { k: 'el', id: 2, p: 0, tag: 'html', a: { lang: 'en' } },
      { k: 'el', id: 3, p: 2, tag: 'body', a: {}, sx: 3, sy: 4 },
      { k: 'comment', id: 4, p: 3, x: 'note' },
      { k: 'el', id: 5, p: 3, tag: 'input', a: { type: 'checkbox' }, chk: true, ind: true, inv: true },
      { k: 'el', id: 6, p: 3, tag: 'input', a: { name: 'card' }, v: '4111 •••• •••• 1111', m: true },
      { k: 'el', id: 7, p: 3, tag: 'select' },
      { k: 'el', id: 8, p: 7, tag: 'option', sel: true },
      { k: 'text', id: 9, p: 8, x: 'One' },
      { k: 'text', id: 10, p: 3, x: '••••', m: true },
      { k: 'el', id: 11, p: 3, tag: 'div', a: { class: 'secret' }, blk: { w: 300, h: 120 } },
      { k: 'el', id: 12, p: 3, tag: 'style', css: ['a { color: red; }'] },
      { k: 'el', id: 13, p: 3, tag: 'svg', ns: 'svg', a: { viewBox: '0 0 10 10' } },
      { k: 'shadow', id: 14, p: 13, adopted: [':host { display: block; }'] },
      { k: 'el', id: 15, p: 3, tag: 'iframe' },
      { k: 'doc', id: 16, p: 15 },
    ],
    adopted: ['body { margin: 0; }'],
    focus: 6,
    assets: 'channel',
  },
  {
    t: 'mutations',
    seq: 1,
    removes: [9],
    adds: [
      { k: 'text', id: 17, p: 8, nx: null, x: 'Two' },
      { k: 'el', id: 18, p: 3, nx: 4, tag: 'p', a: { title: 'x' }, v: 'v', sel: false, chk: false },
    ],
    attrs: [
      { id: 2, a: { lang: 'de', dir: null } },
      { id: 5, a: { class: 'on' } },
    ],
    texts: [
      { id: 10, x: '•••• 42', m: true },
      { id: 17, x: 'Three' },
    ],
    sheets: [{ id: 0, css: ['p { margin: 0; }'] }],
  },
  { t: 'input', seq: 2, id: 6, v: '4111 ••••', chk: true, sel: true, ind: false, inv: true, m: true },
  { t: 'input', seq: 3, id: 5 },
  { t: 'scroll', seq: 4, id: 0, x: 0, y: 500 },
  { t: 'viewport', seq: 5, w: 800, h: 600, dpr: 1.5 },
  { t: 'selection', seq: 6, ranges: [{ start: 17, startOffset: 0, end: 17, endOffset: 3 }] },
  { t: 'focus', seq: 7, id: null },
  { t: 'media', seq: 8, id: 11, paused: false, time: 12.5 },
  { t: 'nav', seq: 9, url: 'https://shop.example/pay', title: 'Pay' },
  {
    t: 'top',
    seq: 10,
    layer: [
      { id: 11, k: 'modal' },
      { id: 12, k: 'popover' },
    ],
  },
  { t: 'pointer', x: 10, y: 20, click: true, gone: false, down: true },
  { t: 'pointer', x: 11, y: 21 },
  { t: 'highlight', id: 5, label: 'Here' },
  { t: 'highlight', id: null },
  { t: 'annotation', id: 'a1', shape: 'arrow', points: [0, 0, 10, 10], color: '#ff0000' },
  { t: 'annotation-clear' },
  { t: 'control-request' },
  { t: 'control-grant' },
  { t: 'control-deny' },
  { t: 'control-revoke' },
  { t: 'action', action: { kind: 'click', id: 5, x: 1, y: 2 }, n: 1 },
  { t: 'action', action: { kind: 'input', id: 6, v: 'hello' }, n: 2 },
  {
    t: 'action',
    action: { kind: 'key', id: 6, key: 'Enter', code: 'Enter', shift: true, ctrl: false, alt: false, meta: false },
    n: 3,
  },
  { t: 'action', action: { kind: 'scroll', id: 0, x: 0, y: 100 } },
  { t: 'action', action: { kind: 'navigate', to: 'back' }, n: 4 },
  {
    t: 'action',
    action: { kind: 'edit', id: 6, chain: 1, at: 2, del: 1, ins: 'ab', ss: 4, se: 4, how: 'insertText' },
    n: 5,
  },
  { t: 'action-refused', kind: 'edit', reason: 'masked', n: 5 },
  { t: 'action-refused', kind: 'click', reason: 'no-control' },
  { t: 'end', by: 'customer', reason: 'customer-ended' },
  { t: 'resync', lastSeq: 10 },
  { t: 'ping', ts: 1 },
  { t: 'pong', ts: 2 },
  { t: 'error', code: 'BAD_MESSAGE', message: 'bad' },
  { t: 'action-ack', n: 4 },
  { t: 'input-conflict', id: 6 },
  { t: 'canvas', seq: 11, id: 12, w: 2, h: 3, type: 'image/png', img: png },
  { t: 'asset', url: 'https://shop.example/logo.png', h: '0123456789abcdef', type: 'image/png', direct: false },
  { t: 'asset', url: 'https://shop.example/x.png', h: null },
  { t: 'asset-data', h: '0123456789abcdef', size: 8, at: 0, data: png },
];

/** sha256 of every packed message in order, one hex line each, recorded before the field names were made readable. */
const GOLDEN_SHA256 = 'd95e09f67bd2df558177af67e047930b7bb0adfe2aaf14f717098213985c2cd0';

/** Byte arrays as number lists (msgpackr hands Node Buffers back for Uint8Arrays). */
function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, plain(v)]));
  return value;
}

describe('data channel bytes', () => {
  const packer = new MessagePacker();
  const packed = GOLDEN_MESSAGES.map((message) => packer.pack(message));

  it('are the recorded bytes for every message type and optional field', () => {
    const hash = createHash('sha256');
    for (const bytes of packed) hash.update(Buffer.from(bytes).toString('hex') + '\n');
    expect(hash.digest('hex')).toBe(GOLDEN_SHA256);
  });

  it('decode back to the same messages', () => {
    const decoder = new MessageDecoder();
    for (const [i, bytes] of packed.entries()) {
      const result = decoder.decode(bytes);
      expect(plain(result), `message ${i}`).toEqual(plain({ ok: true, message: GOLDEN_MESSAGES[i] }));
    }
  });
});
