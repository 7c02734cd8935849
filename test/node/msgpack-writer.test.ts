/**
 * shared/msgpack-writer.ts against msgpackr itself, the oracle: for every
 * value the same bytes as `new Packr({ useRecords: false })`, which the codec
 * used before and the agent's Unpackr reads. Properties over arbitrary
 * values (fast-check) and the edges of every length and number format; a
 * control shows the comparison fails for a packer configured otherwise.
 */
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { MsgpackWriter } from '../../shared/msgpack-writer.js';

const reference = new Packr({ useRecords: false });
const writer = new MsgpackWriter();

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function samePacking(value: unknown): void {
  expect(hex(writer.pack(value))).toBe(hex(reference.pack(value)));
}

const numbers = fc.oneof(
  fc.integer(),
  fc.integer({ min: -0x80000000, max: 0xffffffff }),
  fc.double(),
  fc.constantFrom(0, -0, 0x1f, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 0x100000000),
  fc.constantFrom(-1, -0x20, -0x21, -0x80, -0x81, -0x8000, -0x8001, -0x80000000, -0x80000001),
  fc.constantFrom(NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 1.5, Date.now()),
);
const strings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  // Lone surrogates, which UTF-8 cannot carry.
  fc.array(fc.integer({ min: 0xd700, max: 0xe000 }), { maxLength: 20 }).map((units) => String.fromCharCode(...units)),
  fc.constantFrom(0, 31, 32, 63, 64, 85, 86, 255, 256, 300).map((n) => 'x'.repeat(n)),
  // Two and three UTF-8 bytes per unit, where the header follows the bytes, not the units.
  fc.constantFrom(10, 15, 16, 21, 22, 127, 128).map((n) => 'é'.repeat(n)),
  fc.constantFrom(10, 11, 85, 86).map((n) => '€'.repeat(n)),
);
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom(255, 256).map((n) => new Uint8Array(n).fill(7)),
  fc.int16Array({ maxLength: 20 }),
  fc.float64Array({ maxLength: 5 }),
  fc.uint8Array({ minLength: 4, maxLength: 40 }).map((b) => new DataView(b.buffer, 1, b.length - 2)),
  fc.uint8Array({ maxLength: 40 }).map((b) => b.buffer),
  fc.uint8Array({ minLength: 8, maxLength: 40 }).map((b) => b.subarray(3, 7)),
);
const scalars = fc.oneof(
  numbers,
  strings,
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }),
  fc.date({ noInvalidDate: false, min: new Date(-1e14), max: new Date(1e14) }),
  bytes,
);

const { value: values } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalars,
    fc.array(tie('value'), { maxLength: 20 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 20 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 5, noNullPrototype: false }),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 17 }).map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 17 }).map((items) => new Set(items)),
  ),
}));

describe('MsgpackWriter packs as msgpackr does without records', () => {
  it('every value fast-check makes: the same bytes', () => {
    fc.assert(
      fc.property(values, (value) => samePacking(value)),
      { numRuns: 1000 },
    );
  });

  it('lengths at each header boundary: strings, arrays, maps, objects, bytes', () => {
    for (const n of [0, 15, 16, 31, 32, 255, 256, 65535, 65536]) {
      samePacking('a'.repeat(n));
      samePacking('é'.repeat(n >> 1));
      samePacking('€'.repeat(Math.ceil(n / 3)));
      samePacking(Array.from({ length: n }, (_, i) => i % 300));
      samePacking(new Map(Array.from({ length: Math.min(n, 70000) }, (_, i) => [i, i])));
      if (n <= 65535) samePacking(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])));
      samePacking(new Uint8Array(n));
    }
  });

  it('objects msgpackr treats specially: errors, regexps, toJSON, functions, subclasses, prototypes', () => {
    class Tagged extends Date {
      override toJSON(): string {
        return 'tagged';
      }
    }
    class Items extends Array<number> {}
    const withProto: Record<string, number> = Object.create({ inherited: 1 }) as Record<string, number>;
    withProto['own'] = 2;
    // With a hasOwnProperty that is no function, msgpackr writes the inherited enumerable keys too.
    const shadowed: Record<string, unknown> = Object.create({ inherited: 1 }) as Record<string, unknown>;
    shadowed['hasOwnProperty'] = 1;
    for (const value of [
      new Error('boom'),
      new TypeError('bad', { cause: 'why' }),
      new AggregateError([new Error('a')], 'many'),
      /a+b/giu,
      { toJSON: () => ({ replaced: true }) },
      () => 1,
      new Tagged(0),
      Items.from([1, 2, 3]),
      withProto,
      shadowed,
      new Date(NaN),
      new Date(1.5),
      new Date(-1),
      new Date(8.64e15),
      [undefined, null, -0, 2 ** 53],
    ])
      samePacking(value);
  });

  it('an object of more than 65,535 keys is refused, as msgpackr refuses it', () => {
    const big = Object.fromEntries(Array.from({ length: 65536 }, (_, i) => [`k${i}`, 0]));
    expect(() => reference.pack(big)).toThrow(/16-bit map size/);
    expect(() => writer.pack(big)).toThrow(/16-bit map size/);
  });

  it('control: msgpackr with records writes 64-127 otherwise, and the comparison sees it', () => {
    const withRecords = new Packr();
    expect(hex(withRecords.pack(100))).not.toBe(hex(writer.pack(100)));
    expect(hex(reference.pack(100))).toBe(hex(writer.pack(100)));
  });
});
