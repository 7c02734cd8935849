/**
 * Style attribute changes travel as differences from the element's last sent
 * style (shared/wire-style-diff.ts): the decoded messages must be exactly
 * the ones encoded, whatever the sequence of changes, refusals and table
 * evictions, and the wire must carry only what changed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Packr, Unpackr } from 'msgpackr';
import { MessageDecoder, MessagePacker } from '../../shared/codec.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import { ProtocolError } from '../../shared/errors.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { MAX_STYLE_BASES, MAX_STYLE_BASE_LENGTH } from '../../shared/wire-style-diff.js';

type Attrs = Record<string, string | null>;

function mutation(seq: number, attrs: Array<{ id: number; attributes: Attrs }>): ChannelMessage {
  return { t: 'mutations', seq, removes: [], adds: [], attrs, texts: [] };
}

/** Declarations as pages and CSSOM write them, with odd spacing, empty ones and `;` inside values. */
const declaration = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('width', 'height', 'color', 'transform', 'opacity', '--x', 'background', 'margin'),
      fc.constantFrom(':', ': ', ' :  ', ':\t'),
      fc.oneof(
        fc.nat(500).map((n) => `${n}px`),
        fc.nat(200).map((n) => `translateX(${n}px) rotate(${n % 7}deg)`),
        fc.constantFrom('red', 'url("a;b.png")', 'url(data:image/png;base64,AAAA)', '"x; y"', '0.5', ''),
        // Astral characters next to each other: a splice must not cut a surrogate pair.
        fc.string({ unit: fc.constantFrom('😀', '😁', '𝔸', 'é', 'a'), maxLength: 6 }).map((t) => `"${t}"`),
      ),
    )
    .map(([name, colon, value]) => `${name}${colon}${value}`),
  fc.string({ maxLength: 12 }),
);
const styleValue = fc.oneof(
  fc
    .tuple(fc.array(declaration, { maxLength: 8 }), fc.constantFrom(';', '; ', ';\n  ', ' ; '), fc.boolean())
    .map(([decls, sep, trailing]) => decls.join(sep) + (trailing ? sep : '')),
  fc.constant(null),
);
const change = fc.record({ id: fc.integer({ min: 1, max: 5 }), value: styleValue, other: fc.boolean() });

/** What UTF-8 makes of a string: each lone surrogate becomes U+FFFD. */
function utf8(text: string): string {
  return new TextDecoder().decode(new TextEncoder().encode(text));
}

