/**
 * Node lists' strings on compression streams of their own (shared/stream-segments.ts,
 * shared/wire-side.ts), through the real packer, deflate streams, inflater and decoder:
 * any strings (astral characters, lone surrogates, U+0000, a leading U+FEFF) come back as
 * UTF-8 delivers them, across refused messages and resyncs; hostile bytes on any of the
 * three streams are a fatal, named error, and the pair works again after a reset.
 * The oracle for what UTF-8 delivers is written here code unit by code unit.
 */
import fc from 'fast-check';
import { Deflate, Inflate, Z_SYNC_FLUSH } from 'pako';
import { describe, expect, it } from 'vitest';
import { MessageDecoder, MessagePacker, SIDE_STREAMS_AFTER_BYTES, type DecodeResult } from '../../shared/codec.js';
import { DeflateStream } from '../../shared/deflate-stream.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import { channelMessage, type ChannelMessage, type SerializedNode } from '../../shared/protocol.js';
import { joinSegments, splitSegments } from '../../shared/stream-segments.js';
import { delivered } from '../oracles/utf8-delivered.js';

function deliveredDeep(value: unknown): unknown {
  if (typeof value === 'string') return delivered(value);
  if (Array.isArray(value)) return value.map(deliveredDeep);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [delivered(key), deliveredDeep(v)]));
  return value;
}

const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('\ufeff', '\ud800', '\udbff', '\udc00', '\udfff', '\u0000', '😀', '\u00e9') },
);
/** Short strings, and now and then one long enough for an insertion's side streams (1024 characters). */
const text = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit, maxLength: 24 }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit, minLength: 1, maxLength: 8 }).map((s) => s.repeat(Math.ceil(1100 / s.length))),
  },
);
const attributeName = fc.constantFrom('class', 'title', 'href', 'style', 'data-x', 'alt');

/** A pre-order list of elements and texts under `parent`, ids from `first`. */
function nodes(first: number, parent: number): fc.Arbitrary<SerializedNode[]> {
  const item = fc.oneof(
    fc.record({ text }).map(({ text: t }) => ({ kind: 'text' as const, text: t })),
    fc.record({ text }).map(({ text: t }) => ({ kind: 'comment' as const, text: t })),
    fc.dictionary(attributeName, text, { maxKeys: 3 }).map((attributes) => ({ kind: 'el' as const, attributes })),
  );
  return fc.array(item, { maxLength: 12 }).map((items) =>
    items.map((node, i): SerializedNode => {
      const id = first + i;
      return node.kind === 'el'
        ? { kind: 'el', id, parent, tag: 'p', attributes: node.attributes }
        : { kind: node.kind, id, parent, text: node.text };
    }),
  );
}

type Step = { do: 'send'; message: ChannelMessage } | { do: 'oversize'; message: ChannelMessage } | { do: 'resync' };

/** Above the largest list `step` makes (12 nodes x 3 values of ~1,100 UTF-16 units, at most 3 bytes each). */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** Where the side streams start: at once, after some messages (the switch, with its dictionary), or never here. */
const after = fc.oneof(fc.constant(0), fc.nat(3000), fc.constant(SIDE_STREAMS_AFTER_BYTES));

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: nodes(10, 1).map((list): Step => ({ do: 'send', message: snapshot(list) })) },
  {
    weight: 3,
    arbitrary: nodes(100, 1).map((adds): Step => ({
      do: 'send',
      message: { t: 'mutations', seq: 1, removes: [], adds, attrs: [], texts: [] },
    })),
  },
  { weight: 1, arbitrary: fc.nat(2000).map((x): Step => ({ do: 'send', message: { t: 'pointer', x, y: 1 } })) },
  // Refused before it touches a stream: its side strings must not reach the next message.
  {
    weight: 1,
    arbitrary: nodes(10, 1).map((list): Step => ({
      do: 'oversize',
      message: snapshot([...list, { kind: 'text', id: 999, parent: 1, text: 'x'.repeat(MAX_MESSAGE_BYTES) }]),
    })),
  },
  { weight: 1, arbitrary: fc.constant<Step>({ do: 'resync' }) },
);

