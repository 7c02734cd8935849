import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { Deflate, Z_NO_FLUSH, Z_SYNC_FLUSH } from 'pako';
import * as esbuild from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { MessageDecoder, type DecodeResult } from '../../shared/codec.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import { MAX_NODES_PER_LIST } from '../../shared/node-list-compaction.js';
import { ProtocolError, type ErrorCode } from '../../shared/errors.js';
import { channelMessage, type ChannelMessage } from '../../shared/protocol.js';
import { inflateStream } from '../../shared/inflate-stream.js';

type MessageOfType<T extends ChannelMessage['t']> = Extract<ChannelMessage, { t: T }>;

/** One valid example per channel message type; the mapped type makes tsc fail when a type is added without one. */
const examples: { [T in ChannelMessage['t']]: MessageOfType<T> } = {
  snapshot: {
    t: 'snapshot',
    seq: 0,
    part: 0,
    final: true,
    url: 'https://shop.example/cart?x=1',
    title: 'Cart – Shop',
    viewportWidth: 1280,
    viewportHeight: 720,
    devicePixelRatio: 1.5,
    scrollX: 0,
    scrollY: 120.5,
    nodes: [
      { kind: 'doctype', id: 1, parent: 0, name: 'html' },
      { kind: 'el', id: 2, parent: 0, tag: 'html', attributes: { lang: 'en' } },
      { kind: 'el', id: 3, parent: 2, tag: 'body', attributes: { class: 'page' }, scrollX: 0, scrollY: 10 },
      { kind: 'text', id: 4, parent: 3, text: 'Hello ✓ 世界' },
      { kind: 'comment', id: 5, parent: 3, text: ' a comment ' },
      { kind: 'el', id: 6, parent: 3, tag: 'input', attributes: { type: 'password' }, value: '••••', masked: true },
      { kind: 'el', id: 7, parent: 3, tag: 'input', attributes: { type: 'checkbox' }, checked: true },
      { kind: 'el', id: 8, parent: 3, tag: 'option', selected: false },
      { kind: 'el', id: 9, parent: 3, tag: 'div', blocked: { width: 300, height: 40.25 } },
      { kind: 'el', id: 10, parent: 3, tag: 'svg', namespace: 'svg', attributes: { viewBox: '0 0 10 10' } },
      { kind: 'el', id: 11, parent: 3, tag: 'style', cssRules: ['.a { color: red; }'] },
      { kind: 'shadow', id: 12, parent: 9, adopted: [':host { display: block; }'] },
      { kind: 'doc', id: 13, parent: 10 },
      { kind: 'text', id: 14, parent: 12, text: '4111 ████', masked: true },
    ],
    adopted: ['body { margin: 0; }'],
    focus: null,
  },
  mutations: {
    t: 'mutations',
    seq: 1,
    removes: [5, 6],
    adds: [
      { kind: 'el', id: 20, parent: 3, next: 7, tag: 'p' },
      { kind: 'text', id: 21, parent: 20, next: null, text: 'new' },
    ],
    attrs: [{ id: 3, attributes: { class: 'page dark', hidden: null } }],
    texts: [
      { id: 4, text: 'Hello again' },
      { id: 14, text: '████', masked: true },
    ],
    sheets: [{ id: 11, cssRules: ['.a { color: blue; }'] }],
  },
  input: { t: 'input', seq: 2, id: 6, value: '••', masked: true },
  scroll: { t: 'scroll', seq: 3, id: 0, x: 0, y: 640 },
  viewport: { t: 'viewport', seq: 4, width: 800, height: 600, devicePixelRatio: 2 },
  selection: { t: 'selection', seq: 5, ranges: [{ start: 4, startOffset: 0, end: 4, endOffset: 5 }] },
  focus: { t: 'focus', seq: 6, id: 7 },
  media: { t: 'media', seq: 7, id: 9, paused: false, time: 12.75 },
  nav: { t: 'nav', seq: 8, url: 'https://shop.example/checkout', title: 'Checkout' },
  top: {
    t: 'top',
    seq: 9,
    layer: [
      { id: 12, kind: 'modal' },
      { id: 30, kind: 'popover' },
    ],
  },
  canvas: {
    t: 'canvas',
    seq: 10,
    id: 15,
    width: 2,
    height: 1,
    type: 'image/webp',
    image: new Uint8Array([82, 73, 70, 70]),
  },
  asset: { t: 'asset', url: 'https://shop.example/img/lamp.svg', hash: 'a'.repeat(64), type: 'image/svg+xml' },
  'asset-data': {
    t: 'asset-data',
    hash: 'b'.repeat(64),
    size: 4,
    offset: 0,
    data: new Uint8Array([60, 115, 118, 103]),
  },
  pointer: { t: 'pointer', x: 10.5, y: -3, click: true },
  highlight: { t: 'highlight', id: 7, label: 'This box' },
  annotation: { t: 'annotation', id: 'a1', shape: 'path', points: [0, 0, 10.5, 20, 30, 40], color: '#ff00aa' },
  'annotation-clear': { t: 'annotation-clear' },
  'control-request': { t: 'control-request' },
  'control-grant': { t: 'control-grant' },
  'control-deny': { t: 'control-deny' },
  'control-revoke': { t: 'control-revoke' },
  action: { t: 'action', action: { kind: 'key', id: 7, key: 'Enter', code: 'Enter', shift: true }, serial: 3 },
  'action-refused': { t: 'action-refused', kind: 'input', reason: 'masked', serial: 4 },
  'action-ack': { t: 'action-ack', serial: 5 },
  'input-conflict': { t: 'input-conflict', id: 7 },
  end: { t: 'end', by: 'customer', reason: 'customer-ended' },
  resync: { t: 'resync', lastSeq: 41 },
  ping: { t: 'ping', ts: 1_764_000_000_000 },
  pong: { t: 'pong', ts: 1_764_000_000_123 },
  error: { t: 'error', code: 'SEQUENCE_GAP', message: 'frame 42 missing' },
};

