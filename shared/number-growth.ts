/**
 * A number a page assembles in steps without the customer typing (a script
 * revealing a stored card number group by group: "4111", "4111 1111", ...)
 * would leave step by step, each too short to be recognised, until 12 digits
 * had gone out. The rule: when a change makes a digit run longer, keeping
 * all the digits it had and joining new ones to them, and the run then holds
 * GROWTH_MIN_DIGITS or more (or it is the first or last two groups of an
 * SSN: 123-45, 45-6789), the change is a number being assembled, and the
 * caller masks every digit of it from then on; from the back (digits joined
 * before, its end kept) already at FROM_BACK_MIN_DIGITS. The change is read
 * over the whole text, and run by run when another digit of the text changed
 * too (a countdown beside the number). Times (a colon between groups: a date
 * gaining a time, a time its seconds) and lists of short numbers (seats
 * "12 14 15 16") are not numbers being assembled. Counters, clocks and prices
 * change their digits rather than add to them (99 -> 100, 00:59 -> 01:00,
 * €1,299.00 -> €2,598.00), so they stay readable; so does a count that
 * grows by the next number (pagination "1 2 3" -> "1 2 3 4 5 6 7 8 9 10").
 * Pure and DOM-free; the capture (client/capture/growth-watch.ts) gives it
 * the text that went out before and the text now.
 */
import { digitStarts } from './digit-counts.js';
import { READER_DIGIT, digitValue, findRuns, tokenize, type Token } from './number-tokens.js';

/**
 * Digits a run must reach by growing to count: more than the first 6 that
 * PCI DSS truncation lets show, so a number revealed in steps shows at most
 * its first step, and at most 6 digits when that step is short.
 */
export const GROWTH_MIN_DIGITS = 7;

/**
 * Digits a run must reach by growing at its front, keeping its end (a number revealed from the back),
 * unless it is written as a count in thousands (9,299 -> 19,299): more than the last 4 that PCI DSS
 * truncation lets show.
 */
export const FROM_BACK_MIN_DIGITS = 5;

/**
 * The first two or last two groups of an SSN (123-45, 45-6789), one dash, space or line break (LINE_BREAK_MARK,
 * U+FDD0) between: a run that grows into one is an SSN being revealed (its first 5 digits are what SSN
 * truncation hides).
 */
const SSN_PARTS: readonly string[] = ['3,2', '2,4'];
const SSN_PART_DIGITS = 5;
const SSN_GAP = /^\s*[-\u2010-\u2015\u2212\ufdd0]?\s*$/u;

/**
 * A run's digits on one line (a <br> ends a line here: one number per line is a list), by group: text
 * offsets; or lines of one group each joined (cardLines).
 */
type LineRun = number[][];

/** Digits in a card number's group: a card written a group per line ("4532<br>0196<br>73") is one run. */
const CARD_GROUP = 4;

/**
 * Whether the line `next` continues `joined` (lines of one group each, joined so far) as a card written
 * a group per line, or an SSN (3, 2, then up to 4: "278<br>41<br>5396"): every line one group of at most
 * CARD_GROUP digits, for a card all but the first and the last exactly CARD_GROUP (a step may cut a group at
 * either end; two lines may both be cut: "011<br>03" of a 14-digit card revealed from the back). Lines of
 * several groups (a phone number per line: "555-0123", "6123 4567") stay apart.
 */
function continuesCard(joined: LineRun, next: LineRun): boolean {
  const previous = joined.at(-1);
  const group = next[0];
  if (previous === undefined || group === undefined || next.length !== 1) return false;
  if (previous.length > CARD_GROUP || group.length > CARD_GROUP) return false;
  return previous.length === CARD_GROUP || joined.length === 1 || ssnLines(joined);
}

/** Whether lines joined so far are an SSN's first two groups, one per line (3, then 2): its last group may follow. */
function ssnLines(joined: LineRun): boolean {
  return joined.length === 2 && joined[0]?.length === 3 && joined[1]?.length === 2;
}

