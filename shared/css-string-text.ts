/**
 * The number rule over CSS strings as the page shows them (red team s12 F5):
 * escapes decoded (`"4532\A 0196\A 7315\A 8241"` is a card on four lines,
 * `\34 ` a 4), and the strings of one value read together (`content: "4532
 * 0196 " "7315 8241"`, which the browser concatenates). What is masked is
 * bulleted in the CSS as written: a digit, or the whole escape that writes it.
 */
import { NATIONAL_ID_DIGITS } from './digit-counts.js';
import { FOLDED_DIGITS, READER_DIGIT } from './number-tokens.js';
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
  const open = new OpenRuns(css, strings);
  let first = 0;
  while (first < strings.length) {
    let last = first;
    while (last + 2 < strings.length && joined(css, strings[last + 1] as number, strings[last + 2] as number))
      last += 2;
    const from = strings[first] as number;
    const to = strings[last + 1] as number;
    const alone = last === first && !css.slice(from, to).includes('\\');
    if (mayWriteDigits(css, from, to, 1)) {
      const edge = open.open(first);
      if (!alone && mayWriteDigits(css, from, to, NATIONAL_ID_DIGITS))
        maskRun(css, strings.slice(first, last + 2), masks, edge);
      else if (edge !== CLOSED && mayWriteDigits(css, from, to, edge))
        maskRun(css, strings.slice(first, last + 2), masks, edge);
    }
    first = last + 2;
  }
  return masks;
}