function expectOk(result: DecodeResult): ChannelMessage {
  if (!result.ok) throw new Error(`decode failed: ${result.error.code} ${result.error.message}`);
  return result.message;
}

function expectError(result: DecodeResult, code: ErrorCode, fatal: boolean): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  expect(result.fatal).toBe(fatal);
}

/**
 * A raw deflate stream in the codec's wire format (sync flush, trailer
 * stripped), to put arbitrary bytes in front of a decoder the way a buggy or
 * hostile peer would.
 */
class RawWireStream {
  #deflate = new Deflate({ raw: true, level: 1 });
  #out: Uint8Array[] = [];

  constructor() {
    this.#deflate.onData = (chunk: Uint8Array) => this.#out.push(chunk.slice());
  }

  /** Compress `payload` and sync-flush; returns the wire bytes. */
  frame(payload: Uint8Array): Uint8Array {
    this.#deflate.push(payload, Z_SYNC_FLUSH);
    const wire = Buffer.concat(this.#out);
    this.#out = [];
    return new Uint8Array(wire.subarray(0, wire.length - 4));
  }

  /** Compress a long run of zeros without ever holding it (1 MiB at a time). */
  zeros(totalBytes: number): Uint8Array {
    const block = new Uint8Array(1024 * 1024);
    for (let sent = 0; sent < totalBytes; sent += block.length) this.#deflate.push(block, Z_NO_FLUSH);
    this.#deflate.push(new Uint8Array(0), Z_SYNC_FLUSH);
    const wire = Buffer.concat(this.#out);
    this.#out = [];
    return new Uint8Array(wire);
  }
}

/** msgpack as the codec writes it: no records (see codec.ts). */
const plainPackr = new Packr({ useRecords: false });

// Its property tests (hundreds of streams each) passed the 20 s default on a loaded machine (seen twice in full runs).
describe('MessageEncoder / MessageDecoder', { timeout: 60_000 }, () => {
  it('round-trips one example of every channel message type', () => {
    const types = channelMessage.def.options.flatMap((option) => option.shape.t.def.values);
    expect(types.length).toBeGreaterThan(20);
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    for (const type of types) {
      const example: ChannelMessage | undefined = examples[type];
      expect(example, `no example for channel message type "${type}"`).toBeDefined();
      if (!example) continue;
      expect(channelMessage.safeParse(example).success, `example for "${type}" is invalid`).toBe(true);
      expect(expectOk(decoder.decode(encoder.encode(example)))).toEqual(example);
    }
    expect(decoder.stats).toEqual({ decoded: types.length, rejected: 0, byCode: {} });
  });

  it('carries a long mixed stream through one encoder/decoder pair', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const all = Object.values(examples);
    const count = 3_000;
    for (let i = 0; i < count; i++) {
      const base = all[i % all.length];
      if (!base) throw new Error('unreachable');
      const message: ChannelMessage =
        base.t === 'mutations'
          ? { ...base, seq: i, texts: [{ id: i % 500, text: `text ${i} `.repeat(i % 7) }] }
          : base.t === 'pointer'
            ? { ...base, x: i, y: i / 3 }
            : base;
      expect(expectOk(decoder.decode(encoder.encode(message)))).toEqual(message);
    }
    expect(decoder.stats.decoded).toBe(count);
    expect(decoder.stats.rejected).toBe(0);
  });

  it('compresses later frames much better than the first (shared window across messages)', () => {
    const frame = (seq: number): ChannelMessage => ({
      t: 'mutations',
      seq,
      removes: [],
      adds: Array.from({ length: 12 }, (_, i) => ({
        kind: 'el' as const,
        id: seq * 100 + i,
        parent: 3,
        tag: 'button',
        attributes: {
          class: 'product-card__add-to-cart button button--primary',
          'data-testid': 'add-to-cart',
          'aria-label': 'Add this product to your shopping cart',
        },
      })),
      attrs: [],
      texts: [],
    });
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const sizes: number[] = [];
    for (let seq = 1; seq <= 5; seq++) {
      const wire = encoder.encode(frame(seq));
      sizes.push(wire.length);
      expect(expectOk(decoder.decode(wire))).toEqual(frame(seq));
    }
    const [first, ...later] = sizes;
    if (first === undefined) throw new Error('unreachable');
    // A fresh stream per message (no shared window) for comparison.
    const standalone = new MessageEncoder().encode(frame(5)).length;
    for (const size of later) {
      expect(size).toBeLessThan(first / 3);
      expect(size).toBeLessThan(standalone / 3);
    }
  });

  it('rejects a decompression bomb with INFLATED_TOO_LARGE without inflating it', () => {
    const wire = new RawWireStream();
    // 200 MiB of zeros compress to about 200 KB. The bytes after it are a
    // corrupt block: a decoder that inflated everything before checking the
    // size would report CORRUPT_STREAM instead, so the code proves it stopped.
    const zeros = wire.zeros(200 * 1024 * 1024);
    const bomb = new Uint8Array(zeros.length + 16).fill(0xff);
    bomb.set(zeros, 0);
    expect(bomb.length).toBeLessThan(1024 * 1024);

    const decoder = new MessageDecoder({ inflater: inflateStream, maxInflatedBytes: 1024 * 1024 });
    const before = process.memoryUsage().arrayBuffers;
    const result = decoder.decode(bomb);
    const grown = process.memoryUsage().arrayBuffers - before;
    expectError(result, 'INFLATED_TOO_LARGE', true);
    // Loose: materialising the bomb would add ~200 MiB.
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    expect(decoder.stats.byCode.INFLATED_TOO_LARGE).toBe(1);
  });

  it('applies the default 64 MiB inflate limit', () => {
    const wire = new RawWireStream();
    const result = new MessageDecoder({ inflater: inflateStream }).decode(wire.zeros(65 * 1024 * 1024));
    expectError(result, 'INFLATED_TOO_LARGE', true);
  });

  it('rejects oversize input, stays failed until both sides reset, then works again', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream, maxMessageBytes: 1_000 });
    expectOk(decoder.decode(encoder.encode(examples.ping)));

    // Pseudo-random text barely compresses, so the wire message stays over 1000 bytes.
    let state = 0x2545f491;
    const noise = Array.from({ length: 3_000 }, () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return String.fromCharCode(33 + ((state >>> 0) % 90));
    }).join('');
    const big: ChannelMessage = {
      t: 'mutations',
      seq: 1,
      removes: [],
      adds: [],
      attrs: [],
      texts: [{ id: 1, text: noise }],
    };
    const bigWire = encoder.encode(big);
    expect(bigWire.length).toBeGreaterThan(1_000);
    expectError(decoder.decode(bigWire), 'MESSAGE_TOO_LARGE', true);

