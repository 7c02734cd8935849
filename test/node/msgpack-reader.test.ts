/**
 * shared/msgpack-reader.ts against msgpackr itself, the oracle: the pure
 * JavaScript Unpackr the agent's browser runs ('msgpackr/unpack', without
 * Node's native string extractor), with the options the codec used before,
 * and, as in the agent's bundle, a TextDecoder that keeps a leading byte
 * order mark (the bundle patches msgpackr's; here the global is swapped
 * while msgpackr loads).
 * For valid bytes (from our writer and from msgpackr's own packer) the same
 * values; for any bytes at all (random, mutated, truncated, hostile) either
 * the same value as msgpackr or a MsgpackReadError, never another exception
 * and never a value msgpackr would not give. Controls show the oracle
 * distinguishes the cases the reader is careful about.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, MsgpackReadError, readMsgpack } from '../../shared/msgpack-reader.js';
import { MsgpackWriter } from '../../shared/msgpack-writer.js';

// msgpackr creates its TextDecoder when its module is evaluated: this file imports it only after the swap.
const NativeTextDecoder = globalThis.TextDecoder;
globalThis.TextDecoder = class BomKeepingDecoder extends NativeTextDecoder {
  constructor(label?: string, options?: TextDecoderOptions) {
    super(label, { ...options, ignoreBOM: true });
  }
};
const { Packr } = await import('msgpackr/pack');
const { Unpackr } = await import('msgpackr/unpack');
globalThis.TextDecoder = NativeTextDecoder;

const oracle = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number', structuredClone: false });
const writer = new MsgpackWriter();

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function outcome(read: () => unknown): Outcome {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The reader's promise for any bytes: msgpackr's value, or a MsgpackReadError. Returns whether it read a value. */
function agreesWithMsgpackr(bytes: Uint8Array): boolean {
  const ours = outcome(() => readMsgpack(bytes));
  if (!ours.ok) {
    expect(ours.error, String(ours.error)).toBeInstanceOf(MsgpackReadError);
    return false;
  }
  // msgpackr reads a copy: it caches a DataView on the array it is given.
  const theirs = outcome(() => oracle.unpack(bytes.slice()));
  expect(theirs.ok, `msgpackr refused what we read: ${hex(bytes)}`).toBe(true);
  if (theirs.ok) expect(ours.value).toStrictEqual(theirs.value);
  return true;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

const strings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.integer({ min: 0xd700, max: 0xe000 }), { maxLength: 20 }).map((units) => String.fromCharCode(...units)),
  fc.constantFrom(0, 31, 32, 63, 64, 65, 255, 256, 65_536).map((n) => 'x'.repeat(n)),
  fc.constantFrom(21, 22, 32, 33).map((n) => '\uFEFF' + 'é'.repeat(n)),
);
const numbers = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }),
  fc.constantFrom(0, -0, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 0x100000000, -0x21, -0x81, -0x8001),
  fc.constantFrom(NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, 2 ** 64 - 1, -(2 ** 63), Number.MIN_VALUE),
);
const scalars = fc.oneof(
  numbers,
  strings,
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 300 }),
);
/** What the protocol's messages are made of (no Dates, Sets or Maps: the reader refuses their extensions). */
const { value: values } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalars,
    fc.array(tie('value'), { maxLength: 20 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constant('__proto__')), tie('value'), { maxKeys: 20 }),
  ),
}));

const packr = new Packr({ useRecords: false });
/** Valid bytes, then a few random edits: flips, truncation, insertion. */
const mutated = fc
  .tuple(
    values.map((value) => writer.pack(value)),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert')), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([bytes, edits]) => {
    let out = Array.from(bytes);
    for (const [where, byte, kind] of edits) {
      const at = out.length === 0 ? 0 : where % out.length;
      if (kind === 'set') out[at] = byte;
      else if (kind === 'cut') out = out.slice(0, at);
      else out.splice(at, 0, byte);
    }
    return Uint8Array.from(out);
  });

