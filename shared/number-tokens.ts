/**
 * How the number rule (sensitive-numbers.ts) reads text: tokens (a digit of
 * any script, a space, a separator, a breaker, an ignored character; `%XX`
 * escapes read as what they encode) and digit runs (groups of digits joined
 * by gaps of whitespace and at most three separator characters). Pure and
 * DOM-free; split from the rule so both stay small.
 */

/** Token kinds (plain numbers: no enum at runtime). */
export const Kind = { Digit: 0, Space: 1, Separator: 2, Breaker: 3, Ignored: 4 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

const UNICODE_DIGIT = /\p{Nd}/u;

/**
 * Digits Unicode does not file as decimal (No): superscript, subscript,
 * circled, parenthesized, with a full stop or comma, and other enclosed ones
 * ('⁴⁵³²', '④⑤③②', '⑷', '⒋', '🄅', '❹'). A reader sees the digit, so the rule
 * folds them to it (compatibility decomposition to one ASCII digit, plus the
 * sets whose decomposition adds punctuation or that have none). Forms of two
 * digits ('⑫', '㊺') are not folded: README security model.
 */
export const FOLDED_DIGITS = String.raw`\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792\u{1f100}-\u{1f10c}`;
export const FOLDED_DIGIT_CHARS = new RegExp(`[${FOLDED_DIGITS}]`, 'u');
/**
 * One digit as a reader sees it, for a pattern (`new RegExp(READER_DIGIT, 'u')`): a decimal digit of any script
 * or a folded one. Every masker that looks for digits uses it, not `\p{Nd}` alone (review s15 M1-M3).
 */
export const READER_DIGIT = `[\\p{Nd}${FOLDED_DIGITS}]`;

/** The digit a folded digit character shows, -1 for other characters. */
export function foldedDigit(cp: number): number {
  if (cp >= 0x2776 && cp <= 0x2792) return (cp - 0x2776) % 10 === 9 ? -1 : ((cp - 0x2776) % 10) + 1;
  if (cp >= 0x24f5 && cp <= 0x24fd) return cp - 0x24f4;
  // '⑴'-'⑼' and '⒈'-'⒐' decompose to "(1)" and "1.".
  if (cp >= 0x2474 && cp <= 0x247c) return cp - 0x2473;
  if (cp >= 0x2488 && cp <= 0x2490) return cp - 0x2487;
  // '🄀' (zero full stop), then '🄁'-'🄊' (zero comma to nine comma).
  if (cp >= 0x1f101 && cp <= 0x1f10a) return cp - 0x1f101;
  if (cp === 0x24ff || cp === 0x1f100 || cp === 0x1f10b || cp === 0x1f10c) return 0;
  if (cp < 0xb2 || cp > 0x24ea) return -1;
  const folded = String.fromCodePoint(cp).normalize('NFKC');
  return folded.length === 1 && folded >= '0' && folded <= '9' ? folded.charCodeAt(0) - 48 : -1;
}
const UNICODE_BREAKER = /[\p{L}\p{N}]/u;
const UNICODE_IGNORED = /[\p{Mn}\p{Me}\p{Cf}]/u;
const UNICODE_SPACE = /\s/u;
const CANONICAL_UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function hexValue(code: number): number {
  if (code <= 57) return code - 48;
  if (code <= 70) return code - 55;
  return code - 87;
}

function byteAt(text: string, at: number): number {
  if (
    text.charCodeAt(at) !== 37 ||
    at + 2 >= text.length ||
    !isHex(text.charCodeAt(at + 1)) ||
    !isHex(text.charCodeAt(at + 2))
  )
    return -1;
  return hexValue(text.charCodeAt(at + 1)) * 16 + hexValue(text.charCodeAt(at + 2));
}

/**
 * The code point a percent-escape at `at` encodes (UTF-8 over up to four
 * `%XX`, so an encoded full-width digit or Unicode dash is read as one);
 * -1 for bytes that do not decode; null when `at` starts no escape.
 */
function percentEscape(text: string, at: number): { codePoint: number; end: number } | null {
  const lead = byteAt(text, at);
  if (lead < 0) return null;
  if (lead < 0x80) return { codePoint: lead, end: at + 3 };
  const extra = lead >= 0xf0 && lead < 0xf8 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : -1;
  if (extra < 0) return { codePoint: -1, end: at + 3 };
  let codePoint = lead & (0x3f >> extra);
  for (let k = 1; k <= extra; k++) {
    const byte = byteAt(text, at + 3 * k);
    if (byte < 0x80 || byte >= 0xc0) return { codePoint: -1, end: at + 3 };
    codePoint = (codePoint << 6) | (byte & 0x3f);
  }
  return { codePoint: codePoint > 0x10ffff ? -1 : codePoint, end: at + 3 * (extra + 1) };
}

function classifyCodePoint(cp: number): Kind {
  if (cp < 0x80) {
    if (cp >= 48 && cp <= 57) return Kind.Digit;
    if ((cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122)) return Kind.Breaker;
    if (cp === 32 || (cp >= 9 && cp <= 13)) return Kind.Space;
    if (cp < 32 || cp === 127) return Kind.Ignored;
    return Kind.Separator;
  }
  if (cp >= 0xff10 && cp <= 0xff19) return Kind.Digit;
  if (cp === LINE_BREAK_CODE) return Kind.Space;
  const known = unicodeKinds.get(cp);
  if (known !== undefined) return known;
  const kind = classifyUnicode(cp);
  // Bounded by the number of distinct characters a page uses (a CJK page: a few thousand).
  if (unicodeKinds.size < 65_536) unicodeKinds.set(cp, kind);
  return kind;
}

const unicodeKinds = new Map<number, Kind>();

function classifyUnicode(cp: number): Kind {
  const char = String.fromCodePoint(cp);
  if (UNICODE_DIGIT.test(char) || foldedDigit(cp) >= 0) return Kind.Digit;
  if (UNICODE_SPACE.test(char)) return cp === 0xfeff ? Kind.Ignored : Kind.Space;
  if (UNICODE_IGNORED.test(char)) return Kind.Ignored;
  if (UNICODE_BREAKER.test(char)) return Kind.Breaker;
  return Kind.Separator;
}

/** One token of the scanned text: a code point, or a `%XX` escape read as the byte it encodes. */
export interface Token {
  kind: Kind;
  start: number;
  end: number;
}

/** Tokens of `text`; characters inside canonical UUIDs (hex ids, not numbers) are breakers. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const uuids: Array<[number, number]> = [];
  if (text.length >= 36 && text.includes('-')) {
    for (const match of text.matchAll(CANONICAL_UUID)) uuids.push([match.index, match.index + match[0].length]);
  }
  let nextUuid = 0;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const uuid = uuids[nextUuid];
    if (uuid !== undefined && i >= uuid[0]) {
      nextUuid++;
      tokens.push({ kind: Kind.Breaker, start: i, end: uuid[1] });
      i = uuid[1];
      continue;
    }
    const code = text.charCodeAt(i);
    if (code === 37 /* % */) {
      const escaped = percentEscape(text, i);
      if (escaped !== null) {
        tokens.push({
          kind: escaped.codePoint < 0 ? Kind.Ignored : classifyCodePoint(escaped.codePoint),
          start: i,
          end: escaped.end,
        });
        i = escaped.end;
        continue;
      }
    }
    const cp = text.codePointAt(i) ?? code;
    const size = cp > 0xffff ? 2 : 1;
    tokens.push({ kind: classifyCodePoint(cp), start: i, end: i + size });
    i += size;
  }
  return tokens;
}