/**
 * Whether the line `next` continues `joined` (lines joined so far, `previous` the last of them) as a card cut
 * over lines of several groups ("4532 0196<br>7315", "4532<br>0196 7315"): every group of 4 digits but the
 * first (a step from the back cuts it) and the last (a step cuts it), 19 digits at most, and `next` not of
 * `previous`'s shape (a list grows by a whole line like the one before: phone numbers "6123 4567<br>6234 5670").
 */
function continuesCardLines(joined: LineRun, previous: LineRun, next: LineRun): boolean {
  if (previous.length === 1 && next.length === 1) return false;
  if (previous.length === next.length && previous.every((group, i) => group.length === next[i]?.length)) return false;
  const groups = [...joined, ...next];
  if (digitCount(groups) > CARD_MAX_DIGITS) return false;
  const last = groups.length - 1;
  return groups.every((group, i) => (i === 0 || i === last ? group.length <= CARD_GROUP : group.length === CARD_GROUP));
}

/** Digits of the longest card number. */
const CARD_MAX_DIGITS = 19;

interface LineRuns {
  runs: LineRun[];
  byStart: Map<number, Token>;
  /** Runs with a colon between two groups: a time (23:59, 2026-12-05 23:59:01), never a card or an SSN. */
  times: Set<LineRun>;
  /** Runs of lines joined (continuesCard). */
  joined: Set<LineRun>;
}

function lineRuns(text: string): LineRuns {
  const tokens = tokenize(text);
  const byStart = new Map<number, Token>();
  const runs: LineRun[] = [];
  const times = new Set<LineRun>();
  const joinedRuns = new Set<LineRun>();
  for (const run of findRuns(tokens, text, '')) {
    const lines: LineRun[] = [];
    let line: LineRun = [];
    for (let g = 0; g < run.groups.length; g++) {
      if (g > 0 && run.lineGaps[g - 1] === true) {
        lines.push(line);
        line = [];
      } else if (g > 0 && run.separators[g - 1] === ':') {
        times.add(line);
      }
      const starts: number[] = [];
      for (const t of run.groups[g] ?? []) {
        const token = tokens[t] as Token;
        byStart.set(token.start, token);
        starts.push(token.start);
      }
      line.push(starts);
    }
    lines.push(line);
    // Lines of one group each joined as a card written a group per line (continuesCard), and lines of
    // several groups of 4 as a card cut over lines (continuesCardLines).
    let joined = lines[0] as LineRun;
    let single = joined.length === 1;
    let previous = joined;
    for (let i = 1; i < lines.length; i++) {
      const next = lines[i] as LineRun;
      if ((single && continuesCard(joined, next)) || continuesCardLines(joined, previous, next)) {
        joined = [...joined, ...next];
        joinedRuns.add(joined);
        single &&= next.length === 1;
      } else {
        runs.push(joined);
        joined = next;
        single = next.length === 1;
      }
      previous = next;
    }
    runs.push(joined);
  }
  return { runs, byStart, times, joined: joinedRuns };
}

function digitCount(run: LineRun): number {
  let count = 0;
  for (const group of run) count += group.length;
  return count;
}

/** Years a list one per line is written with (YEARS_FROM up to YEARS_TO): no card network's number starts so. */
const YEARS_FROM = 1900;
const YEARS_TO = 2099;

/**
 * Whether a run's groups count up or down one by one ("1 2 3 4 5 6 7 8 9 10", "10 9 8"): a list, not an
 * id; from 2 groups for lines joined when they are years (one per line: "2025<br>2026"). Two lines of any
 * other 4 digits counting by one are a card's groups as much as a list ("6310<br>6309": 8 digits of a card
 * whose second group is its first minus one); years are not how a card starts (Mastercard's 2-series is
 * 2221-2720, Mir 2200-2204).
 */
