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
    viewportWidth: 1280,
    viewportHeight: 720,
    devicePixelRatio: 2,
    scrollX: 0,
    scrollY: 40,
    nodes: [
      { kind: 'doctype', id: 1, parent: 0, name: 'html' },
      { kind: 'el', id: 2, parent: 0, tag: 'html', attributes: { lang: 'en' } },
      { kind: 'el', id: 3, parent: 2, tag: 'body', attributes: {}, scrollX: 3, scrollY: 4 },
      { kind: 'comment', id: 4, parent: 3, text: 'note' },
      {
        kind: 'el',
        id: 5,
        parent: 3,
        tag: 'input',
        attributes: { type: 'checkbox' },
        checked: true,
        indeterminate: true,
        invalid: true,
      },
      {
        kind: 'el',
        id: 6,
        parent: 3,
        tag: 'input',
        attributes: { name: 'card' },
        value: '4111 •••• •••• 1111',
        masked: true,
      },
      { kind: 'el', id: 7, parent: 3, tag: 'select' },
      { kind: 'el', id: 8, parent: 7, tag: 'option', selected: true },
      { kind: 'text', id: 9, parent: 8, text: 'One' },
      { kind: 'text', id: 10, parent: 3, text: '••••', masked: true },
      {
        kind: 'el',
        id: 11,
        parent: 3,
        tag: 'div',
        attributes: { class: 'secret' },
        blocked: { width: 300, height: 120 },
      },
      { kind: 'el', id: 12, parent: 3, tag: 'style', cssRules: ['a { color: red; }'] },
      { kind: 'el', id: 13, parent: 3, tag: 'svg', namespace: 'svg', attributes: { viewBox: '0 0 10 10' } },
      { kind: 'shadow', id: 14, parent: 13, adopted: [':host { display: block; }'] },
      { kind: 'el', id: 15, parent: 3, tag: 'iframe' },
      { kind: 'doc', id: 16, parent: 15 },
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
      { kind: 'text', id: 17, parent: 8, next: null, text: 'Two' },
      {
        kind: 'el',
        id: 18,
        parent: 3,
        next: 4,
        tag: 'p',
        attributes: { title: 'x' },
        value: 'v',
        selected: false,
        checked: false,
      },
    ],
    attrs: [
      { id: 2, attributes: { lang: 'de', dir: null } },
      { id: 5, attributes: { class: 'on' } },
    ],
    texts: [
      { id: 10, text: '•••• 42', masked: true },
      { id: 17, text: 'Three' },
    ],
    sheets: [{ id: 0, cssRules: ['p { margin: 0; }'] }],
  },
  {
    t: 'input',
    seq: 2,
    id: 6,
    value: '4111 ••••',
    checked: true,
    selected: true,
    indeterminate: false,
    invalid: true,
    masked: true,
  },
  { t: 'input', seq: 3, id: 5 },
  { t: 'scroll', seq: 4, id: 0, x: 0, y: 500 },
  { t: 'viewport', seq: 5, width: 800, height: 600, devicePixelRatio: 1.5 },
  { t: 'selection', seq: 6, ranges: [{ start: 17, startOffset: 0, end: 17, endOffset: 3 }] },
  { t: 'focus', seq: 7, id: null },
  { t: 'media', seq: 8, id: 11, paused: false, time: 12.5 },
  { t: 'nav', seq: 9, url: 'https://shop.example/pay', title: 'Pay' },
  {
    t: 'top',
    seq: 10,
    layer: [
      { id: 11, kind: 'modal' },
      { id: 12, kind: 'popover' },
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
  { t: 'action', action: { kind: 'click', id: 5, x: 1, y: 2 }, serial: 1 },
  { t: 'action', action: { kind: 'input', id: 6, value: 'hello' }, serial: 2 },
  {
    t: 'action',
    action: { kind: 'key', id: 6, key: 'Enter', code: 'Enter', shift: true, ctrl: false, alt: false, meta: false },
    serial: 3,
  },
  { t: 'action', action: { kind: 'scroll', id: 0, x: 0, y: 100 } },
  { t: 'action', action: { kind: 'navigate', to: 'back' }, serial: 4 },
  {
    t: 'action',
    action: {
      kind: 'edit',
      id: 6,
      chain: 1,
      at: 2,
      deleteCount: 1,
      insert: 'ab',
      selectionStart: 4,
      selectionEnd: 4,
      inputType: 'insertText',
    },
    serial: 5,
  },
  { t: 'action-refused', kind: 'edit', reason: 'masked', serial: 5 },
  { t: 'action-refused', kind: 'click', reason: 'no-control' },
  { t: 'end', by: 'customer', reason: 'customer-ended' },
  { t: 'resync', lastSeq: 10 },
  { t: 'ping', ts: 1 },
  { t: 'pong', ts: 2 },
  { t: 'error', code: 'BAD_MESSAGE', message: 'bad' },
  { t: 'action-ack', serial: 4 },
  { t: 'input-conflict', id: 6 },
  { t: 'canvas', seq: 11, id: 12, width: 2, height: 3, type: 'image/png', image: png },
  { t: 'asset', url: 'https://shop.example/logo.png', hash: '0123456789abcdef', type: 'image/png', direct: false },
  { t: 'asset', url: 'https://shop.example/x.png', hash: null },
  { t: 'asset-data', hash: '0123456789abcdef', size: 8, offset: 0, data: png },
  // A style change, then one that travels as its difference from the first (wire-style-diff.ts).
  {
    t: 'mutations',
    seq: 12,
    removes: [],
    adds: [],
    attrs: [{ id: 11, attributes: { style: 'width: 4px; transform: none; opacity: 0.5;' } }],
    texts: [],
  },
  {
    t: 'mutations',
    seq: 13,
    removes: [],
    adds: [],
    attrs: [{ id: 11, attributes: { style: 'width: 4px; transform: scale(2); opacity: 0.5; color: red' } }],
    texts: [],
  },
  // An input value and a text that travel as splices of the last ones sent (wire-value-diff.ts).
  { t: 'input', seq: 14, id: 6, value: '4111 •••• ••••', masked: true },
  {
    t: 'mutations',
    seq: 15,
    removes: [],
    adds: [],
    attrs: [],
    texts: [
      { id: 17, text: 'Three and four' },
      { id: 17, text: 'Three and four!' },
    ],
  },
  // A snapshot part that takes the stream past 8 KiB (codec.ts SIDE_STREAMS_AFTER_BYTES), still on one stream;
  // then a part whose strings travel on the side streams, and an insertion whose texts are long enough for them
  // (wire-format.ts ADDS_SIDE_MIN_LENGTH).
  {
    t: 'snapshot',
    seq: 16,
    part: 0,
    final: false,
    url: 'https://shop.example/about',
    title: 'About',
    viewportWidth: 1280,
    viewportHeight: 720,
    devicePixelRatio: 1,
    scrollX: 0,
    scrollY: 0,
    nodes: [{ kind: 'text', id: 1, parent: 0, text: 'Our story. '.repeat(800) }],
  },
  {
    t: 'snapshot',
    seq: 17,
    part: 1,
    final: true,
    url: 'https://shop.example/about',
    title: 'About',
    viewportWidth: 1280,
    viewportHeight: 720,
    devicePixelRatio: 1,
    scrollX: 0,
    scrollY: 0,
    nodes: [
      { kind: 'el', id: 2, parent: 0, tag: 'p', attributes: { class: 'lead', title: 'Über uns 😀' } },
      { kind: 'text', id: 3, parent: 2, text: 'Since 1999.' },
      // Form values equal to their defaults travel as references (node-list-compaction.ts).
      { kind: 'el', id: 4, parent: 0, tag: 'input', attributes: { type: 'hidden', value: 'a1b2' }, value: 'a1b2' },
      { kind: 'el', id: 5, parent: 0, tag: 'textarea', value: 'Hello' },
      { kind: 'text', id: 6, parent: 5, text: 'Hello' },
    ],
  },
  {
    t: 'mutations',
    seq: 18,
    removes: [],
    adds: [
      { kind: 'el', id: 19, parent: 3, next: null, tag: 'p', attributes: { class: 'long' } },
      { kind: 'text', id: 20, parent: 19, text: 'A long paragraph. '.repeat(60) },
    ],
    attrs: [],
    texts: [],
  },
];

/**
 * sha256 of every packed message in order, one hex line each, recorded before the field names were made
 * readable and again for protocol 7 (node lists' shape interleaved, their strings joined), protocol 9
 * (node lists' strings in segments of their own) and 10 (form values as references to their defaults); the two
 * style changes at the end and the messages after them were added with protocols 5, 6, 9 and 10.
 */
const GOLDEN_SHA256 = 'f31c077dd9c5bc592777e80181a5eed91e536702ac28b06fbc5e4cfc458c1d6c';

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

  it("carry node lists' strings as segments of their own: exactly the joined UTF-8, read here by hand", () => {
    const utf8 = new TextEncoder();
    let before = 0;
    let inSegments = 0;
    for (const [i, message] of GOLDEN_MESSAGES.entries()) {
      const bytes = packed[i] as Uint8Array;
      const afterEightKiB = before >= 8 * 1024;
      before += bytes.length;
      const nodes = message.t === 'snapshot' ? message.nodes : message.t === 'mutations' ? message.adds : [];
      const values = nodes.flatMap((n) => (n.kind === 'el' ? Object.values(n.attributes ?? {}) : []));
      const texts = nodes.flatMap((n) => (n.kind === 'text' || n.kind === 'comment' ? [n.text] : []));
      // Once the stream has packed 8 KiB, a snapshot part's strings take the side streams, an insertion's from
      // 1024 characters on (per column).
      const aside = (joined: string): string =>
        afterEightKiB && (message.t === 'snapshot' || joined.length >= 1024) ? joined : '';
      const attributeBytes = utf8.encode(aside(values.join('\u0000')));
      const textBytes = utf8.encode(aside(texts.join('\u0000')));
      expect(bytes[0] === 0xc1, `message ${i} in segments`).toBe(attributeBytes.length + textBytes.length > 0);
      if (bytes[0] !== 0xc1) continue;
      inSegments++;
      // 0xc1, two LEB128 lengths, then the three segments.
      let at = 1;
      const leb128 = (): number => {
        let value = 0;
        for (let shift = 0; ; shift += 7) {
          const byte = bytes[at++] as number;
          value += (byte & 0x7f) * 2 ** shift;
          if (byte < 0x80) return value;
        }
      };
      const structureLength = leb128();
      expect(leb128()).toBe(attributeBytes.length);
      const structureEnd = at + structureLength;
      expect([...bytes.subarray(structureEnd, structureEnd + attributeBytes.length)]).toEqual([...attributeBytes]);
      expect([...bytes.subarray(structureEnd + attributeBytes.length)]).toEqual([...textBytes]);
    }
    // The part after the first 8 KiB and the long insertion.
    expect(inSegments).toBe(2);
  });

  it('are those of protocol 8 for every message before the stream passes 8 KiB', () => {
    // Recorded with protocol 8 for the messages then in this list (up to the text splices, seq 15).
    const hash = createHash('sha256');
    const upTo = GOLDEN_MESSAGES.findIndex((message) => 'seq' in message && message.seq === 15);
    for (const bytes of packed.slice(0, upTo + 1)) hash.update(Buffer.from(bytes).toString('hex') + '\n');
    expect(hash.digest('hex')).toBe('e66b8f687bda105e337690a8b928a0bb7cbd8a08eb074edb9b5896d55041cca3');
  });

  it('decode back to the same messages', () => {
    const decoder = new MessageDecoder();
    for (const [i, bytes] of packed.entries()) {
      const result = decoder.decode(bytes);
      expect(plain(result), `message ${i}`).toEqual(plain({ ok: true, message: GOLDEN_MESSAGES[i] }));
    }
  });
});
