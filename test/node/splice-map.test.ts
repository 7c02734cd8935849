/**
 * Carrying the agent's splice positions onto a field the customer's page
 * reformats (client/session/splice-map.ts). The oracle is the formatter
 * itself: whatever digits the agent's keys make, applying each key's splice
 * through the map to the page's formatted value, then letting the page
 * format it again, must give the page's formatting of those digits (what a
 * person typing into the page gets). Control: applying the agent's
 * positions unmapped (the old behaviour) breaks that.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignPositions, mapPosition } from '../../client/session/splice-map.js';

/** A page's phone formatter: (555) 123-4567. */
function formatPhone(value: string): string {
  const d = value.replace(/[^0-9]/g, '').slice(0, 10);
  if (d.length < 4) return d;
  if (d.length < 7) return `(${d.slice(0, 3)}) ${d.slice(3)}`;
  return `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
}
/** Groups of four, as card-like and IBAN fields format (not a masked field here: a reference number). */
function formatGroups(value: string): string {
  return (
    value
      .replace(/[^0-9A-Za-z]/g, '')
      .toUpperCase()
      .match(/.{1,4}/g) ?? []
  ).join(' ');
}

/** A price field that shows its currency first (letters the agent never typed). */
function formatUsd(value: string): string {
  const d = value.replace(/^USD ?/, '').replace(/[^0-9]/g, '');
  return d === '' ? '' : `USD ${d}`;
}
/** A phone field with the country code first (a digit the agent never typed). */
function formatPlusOne(value: string): string {
  const d = value.replace(/^\+1 ?/, '').replace(/[^0-9]/g, '');
  return d === '' ? '' : `+1 ${d}`;
}

type Key = { kind: 'char'; char: string } | { kind: 'backspace' } | { kind: 'left' } | { kind: 'right' };

const key: fc.Arbitrary<Key> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'0123456789').map((char): Key => ({ kind: 'char', char })) },
  { weight: 1, arbitrary: fc.constant<Key>({ kind: 'backspace' }) },
  { weight: 1, arbitrary: fc.constant<Key>({ kind: 'left' }) },
  { weight: 1, arbitrary: fc.constant<Key>({ kind: 'right' }) },
);

/** The agent's copy (never reformatted while typing) and the customer's field, key by key; `mapped` false: the old code. */
function replay(
  keys: readonly Key[],
  format: (v: string) => string,
  mapped = true,
): { agent: string; customer: string } {
  let agent = '';
  let caret = 0;
  let customer = '';
  for (const k of keys) {
    let at = caret;
    let del = 0;
    let insert = '';
    if (k.kind === 'char') insert = k.char;
    else if (k.kind === 'backspace') {
      if (caret === 0) continue;
      at = caret - 1;
      del = 1;
    } else {
      caret = Math.max(0, Math.min(agent.length, caret + (k.kind === 'left' ? -1 : 1)));
      continue;
    }
    const from = mapped ? mapPosition(agent, customer, at) : Math.min(at, customer.length);
    const to = mapped ? mapPosition(agent, customer, at + del) : Math.min(at + del, customer.length);
    customer = format(customer.slice(0, from) + insert + customer.slice(Math.max(from, to)));
    agent = agent.slice(0, at) + insert + agent.slice(at + del);
    caret = at + insert.length;
  }
  return { agent, customer };
}

describe('splice map: the agent’s positions on a field the page reformats', () => {
  it('is the identity when the texts agree', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(50), (text, p) => {
        expect(mapPosition(text, text, Math.min(p, text.length))).toBe(Math.min(p, text.length));
      }),
    );
  });

  it('maps each character onto the same character of the formatted text, and the end onto its end', () => {
    const map = alignPositions('5551234', '(555) 123-4');
    expect(map).toEqual([1, 2, 3, 6, 7, 8, 10, 11]);
    expect(mapPosition('55', '55', 2)).toBe(2);
    // A • in the agent's copy stands for a digit the customer's masking hid.
    expect(mapPosition('ab••c', 'AB-12-C', 4)).toBe(6);
  });

  it('any keys (digits, Backspace, arrows) into a phone or grouped field give what the page makes of the typed text', () => {
    for (const format of [formatPhone, formatGroups, formatUsd, formatPlusOne]) {
      fc.assert(
        fc.property(fc.array(key, { maxLength: 30 }), (keys) => {
          const { agent, customer } = replay(keys, format);
          expect(customer).toBe(format(agent));
        }),
        { numRuns: 300 },
      );
    }
  });

  it('a prefix of letters or digits the page adds is skipped, not matched (found in review: USD 4321, +1 2345671515)', () => {
    const digits: Key[] = [...'2345671515'].map((char) => ({ kind: 'char', char }));
    expect(replay(digits, formatUsd).customer).toBe('USD 2345671515');
    expect(replay(digits, formatPlusOne).customer).toBe('+1 2345671515');
    expect(mapPosition('15', '+1 15', 1)).toBe(4);
  });

  it('control: the agent’s positions unmapped scramble the digits', () => {
    const keys: Key[] = [...'5551234567'].map((char) => ({ kind: 'char', char }));
    expect(replay(keys, formatPhone).customer).toBe('(555) 123-4567');
    expect(replay(keys, formatPhone, false).customer).not.toBe('(555) 123-4567');
  });
});
