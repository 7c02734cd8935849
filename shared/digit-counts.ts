/**
 * Quick tests that spare the number rule (sensitive-numbers.ts) its token
 * scan on the text it cannot change: most strings of a page hold a few
 * digits at most (prices, dates, counts), and most are plain ASCII. Each
 * gives the scan's own answer (test/node/sensitive-numbers-quick.test.ts
 * compares them over random text).
 */

/** Digits of an SSN, the fewest the rule masks (a card has 13 or more). */
export const NATIONAL_ID_DIGITS = 9;

/**
 * Whether `before + text + after` may hold a number the (non-strict) rule
 * masks. Every digit token starts at an ASCII digit, a `%` (an escape) or a
 * character above U+007F (any other decimal digit), so with fewer than 9
 * such characters there are fewer than 9 digits: no SSN (9) and no card (13).
 * Counts without scanning, so it is cheap enough for every string sent.
 */
export function mayHoldMaskedNumber(before: string, text: string, after: string): boolean {
  const left = digitStarts(after, digitStarts(before, digitStarts(text, NATIONAL_ID_DIGITS)));
  return left === 0;
}

/** `left` less the characters of `text` where a digit token may start, stopping at 0. */
export function digitStarts(text: string, left: number): number {
  for (let i = 0; i < text.length && left > 0; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 48 && code <= 57) || code === 37 || code >= 0x80) left--;
  }
  return left;
}

/**
 * edgesOf for text where every character is its own token (ASCII, no `%`,
 * too short for a UUID or without a dash), read without building tokens;
 * null for other text. Letters are the only breakers there.
 */
export function asciiEdges(text: string): { start: boolean; end: boolean } | null {
  if (text.length >= 36 && text.includes('-')) return null;
  let firstDigit = -1;
  let letterBefore = false;
  let letterAfter = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80 || code === 37) return null;
    if (code >= 48 && code <= 57) {
      if (firstDigit < 0) firstDigit = i;
      letterAfter = false;
    } else if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) {
      if (firstDigit < 0) letterBefore = true;
      else letterAfter = true;
    }
  }
  if (firstDigit < 0) return { start: false, end: false };
  return { start: !letterBefore, end: !letterAfter };
}
