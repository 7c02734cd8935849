/**
 * The number rule over CSS strings as the page shows them (red team s12 F5):
 * escapes decoded (`"4532\A 0196\A 7315\A 8241"` is a card on four lines,
 * `\34 ` a 4), and the strings of one value read together (`content: "4532
 * 0196 " "7315 8241"`, which the browser concatenates). What is masked is
 * bulleted in the CSS as written: a digit, or the whole escape that writes it.
 */
import { NATIONAL_ID_DIGITS } from './digit-counts.js';
import { LINE_BREAK_MARK, maskNumbers, type MaskedText } from './sensitive-numbers.js';

const MASK_CHAR = '•';
/** U+FFFD, what an escape of no valid code point writes. */
const REPLACEMENT = 0xfffd;
/**
 * What may come between two strings of one value: whitespace, comments, names and calls without strings. A
 * comment ends at its first star-slash and each alternative starts differently, so the pattern matches one way only
 * (a lazy comment body could end at any later star-slash: a run of comments backtracked exponentially, review s13 C1).
 */
const JOINING_GAP = /^(?:\s|\/\*(?:[^*]|\*+(?![*/]))*\*+\/|[\w-]+(?![\w-])(?:\([^()"';{}[\],]*\))?)*$/;
/** Longest text between two strings read as one value's (a longer one is a new value). */
const MAX_GAP = 256;

/** A string's text as the page shows it, and for each UTF-16 unit of it where it is written in the CSS. */
interface DecodedString {
  text: string;
  /** Per unit of `text`: where what writes it starts and ends in the CSS. */
  from: number[];
  to: number[];
}

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 102);
}

function isNewline(code: number): boolean {
  return code === 10 || code === 12 || code === 13;
}

/**
 * The text of the CSS string at `start` (its opening quote) up to its closing quote or `end`, escapes decoded as
 * CSS Syntax does: an escaped newline writes nothing, 1-6 hex digits and one whitespace a code point (none valid:
 * U+FFFD), another escaped character itself. A line break (`\A`) is LINE_BREAK_MARK, as a `<br>` is in text.
 */
function decodeString(css: string, start: number, end: number, into: DecodedString): void {
  const quote = css.charCodeAt(start);
  let i = start + 1;
  const put = (unit: string, from: number, to: number): void => {
    into.text += unit;
    into.from.push(from);
    into.to.push(to);
  };
  while (i < end) {
    const code = css.charCodeAt(i);
    if (code === quote) return;
    if (code !== 92) {
      put(isNewline(code) ? LINE_BREAK_MARK : css.charAt(i), i, i + 1);
      i++;
      continue;
    }
    const from = i;
    i++;
    if (i >= end) return;
    const next = css.charCodeAt(i);
    if (isNewline(next)) {
      i += next === 13 && css.charCodeAt(i + 1) === 10 ? 2 : 1;
      continue;
    }
    if (!isHex(next)) {
      // An escaped character (a surrogate pair whole).
      const char = String.fromCodePoint(css.codePointAt(i) as number);
      i += char.length;
      for (const unit of char) put(unit, from, i);
      continue;
    }
    let hexEnd = i;
    while (hexEnd < end && hexEnd - i < 6 && isHex(css.charCodeAt(hexEnd))) hexEnd++;
    let value = Number.parseInt(css.slice(i, hexEnd), 16);
    if (value === 0 || (value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) value = REPLACEMENT;
    i = hexEnd;
    const after = css.charCodeAt(i);
    if (i < end && (after === 32 || after === 9 || isNewline(after)))
      i += after === 13 && css.charCodeAt(i + 1) === 10 ? 2 : 1;
    const char = isNewline(value) ? LINE_BREAK_MARK : String.fromCodePoint(value);
    for (let u = 0; u < char.length; u++) put(char.charAt(u), from, i);
  }
}

/** Whether the strings ending at `to` and starting at `from` belong to one value (only JOINING_GAP between). */
function joined(css: string, to: number, from: number): boolean {
  return from - to <= MAX_GAP && JOINING_GAP.test(css.slice(to, from));
}

/**
 * For the string pieces of `css` (`strings`: start and end of each, in order, quotes included), the masked text
 * of each string of a run that must be read decoded or together with others, keyed by its start: the number rule
 * over the run's decoded text, joined as the page shows it, with the rule over the string as written (what was
 * masked before) kept too. Strings missing from the map are read alone, as written (a string without escapes
 * alone in its value).
 */
export function stringRunMasks(css: string, strings: readonly number[]): Map<number, MaskedText> {
  const masks = new Map<number, MaskedText>();
  let first = 0;
  while (first < strings.length) {
    let last = first;
    while (last + 2 < strings.length && joined(css, strings[last + 1] as number, strings[last + 2] as number))
      last += 2;
    const alone = last === first && !css.slice(strings[first], strings[first + 1]).includes('\\');
    if (!alone && mayWriteDigits(css, strings[first] as number, strings[last + 1] as number))
      maskRun(css, strings.slice(first, last + 2), masks);
    first = last + 2;
  }
  return masks;
}

/**
 * Whether the CSS from `from` to `to` may write the digits of an SSN, the fewest the rule masks: as many places a
 * digit may start (digitStarts: an ASCII digit, `%`, a non-ASCII character) or escapes (an icon font's
 * `"\f101"` writes none).
 */
function mayWriteDigits(css: string, from: number, to: number): boolean {
  let count = 0;
  for (let i = from; i < to; i++) {
    const code = css.charCodeAt(i);
    if ((code >= 48 && code <= 57) || code === 37 || code === 92 || code >= 0x80)
      if (++count >= NATIONAL_ID_DIGITS) return true;
  }
  return false;
}

/** maskRun's masks of the run of strings `run` (start and end of each) into `masks`. */
function maskRun(css: string, run: readonly number[], masks: Map<number, MaskedText>): void {
  const decoded: DecodedString = { text: '', from: [], to: [] };
  for (let s = 0; s < run.length; s += 2) decodeString(css, run[s] as number, run[s + 1] as number, decoded);
  const rule = maskNumbers(decoded.text);
  // Nothing masked as shown: each string is read alone as written (the caller's rule).
  if (!rule.masked) return;
  /** Where each masked unit is written, in order (the units of one escape share one place). */
  const bullets: number[] = [];
  for (let u = 0; u < decoded.text.length; u++)
    if (rule.text.charCodeAt(u) !== decoded.text.charCodeAt(u) && bullets.at(-2) !== decoded.from[u])
      bullets.push(decoded.from[u] as number, decoded.to[u] as number);
  let b = 0;
  for (let s = 0; s < run.length; s += 2) {
    const start = run[s] as number;
    const end = run[s + 1] as number;
    const written = css.slice(start, end);
    const alone = maskNumbers(written);
    let text = '';
    let copied = start;
    for (; b < bullets.length && (bullets[b] as number) < end; b += 2) {
      text += alone.text.slice(copied - start, (bullets[b] as number) - start) + MASK_CHAR;
      copied = bullets[b + 1] as number;
    }
    if (copied === start) {
      if (alone.masked) masks.set(start, alone);
      continue;
    }
    masks.set(start, { text: text + alone.text.slice(copied - start), masked: true });
  }
}
