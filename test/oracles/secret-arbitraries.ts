/**
 * fast-check generators for the leak hunts: card numbers (Luhn-valid, 13-19
 * digits) and SSNs written the many ways people, widgets and encoders write
 * them (separators, Unicode dashes and spaces, percent-encoding, full-width
 * and Arabic-Indic digits), and digit-free prose to put around them.
 */
import fc from 'fast-check';
import { completeLuhn } from './leak-finder.js';

/** Separators people, widgets and encoders put between digit groups. */
export const SEPARATORS = [
  ' ',
  '-',
  '.',
  '/',
  '\u2010',
  '\u2011',
  '\u2012',
  '\u2013',
  '\u2014',
  '\u2015',
  '\u2212',
  '\u00a0',
  '\u2009',
  '\u202f',
  '\u3000',
  '%20',
  '%2D',
  '_',
  '\u200b',
  // Gaps of up to three punctuation characters, whitespace aside (the leak finder's reading).
  ' -- ',
  ')(',
  '--',
  ' / - ',
  '.-.',
];

const fullWidth = (digit: string): string => String.fromCharCode(0xff10 + Number(digit));
const arabicIndic = (digit: string): string => String.fromCharCode(0x660 + Number(digit));

/** A digit string written with a random separator between groups and random digit forms. */
export const written = (digits: string, kind: 'card' | 'ssn'): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(...SEPARATORS),
      kind === 'ssn'
        ? fc.constantFrom([3, 2, 4], [9], [3, 6], [5, 4], [1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 1])
        : fc.constantFrom([4, 4, 4, 4, 4], [4, 6, 5], [19], [3, 3, 3, 3, 3, 3, 1], [2, 5, 7, 5]),
      fc.constantFrom<'ascii' | 'full' | 'arabic' | 'mixed'>('ascii', 'ascii', 'full', 'arabic', 'mixed'),
    )
    .map(([separator, sizes, form]) => {
      const shaped = digits.replace(/[0-9]/g, (d, index: number) => {
        if (form === 'full' || (form === 'mixed' && index % 3 === 0)) return fullWidth(d);
        if (form === 'arabic') return arabicIndic(d);
        return d;
      });
      const groups: string[] = [];
      let at = 0;
      for (const size of sizes) {
        if (at >= shaped.length) break;
        groups.push(shaped.slice(at, at + size));
        at += size;
      }
      if (at < shaped.length) groups.push(shaped.slice(at));
      return groups.join(separator);
    });

/** Random Luhn-valid cards of 13-19 digits. */
export const cardDigits = fc
  .integer({ min: 12, max: 18 })
  .chain((n) => fc.stringMatching(new RegExp(`^[1-9][0-9]{${n - 1}}$`)).map(completeLuhn));
/**
 * Cards with no 4-digit window twice, so each window the leak finder reads names one position
 * (tests that count the positions readable).
 */
export const cardDigitsDistinct = cardDigits.filter(
  (d) => new Set(Array.from({ length: d.length - 3 }, (_, i) => d.slice(i, i + 4))).size === d.length - 3,
);
/**
 * Whether two neighbouring groups of 4 of a card (from its start, as a card is written) are years counting by
 * one (2024, 2025): written one per line, the growth rule reads two such lines as a list of years
 * (shared/number-growth.ts counts) and lets them show, the README's limit. No card network's number starts
 * with a year, so from the front it cannot happen; from the back about one card in 250,000.
 */
export function yearLines(digits: string): boolean {
  for (let at = 0; at + 8 <= digits.length; at += 4) {
    const first = Number(digits.slice(at, at + 4));
    const second = Number(digits.slice(at + 4, at + 8));
    if (first >= 1900 && first <= 2099 && second >= 1900 && second <= 2099 && Math.abs(second - first) === 1)
      return true;
  }
  return false;
}

/** Random SSNs (no 0 in the first digit or group, so 4-digit windows rarely repeat). */
export const ssnDigits = fc.stringMatching(/^[1-8][0-9]{2}[1-9][0-9][0-9]{4}$/);

export interface Secret {
  /** The digits alone (what the leak finder looks for). */
  digits: string;
  /** As written on the page. */
  text: string;
}

/** A card or an SSN, written some way. */
export const secret: fc.Arbitrary<Secret> = fc.oneof(
  cardDigits.chain((digits) => written(digits, 'card').map((text) => ({ digits, text }))),
  ssnDigits.chain((digits) => written(digits, 'ssn').map((text) => ({ digits, text }))),
);

/** Prose around a number: letters and punctuation (no digits, so every digit the oracle finds is the secret's). */
export const prose = fc
  .array(fc.constantFrom('Card', ' ', 'is', ': ', '(', ')', ', ', '\n', 'ref', '#', 'x', '€', 'qty'), { maxLength: 6 })
  .map((parts) => parts.join(''));
/** What stands right next to a number: a space or punctuation. */
export const edge = fc.constantFrom(' ', ': ', '(', '"', '\n', '>', ' – ', '#');

/** `text` cut at the given points (taken modulo its length, deduplicated), as a page splits text over nodes. */
export function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let last = 0;
  for (const point of [...points, text.length]) {
    parts.push(text.slice(last, point));
    last = point;
  }
  return parts;
}
