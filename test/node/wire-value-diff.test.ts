/**
 * Input values and text changes travel as splices of the node's last sent
 * value (shared/wire-value-diff.ts): random editing sessions (typing,
 * deleting, pasting, replacing, masking, astral characters, several fields
 * at once) must decode to exactly what was encoded, and a keystroke in a long
 * text must put only that keystroke on the wire.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Packr, Unpackr } from 'msgpackr';
import { MessageDecoder, MessagePacker } from '../../shared/codec.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { MAX_VALUE_BASES } from '../../shared/wire-names.js';

/** What UTF-8 makes of a string: each lone surrogate becomes U+FFFD. */
function utf8(text: string): string {
  return new TextDecoder().decode(new TextEncoder().encode(text));
}

const chunk = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', '4', '😀', '𝔸', 'é', '\uD83D', '\uDE00'),
  maxLength: 12,
});
/** One edit of a field's text: insert, delete or replace at a position, or a whole new text. */
const edit = fc.record({
  node: fc.integer({ min: 1, max: 4 }),
  at: fc.nat(),
  remove: fc.nat(6),
  insert: chunk,
  whole: fc.option(fc.string({ maxLength: 40 }), { freq: 8 }),
  masked: fc.boolean(),
  input: fc.boolean(),
});

function encodeAll(messages: ChannelMessage[]): void {
  const encoder = new MessageEncoder();
  const decoder = new MessageDecoder({ inflater: inflateStream });
  for (const message of messages) {
    const result = decoder.decode(encoder.encode(message));
    const expected = JSON.parse(JSON.stringify(message, (_k, v: unknown) => (typeof v === 'string' ? utf8(v) : v)));
    expect(result).toEqual({ ok: true, message: expected });
  }
}

describe('input values and texts on the wire', () => {
  it('decode to exactly what was encoded over any editing session', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 40 }), fc.string({ maxLength: 30 }), (edits, start) => {
        const texts = new Map<number, string>();
        const messages: ChannelMessage[] = edits.map((e, seq) => {
          const before = texts.get(e.node) ?? start;
          const at = e.at % (before.length + 1);
          const after = e.whole ?? before.slice(0, at) + e.insert + before.slice(at + e.remove);
          texts.set(e.node, after);
          if (e.input)
            return { t: 'input', seq, id: e.node, value: after, ...(e.masked ? { masked: true as const } : {}) };
          return {
            t: 'mutations',
            seq,
            removes: [],
            adds: [],
            attrs: [],
            texts: [{ id: e.node, text: after, ...(e.masked ? { masked: true as const } : {}) }],
          };
        });
        encodeAll(messages);
      }),
      { numRuns: 300 },
    );
  });

  it('stay in step after the tables forget nodes, and for values too long to remember', () => {
    const messages: ChannelMessage[] = [];
    let seq = 0;
    const input = (id: number, value: string): void => void messages.push({ t: 'input', seq: seq++, id, value });
    input(1, 'hello there, customer');
    for (let id = 100; id < 100 + MAX_VALUE_BASES + 5; id++) input(id, `value number ${id} typed`);
    input(1, 'hello there, customers');
    input(100 + MAX_VALUE_BASES + 4, 'value number typed, changed');
    const long = 'x'.repeat(70_000);
    input(2, long);
    input(2, `${long}y`);
    input(2, 'short again, and typed');
    input(2, 'short again, and typed!');
    encodeAll(messages);
  });

  it('put only the keystroke on the wire when a long text grows by one character', () => {
    const packer = new MessagePacker();
    const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
    const text = 'Dear support, '.repeat(3_000);
    const sent = (value: string, seq: number): unknown =>
      unpackr.unpack(packer.pack({ t: 'input', seq, id: 7, value }));
    // Control: the first value has nothing to splice and goes whole.
    expect(JSON.stringify(sent(text, 0)).length).toBeGreaterThan(text.length);
    expect(sent(`${text}I`, 1)).toEqual([3, 1, 0, 7, [text.length, 'I', 0]]);
    const middle = text.length / 2;
    expect(sent(`${text.slice(0, middle)}!${text.slice(middle)}I`, 2)).toEqual([
      3,
      1,
      0,
      7,
      [middle, '!', text.length - middle + 1],
    ]);
  });

  it('refuse a splice the encoder cannot have sent (fatal)', () => {
    const packr = new Packr({ useRecords: false });
    // Input frames: [3, mask, seq delta, id, value]; mask bit 0 is `value`.
    const frame = (value: unknown): Uint8Array => packr.pack([3, 1, 0, 5, value]);
    const decoder = new MessageDecoder();
    const noBase = decoder.decode(frame([0, 'x', 0]));
    expect(noBase.ok === false && noBase.fatal && noBase.error.code).toBe('DECODE_FAILED');
    const withBase = (splice: unknown): boolean => {
      const d = new MessageDecoder();
      expect(d.decode(frame('0123456789')).ok).toBe(true);
      return d.decode(frame(splice)).ok;
    };
    expect(withBase([4, 'ab', 3])).toBe(true); // control
    expect(withBase([4, 'ab', 7])).toBe(false);
    expect(withBase([-1, 'ab', 3])).toBe(false);
    expect(withBase([4, 5, 3])).toBe(false);
    expect(withBase([4, 'ab'])).toBe(false);
    expect(withBase([4, 'ab', 3, 1])).toBe(false);
  });
});
