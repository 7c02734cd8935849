/**
 * The number rule's quick tests (shared/digit-counts.ts) give the full token
 * scan's answer: over random text dense in what the scan treats specially
 * (digits of every kind, separators, percent-escapes, UUIDs, letters), a
 * string the quick test waves through is one the scan leaves unmasked, and
 * the ASCII edge reading equals the token one. Controls: plausible but wrong
 * quick tests (ASCII digits only; a card's 13 digits as the bar) are caught
 * by the same properties, so the generator does reach the cases that matter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiEdges, mayHoldMaskedNumber } from '../../shared/digit-counts.js';
import { maskNumbers, maskNumbersByScan, tokenEdges } from '../../shared/sensitive-numbers.js';
import { secret } from '../oracles/secret-arbitraries.js';

const RUNS = Number(process.env.LEAK_HUNT_RUNS ?? 600);

/** Pieces the scan reads differently: digits (ASCII, full-width, Arabic-Indic, escaped), separators, letters, hex. */
const piece = fc.constantFrom(
  '0',
  '1',
  '7',
  '9',
  '12',
  '345',
  '\uff13',
  '\u0664',
  '%31',
  '%EF%BC%91',
  '%2D',
  '%',
  '%3',
  ' ',
  '  ',
  '-',
  '.',
  ',',
  '/',
  '\u2013',
  '\u00a0',
  '\u200b',
  '\u0301',
  'a',
  'F',
  'x',
  'é',
  '\n',
  '\u0000',
  '123e4567-e89b-12d3-a456-426614174000',
);
const text = fc.oneof(
  fc.array(piece, { maxLength: 24 }).map((parts) => parts.join('')),
  fc
    .tuple(fc.array(piece, { maxLength: 4 }), secret, fc.array(piece, { maxLength: 4 }))
    .map(([before, { text: number }, after]) => before.join('') + number + after.join('')),
  fc.string({ maxLength: 40 }),
);
const options = fc.record(
  {
    before: text,
    after: text,
    luhn: fc.boolean(),
    breakers: fc.constantFrom('', '/?#&=;,:@'),
  },
  { requiredKeys: [] },
);

type Quick = (before: string, text: string, after: string) => boolean;

/** Holds when every text `quick` waves through is one the scan leaves unmasked. */
function wavesThroughOnlyClearText(quick: Quick) {
  return fc.property(text, options, (t, o) => {
    if (quick(o.before ?? '', t, o.after ?? '')) return;
    expect(maskNumbersByScan(t, o).masked).toBe(false);
  });
}

describe('number rule quick tests: the scan’s own answer', () => {
  it('maskNumbers equals the full scan on random text and context', () => {
    fc.assert(
      fc.property(text, options, fc.boolean(), (t, o, strict) => {
        expect(maskNumbers(t, { ...o, strict })).toEqual(maskNumbersByScan(t, { ...o, strict }));
      }),
      { numRuns: RUNS },
    );
  });

  it('a text the digit count waves through is never masked by the scan', () => {
    fc.assert(wavesThroughOnlyClearText(mayHoldMaskedNumber), { numRuns: RUNS });
  });

  it('control: counting ASCII digits only, or a bar of 13, lets masked text through', () => {
    const asciiOnly: Quick = (b, t, a) => ((b + t + a).match(/[0-9]/g) ?? []).length >= 9;
    const cardBar: Quick = (b, t, a) => ((b + t + a).match(/[0-9%\u0080-\uffff]/g) ?? []).length >= 13;
    for (const wrong of [asciiOnly, cardBar]) {
      const found = fc.check(wavesThroughOnlyClearText(wrong), { numRuns: RUNS * 4 });
      expect(found.failed).toBe(true);
    }
  });

  it('the ASCII edge reading equals the token one wherever it answers', () => {
    fc.assert(
      fc.property(text, (t) => {
        const quick = asciiEdges(t);
        if (quick !== null) expect(quick).toEqual(tokenEdges(t));
      }),
      { numRuns: RUNS },
    );
  });

  it('control: an edge reading that ignores letters disagrees with the token one', () => {
    const blind = (t: string): { start: boolean; end: boolean } => {
      const any = /[0-9]/.test(t);
      return { start: any, end: any };
    };
    const found = fc.check(
      fc.property(text, (t) => {
        if (asciiEdges(t) !== null) expect(blind(t)).toEqual(tokenEdges(t));
      }),
      { numRuns: RUNS },
    );
    expect(found.failed).toBe(true);
  });
});
