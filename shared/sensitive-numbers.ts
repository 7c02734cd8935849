/**
 * Finds possible card numbers and SSNs in text and masks their digits. Pure
 * and DOM-free: the customer masks every outgoing string with it, and the
 * signaling server runs it again on what it stores (titles, paths, action
 * descriptions) as a second line.
 *
 * The rule (README, "What is masked"), applied to every *digit run*: digit
 * groups joined by gaps of whitespace (it renders as one space) and up to
 * three characters that are neither letters nor digits (dash, dot, slash,
 * parentheses, Unicode dashes, percent-encoded punctuation...). Digits are ASCII, full-width or any Unicode decimal digit;
 * zero-width and combining characters are skipped; `%3X` counts as a digit.
 *
 *  - 13 or more digits (a possible card number, 13-19 digits, or a longer
 *    run holding one): every digit masked.
 *  - consecutive groups holding exactly 9 digits (a possible SSN, 3-2-4,
 *    bare, or beside another number; also ZIP+4 and other national
 *    numbers), unless commas join them (a price such as 1,234,567.89):
 *    those digits masked; likewise a whole run of 9 digits written one or
 *    two at a time ("2 7 8 4 1 5 3 9 6", "27 84 15 39 6"; not a count such
 *    as "1 2 3 … 9").
 *  - across a line break (LINE_BREAK_MARK), cards must pass Luhn.
 *  - `strict` (text typed, or changed while the customer types): every digit
 *    masked, so a number that is still growing never leaves digit by digit.
 *  - `luhn` (resource URLs the agent's browser must load): the card rule
 *    only masks group-aligned 13-19 digit windows that pass Luhn, so most
 *    CDN paths full of numbers keep working.
 *
 * Text is read into tokens and runs by number-tokens.ts; a number that a
 * page assembles in steps is number-growth.ts's (each step alone is short).
 *
 * Masking is stricter than PCI DSS truncation (first 6 and last 4 may
 * show): masking every digit keeps the rule true across edits, where a
 * shown "last 4" would move as the number grows. Output has the input's
 * length; each masked UTF-16 unit becomes '•'.
 */

import { NATIONAL_ID_DIGITS, asciiEdges, mayHoldMaskedNumber } from './digit-counts.js';
import { FOLDED_DIGIT_CHARS, Kind, digitValue, findRuns, tokenize, type Run, type Token } from './number-tokens.js';

export { LINE_BREAK_MARK } from './number-tokens.js';

const MASK_CHAR = '•';
const CARD_MIN_DIGITS = 13;
const CARD_MAX_DIGITS = 19;
/** Digits of a card's group but its first and last (4-4-4-4, 4-6-5): across a line break, the least an inner group has. */
const CARD_INNER_GROUP = 4;

export interface NumberMaskOptions {
  /** Text rendered right before `text` (neighbouring text nodes): runs that reach into it count; it is not returned. */
  before?: string;
  /** Text rendered right after `text`. */
  after?: string;
  /** Mask every digit (text typed, or changed while the customer types). */
  strict?: boolean;
  /** Cards must pass Luhn (resource URLs the agent's browser loads). */
  luhn?: boolean;
  /** Characters that end a run like a letter would (URL delimiters). */
  breakers?: string;
}

export interface MaskedText {
  text: string;
  masked: boolean;
}