describe('readMsgpack reads what msgpackr reads', () => {
  it('every value our writer packs: the same value as msgpackr', () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(agreesWithMsgpackr(writer.pack(value))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("every value msgpackr's own packer packs (other integer and float forms): the same value", () => {
    const float32 = new Packr({ useRecords: false, useFloat32: 1 });
    fc.assert(
      fc.property(values, (value) => {
        expect(agreesWithMsgpackr(packr.pack(value))).toBe(true);
        expect(agreesWithMsgpackr(float32.pack(value))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('random and mutated bytes: the same value as msgpackr or a MsgpackReadError, nothing else', () => {
    let read = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), (bytes) => {
        runs++;
        if (agreesWithMsgpackr(bytes)) read++;
      }),
      { numRuns: 5000 },
    );
    // Both outcomes happen often enough for the property to mean something.
    expect(read).toBeGreaterThan(runs / 20);
    expect(runs - read).toBeGreaterThan(runs / 20);
    // A few seconds on an idle core, about 30 s with both cores loaded (the default 20 s timed out in a full run).
  }, 120_000);

  it('strings of any bytes around the 64-byte line where msgpackr switches decoders: the same text', () => {
    const headed = fc.uint8Array({ minLength: 0, maxLength: 80 }).map((body) => {
      const head = body.length < 32 ? [0xa0 | body.length] : [0xd9, body.length];
      return Uint8Array.from([...head, ...body]);
    });
    const withBom = fc
      .integer({ min: 0, max: 80 })
      .map((n) => Uint8Array.from([0xd9, n + 3, 0xef, 0xbb, 0xbf, ...new Array<number>(n).fill(0x61)]));
    fc.assert(
      fc.property(fc.oneof(headed, withBom), (bytes) => {
        expect(agreesWithMsgpackr(bytes)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('a leading byte order mark is kept on both sides of the 64-byte line; a plain TextDecoder drops it (control)', () => {
    const bomString = (n: number): Uint8Array =>
      Uint8Array.from([0xd9, n, 0xef, 0xbb, 0xbf, ...new Array<number>(n - 3).fill(0x61)]);
    for (const n of [64, 65, 200]) {
      expect(oracle.unpack(bomString(n))).toBe('\uFEFF' + 'a'.repeat(n - 3));
      expect(readMsgpack(bomString(n))).toBe('\uFEFF' + 'a'.repeat(n - 3));
    }
    // Control: msgpackr's unpatched decoder (a TextDecoder with its defaults) would give the string without it.
    expect(new TextDecoder().decode(bomString(65).subarray(2))).toBe('a'.repeat(62));
    // And the comparison sees a difference as small as a map against an object.
    const mapsOracle = new Unpackr({ useRecords: false, mapsAsObjects: false });
    expect(() =>
      expect(readMsgpack(writer.pack({ a: 1 }))).toStrictEqual(mapsOracle.unpack(writer.pack({ a: 1 }))),
    ).toThrow();
  });
});

describe('readMsgpack refuses, clearly, what the protocol never sends', () => {
  const refuses = (bytes: Uint8Array | number[], message: RegExp): void => {
    const input = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
    expect(() => readMsgpack(input)).toThrow(MsgpackReadError);
    expect(() => readMsgpack(input)).toThrow(message);
  };

  it('every extension but undefined: dates, sets, errors, records, shared references', () => {
    expect(readMsgpack(Uint8Array.from([0xd4, 0x00, 0x00]))).toBeUndefined();
    refuses(packr.pack(new Date(0)), /Extension type 255/);
    refuses(new Packr({ useRecords: false, structuredClone: true }).pack([new Set([1])]), /Extension type/);
    refuses(new Packr({ useRecords: false, moreTypes: true }).pack(new Error('x')), /Extension type 101/);
    refuses(new Packr({ useRecords: true }).pack([{ a: 1 }, { a: 2 }]), /Extension type 114/);
    const shared = { big: 'x'.repeat(100) };
    refuses(new Packr({ structuredClone: true }).pack([shared, shared]), /Extension type/);
  });

  it('nesting deeper than MAX_DEPTH, before the stack runs out', () => {
    const deep = new Uint8Array(200_000).fill(0x91);
    refuses(deep, new RegExp(`deeper than ${MAX_DEPTH}`));
    expect(readMsgpack(Uint8Array.from([...new Array<number>(MAX_DEPTH).fill(0x91), 0x01]))).toBeDefined();
  });

  it('lengths the bytes cannot hold, without allocating them', () => {
    refuses([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01], /array of 4294967295 items/);
    refuses([0xdf, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01], /map of 4294967295 entries/);
    refuses([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61], /ends inside a value/);
    refuses([0xc6, 0x00, 0x00, 0x01, 0x00], /ends inside a value/);
  });

  it('every cut of a valid message, bytes after the value, the unused 0xc1 and keys that are not names', () => {
    const whole = writer.pack({ t: 'pointer', x: 0.25, y: [1, 'two', { z: null }] });
    for (let cut = 0; cut < whole.length; cut++) refuses(whole.subarray(0, cut), /ends inside a value| in \d+ bytes/);
    refuses([...whole, 0xc0], /1 bytes after the value/);
    refuses([0xc1], /0xc1/);
    refuses([0x81, 0x90, 0x01], /map key of type object/);
    refuses([0x81, 0xc4, 0x00, 0x01], /map key of type object/);
  });

  it('a __proto__ key becomes __proto_ and sets no prototype; nil and number keys become names, as in msgpackr', () => {
    const value = readMsgpack(
      Uint8Array.from([0x83, 0xa9, ...Buffer.from('__proto__'), 0x81, 0xa1, 0x78, 0x01, 0xc0, 0x02, 0x07, 0x03]),
    );
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value).toStrictEqual({ __proto_: { x: 1 }, null: 2, 7: 3 });
    expect(agreesWithMsgpackr(Uint8Array.from([0x81, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x01]))).toBe(true);
  });
});