export interface Run {
  /** Token indices of each group's digits. */
  groups: number[][];
  /** Each gap's separator characters (' ' for a gap of whitespace only). */
  separators: string[];
  /** Per gap, whether it holds LINE_BREAK_MARK (the groups on either side are on different lines). */
  lineGaps: boolean[];
}

/**
 * What text-runs.ts puts for a <br> between neighbouring texts: U+FDD0, a noncharacter (reserved for a
 * program's own use, so no page text holds it), whitespace to the rule. Digits on one line follow the
 * rule as everywhere; a card run over lines must pass Luhn: one number per line ("555-0199<br>555-0100",
 * dates, amounts) is common, a card number wrapped by <br> must still be a card.
 */
export const LINE_BREAK_MARK = '\ufdd0';
const LINE_BREAK_CODE = 0xfdd0;
/** Currency signs end a run: "12.99 | $8.50", "$12,345.67 – $23,456.78" are prices side by side. */
const CURRENCY = /\p{Sc}/u;

/** Separator characters a gap between two digit groups may hold ("4111 -- 1111", "(4111)(1111)"); one more ends the run. */
const MAX_GAP_SEPARATORS = 3;

/**
 * Digit runs over the token list: groups of digits joined by gaps of
 * whitespace and at most three separator characters ("4111 1111",
 * "4111-1111", "4111 - 1111", "4111 -- 1111", "(4111)(1111)"), the reading
 * of test/oracles/leak-finder.ts. A fourth separator character ends a run,
 * as do a currency sign and a comma or semicolon among other separator
 * characters ("(800) 555-0199, (800) 555-0100" is a list).
 */