function counts(run: LineRun, text: string, lines: LineRuns): boolean {
  const joined = lines.joined.has(run);
  if (run.length < (joined ? 2 : 3)) return false;
  const byStart = lines.byStart;
  const values = run.map((group) => {
    let value = 0;
    for (const start of group) value = value * 10 + digitValue(text, byStart.get(start) as Token);
    return value;
  });
  if (joined && run.length === 2 && !values.every((v) => v >= YEARS_FROM && v <= YEARS_TO)) return false;
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  return (step === 1 || step === -1) && values.every((v, i) => i === 0 || v - (values[i - 1] ?? 0) === step);
}

/**
 * Whether a run is a list of short numbers (3 groups or more, none over 3 digits: seats "12 14 15 16",
 * ids "101, 205, 317", a draw "5 12 23 34"): a card is written in groups of 4 (or 4-6-5), an SSN 3-2-4.
 */
function shortList(run: LineRun): boolean {
  return run.length >= 3 && run.every((group) => group.length <= 3);
}

/** Whether a run is written as a count in thousands (12 345, 9,299): groups of 3 after a first of up to 3. */
function thousands(run: LineRun): boolean {
  return run.length > 1 && (run[0]?.length ?? 0) <= 3 && run.every((group, i) => i === 0 || group.length === 3);
}

/** Whether a grown run has the shape of a number being assembled (not a time, a list or a count). */
function numberShaped(run: LineRun, lines: LineRuns, text: string, fromBack = false): boolean {
  const digits = digitCount(run);
  const backStep = fromBack && digits >= FROM_BACK_MIN_DIGITS && !thousands(run);
  if (digits < GROWTH_MIN_DIGITS && !backStep && !ssnPart(run, text, lines.byStart)) return false;
  return !lines.times.has(run) && !shortList(run) && !counts(run, text, lines);
}

/** A run's text, first digit to last. */
function runText(run: LineRun, text: string, byStart: Map<number, Token>): { start: number; end: number } {
  const start = run[0]?.[0] ?? 0;
  return { start, end: (byStart.get(run.at(-1)?.at(-1) ?? 0) as Token).end };
}

/** Up to a string's last digit, and from its first digit on (superscript and circled digits too). */
const LEAD_TO_DIGIT = new RegExp(`^.*${READER_DIGIT}`, 'su');
const DIGIT_TO_END = new RegExp(`${READER_DIGIT}.*$`, 'su');

/** The text just before `at` back to the last digit (at most 12 characters): what a run is written after. */
function leadOf(text: string, at: number): string {
  return text.slice(Math.max(0, at - 12), at).replace(LEAD_TO_DIGIT, '');
}

/** The text just after `at` up to the next digit (at most 12 characters): what a run is written before. */
function trailOf(text: string, at: number): string {
  return text.slice(at, at + 12).replace(DIGIT_TO_END, '');
}

/**
 * The node-by-node reading of grewFrom: some run of `old` is, exactly, the start of `grown` (written
 * after the same text) or its end (written before the same text), so it grew even when another digit
 * of the text changed at the same time (a countdown or an expiry date beside the number).
 */
function grewInPlace(old: LineRuns, oldText: string, grown: LineRun, now: LineRuns, nowText: string): boolean {
  const span = runText(grown, nowText, now.byStart);
  const text = nowText.slice(span.start, span.end);
  const digits = digitCount(grown);
  for (const oldRun of old.runs) {
    if (digitCount(oldRun) >= digits) continue;
    const kept = runText(oldRun, oldText, old.byStart);
    const part = oldText.slice(kept.start, kept.end);
    if (text.startsWith(part) && leadOf(oldText, kept.start) === leadOf(nowText, span.start)) return true;
    if (text.endsWith(part) && trailOf(oldText, kept.end) === trailOf(nowText, span.end)) return true;
  }
  return false;
}