    // The decoder skipped bytes the encoder's window holds: it refuses until reset.
    expectError(decoder.decode(encoder.encode(examples.pong)), 'MESSAGE_TOO_LARGE', true);
    encoder.reset();
    decoder.reset();
    expect(expectOk(decoder.decode(encoder.encode(examples.pong)))).toEqual(examples.pong);
    expect(decoder.stats).toMatchObject({ decoded: 2, rejected: 2, byCode: { MESSAGE_TOO_LARGE: 2 } });
  });

  it('refuses to encode an oversize message without breaking its stream', () => {
    const encoder = new MessageEncoder({ maxMessageBytes: 500 });
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const big: ChannelMessage = { t: 'nav', seq: 0, url: 'https://x.example/' + 'a'.repeat(600), title: 't' };
    expect(() => encoder.encode(big)).toThrow(ProtocolError);
    try {
      encoder.encode(big);
    } catch (err) {
      expect(err instanceof ProtocolError && err.code).toBe('MESSAGE_TOO_LARGE');
    }
    expect(expectOk(decoder.decode(encoder.encode(examples.viewport)))).toEqual(examples.viewport);
  });

  it('turns garbage into typed errors and never throws', () => {
    expectError(
      new MessageDecoder({ inflater: inflateStream }).decode(new Uint8Array([0xff, 0x00, 0x13, 0x37])),
      'CORRUPT_STREAM',
      true,
    );
    // A final block (BFINAL set): our encoder never ends its stream.
    const ended = new Uint8Array([0x03, 0x00]);
    expectError(new MessageDecoder({ inflater: inflateStream }).decode(ended), 'CORRUPT_STREAM', true);

    const allowed = new Set<ErrorCode>(['CORRUPT_STREAM', 'DECODE_FAILED', 'BAD_MESSAGE', 'INFLATED_TOO_LARGE']);
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 5 }), (inputs) => {
        const decoder = new MessageDecoder({ inflater: inflateStream, maxInflatedBytes: 1024 * 1024 });
        for (const input of inputs) {
          const result = decoder.decode(input);
          if (!result.ok) expect(allowed.has(result.error.code), result.error.code).toBe(true);
        }
        expect(decoder.stats.decoded + decoder.stats.rejected).toBe(inputs.length);
      }),
      { numRuns: 500 },
    );
  });

  it('treats undecodable msgpack as fatal (DECODE_FAILED): the wire tables may have moved on without us', () => {
    const undecodable = [
      new Uint8Array(0),
      new Uint8Array([0x92, 0x01]), // an array of 2 with 1 element
      new Uint8Array([0x01, 0x02]), // trailing bytes after a value
    ];
    for (const payload of undecodable) {
      const wire = new RawWireStream();
      const decoder = new MessageDecoder({ inflater: inflateStream });
      expectError(decoder.decode(wire.frame(payload)), 'DECODE_FAILED', true);
      expectError(decoder.decode(wire.frame(plainPackr.pack(examples.scroll))), 'DECODE_FAILED', true);
      decoder.reset();
      expect(expectOk(decoder.decode(new RawWireStream().frame(plainPackr.pack(examples.scroll))))).toEqual(
        examples.scroll,
      );
    }
  });

  it('treats a message that breaks the compact layout as fatal (DECODE_FAILED), never as a crash', () => {
    const broken: unknown[] = [
      [99, 1, 2], // no such type code
      [4, 0, 1, 2, 3, 9], // scroll (code 4) with an extra value
      [4, 0, 1], // scroll missing fields
      [4, 'x', 0, 0, 0], // a seq delta that is not a number
      [4, -5, 0, 0, 0], // a seq before 0
      [2, 0, 0, [], [[], [], [], [], [], []], [1, 1, 7, 'x'], []], // attrs naming an unknown table index
      [2, 0, 0, [], [[], [], [], [], [], []], [], [1]], // texts not in pairs
      [0, 1, 2], // a generic wrapper with two values
    ];
    for (const value of broken) {
      const decoder = new MessageDecoder({ inflater: inflateStream });
      const result = decoder.decode(new RawWireStream().frame(plainPackr.pack(value)));
      expectError(result, 'DECODE_FAILED', true);
    }
  });

  it('still accepts a message sent as a plain msgpack map', () => {
    const wire = new RawWireStream();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    expect(expectOk(decoder.decode(wire.frame(plainPackr.pack(examples.mutations))))).toEqual(examples.mutations);
  });

  it('drops schema-invalid messages (BAD_MESSAGE), counts them, and decodes the next one', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    // A peer with a bug (or a hostile one) sends what the types forbid.
    const invalid = [
      { t: 'snapshot' },
      { t: 'no-such-type' },
      { ...examples.pointer, extra: 1 },
      { ...examples.scroll, seq: -1 },
      ['not', 'an', 'object'],
      'just a string',
    ];
    for (const value of invalid) {
      expectError(decoder.decode(encoder.encode(value as unknown as ChannelMessage)), 'BAD_MESSAGE', false);
    }
    expect(expectOk(decoder.decode(encoder.encode(examples.focus)))).toEqual(examples.focus);
    expect(decoder.stats).toEqual({ decoded: 1, rejected: invalid.length, byCode: { BAD_MESSAGE: invalid.length } });
  });

  it('round-trips arbitrary text and attribute contents (property)', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const text = fc.string({ unit: 'binary', maxLength: 200 });
    // '__proto__' is covered by its own test below.
    const attrName = fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((name) => name !== '__proto__');
    const mutation = fc.record({
      seq: fc.nat(),
      texts: fc.array(fc.record({ id: fc.nat({ max: 2 ** 31 }), text: text }), { maxLength: 5 }),
      attrs: fc.array(
        fc.record({
          id: fc.nat({ max: 2 ** 31 }),
          attributes: fc.dictionary(attrName, fc.option(text, { nil: null })),
        }),
        { maxLength: 5 },
      ),
      adds: fc.array(
        fc.record({
          kind: fc.constant('el' as const),
          id: fc.nat({ max: 2 ** 31 }),
          parent: fc.nat({ max: 2 ** 31 }),
          tag: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }),
          attributes: fc.dictionary(attrName, text),
        }),
        { maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(mutation, (m) => {
        const message: ChannelMessage = { t: 'mutations', removes: [], ...m };
        // A fresh object from zod strips nothing here, but normalises key order the way the decoder's parse does.
        const expected = channelMessage.parse(message);
        expect(expectOk(decoder.decode(encoder.encode(message)))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    expect(decoder.stats.rejected).toBe(0);
  });

  it('round-trips any mix of valid messages on one stream, seq in any order (property)', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const seq = fc.nat({ max: 2 ** 40 });
    const id = fc.nat({ max: 2 ** 31 });
    const text = fc.string({ unit: 'grapheme', maxLength: 30 });
    const message: fc.Arbitrary<ChannelMessage> = fc.oneof(
      fc
        .record({
          seq,
          id,
          x: fc.integer(),
          y: fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }).map((v) => v + 0),
        })
        .map((m) => ({ t: 'scroll' as const, ...m })),
      fc
        .record(
          { seq, id, value: text, checked: fc.boolean(), selected: fc.boolean(), masked: fc.constant(true as const) },
          { requiredKeys: ['seq', 'id'] },
        )
        .map((m) => ({ t: 'input' as const, ...m })),
      fc.record({ seq, id: fc.option(id, { nil: null }) }).map((m) => ({ t: 'focus' as const, ...m })),
      fc
        .record(
          {
            seq,
            removes: fc.array(id, { maxLength: 4 }),
            adds: fc.array(
              fc.record(
                {
                  kind: fc.constant('el' as const),
                  id,
                  parent: id,
                  next: fc.option(id, { nil: null }),
                  tag: fc.constantFrom('li', 'b', 'my-widget'),
                  attributes: fc.dictionary(fc.constantFrom('class', 'style', 'data-x'), text),
                },
                { requiredKeys: ['kind', 'id', 'parent', 'tag'] },
              ),
              { maxLength: 4 },
            ),
            attrs: fc.array(
              fc.record({
                id,
                attributes: fc.dictionary(
                  fc.constantFrom('class', 'style', 'aria-label'),
                  fc.option(text, { nil: null }),
                ),
              }),
              { maxLength: 3 },
            ),
            texts: fc.array(
              fc.record({ id, text: text, masked: fc.constant(true as const) }, { requiredKeys: ['id', 'text'] }),
              {
                maxLength: 3,
              },
            ),
            sheets: fc.array(fc.record({ id, cssRules: fc.array(text, { maxLength: 2 }) }), { maxLength: 2 }),
          },
          { requiredKeys: ['seq', 'removes', 'adds', 'attrs', 'texts'] },
        )
        .map((m) => ({ t: 'mutations' as const, ...m })),
      fc
        .record(
          { seq, focus: fc.option(id, { nil: null }), adopted: fc.array(text, { maxLength: 2 }) },
          { requiredKeys: ['seq'] },
        )
        .map((m) => ({ ...examples.snapshot, ...m })),
      fc
        .record(
          { x: fc.integer(), y: fc.integer(), click: fc.boolean(), gone: fc.boolean() },
          { requiredKeys: ['x', 'y'] },
        )
        .map((m) => ({ t: 'pointer' as const, ...m })),
      fc.constantFrom(...Object.values(examples)),
    );
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 12 }), (messages) => {
        for (const m of messages) expect(expectOk(decoder.decode(encoder.encode(m)))).toEqual(m);
      }),
      { numRuns: 200 },
    );
    expect(decoder.stats.rejected).toBe(0);
  });

  it("keeps both sides' name tables in step when an oversize message is refused", () => {
    const encoder = new MessageEncoder({ maxMessageBytes: 600 });
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const adds = (x: string, seq = 7): ChannelMessage => ({
      t: 'mutations',
      seq,
      removes: [],
      adds: [
        { kind: 'el', id: 40, parent: 3, tag: 'fresh-tag', attributes: { 'fresh-name': 'v' } },
        { kind: 'text', id: 41, parent: 40, text: x },
      ],
      attrs: [],
      texts: [],
    });
    // Incompressible enough to go over the limit after msgpack.
    const noise = Array.from({ length: 900 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('');
    expect(() => encoder.encode(adds(noise))).toThrow(ProtocolError);
    // The refused message taught the encoder nothing: the next one still spells the names out, and seq 7 is still next.
    expect(expectOk(decoder.decode(encoder.encode(adds('small'))))).toEqual(adds('small'));
    expect(expectOk(decoder.decode(encoder.encode(adds('again', 8))))).toEqual(adds('again', 8));
  });

  it('renames a __proto__ key to __proto_ instead of touching any prototype', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const attrs = JSON.parse('{"__proto__": "x", "id": "a"}') as Record<string, string>;
    const message: ChannelMessage = {
      t: 'mutations',
      seq: 0,
      removes: [],
      adds: [],
      attrs: [{ id: 1, attributes: attrs }],
      texts: [],
    };
    const decoded = expectOk(decoder.decode(encoder.encode(message)));
    expect(decoded.t === 'mutations' && decoded.attrs[0]?.attributes).toEqual({ __proto_: 'x', id: 'a' });
    expect(Object.getPrototypeOf(decoded.t === 'mutations' ? decoded.attrs[0]?.attributes : null)).toBe(
      Object.prototype,
    );
  });

  it('replaces lone surrogates with U+FFFD (UTF-8 cannot carry them)', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const message: ChannelMessage = { t: 'nav', seq: 0, url: 'https://x.example/', title: 'a\ud800b' };
    expect(expectOk(decoder.decode(encoder.encode(message)))).toEqual({ ...message, title: 'a\ufffdb' });
  });
});