function snapshot(list: SerializedNode[]): ChannelMessage {
  return {
    t: 'snapshot',
    seq: 0,
    part: 0,
    final: true,
    url: 'https://shop.example/',
    title: 'Shop',
    viewportWidth: 800,
    viewportHeight: 600,
    devicePixelRatio: 1,
    scrollX: 0,
    scrollY: 0,
    nodes: list,
  };
}

function expectOk(result: DecodeResult): ChannelMessage {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.message;
}

type Mode = { compress: false } | { compress: true; level: number };

/**
 * Runs `steps` through an encoder/decoder pair; `tamper` may change each message's wire bytes (a control).
 * Throws on the first message that does not come back as UTF-8 delivers it.
 */
function runSteps(
  steps: readonly Step[],
  mode: Mode,
  sideStreamsAfterBytes: number,
  tamper: (wire: Uint8Array) => Uint8Array = (w) => w,
): void {
  const encoder = new MessageEncoder({ ...mode, maxMessageBytes: MAX_MESSAGE_BYTES, sideStreamsAfterBytes });
  const decoder = new MessageDecoder({
    ...(mode.compress ? { inflater: inflateStream } : {}),
    maxMessageBytes: MAX_MESSAGE_BYTES,
  });
  for (const s of steps) {
    if (s.do === 'resync') {
      encoder.reset();
      decoder.reset();
    } else if (s.do === 'oversize') {
      expect(() => encoder.encode(s.message)).toThrow(/byte limit/);
    } else {
      const decoded = expectOk(decoder.decode(tamper(encoder.encode(s.message))));
      expect(decoded).toEqual(deliveredDeep(channelMessage.parse(s.message)));
    }
  }
}

/** The wire message with its attribute-value and text segments swapped (control). */
function swapSides(wire: Uint8Array): Uint8Array {
  const segments = splitSegments(wire);
  if (segments === null) return wire;
  const [structure, attributes, texts] = segments as [Uint8Array, Uint8Array, Uint8Array];
  return joinSegments([[structure], [texts], [attributes]]);
}

describe('side streams of strings', { timeout: 60_000 }, () => {
  for (const mode of [
    { compress: true, level: 6 },
    { compress: true, level: 9 },
    { compress: false },
  ] satisfies Mode[]) {
    it(`round-trip any strings across refusals and resyncs (${mode.compress ? `deflate level ${mode.level}` : 'uncompressed'}, property)`, () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), after, (steps, from) =>
          runSteps(steps, mode, from),
        ),
        { numRuns: 150 },
      );
    });
  }

  it('controls: the oracle fails with swapped side streams, and without the U+FFFD rule', () => {
    const mode: Mode = { compress: false };
    const swapped = fc.check(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => runSteps(steps, mode, 0, swapSides)),
      { numRuns: 150 },
    );
    expect(swapped.failed).toBe(true);
    const encoder = new MessageEncoder({ sideStreamsAfterBytes: 0 });
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const message = snapshot([{ kind: 'text', id: 2, parent: 1, text: 'a\ud800b' }]);
    const decoded = expectOk(decoder.decode(encoder.encode(message)));
    expect(decoded).not.toEqual(message);
    expect(decoded).toEqual(deliveredDeep(message));
  });

  it('keep a leading U+FEFF, as the msgpack strings beside them now do', () => {
    const encoder = new MessageEncoder({ sideStreamsAfterBytes: 0 });
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const bom = `\ufeff${'text '.repeat(20)}`;
    const part = snapshot([{ kind: 'text', id: 2, parent: 1, text: bom }]);
    expect(expectOk(decoder.decode(encoder.encode(part)))).toEqual(part);
    // The same text inline (a small insertion, a msgpack string over 64 bytes) keeps it too.
    const inline: ChannelMessage = {
      t: 'mutations',
      seq: 1,
      removes: [],
      adds: [{ kind: 'text', id: 3, parent: 1, text: bom }],
      attrs: [],
      texts: [],
    };
    const decoded = expectOk(decoder.decode(encoder.encode(inline)));
    expect(decoded.t === 'mutations' && decoded.adds[0]?.kind === 'text' && decoded.adds[0].text).toBe(bom);
  });

  it("stay on one stream for the first 8 KiB, then send node lists' strings aside", () => {
    const packer = new MessagePacker();
    const part = (id: number): ChannelMessage =>
      snapshot([{ kind: 'text', id, parent: 1, text: `Paragraph ${id} `.repeat(40) }]);
    let packedBytes = 0;
    for (let id = 2; packedBytes < 3 * SIDE_STREAMS_AFTER_BYTES; id++) {
      const bytes = packer.pack(part(id));
      expect(bytes[0] === 0xc1, `part ${id} after ${packedBytes} bytes`).toBe(packedBytes >= SIDE_STREAMS_AFTER_BYTES);
      packedBytes += bytes.length;
    }
  });

  it('start the side streams with what the structure stream carried as their dictionary (control: without it, no inflate)', () => {
    const encoder = new MessageEncoder({ sideStreamsAfterBytes: 1000 });
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const phrase = 'A sentence that the page repeats, word for word, in many places. ';
    const first = snapshot([{ kind: 'text', id: 2, parent: 1, text: phrase.repeat(20) }]);
    const second = snapshot([{ kind: 'text', id: 3, parent: 1, text: phrase.repeat(3) }]);
    const inline = encoder.encode(first);
    expect(inline[0]).not.toBe(0xc1);
    expect(expectOk(decoder.decode(inline))).toEqual(first);
    const wire = encoder.encode(second);
    expect(expectOk(decoder.decode(wire))).toEqual(second);
    // The text segment refers back into the dictionary: a fresh inflater without it cannot follow.
    const text = (splitSegments(wire) as Uint8Array[])[2] as Uint8Array;
    expect(text.length).toBeLessThan(phrase.length);
    const bare = new Inflate({ raw: true });
    const ok = bare.push(text, false) && bare.push(new Uint8Array([0, 0, 0xff, 0xff]), Z_SYNC_FLUSH);
    expect(ok && bare.err === 0).toBe(false);
  });

  it('send a snapshot part in segments and a small insertion in one piece', () => {
    const packer = new MessagePacker({ sideStreamsAfterBytes: 0 });
    const part = snapshot([
      { kind: 'el', id: 2, parent: 1, tag: 'p', attributes: { class: 'a' } },
      { kind: 'text', id: 3, parent: 2, text: 'hello' },
    ]);
    const bytes = packer.pack(part);
    expect(bytes[0]).toBe(0xc1);
    expect(new TextDecoder().decode(splitSegments(bytes)?.[2])).toBe('hello');
    const small = packer.pack({
      t: 'mutations',
      seq: 1,
      removes: [],
      adds: [{ kind: 'text', id: 4, parent: 2, text: 'world' }],
      attrs: [],
      texts: [],
    });
    expect(small[0]).not.toBe(0xc1);
  });
});

