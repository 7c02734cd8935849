/**
 * shared/raw-deflater.ts drives pako's zlib functions itself instead of pako's `Deflate` wrapper: for any
 * sequence of messages (empty, tiny, several times the 16 KiB output buffer, repetitive or random), at
 * levels 6 and 9, with and without a dictionary, each sync-flushed message must come out byte for byte
 * as the wrapper's push(…, Z_SYNC_FLUSH) gives it (the oracle: pako's own wrapper, which the customer
 * no longer bundles), and pako's Inflate must give the messages back.
 */
import fc from 'fast-check';
import { Deflate, Inflate, Z_FULL_FLUSH, Z_SYNC_FLUSH } from 'pako';
import { describe, expect, it } from 'vitest';
import { RawDeflater } from '../../shared/raw-deflater.js';

const OUTPUT_BYTES = 16 * 1024;

function wrapperStream(
  level: number,
  dictionary: Uint8Array | undefined,
  flush: typeof Z_SYNC_FLUSH | typeof Z_FULL_FLUSH = Z_SYNC_FLUSH,
) {
  const deflate = new Deflate({
    raw: true,
    level,
    chunkSize: OUTPUT_BYTES,
    ...(dictionary !== undefined && dictionary.length > 0 ? { dictionary } : {}),
  });
  let chunks: Uint8Array[] = [];
  deflate.onData = (chunk: Uint8Array) => chunks.push(chunk.slice());
  return (message: Uint8Array): Uint8Array => {
    chunks = [];
    expect(deflate.push(message, flush)).toBe(true);
    return Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
  };
}

const message = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 20_000, maxLength: 60_000 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 3_000 }))
      .map(([unit, times]) => Uint8Array.from({ length: unit.length * times }, (_, i) => unit[i % unit.length] ?? 0)),
  },
);
const stream = fc.record({
  level: fc.constantFrom(6, 9),
  dictionary: fc.option(fc.uint8Array({ minLength: 1, maxLength: 40_000 }), { nil: undefined }),
  messages: fc.array(message, { minLength: 1, maxLength: 8 }),
});

describe('RawDeflater', () => {
  it("gives pako's Deflate wrapper's bytes, message by message", () => {
    fc.assert(
      fc.property(stream, ({ level, dictionary, messages }) => {
        const ours = new RawDeflater(level, OUTPUT_BYTES, dictionary);
        const theirs = wrapperStream(level, dictionary);
        const inflate = new Inflate({ raw: true, ...(dictionary === undefined ? {} : { dictionary }) });
        let inflated: Uint8Array[] = [];
        inflate.onData = (chunk: Uint8Array) => inflated.push(chunk.slice());
        for (const bytes of messages) {
          const out = ours.flush(bytes);
          expect(out).not.toBeNull();
          expect(Buffer.from(out ?? []).equals(Buffer.from(theirs(bytes)))).toBe(true);
          inflated = [];
          inflate.push(out ?? new Uint8Array(0), Z_SYNC_FLUSH);
          expect(Buffer.concat(inflated).equals(Buffer.from(bytes))).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('control: the comparison tells a different flush apart', () => {
    const bytes = new TextEncoder().encode('hello hello hello '.repeat(50));
    const ours = new RawDeflater(6, OUTPUT_BYTES);
    const theirs = wrapperStream(6, undefined, Z_FULL_FLUSH);
    ours.flush(bytes);
    theirs(bytes);
    // After a full flush the wrapper's stream may not refer back to the first message; ours may.
    expect(Buffer.from(ours.flush(bytes) ?? []).equals(Buffer.from(theirs(bytes)))).toBe(false);
  });
});