// ---------------------------------------------------------------------------
// Content-Security-Policy: the customer-side bundle must not generate code.

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const codecEntry = fileURLToPath(new URL('../../shared/codec.ts', import.meta.url));
const encoderEntry = fileURLToPath(new URL('../../shared/message-encoder.ts', import.meta.url));

interface BrowserBuildOptions {
  alias: Record<string, string>;
  plugins: esbuild.Plugin[];
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
}

async function loadBrowserBuildOptions(): Promise<BrowserBuildOptions> {
  const href = pathToFileURL(`${projectRoot}scripts/esbuild-aliases.mjs`).href;
  const mod: unknown = await import(href);
  const options: unknown = typeof mod === 'object' && mod !== null ? Reflect.get(mod, 'BROWSER_BUILD_OPTIONS') : null;
  if (typeof options !== 'object' || options === null) throw new Error('BROWSER_BUILD_OPTIONS is not exported');
  const alias: unknown = Reflect.get(options, 'alias');
  const plugins: unknown = Reflect.get(options, 'plugins');
  if (!isStringRecord(alias) || !Array.isArray(plugins)) throw new Error('BROWSER_BUILD_OPTIONS has the wrong shape');
  return { alias, plugins: plugins as esbuild.Plugin[] };
}

/** One of the product's esbuild plugins, by name. */
function pluginNamed(plugins: esbuild.Plugin[], name: string): esbuild.Plugin {
  const plugin = plugins.find((p) => p.name === name);
  if (!plugin) throw new Error(`no ${name} plugin in BROWSER_BUILD_OPTIONS`);
  return plugin;
}