export function findRuns(tokens: Token[], text: string, breakers: string): Run[] {
  const runs: Run[] = [];
  let run: Run | null = null;
  let group: number[] | null = null;
  // Inside the gap after the current run's last group: whether a space or a separator character was seen.
  let inGap = false;
  let gapSeparator = '';
  let gapSeparators = 0;
  let gapLine = false;
  const close = (): void => {
    if (run !== null && run.groups.length > 0) runs.push(run);
    run = null;
    group = null;
    inGap = false;
  };
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] as Token;
    let kind = token.kind;
    if (kind === Kind.Separator && breakers !== '' && breakers.includes(text.slice(token.start, token.end)))
      kind = Kind.Breaker;
    switch (kind) {
      case Kind.Ignored:
        break;
      case Kind.Digit:
        if (group !== null) {
          group.push(t);
        } else if (run !== null && inGap) {
          run.separators.push(gapSeparator === '' ? ' ' : gapSeparator);
          run.lineGaps.push(gapLine);
          group = [t];
          run.groups.push(group);
        } else {
          close();
          group = [t];
          run = { groups: [group], separators: [], lineGaps: [] };
        }
        inGap = false;
        break;
      case Kind.Space:
      case Kind.Separator: {
        if (run === null) break;
        if (!inGap) {
          inGap = true;
          gapSeparator = '';
          gapSeparators = 0;
          gapLine = false;
        }
        group = null;
        if (kind === Kind.Space) {
          if (text.charCodeAt(token.start) === LINE_BREAK_CODE) gapLine = true;
          break;
        }
        const char = text.slice(token.start, token.end);
        gapSeparator += char;
        gapSeparators++;
        if (
          gapSeparators > MAX_GAP_SEPARATORS ||
          CURRENCY.test(char) ||
          (gapSeparators > 1 && /[,;]/.test(gapSeparator))
        )
          close();
        break;
      }
      case Kind.Breaker:
        close();
        break;
    }
  }
  close();
  return runs;
}

export function digitValue(text: string, token: Token): number {
  const cp =
    text.charCodeAt(token.start) === 37
      ? (percentEscape(text, token.start)?.codePoint ?? 48)
      : (text.codePointAt(token.start) ?? 48);
  if (cp >= 48 && cp <= 57) return cp - 48;
  if (cp >= 0xff10 && cp <= 0xff19) return cp - 0xff10;
  const folded = foldedDigit(cp);
  if (folded >= 0) return folded;
  // Unicode lays every other decimal digit set out as 0-9 in a row; the mathematical digits are five sets back to back.
  for (let k = 0; k <= 9; k++) {
    const zero = cp - k;
    if (
      zero >= 0x1d7ce && zero <= 0x1d7ff
        ? (zero - 0x1d7ce) % 10 === 0
        : !UNICODE_DIGIT.test(String.fromCodePoint(zero - 1))
    )
      return k;
  }
  return 0;
}