/** Every string of a decoded-msgpack value (the oracle reads the wire itself, not the codec's decoding). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) strings(item, out);
  return out;
}

describe('style differences on the wire', () => {
  it('decode to exactly the messages encoded, through the deflate stream', () => {
    fc.assert(
      fc.property(fc.array(fc.array(change, { minLength: 1, maxLength: 4 }), { maxLength: 30 }), (frames) => {
        const encoder = new MessageEncoder();
        const decoder = new MessageDecoder({ inflater: inflateStream });
        frames.forEach((frame, seq) => {
          const message = mutation(
            seq,
            frame.map((c): { id: number; attributes: Attrs } => ({
              id: c.id,
              attributes: c.other ? { style: c.value, class: 'x' } : { style: c.value },
            })),
          );
          const result = decoder.decode(encoder.encode(message));
          expect(result).toEqual({ ok: true, message });
        });
      }),
      { numRuns: 200 },
    );
  });

  it('deliver lone surrogates as U+FFFD, as whole values do, and stay in step', () => {
    const halves = fc.string({
      unit: fc.constantFrom('\uD83D', '\uDE00', '\uDE01', 'a', ';', ':', ' '),
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 2 }), halves), { maxLength: 12 }), (changes) => {
        const encoder = new MessageEncoder();
        const decoder = new MessageDecoder({ inflater: inflateStream });
        changes.forEach(([id, value], seq) => {
          const result = decoder.decode(encoder.encode(mutation(seq, [{ id, attributes: { style: `a: ${value}` } }])));
          expect(result).toEqual({
            ok: true,
            message: mutation(seq, [{ id, attributes: { style: utf8(`a: ${value}`) } }]),
          });
        });
      }),
      { numRuns: 300 },
    );
  });

  it('stay in step when a message is refused as too large, and after the table forgets elements', () => {
    const encoder = new MessageEncoder({ maxMessageBytes: 20_000 });
    const decoder = new MessageDecoder({ inflater: inflateStream });
    let seq = 0;
    const send = (attrs: Array<{ id: number; attributes: Attrs }>): void => {
      const message = mutation(seq, attrs);
      expect(decoder.decode(encoder.encode(message))).toEqual({ ok: true, message });
      seq++;
    };
    send([{ id: 1, attributes: { style: 'width: 1px; height: 2px;' } }]);
    // Refused: its base change must not count on either side.
    expect(() =>
      encoder.encode(
        mutation(seq, [
          { id: 1, attributes: { style: 'width: 9px; height: 2px;' } },
          { id: 2, attributes: { title: 'x'.repeat(25_000) } },
        ]),
      ),
    ).toThrow(ProtocolError);
    send([{ id: 1, attributes: { style: 'width: 3px; height: 2px;' } }]);
    // More elements than the table holds: the oldest are forgotten on both ends alike.
    for (let id = 10; id < 10 + MAX_STYLE_BASES + 20; id++)
      send([{ id, attributes: { style: `left: ${id}px; top: 0;` } }]);
    send([{ id: 1, attributes: { style: 'width: 4px; height: 2px;' } }]);
    send([{ id: 10 + MAX_STYLE_BASES + 19, attributes: { style: 'left: 1px; top: 0;' } }]);
    // Too long to remember, then removed and set again.
    send([{ id: 1, attributes: { style: `width: 5px; --pad: ${'y'.repeat(MAX_STYLE_BASE_LENGTH)};` } }]);
    send([{ id: 1, attributes: { style: 'width: 6px; height: 2px;' } }]);
    send([{ id: 1, attributes: { style: null } }]);
    send([{ id: 1, attributes: { style: 'width: 6px; height: 2px;' } }]);
    send([{ id: 1, attributes: { style: 'width: 7px; height: 2px;' } }]);
  });

  it('carry only the declarations that changed', () => {
    const packer = new MessagePacker();
    const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
    const fixed = 'width: 40px; height: 40px; background: rgb(15, 118, 110); position: relative; ';
    const frame = (x: number): unknown[] =>
      strings(
        unpackr.unpack(
          packer.pack(
            mutation(x, [{ id: 13, attributes: { style: `${fixed}transform: translateX(${x}px); opacity: 0.5;` } }]),
          ),
        ),
      );
    // Control: the first change has no base and carries the whole value, so the oracle can see it.
    expect(frame(0).join('|')).toContain('background: rgb(15, 118, 110)');
    const later = frame(1);
    expect(later.join('|')).not.toContain('width');
    expect(later.join('|')).not.toContain('background');
    // Only the character that changed, spliced into the old declaration.
    expect(later).toEqual(['1']);
  });

  it('refuse a difference the encoder cannot have sent (fatal: the streams are out of step)', () => {
    const packr = new Packr({ useRecords: false });
    // [code, mask, seq delta, removes, adds (6 empty columns), attrs, texts], as wire-format.ts lays mutations out.
    const raw = (attrs: unknown[]): Uint8Array => packr.pack([2, 0, 0, [], [[], [], [], [], [], []], attrs, []]);
    const cases: unknown[][] = [
      [1, 1, 'style', [0, 'a: b;']], // no base for element 1
      [1, 1, 'class', [0]], // a difference for another attribute
    ];
    for (const attrs of cases) {
      const decoder = new MessageDecoder();
      const result = decoder.decode(raw(attrs));
      expect(result.ok === false && result.fatal && result.error.code).toBe('DECODE_FAILED');
    }
    const withBase = (ops: unknown[]): boolean => {
      const decoder = new MessageDecoder();
      expect(decoder.decode(raw([1, 1, 'style', 'a: 1; b: 2;'])).ok).toBe(true);
      const result = decoder.decode(raw([1, 1, 0, ops]));
      return result.ok;
    };
    expect(withBase([1, 1, 'c: 3;'])).toBe(true); // control: a valid difference passes
    expect(withBase([3])).toBe(false); // more leading segments than the base has
    expect(withBase([0, 2])).toBe(false); // no such segment
    expect(withBase([0, -3, 'x'])).toBe(false);
    expect(withBase([0, -1, 3, '9', 2])).toBe(true); // control: a valid splice passes
    expect(withBase([0, -1, 3, '9', 5])).toBe(false); // kept prefix and suffix overlap
    expect(withBase([0, -1, -1, '9', 0])).toBe(false);
    expect(withBase([0, -1])).toBe(false); // the splice is missing
    expect(withBase([0, -1, 5])).toBe(false);
    expect(withBase([0, 1.5])).toBe(false);
    expect(withBase(['a'])).toBe(false);
    // A small message may not build a value past the protocol's limit.
    const decoder = new MessageDecoder();
    expect(decoder.decode(raw([1, 1, 'style', `a: ${'z'.repeat(8_000)};`])).ok).toBe(true);
    const bomb = decoder.decode(raw([1, 1, 0, [0, ...new Array<number>(200).fill(0)]]));
    expect(bomb.ok === false && bomb.fatal).toBe(true);
  });
});