async function bundle(
  contents: string,
  format: 'esm' | 'iife',
  options: Partial<BrowserBuildOptions>,
): Promise<string> {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: projectRoot, sourcefile: 'csp-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format,
    write: false,
    logLevel: 'silent',
    ...options,
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('esbuild produced no output');
  return text;
}

/** Round-trips a message with many nodes of one shape (which msgpackr records would want a compiled reader for). */
const inflateEntry = fileURLToPath(new URL('../../shared/inflate-stream.ts', import.meta.url));
const roundTripProgram = `
  import { MessageDecoder } from ${JSON.stringify(codecEntry)};
  import { MessageEncoder } from ${JSON.stringify(encoderEntry)};
  import { inflateStream } from ${JSON.stringify(inflateEntry)};
  const adds = [];
  for (let i = 1; i <= 50; i++) adds.push({ kind: 'el', id: i, parent: 0, tag: 'li', attributes: { class: 'row' } });
  const message = { t: 'mutations', seq: 1, removes: [], adds, attrs: [], texts: [] };
  const encoder = new MessageEncoder();
  const decoder = new MessageDecoder({ inflater: inflateStream });
  const results = [];
  for (let i = 0; i < 5; i++) results.push(decoder.decode(encoder.encode(message)));
  globalThis.cspResult = JSON.stringify({ sent: message, results });
`;