/** A call whose text is not in the CSS: a custom property's (`var(--g2)`) or an attribute's (`attr(data-g2)`). */
const SUBSTITUTION = /\b(?:var|attr)\(/i;
/**
 * A custom property's name and colon at the start of a declaration, or a registered one's initial value
 * (`@property`), or an `@counter-style` descriptor whose strings a list marker joins (prefix + symbols + suffix,
 * additive symbols one after another: review s14 S2), each declared alone.
 */
const CUSTOM_DECLARATION = /^\s*(?:--[\w-]*|initial-value|prefix|suffix|symbols|additive-symbols|pad|negative)\s*:/i;
/**
 * A declaration whose strings are shown as text beside the page's own: generated content (`::before`/`::after`
 * beside the element's text) and quotes (`open-quote`), also list markers' strings (`list-style-type: "4532 "`).
 */
const SHOWN_DECLARATION = /^\s*(?:content|quotes|list-style(?:-type)?)\s*:/i;

/** A run whose edges touch only its own CSS (`OpenRuns.open`). */
export const CLOSED = 0;
/** The fewest digits of a number at an edge of a shown string (SHOWN_DECLARATION) masked as a piece of a longer one. */
const SHOWN_EDGE_DIGITS = 3;
/** A name: a string's edge token with a letter and at most 3 digits (`"ss01"`, `"h1 h1"`), not a piece of a number. */
const NAME_TOKEN = new RegExp(`^(?=.*\\p{L})(?!(?:[^\\p{Nd}${FOLDED_DIGITS}]*${READER_DIGIT}){4})`, 'u');
/** A token of a string's text: letters and digits without anything between. */
const WORD = /[\p{L}\p{N}]+/gu;
const PERCENT_ENCODED = /%[0-9a-fA-F]{2}/g;

/**
 * Which runs of strings are open: shown beside text its CSS does not hold (red
 * team s12 F5). A custom property's strings are shown wherever `var()` puts them, beside anything (`--g1:
 * "4532"` … `content: var(--g1) " " var(--g2)`), and a value holding `var()` or `attr()` (a fallback
 * `var(--x, "4532")` too) shows its strings beside what those put there.
 */
class OpenRuns {
  readonly #css: string;
  readonly #strings: readonly number[];
  /** The last declaration read: where it starts and ends (its `;`, `}` or `{`), and how open it is (`open`). */
  #start = -1;
  #end = -1;
  #open = CLOSED;

  constructor(css: string, strings: readonly number[]) {
    this.#css = css;
    this.#strings = strings;
  }

  /**
   * How open the run starting at `strings[first]` is: CLOSED, or the fewest digits of a number at its edge that are
   * masked (1 beside a `var()` or `attr()` or in a custom property, whose text may be anything; SHOWN_EDGE_DIGITS
   * in generated content, beside the page's text, which the capture reads with it: text-runs.ts). Runs are asked
   * about in order, so each text is read once.
   */
  open(first: number): number {
    const css = this.#css;
    const strings = this.#strings;
    const at = strings[first] as number;
    if (at > this.#start && at < this.#end) return this.#open;
    // The declaration's start: the `{`, `;` or `}` before the run, outside the strings before it (at the latest the
    // last declaration's end).
    let s = first - 2;
    let i = at - 1;
    for (; i >= 0; i--) {
      if (s >= 0 && i < (strings[s + 1] as number)) {
        i = strings[s] as number;
        s -= 2;
        continue;
      }
      const code = css.charCodeAt(i);
      if (code === 123 || code === 59 || code === 125) break;
    }
    const start = i + 1;
    // The declaration's end: the `;`, `}` or `{` after the run, outside strings.
    let end = at;
    let next = first;
    while (end < css.length) {
      if (next < strings.length && end === strings[next]) {
        end = strings[next + 1] as number;
        next += 2;
        continue;
      }
      const code = css.charCodeAt(end);
      if (code === 59 || code === 125 || code === 123) break;
      end++;
    }
    this.#start = start - 1;
    this.#end = end;
    const head = css.slice(start, start + 256);
    this.#open =
      CUSTOM_DECLARATION.test(head) ||
      SUBSTITUTION.test(css.slice(start, end).replace(/"(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*'/g, ' '))
        ? 1
        : SHOWN_DECLARATION.test(head)
          ? SHOWN_EDGE_DIGITS
          : CLOSED;
    return this.#open;
  }
}

/**
 * Whether the CSS from `from` to `to` may write `digits` digits (an SSN's, the fewest the rule masks; one for an
 * open run): as many places a digit may start (digitStarts: an ASCII digit, `%`, a non-ASCII character) or escapes (an icon font's
 * `"\f101"` writes none).
 */
function mayWriteDigits(css: string, from: number, to: number, digits: number): boolean {
  let count = 0;
  for (let i = from; i < to; i++) {
    const code = css.charCodeAt(i);
    if ((code >= 48 && code <= 57) || code === 37 || code === 92 || code >= 0x80) if (++count >= digits) return true;
  }
  return false;
}

/**
 * maskRun's masks of the run of strings `run` (start and end of each) into `masks`. An `open` run (openRun) is read
 * with digits beside it where its CSS does not say what is there: before and after it, and for a `var()` or
 * `attr()` between two of its strings; an edge token holding a letter is a name, read as written.
 */
function maskRun(css: string, run: readonly number[], masks: Map<number, MaskedText>, open: number): void {
  const decoded: DecodedString = { text: '', from: [], to: [] };
  /** Where a `var()` or `attr()` stands between two strings of the run (an open edge inside it). */
  const cuts: number[] = [];
  for (let s = 0; s < run.length; s += 2) {
    if (open !== CLOSED && s > 0 && SUBSTITUTION.test(css.slice(run[s - 1], run[s]))) cuts.push(decoded.text.length);
    decodeString(css, run[s] as number, run[s + 1] as number, decoded);
  }
  const rule = open !== CLOSED ? openRule(decoded.text, cuts, open) : maskNumbers(decoded.text);
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

/**
 * The number rule over an open run's text (cut where a `var()` or `attr()` stands between its strings): the run
 * read alone, and the digits of a number touching an open edge (its start, its end, a cut) all masked, as the
 * rule masks a number with more digits beside it (13 or more in a run). An edge whose word is a name
 * (NAME_TOKEN) or whose number is a price (a currency sign beside it and a thousands or cents part:
 * `"€1,299.00"`, `"12,50 €"`; not `"€ 100"`, which may be an SSN's first group after a label) is closed.
 */
function openRule(text: string, cuts: readonly number[], fewest: number): MaskedText {
  // Fewer digits than an SSN's: the rule alone masks nothing (the common case, `"x3"`, `"Step 3"`).
  const alone = mayWriteDigits(text, 0, text.length, NATIONAL_ID_DIGITS) ? maskNumbers(text) : { text, masked: false };
  const units = alone.text.split('');
  // A percent-encoded character is a gap to the number rule, so it is one here too (`%2D32`).
  const plain = text.replace(PERCENT_ENCODED, '   ');
  let from = 0;
  for (const to of [...cuts, text.length]) {
    const words = plain.slice(from, to).match(WORD) ?? [];
    if (!NAME_TOKEN.test(words[0] ?? '')) bulletEdgeNumber(plain, from, to, 1, units, fewest);
    if (!NAME_TOKEN.test(words.at(-1) ?? '')) bulletEdgeNumber(plain, to - 1, from - 1, -1, units, fewest);
    from = to;
  }
  const masked = units.join('');
  return { text: masked, masked: masked !== text };
}

/**
 * The number rule over a text shown beside text it does not hold (an attribute's value shown by `attr()` in
 * generated content): read alone, and a number of SHOWN_EDGE_DIGITS or more at either end masked whole.
 */
export function maskOpenEdges(text: string): MaskedText {
  return openRule(text, [], SHOWN_EDGE_DIGITS);
}

/** What a UTF-16 unit is to the number rule: a digit, a gap without count, a letter (ends a number), other. */
const DIGIT = 0;
const SPACE = 1;
const LETTER = 2;
const OTHER = 3;
/** A digit as a reader sees it, superscript and circled too (review s15 M3). */
const IS_DIGIT = new RegExp(READER_DIGIT, 'u');
const IS_SPACE = /[\s\p{Cf}\p{Mn}\p{Cs}]/u;
const IS_LETTER = /[\p{L}\p{N}]/u;
/** Most characters other than whitespace between two digit groups of one number (the rule's gap). */
const MAX_GAP_CHARACTERS = 3;

function unitKind(text: string, at: number): number {
  const char = text.charAt(at);
  if (IS_DIGIT.test(char)) return DIGIT;
  // A surrogate half: the digit (a mathematical digit) or letter it is half of.
  const code = text.charCodeAt(at);
  if (code >= 0xd800 && code <= 0xdfff) {
    const pair = code < 0xdc00 ? text.slice(at, at + 2) : text.slice(at - 1, at + 1);
    if (IS_DIGIT.test(pair)) return DIGIT;
    if (IS_LETTER.test(pair)) return LETTER;
  }
  if (IS_SPACE.test(char)) return SPACE;
  return IS_LETTER.test(char) ? LETTER : OTHER;
}

/**
 * Bullets into `units` the digits of the number that touches `start` going `step` (1: forward from a start; -1:
 * backward from an end) before `stop`: only gap characters (whitespace, up to MAX_GAP_CHARACTERS others) before
 * its first digit, then digit groups joined by such gaps, when it holds `fewest` digits or more. A price (openRule)
 * is left as it is.
 */
function bulletEdgeNumber(
  text: string,
  start: number,
  stop: number,
  step: 1 | -1,
  units: string[],
  fewest: number,
): void {
  let at = start;
  let gap = 0;
  for (; at !== stop; at += step) {
    const kind = unitKind(text, at);
    if (kind === DIGIT) break;
    if (kind === LETTER || (kind === OTHER && ++gap > MAX_GAP_CHARACTERS)) return;
  }
  if (at === stop) return;
  const first = at;
  let last = at;
  gap = 0;
  for (; at !== stop; at += step) {
    const kind = unitKind(text, at);
    if (kind === DIGIT) {
      last = at;
      gap = 0;
    } else if (kind === LETTER || (kind === OTHER && (++gap > MAX_GAP_CHARACTERS || CURRENCY.test(text.charAt(at)))))
      break;
    // Generated content: the line touching the page's text is the piece (a card on lines is the rule's already).
    else if (fewest > 1 && text.charAt(at) === LINE_BREAK_MARK) break;
  }
  const from = Math.min(first, last);
  const to = Math.max(first, last) + 1;
  if (isPrice(text, from, to) || (fewest > 1 && isShownNotCard(text, from, to))) return;
  let digits = 0;
  for (let u = from; u < to && digits < fewest; u++) if (unitKind(text, u) === DIGIT) digits++;
  if (digits < fewest) return;
  for (let u = from; u < to; u++) if (unitKind(text, u) === DIGIT) units[u] = MASK_CHAR;
}

/** Whether the number from `from` to `to` is a price: PRICE's digits, a currency sign right before or after. */
function isPrice(text: string, from: number, to: number): boolean {
  return (
    PRICE.test(text.slice(from, to)) &&
    (CURRENCY_BEFORE.test(text.slice(Math.max(0, from - 2), from)) || CURRENCY_AFTER.test(text.slice(to, to + 2)))
  );
}

/**
 * Whether generated content's edge number (`"2026-12-05"`, `"10:30"`, `"+44 20 7946 0958"`) is a date, a time or
 * an international phone number, written as none writes a card's or an SSN's groups: it stays (the text beside it
 * is read with it by the capture, text-runs.ts).
 */
function isShownNotCard(text: string, from: number, to: number): boolean {
  const number = text.slice(from, to);
  return number.includes(':') || isDate(number) || /\+\s?$/.test(text.slice(Math.max(0, from - 2), from));
}

/** A date: year-month-day, or day and month then a year of 2 or 4 digits (`05/12/2026`, `5.12.26`). */
const DATE = /^(?:[0-9]{4}-([0-9]{2})-([0-9]{2})|([0-9]{1,2})([./-])([0-9]{1,2})\4(?:[0-9]{2}|[0-9]{4}))$/;

/**
 * Whether `number` is a date (DATE) whose month is 1-12 and day 1-31 (either order for day and month): an SSN's
 * digits cut after its first (`"79.39.1528"` after a ` 7` of the page's text) rarely are one.
 */
function isDate(number: string): boolean {
  const date = DATE.exec(number);
  if (date === null) return false;
  const day = (value: number): boolean => value >= 1 && value <= 31;
  const month = (value: number): boolean => value >= 1 && value <= 12;
  if (date[1] !== undefined) return month(Number(date[1])) && day(Number(date[2]));
  const first = Number(date[3]);
  const second = Number(date[5]);
  return day(first) && day(second) && (month(first) || month(second));
}

/** A price's digits: thousands of 3 and cents (`1,299.00`, `1.299,00`, `12,50`), a separator at least. */
const PRICE = /^(?=.*[.,])(?:[0-9]{1,3}(?:[,. ][0-9]{3})*|[0-9]+)(?:[.,][0-9]{1,2})?$/;
const CURRENCY_BEFORE = /\p{Sc}\s?$/u;
const CURRENCY_AFTER = /^\s?\p{Sc}/u;
/** A currency sign ends a number, as in the number rule (`€1,299.00 €2,598.00` are two prices). */
const CURRENCY = /\p{Sc}/u;