/** Whether digit values (most significant first) pass the Luhn checksum. */
export function luhnValid(values: readonly number[]): boolean {
  let sum = 0;
  let double = false;
  for (let i = values.length - 1; i >= 0; i--) {
    let digit = values[i] ?? 0;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The digits of a run's lines (groups between LINE_BREAK_MARK gaps) that hold 13 digits or more. */
function digitsOfLongLines(run: Run): number[] {
  const long: number[] = [];
  let line: number[] = [];
  for (let g = 0; g <= run.groups.length; g++) {
    if (g === run.groups.length || (g > 0 && run.lineGaps[g - 1] === true)) {
      if (line.length >= CARD_MIN_DIGITS) long.push(...line);
      line = [];
    }
    if (g < run.groups.length) line.push(...(run.groups[g] ?? []));
  }
  return long;
}

/** Group sizes of 9 digits written a few at a time from the front: one by one, two by two ("27 84 15 39 6"). */
const SPREAD_SHAPES: readonly string[] = ['1,1,1,1,1,1,1,1,1', '2,2,2,2,1'];

/** Whether a run of short groups reads as an id: one separator throughout, not a count up or down. */
function spreadId(run: Run, tokens: Token[], text: string): boolean {
  const gap = run.separators[0];
  if (gap === ',' || !run.separators.every((separator) => separator === gap)) return false;
  const values = run.groups.map((group) =>
    group.reduce((value, t) => value * 10 + digitValue(text, tokens[t] as Token), 0),
  );
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  return !((step === 1 || step === -1) && values.every((v, i) => i === 0 || v - (values[i - 1] ?? 0) === step));
}

/** The token indices of a run's digits that must be masked. */
function maskedDigitsOfRun(run: Run, tokens: Token[], text: string, luhn: boolean): number[] {
  const all = run.groups.flat();
  const total = all.length;
  // Across a line break only a Luhn-valid card counts (LINE_BREAK_MARK); 13 or more digits on one line do.
  const lineBroken = run.lineGaps.includes(true);
  const cardsByLuhn = luhn || lineBroken;
  if (!cardsByLuhn && total >= CARD_MIN_DIGITS) return all;
  const masked = new Set<number>();
  if (lineBroken && !luhn) for (const t of digitsOfLongLines(run)) masked.add(t);
  const sizes = run.groups.map((g) => g.length);
  // Consecutive groups holding exactly 9 digits: an SSN (3-2-4, bare, or next to another number), unless
  // commas separate them (1,234,567.89 is a price).
  for (let first = 0; first < sizes.length; first++) {
    let digits = 0;
    // At most three groups: 123-45-6789, 123 456 789, 12345-6789, not five prices in a row.
    for (let last = first; last < sizes.length && last < first + 3; last++) {
      digits += sizes[last] ?? 0;
      if (digits > NATIONAL_ID_DIGITS) break;
      if (last > first && run.separators[last - 1] === ',') break;
      if (digits === NATIONAL_ID_DIGITS)
        for (let g = first; g <= last; g++) for (const t of run.groups[g] ?? []) masked.add(t);
    }
  }
  // An SSN spread out one or two digits at a time ("2-7-8-4-1-5-3-9-6", "27 84 15 39 6"): a whole run of 9 digits
  // in one of SPREAD_SHAPES, every gap the same, the groups not counting up or down one by one (pagination
  // "1 2 3 4 5 6 7 8 9" stays readable, as do "9 10 11 12 1 2", "5 12 23 34 41" and the phone "6 12 34 56 78").
  if (total === NATIONAL_ID_DIGITS && SPREAD_SHAPES.includes(sizes.join(',')) && spreadId(run, tokens, text))
    for (const t of all) masked.add(t);
  if (cardsByLuhn && total >= CARD_MIN_DIGITS) {
    for (let first = 0; first < sizes.length; first++) {
      const values: number[] = [];
      for (let last = first; last < sizes.length; last++) {
        // Over lines, a card's inner groups are whole card groups (4 to 6 digits): lists of dates and times one
        // per line (2026-12-05 10:30) made 13-19 digit windows of 2-digit groups, a tenth of them Luhn-valid.
        if (lineBroken && !luhn && last > first + 1 && (sizes[last - 1] ?? 0) < CARD_INNER_GROUP) break;
        for (const t of run.groups[last] ?? []) values.push(digitValue(text, tokens[t] as Token));
        if (values.length > CARD_MAX_DIGITS) break;
        if (values.length >= CARD_MIN_DIGITS && luhnValid(values)) {
          for (let g = first; g <= last; g++) for (const t of run.groups[g] ?? []) masked.add(t);
        }
      }
    }
  }
  return [...masked];
}

/**
 * Masks possible card numbers and SSNs in `text` (see the module comment),
 * taking runs that continue into `before`/`after` into account.
 */
export function maskNumbers(text: string, options: NumberMaskOptions = {}): MaskedText {
  // Most text on a page holds a few digits at most (prices, dates, counts): no run of 9 can be there.
  if (options.strict !== true && !mayHoldMaskedNumber(options.before ?? '', text, options.after ?? ''))
    return { text, masked: false };
  return maskNumbersByScan(text, options);
}

/** maskNumbers without its quick test: the whole scan, whatever the text (tests compare the two). */
export function maskNumbersByScan(text: string, options: NumberMaskOptions = {}): MaskedText {
  if (!hasDigit(text)) return { text, masked: false };
  const before = options.before ?? '';
  const whole = before + text + (options.after ?? '');
  const tokens = tokenize(whole);
  const from = before.length;
  const to = from + text.length;
  const maskedTokens: Token[] = [];
  if (options.strict === true) {
    for (const token of tokens) if (token.kind === Kind.Digit) maskedTokens.push(token);
  } else {
    for (const run of findRuns(tokens, whole, options.breakers ?? '')) {
      for (const t of maskedDigitsOfRun(run, tokens, whole, options.luhn === true))
        maskedTokens.push(tokens[t] as Token);
    }
  }
  let output = '';
  let copied = from;
  maskedTokens.sort((a, b) => a.start - b.start);
  for (const token of maskedTokens) {
    if (token.end <= from || token.start >= to) continue;
    const start = Math.max(token.start, from);
    const end = Math.min(token.end, to);
    output += whole.slice(copied, start) + MASK_CHAR.repeat(end - start);
    copied = end;
  }
  if (copied === from) return { text, masked: false };
  return { text: output + whole.slice(copied, to), masked: true };
}

const ANY_DIGIT = /\p{Nd}/u;

/** Whether `text` holds any decimal digit (a quick test before scanning). */
export function hasDigit(text: string): boolean {
  return ANY_DIGIT.test(text) || FOLDED_DIGIT_CHARS.test(text);
}

/**
 * Where a run could continue into neighbouring text: `start` when nothing
 * but separators, spaces and digits precede the first digit, `end` likewise
 * after the last one. Text without digits may still join two neighbours:
 * callers look at neighbours of any node whose text is only separators.
 * Hex characters of a percent-escape cut at the edge do not end the run.
 */
export function runEdges(text: string): { start: boolean; end: boolean } {
  const edges = edgesOf(text);
  if (edges.start && edges.end) return edges;
  // A cut may fall inside a percent-escape ("…%2" | "D…", "…%" | "E2%80%93…", "…%E" | "2…"): the hex
  // characters of such a partial escape read as letters here, but the neighbour completes the escape.
  const head = /^[0-9a-f]{1,2}/i.exec(text)?.[0].length ?? 0;
  const tail = /%[0-9a-f]?$/i.exec(text)?.[0].length ?? 0;
  if (head === 0 && tail === 0) return edges;
  const inner = edgesOf(text.slice(head, text.length - tail));
  return { start: edges.start || (head > 0 && inner.start), end: edges.end || (tail > 0 && inner.end) };
}

function edgesOf(text: string): { start: boolean; end: boolean } {
  return asciiEdges(text) ?? tokenEdges(text);
}

/** edgesOf over the token list (any text). */
export function tokenEdges(text: string): { start: boolean; end: boolean } {
  const tokens = tokenize(text);
  let firstDigit = -1;
  let lastDigit = -1;
  for (let t = 0; t < tokens.length; t++) {
    if ((tokens[t] as Token).kind === Kind.Digit) {
      if (firstDigit < 0) firstDigit = t;
      lastDigit = t;
    }
  }
  if (firstDigit < 0) return { start: false, end: false };
  let start = true;
  for (let t = 0; t < firstDigit; t++) if ((tokens[t] as Token).kind === Kind.Breaker) start = false;
  let end = true;
  for (let t = lastDigit + 1; t < tokens.length; t++) if ((tokens[t] as Token).kind === Kind.Breaker) end = false;
  return { start, end };
}

/** URL delimiters: a number never continues across them inside a resource URL. */
const URL_BREAKERS = '/?#&=;,:@';

/**
 * A URL as it may leave the page: digits of numbers in its path, query and
 * fragment masked (percent-encoding understood). `resource` URLs (images,
 * fonts, stylesheets the agent's browser loads) mask only Luhn-valid cards
 * and SSN shapes within one path segment or parameter, so numeric CDN paths
 * keep loading.
 */
export function maskUrl(url: string, resource = false): MaskedText {
  return resource ? maskNumbers(url, { luhn: true, breakers: URL_BREAKERS }) : maskNumbers(url);
}