/**
 * Runs a bundle in a fresh realm where code generation from strings is off
 * (what CSP without 'unsafe-eval' does) and where Function and eval are
 * traps that record every attempt, even attempts the library catches.
 */
function runUnderCsp(code: string): { attempts: string[]; result: string } {
  const sandbox: Record<string, unknown> = { TextEncoder, TextDecoder };
  const context = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext(
    `
    globalThis.codegenAttempts = [];
    const record = (args) => { codegenAttempts.push(String(args[args.length - 1]).slice(0, 60)); throw new EvalError('blocked by CSP'); };
    globalThis.Function = new Proxy(Function, { construct: (_t, args) => record(args), apply: (_t, _this, args) => record(args) });
    globalThis.eval = new Proxy(eval, { apply: (_t, _this, args) => record(args) });
    `,
    context,
  );
  vm.runInContext(code, context);
  const attempts: unknown = vm.runInContext('JSON.stringify(codegenAttempts)', context);
  const result: unknown = vm.runInContext('globalThis.cspResult', context);
  if (typeof attempts !== 'string' || typeof result !== 'string') throw new Error('the bundle did not run');
  const parsed: unknown = JSON.parse(attempts);
  return { attempts: Array.isArray(parsed) ? parsed.map(String) : [], result };
}