/** Whether `grown` ends with `oldRun`'s text: digits joined before it, revealed from the back. */
function fromBack(old: LineRuns, oldText: string, oldRun: LineRun, now: LineRuns, nowText: string, grown: LineRun) {
  const kept = runText(oldRun, oldText, old.byStart);
  const part = oldText.slice(kept.start, kept.end);
  const span = runText(grown, nowText, now.byStart);
  const text = nowText.slice(span.start, span.end);
  return text.endsWith(part);
}

/** Whether a run is SSN_PARTS-shaped: those group sizes, a dash or a space between them. */
function ssnPart(run: LineRun, text: string, byStart: Map<number, Token>): boolean {
  if (!SSN_PARTS.includes(run.map((group) => group.length).join(','))) return false;
  const first = run[0] ?? [];
  const second = run[1] ?? [];
  const gap = text.slice((byStart.get(first.at(-1) ?? 0) as Token).end, second[0] ?? 0);
  return SSN_GAP.test(gap);
}

/** False when `now` has too few digits for the smallest grown number (an SSN's first two groups): most changes. */
export function mayHaveGrown(now: string): boolean {
  return digitStarts(now, SSN_PART_DIGITS) === 0;
}

function hasDigitChar(text: string): boolean {
  return /\p{Nd}|%3\d/u.test(text);
}

/**
 * Whether `now` holds a run of GROWTH_MIN_DIGITS or more digits, with a
 * digit in `now.slice(from, to)`, that grew out of a run of `old`: `old`
 * and `now` differ in one span (between their common start and common
 * end); a run of `old` with no digit in that span is still in `now`, and
 * the run of `now` holding all its digits has more.
 */
export function grewFrom(old: string, now: string, from = 0, to = now.length): boolean {
  if (old === now || !hasDigitChar(old) || !hasDigitChar(now.slice(from, to))) return false;
  if (!mayHaveGrown(now)) return false;
  const shortest = Math.min(old.length, now.length);
  let prefix = 0;
  while (prefix < shortest && old.charCodeAt(prefix) === now.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    old.charCodeAt(old.length - 1 - suffix) === now.charCodeAt(now.length - 1 - suffix)
  )
    suffix++;
  // Only new digits can grow a number (a breaker removed between two runs shows nothing new).
  if (!hasDigitChar(now.slice(prefix, now.length - suffix))) return false;
  const oldChangedEnd = old.length - suffix;
  const shift = now.length - old.length;
  const before = lineRuns(old);
  const after = lineRuns(now);
  const runOf = new Map<number, LineRun>();
  for (const run of after.runs) for (const group of run) for (const start of group) runOf.set(start, run);
  for (const oldRun of before.runs) {
    let grown: LineRun | undefined;
    let kept = true;
    for (const group of oldRun) {
      for (const start of group) {
        const end = (before.byStart.get(start) as Token).end;
        // A digit in the changed span is gone or changed: the run did not grow, it changed.
        if (start < prefix ? end > prefix : start < oldChangedEnd) {
          kept = false;
          break;
        }
        const run = runOf.get(start < prefix ? start : start + shift);
        if (run === undefined || (grown !== undefined && run !== grown)) {
          kept = false;
          break;
        }
        grown = run;
      }
      if (!kept) break;
    }
    if (!kept || grown === undefined) continue;
    if (digitCount(grown) <= digitCount(oldRun)) continue;
    if (!grown.some((group) => group.some((start) => start >= from && start < to))) continue;
    if (numberShaped(grown, after, now, fromBack(before, old, oldRun, after, now, grown))) return true;
  }
  // Another digit of the text changed in the same step: look at each run of `now` on its own.
  for (const run of after.runs) {
    if (!run.some((group) => group.some((start) => start >= from && start < to))) continue;
    if (numberShaped(run, after, now) && grewInPlace(before, old, run, after, now)) return true;
  }
  return false;
}