/** A fresh pair and the wire bytes of one snapshot part with attribute values and texts. */
function freshPair(): { encoder: MessageEncoder; decoder: MessageDecoder; wire: Uint8Array; message: ChannelMessage } {
  const encoder = new MessageEncoder({ sideStreamsAfterBytes: 0 });
  const decoder = new MessageDecoder({ inflater: inflateStream, maxInflatedBytes: 1024 * 1024 });
  const message = snapshot([
    { kind: 'el', id: 2, parent: 1, tag: 'a', attributes: { href: 'https://shop.example/x', class: 'link' } },
    { kind: 'text', id: 3, parent: 2, text: 'Details of the offer' },
  ]);
  return { encoder, decoder, wire: encoder.encode(message), message };
}

/** Raw deflate of `bytes` on a fresh stream, sync-flushed, the trailer left off (as a sender's first message). */
function deflated(bytes: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  const deflate = new Deflate({ raw: true });
  deflate.onData = (chunk: Uint8Array) => void chunks.push(chunk);
  deflate.push(bytes, Z_SYNC_FLUSH);
  const all = Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
  return all.subarray(0, all.length - 4);
}

type Segments = [Uint8Array, Uint8Array, Uint8Array];

/** A packed snapshot part (structure, attribute values, texts), changed by `edit`, then deflated segment by segment. */
function hostilePacked(edit: (segments: Segments) => Uint8Array[]): Uint8Array {
  const packed = new MessagePacker({ sideStreamsAfterBytes: 0 }).pack(freshPair().message);
  const segments = edit(splitSegments(packed) as Segments);
  return joinSegments(segments.map((segment) => (segment.length === 0 ? [] : [deflated(segment)])));
}