describe('decoder against hostile streams (found in review)', () => {
  it("refuses msgpackr's shared-reference extension: one object named thousands of times is fatal, not copied", () => {
    const attributes: Record<string, string> = {};
    for (let i = 0; i < 2_000; i++) attributes[`k${i}`] = '';
    const node = { kind: 'el', id: 1, parent: 0, tag: 'div', attributes: attributes };
    const message = {
      t: 'mutations',
      seq: 0,
      removes: [],
      adds: Array<typeof node>(5_000).fill(node),
      attrs: [],
      texts: [],
    };
    const packed = new Packr({ structuredClone: true }).pack(message);
    // Small on the wire, yet 10 million attribute copies once expanded.
    expect(packed.length).to.be.below(100_000);
    const result = new MessageDecoder({ inflater: inflateStream }).decode(new RawWireStream().frame(packed));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fatal).toBe(true);
  });

  it('refuses a node list over the per-message node limit before building it', () => {
    const encoder = new MessageEncoder();
    const adds = Array.from({ length: MAX_NODES_PER_LIST + 1 }, (_, i) => ({
      kind: 'text' as const,
      id: i + 1,
      parent: 0,
      text: '',
    }));
    const bytes = encoder.encode({ t: 'mutations', seq: 0, removes: [], adds, attrs: [], texts: [] });
    const result = new MessageDecoder({ inflater: inflateStream }).decode(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fatal).toBe(true);
  });

  it('keeps both name tables in step for tag and attribute names with lone surrogates', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    let seq = 0;
    let id = 10;
    const names = ['x-\uD800', 'x-\uDC00', 'b', 'x-\uDC00', 'b', 'x-\uFFFD', 'i'];
    const seen: string[] = [];
    for (const tag of names) {
      const message: ChannelMessage = {
        t: 'mutations',
        seq: seq++,
        removes: [],
        adds: [{ kind: 'el', id: id++, parent: 0, tag, attributes: { [`data-${tag}`]: '1' } }],
        attrs: [],
        texts: [],
      };
      const result = decoder.decode(encoder.encode(message));
      expect(result.ok, JSON.stringify(tag)).toBe(true);
      if (result.ok && result.message.t === 'mutations') {
        const add = result.message.adds[0];
        seen.push(add?.kind === 'el' ? `${add.tag} ${Object.keys(add.attributes ?? {}).join()}` : '?');
      }
    }
    const delivered = (name: string): string => name.replace(/[\uD800-\uDFFF]/g, '\uFFFD');
    expect(seen).toEqual(names.map((name) => `${delivered(name)} data-${delivered(name)}`));
  });
});