describe('hostile bytes on the side streams', () => {
  const utf8 = new TextEncoder();
  const cases: [string, () => Uint8Array, string, RegExp][] = [
    [
      'a broken attribute value stream',
      () => {
        const s = splitSegments(freshPair().wire) as Uint8Array[];
        return joinSegments([[s[0] as Uint8Array], [new Uint8Array([0xff, 0xff, 0xff])], [s[2] as Uint8Array]]);
      },
      'CORRUPT_STREAM',
      /attribute value stream/,
    ],
    [
      'a broken text stream',
      () => {
        const s = splitSegments(freshPair().wire) as Uint8Array[];
        return joinSegments([[s[0] as Uint8Array], [s[1] as Uint8Array], [new Uint8Array([0xff, 0xff])]]);
      },
      'CORRUPT_STREAM',
      /text stream/,
    ],
    [
      'a broken structure stream',
      () => {
        const s = splitSegments(freshPair().wire) as Uint8Array[];
        return joinSegments([[new Uint8Array([0xff, 0x00])], [s[1] as Uint8Array], [s[2] as Uint8Array]]);
      },
      'CORRUPT_STREAM',
      /structure stream/,
    ],
    ['a length past the end', () => new Uint8Array([0xc1, 0x7f, 0x00, 1, 2]), 'CORRUPT_STREAM', /malformed header/],
    [
      'a length of five bytes',
      () => new Uint8Array([0xc1, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00, 1]),
      'CORRUPT_STREAM',
      /malformed header/,
    ],
    ['an empty structure', () => new Uint8Array([0xc1, 0x00, 0x00, 1, 2, 3]), 'CORRUPT_STREAM', /malformed header/],
    [
      'text bytes nothing refers to',
      () => hostilePacked(([a, b, c]) => [a, b, Uint8Array.from([...c, ...utf8.encode('extra')])]),
      'DECODE_FAILED',
      /Side stream 2 has bytes nothing refers to/,
    ],
    [
      'a text reference past the end of its stream',
      () => hostilePacked(([a, b, c]) => [a, b, c.subarray(0, 3)]),
      'DECODE_FAILED',
      /runs past the end of side stream 2/,
    ],
    [
      'a side segment whose text inflates past the limit (a bomb)',
      () => hostilePacked(([a, b]) => [a, b, new Uint8Array(2 * 1024 * 1024)]),
      'INFLATED_TOO_LARGE',
      /inflates beyond/,
    ],
  ];

  for (const [what, wire, code, message] of cases) {
    it(`${what}: a fatal, named error; nothing decodes until both sides reset, then all is well`, () => {
      const { encoder, decoder, message: sample } = freshPair();
      const result = decoder.decode(wire());
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.fatal).toBe(true);
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(message);
      // The streams are out of step now: even a valid message is refused until reset.
      const next = decoder.decode(encoder.encode(sample));
      expect(next.ok).toBe(false);
      encoder.reset();
      decoder.reset();
      expect(expectOk(decoder.decode(encoder.encode(sample)))).toEqual(sample);
    });
  }

  it('a column that refers to side streams in a message without segments is fatal', () => {
    const packed = new MessagePacker({ sideStreamsAfterBytes: 0 }).pack(freshPair().message);
    const structure = (splitSegments(packed) as Uint8Array[])[0] as Uint8Array;
    const decoder = new MessageDecoder();
    const result = decoder.decode(structure);
    expect(result).toMatchObject({ ok: false, fatal: true, error: { code: 'DECODE_FAILED' } });
    expect(!result.ok && result.error.message).toMatch(/side stream the message lacks/);
  });

  it('control: the untouched message decodes on a fresh pair', () => {
    const { decoder, wire, message } = freshPair();
    expect(expectOk(decoder.decode(wire))).toEqual(message);
    const packed = new MessagePacker({ sideStreamsAfterBytes: 0 }).pack(message);
    expect(expectOk(new MessageDecoder({ inflater: inflateStream }).decode(hostilePacked((s) => s)))).toEqual(message);
    expect(expectOk(new MessageDecoder().decode(packed))).toEqual(message);
  });
});

describe('deflate streams', () => {
  it('refuse a malformed message in segments from their own packer side, and stay refused', () => {
    const stream = new DeflateStream();
    expect(() => stream.deflate(new Uint8Array([0xc1, 0x05]))).toThrow(/malformed header/);
    expect(() => stream.deflate(new Uint8Array([0x90]))).toThrow(/must be replaced/);
  });
});