describe('codec under a strict Content-Security-Policy', () => {
  it('bundles codec, framing and sequence for the browser with no eval or new Function in the output', async () => {
    const options = await loadBrowserBuildOptions();
    const sharedModules = ['codec', 'framing', 'sequence'].map((name) =>
      fileURLToPath(new URL(`../../shared/${name}.ts`, import.meta.url)),
    );
    const entry = sharedModules.map((path) => `export * from ${JSON.stringify(path)};`).join('\n');
    const text = await bundle(entry, 'esm', options);
    expect(text).toContain('ChannelSender');
    expect(text).toContain('MessageDecoder');
    expect(text).not.toMatch(/new Function\b/);
    expect(text).not.toMatch(/\beval\(/);
  });

  it('encodes and decodes in a realm that forbids code generation, without even trying it', async () => {
    const options = await loadBrowserBuildOptions();
    const { attempts, result } = runUnderCsp(await bundle(roundTripProgram, 'iife', options));
    expect(attempts).toEqual([]);
    const { sent, results } = JSON.parse(result) as { sent: unknown; results: unknown[] };
    expect(results).toHaveLength(5);
    for (const decoded of results) expect(decoded).toEqual({ ok: true, message: sent });
  });

  it('never reaches msgpackr records, which generate code without the no-eval plugin; zod/mini never does (control)', async () => {
    const { alias, plugins } = await loadBrowserBuildOptions();
    const zodOnly = [pluginNamed(plugins, 'zod-jitless')];
    // The codec sends positional arrays without msgpack records, so even a bundle without the plugin stays clean.
    for (const [name, options] of [
      ['neither', {}],
      ['alias only', { alias }],
    ] as const) {
      const { attempts, result } = runUnderCsp(await bundle(roundTripProgram, 'iife', options));
      expect(attempts, name).toEqual([]);
      const { results } = JSON.parse(result) as { results: { ok: boolean }[] };
      expect(
        results.every((r) => r.ok),
        name,
      ).toBe(true);
    }
    // The plugin is the safeguard against a hostile peer's records: msgpackr compiles their readers unless blocked.
    const recordsProgram = `
      import { Packr, Unpackr } from 'msgpackr';
      const packr = new Packr({ useRecords: true });
      const unpackr = new Unpackr({ useRecords: true });
      const rows = [];
      for (let i = 0; i < 50; i++) rows.push({ k: 'el', id: i, tag: 'li' });
      const results = [];
      for (let i = 0; i < 5; i++) results.push({ ok: JSON.stringify(unpackr.unpack(packr.pack(rows))) === JSON.stringify(rows) });
      globalThis.cspResult = JSON.stringify({ results });
    `;
    const variants: [string, Partial<BrowserBuildOptions>, 'generates' | 'clean'][] = [
      ['records, neither', {}, 'generates'],
      ['records, the zod plugin only', { plugins: zodOnly }, 'generates'],
      ['records, alias without the plugin', { alias }, 'generates'],
      ['records, the product options', { alias, plugins }, 'clean'],
    ];
    for (const [name, options, expected] of variants) {
      const { attempts, result } = runUnderCsp(await bundle(recordsProgram, 'iife', options));
      if (expected === 'generates') expect(attempts.length, name).toBeGreaterThan(0);
      else expect(attempts, name).toEqual([]);
      // msgpackr falls back when refused, so decoding still works; the CSP report is what we avoid.
      const { results } = JSON.parse(result) as { results: { ok: boolean }[] };
      expect(
        results.every((r) => r.ok),
        name,
      ).toBe(true);
    }
  });

  it('the zod-jitless plugin keeps classic zod from probing for eval, should it ever reach a browser bundle (control)', async () => {
    const zodOnly = [pluginNamed((await loadBrowserBuildOptions()).plugins, 'zod-jitless')];
    const program = `
      import * as z from 'zod';
      const schema = z.object({ a: z.number(), b: z.string() });
      globalThis.cspResult = JSON.stringify({ results: [schema.safeParse({ a: 1, b: 'x' })] });
    `;
    expect(runUnderCsp(await bundle(program, 'iife', {})).attempts.length).toBeGreaterThan(0);
    const { attempts, result } = runUnderCsp(await bundle(program, 'iife', { plugins: zodOnly }));
    expect(attempts).toEqual([]);
    expect(JSON.parse(result)).toEqual({ results: [{ success: true, data: { a: 1, b: 'x' } }] });
  });

  it('keeps classic zod and its locales out of the browser bundle (they triple its zod weight)', async () => {
    const options = await loadBrowserBuildOptions();
    const result = await esbuild.build({
      stdin: {
        contents: `export * from ${JSON.stringify(codecEntry)};`,
        resolveDir: projectRoot,
        sourcefile: 'size-entry.ts',
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      ...options,
    });
    // Output inputs, not metafile.inputs: esbuild lists every file it visited, tree-shaken or not.
    const emitted = Object.values(result.metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
    );
    const zodInputs = emitted.filter((path) => path.includes('node_modules/zod/'));
    expect(zodInputs.some((path) => path.includes('/v4/mini/'))).toBe(true);
    expect(zodInputs.filter((path) => /\/v4\/(classic|locales)\//.test(path))).toEqual([]);
  });
});
