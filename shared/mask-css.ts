/**
 * CSS masking: the number rule (sensitive-numbers.ts) applied to the strings
 * and comments of CSS text only, so the rest of the style sheet stays valid.
 */
import { hasDigit, luhnValid, maskNumbers, maskUrl, type MaskedText } from './sensitive-numbers.js';
import { maskUrlCredentials } from './url-credentials.js';
import { stringRunMasks } from './css-string-text.js';
import { EMPTY_SVG_URL, maskSvgDataUrl, readsAsSvgDataUrl } from './svg-data-url.js';
import { readsAsDataUrl } from './data-url.js';
import { cssUnescaped } from './css-escapes.js';
import { maskCounterStyleSymbols, maskCounterValues } from './css-counters.js';
import { READER_DIGIT, foldedDigit } from './number-tokens.js';

/**
 * CSS text with the digits of numbers inside its strings and comments
 * masked (`content: "…"`, attribute selectors, `url("…")`), and nothing
 * outside them touched (so `line-height: 1.428571429` stays valid CSS).
 * Strings are read as shown, escapes decoded and the strings of one value
 * together (css-string-text.ts).
 * `strict` (the customer is typing, and the page may echo each key into
 * CSS): every digit written in them; with `typed` (the digits of the value
 * being typed, ASCII), a URL's digits and an escape (`\f101`) only where
 * they may be the typed value's (strictString), so the page's icon fonts and
 * images do not break in the mirror while the customer types (review M7).
 */
export function maskCss(css: string, strict = false, typed: string | null = null): MaskedText {
  const numbers = maskCssNumbers(css, strict, typed);
  const masked = maskCounterStyleSymbols(maskCounterValues(numbers));
  // A URL's user name and password (url("https://u:p@host/…")), digits or not.
  const text = maskUrlCredentials(masked.text);
  return text === masked.text ? masked : { text, masked: true };
}

function maskCssNumbers(css: string, strict: boolean, typed: string | null): MaskedText {
  if (!hasDigit(css) && !MAY_WRITE_DATA_URL.test(css)) return { text: css, masked: false };
  // Selectors and plain values too (review s11 F8: a page writing the typed value into
  // `.c453201967315{counter-reset: n 453201967315}` sent it whole, while typing and after): while typing, what
  // may be the typed value; else a card or an SSN written without separators, the way one fits there (restRule).
  const pieces = cssPieces(css, true, strict || (LONG_DIGITS.test(css) && restRule(css).masked));
  if (strict) return maskPieces(css, pieces, (from, to, kind) => svgThenStrict(css.slice(from, to), kind, typed));
  // Strings as the page shows them: escapes decoded, the strings of one value together (red team s12 F5).
  const strings: number[] = [];
  for (let p = 0; p < pieces.length; p += 3)
    if (pieces[p + 2] === STRING_PIECE) strings.push(pieces[p] as number, pieces[p + 1] as number);
  const runs = stringRunMasks(css, strings);
  return maskPieces(css, pieces, (from, to, kind) => {
    const inner = css.slice(from, to);
    if (kind === 'url') return urlRule(inner);
    if (kind === 'property') return maskValue(inner);
    if (kind === 'rest') return restRule(inner);
    // A data: SVG in a string (`image-set("data:image/svg+xml,…")`, a custom property's) is an image (review s14 S1).
    if (kind === 'string' && readsAsSvgDataUrl(cssUnescaped(inner))) return urlRule(inner);
    return (kind === 'string' ? runs.get(from) : undefined) ?? maskNumbers(inner);
  });
}

/** Nine digits in a row: a card or an SSN in a selector or a plain value (a class name, a counter) has them. */
const LONG_DIGITS = /[0-9]{9}/;
/**
 * A card (13-19 digits) written without separators in a selector or a plain value, or 9 digits ending a name
 * (`.c123456789`, `#id-123456789`): an SSN there.
 */
const CARD_OR_SSN_DIGITS = /(?<![0-9.])[0-9]{13,19}(?![0-9])|(?<=[A-Za-z_-])[0-9]{9}(?![0-9])/g;

/**
 * Selectors and plain values outside typing: a Luhn-valid card of 13-19 digits in a row (a decimal's digits
 * after its point are not one), or 9 digits ending a name that may be an SSN (area 001-899, group not 00). A
 * number of 9 digits alone stays (`z-index: 123456789`): an SSN echoed there is masked while typed only.
 */
function restRule(text: string): MaskedText {
  const masked = text.replace(CARD_OR_SSN_DIGITS, (digits) => {
    const sensitive =
      digits.length === 9
        ? digits[0] !== '9' && !digits.startsWith('000') && digits.slice(3, 5) !== '00'
        : luhnValid([...digits].map(Number));
    return sensitive ? MASK_CHAR.repeat(digits.length) : digits;
  });
  return { text: masked, masked: masked !== text };
}

/** What ends a number in a custom property's value like a letter would (`#00215533` is a colour, not 9 digits with a 0 before). */
const VALUE_BREAKERS = '#,/();:';

/**
 * A custom property's value (outside its strings): like a resource URL, a card only when it passes Luhn, and SSN
 * shapes, so colours and lengths (`inset 0 1px 0 #00215533`) stay as they are.
 */
function maskValue(value: string): MaskedText {
  return maskNumbers(value, { luhn: true, breakers: VALUE_BREAKERS });
}

/** sensitive-numbers.ts' resource-URL delimiters, and `.`: a decimal point in a data URL's SVG path (`3.59-8-8`). */
const DATA_URL_BREAKERS = '/?#&=;,:@.';

/**
 * The number rule of a resource URL (a card only when it passes Luhn, SSN shapes); in a `data:` URL a number
 * does not continue across `.` either, so an inline SVG icon's path (`…-4.41 0-8-3.59-8-8s3.59…`) is not read
 * as a card by chance and bulleted, which broke the icon in the mirror (review s11 F6).
 */
function urlRule(url: string): MaskedText {
  // As the URL parser reads it (review s15 H3: `data: image/svg+xml`, `da<TAB>ta:`, CSS escapes decoded).
  const read = cssUnescaped(url);
  if (!readsAsDataUrl(read)) return maskUrl(url, true);
  // A data: SVG with CSS escapes (its body read here only as written): an empty SVG.
  if (read !== url && readsAsSvgDataUrl(read)) {
    const quote = /^\s*["']/.test(url) ? url.trim().charAt(0) : '';
    return { text: quote + EMPTY_SVG_URL + quote, masked: true };
  }
  // An SVG image's text as it shows, its elements' texts together (red team s12 F5: a card one <text> per group).
  const svg = maskSvgDataUrl(url);
  const rule = maskNumbers(svg.text, { luhn: true, breakers: DATA_URL_BREAKERS });
  return { text: rule.text, masked: rule.masked || svg.masked };
}

/** What may write a data: URL in CSS without a digit: its scheme (tabs or newlines in it), or an escape. */
const MAY_WRITE_DATA_URL = /\\|d[\t\n\r]*a[\t\n\r]*t[\t\n\r]*a[\t\n\r]*:/i;

/** While typing, a data: SVG's rule (urlRule) first, then the strict one: digits alone do not bound what an SVG draws. */
function svgThenStrict(inner: string, kind: CssPiece, typed: string | null): MaskedText {
  const svg = (kind === 'string' || kind === 'url') && readsAsSvgDataUrl(cssUnescaped(inner)) ? urlRule(inner) : null;
  const rule = strictPiece(svg?.text ?? inner, kind, typed);
  return { text: rule.text, masked: rule.masked || svg?.masked === true };
}

/** Digits in a row a URL or escape may share with the typed value before it is masked. */
const SHARED_DIGITS = 3;
/** A CSS escape of a code point (its hex digits and the one whitespace that may end it). */
const CSS_ESCAPE = /\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?/g;
/** Digits as a reader reads them: separated by up to 3 characters that are not letters or digits. */
const DIGIT_SEQUENCE = new RegExp(`${READER_DIGIT}(?:[^\\p{L}\\p{N}]{0,3}${READER_DIGIT})*`, 'gu');
/** A percent-encoded ASCII digit, or an escape in a URL: such a URL is masked digit by digit. */
const HIDDEN_DIGIT_URL = /%3[0-9]|\\/i;
/** A URL's scheme and authority up to its port, and the port's digits (after the string's quote). */
const URL_PORT = /^["']?\s*[a-z][a-z\d+.-]*:\/\/[^/?#"'\\]*:(\d{1,5})(?=[/?#"'\s]|$)/i;
/** A digit as a reader sees it (number-tokens.ts: superscript and circled ones too, review s15 M1). */
const ANY_DIGIT = new RegExp(READER_DIGIT, 'u');
const NON_ASCII = /[\u0080-\uffff]/;
const NOT_ASCII_DIGITS = /[^0-9]+/g;
const ANY_DIGITS = new RegExp(READER_DIGIT, 'gu');
const MASK_CHAR = '•';

/**
 * A CSS piece while the customer types. Without `typed`: every digit, but in a URL or a custom property's value only
 * the digit sequences of SHARED_DIGITS or more. With it: a URL or a custom property's value
 * keeps its digits unless a sequence of them shares SHARED_DIGITS in a row with `typed` (then every digit of that
 * sequence), and the resource-URL or number rule after; other text masks every digit written as a digit, and keeps an escape that writes
 * no digit (an icon font's `\f101`, a dash `\2014`) unless it has six hex digits sharing SHARED_DIGITS in a row
 * with `typed`.
 */
function strictPiece(inner: string, kind: CssPiece, typed: string | null): MaskedText {
  if (kind === 'rest') {
    // Selectors and plain values: only what may be the typed value's (unknown: sequences of SHARED_DIGITS or
    // more), so the rest of the sheet stays valid CSS.
    const text = typed === null ? longSequencesMasked(inner) : typedSequencesMasked(inner, typed);
    return { text, masked: text !== inner };
  }
  if (typed === null && kind !== 'url' && kind !== 'property') return maskNumbers(inner, { strict: true });
  if (typed === null) {
    // The typed digits unknown (an editor too long to read): a URL's or custom property's digit sequences of
    // SHARED_DIGITS or more, so none of the typed value's can leave 4 in a row and a value like `--gap: 12px`
    // stays valid CSS (review s11 F6: every digit made `--gap: ••px` while typing).
    if (kind === 'url' && HIDDEN_DIGIT_URL.test(inner)) return maskNumbers(inner, { strict: true });
    const text = longSequencesMasked(inner);
    const rule = kind === 'url' ? urlRule(text) : maskValue(text);
    return { text: rule.text, masked: rule.text !== inner };
  }
  if (kind === 'url' || kind === 'property') {
    if (kind === 'url' && HIDDEN_DIGIT_URL.test(inner)) return maskNumbers(inner, { strict: true });
    // A valid port is the page's, not what is typed, unless it is a part of the typed digits; the scheme,
    // userinfo and host are checked like the rest (a page may write what is typed into a host name).
    const port = kind === 'url' ? portOf(inner, typed) : null;
    const text =
      port === null
        ? typedSequencesMasked(inner, typed)
        : typedSequencesMasked(inner.slice(0, port.from), typed) +
          inner.slice(port.from, port.to) +
          typedSequencesMasked(inner.slice(port.to), typed);
    const rule = kind === 'url' ? urlRule(text) : maskValue(text);
    return { text: rule.text, masked: rule.text !== inner };
  }
  let text = '';
  let copied = 0;
  for (const escape of inner.matchAll(CSS_ESCAPE)) {
    const hex = escape[1] as string;
    const writesDigit = ANY_DIGIT.test(String.fromCodePoint(Math.min(Number.parseInt(hex, 16), 0x10ffff)));
    text += bulletDigits(inner.slice(copied, escape.index));
    // Six hex digits may have taken in digits written right after a shorter escape ("\\f1" + "4532").
    const tookDigits = hex.length === 6 && sharesTyped(hex, typed);
    text += writesDigit ? MASK_CHAR : tookDigits ? bulletDigits(escape[0]) : escape[0];
    copied = escape.index + escape[0].length;
  }
  text += bulletDigits(inner.slice(copied));
  return { text, masked: text !== inner };
}

/** `text` with every digit sequence (DIGIT_SEQUENCE) of SHARED_DIGITS digits or more bulleted. */
function longSequencesMasked(text: string): string {
  return text.replace(DIGIT_SEQUENCE, (sequence) =>
    asciiDigits(sequence).length >= SHARED_DIGITS ? bulletDigits(sequence) : sequence,
  );
}

/** `text` with every digit sequence (DIGIT_SEQUENCE) that shares SHARED_DIGITS in a row with `typed` bulleted. */
function typedSequencesMasked(text: string, typed: string): string {
  return text.replace(DIGIT_SEQUENCE, (sequence) =>
    sharesTyped(sequence, typed) ? sequence.replace(ANY_DIGITS, MASK_CHAR) : sequence,
  );
}

/**
 * Where the port of a URL's authority is (its digits), when it is a valid port (at most 65535) and not a part
 * of the typed digits; null otherwise (no origin, no port, or one that may be what is typed).
 */
function portOf(url: string, typed: string): { from: number; to: number } | null {
  const origin = URL_PORT.exec(url);
  if (origin === null) return null;
  const port = origin[1] as string;
  if (Number(port) > 65_535 || typed.includes(port)) return null;
  return { from: origin[0].length - port.length, to: origin[0].length };
}

function bulletDigits(text: string): string {
  return text.replace(ANY_DIGITS, MASK_CHAR);
}

/** Whether the digits of `text` hold SHARED_DIGITS in a row that `typed` holds in a row too. */
function sharesTyped(text: string, typed: string): boolean {
  const digits = asciiDigits(text);
  for (let i = 0; i + SHARED_DIGITS <= digits.length; i++)
    if (typed.includes(digits.slice(i, i + SHARED_DIGITS))) return true;
  return false;
}

/**
 * The decimal digits of `text` (any script) as ASCII digits, in order. A digit's value is its offset from the
 * start of its block of digits (Unicode writes each script's 0-9 in a row; mathematical digits are 5 rows of 10).
 */
export function asciiDigits(text: string): string {
  if (!NON_ASCII.test(text)) return text.replace(NOT_ASCII_DIGITS, '');
  let digits = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code >= 48 && code <= 57) digits += char;
    else if (foldedDigit(code) >= 0) digits += String(foldedDigit(code));
    else if (ANY_DIGIT.test(char)) {
      let zero = code;
      while (ANY_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
      digits += String((code - zero) % 10);
    }
  }
  return digits;
}

/**
 * What a piece of CSS given to maskCssStrings' `maskString` is: plain text of a custom property's value is
 * `property`; everything else (selectors, names, plain values) is `rest`, given only when asked for.
 */
export type CssPiece = 'string' | 'url' | 'comment' | 'property' | 'rest';

/**
 * CSS text with each string and comment (quotes and delimiters included) and each unquoted `url(…)`'s URL passed
 * through `maskString`; with `properties`, also the rest of each custom property's value (`--holder: Zoya Quixby`,
 * `--n: 4532…`), which a page may fill with what is typed without quotes (`style.setProperty('--holder', value)`);
 * with `rest`, also the text between those pieces (selectors, names, plain values) as `rest`.
 */
export function maskCssStrings(
  css: string,
  maskString: (inner: string, kind: CssPiece) => MaskedText,
  properties = false,
  rest = false,
): MaskedText {
  return maskPieces(css, cssPieces(css, properties, rest), (from, to, kind) => maskString(css.slice(from, to), kind));
}

/** The order of CssPiece kinds in a piece list. */
const PIECE_KINDS: readonly CssPiece[] = ['string', 'url', 'comment', 'property', 'rest'];
const STRING_PIECE = 0;

/**
 * The pieces maskCssStrings gives `maskString`, in order, as a flat list: start, end and PIECE_KINDS index of
 * each (`rest` pieces only with `rest`).
 */
function cssPieces(css: string, properties: boolean, rest: boolean): number[] {
  const pieces: number[] = [];
  /** Where the text not yet in a piece starts (pieces come in order). */
  let covered = 0;
  const piece = (from: number, to: number, kind: CssPiece): void => {
    if (to > from) pieces.push(from, to, PIECE_KINDS.indexOf(kind));
  };
  const pass = (from: number, to: number, kind: CssPiece): void => {
    if (to <= from) return;
    if (rest) piece(covered, from, 'rest');
    piece(from, to, kind);
    covered = to;
  };
  const length = css.length;
  /** In a custom property's value: where its text not yet passed starts (-1: not in one), and where it ends. */
  let plainFrom = -1;
  let propertyEnd = -1;
  let i = 0;
  while (i < length) {
    if (plainFrom >= 0 && i >= propertyEnd) {
      pass(plainFrom, propertyEnd, 'property');
      plainFrom = -1;
    }
    const code = css.charCodeAt(i);
    let start = i;
    let end = -1;
    let kind: CssPiece = 'string';
    if (code === 34 || code === 39) {
      end = i + 1;
      while (end < length && css.charCodeAt(end) !== code) end += css.charCodeAt(end) === 92 ? 2 : 1;
      end = Math.min(end + 1, length);
      if (/url\(\s*$/i.test(css.slice(Math.max(0, i - 8), i))) kind = 'url';
    } else if (code === 47 && css.charCodeAt(i + 1) === 42) {
      const close = css.indexOf('*/', i + 2);
      end = close < 0 ? length : close + 2;
      kind = 'comment';
    } else if (urlAt(css, i)) {
      start = i + 4;
      while (start < length && /\s/.test(css.charAt(start))) start++;
      const quote = css.charCodeAt(start);
      if (quote !== 34 && quote !== 39) {
        const close = css.indexOf(')', start);
        end = close < 0 ? length : close;
        kind = 'url';
      }
    } else if (plainFrom < 0 && properties && code === 45 && css.charCodeAt(i + 1) === 45 && declarationStart(css, i)) {
      const colon = CUSTOM_NAME.exec(css.slice(i, i + 256));
      if (colon !== null) {
        i += colon[0].length;
        plainFrom = i;
        propertyEnd = valueEnd(css, i);
        continue;
      }
    }
    if (end < 0) {
      i = Math.max(i + 1, start);
      continue;
    }
    if (plainFrom >= 0) {
      pass(plainFrom, Math.min(start, propertyEnd), 'property');
      plainFrom = end;
    }
    pass(start, end, kind);
    i = end;
  }
  if (plainFrom >= 0) pass(plainFrom, propertyEnd, 'property');
  if (rest) piece(covered, length, 'rest');
  return pieces;
}

/** `css` with each of `pieces` (cssPieces) replaced by what `mask` makes of it, where it masks. */
function maskPieces(
  css: string,
  pieces: readonly number[],
  mask: (from: number, to: number, kind: CssPiece) => MaskedText,
): MaskedText {
  let output = '';
  let copied = 0;
  let masked = false;
  for (let p = 0; p < pieces.length; p += 3) {
    const from = pieces[p] as number;
    const to = pieces[p + 1] as number;
    const result = mask(from, to, PIECE_KINDS[pieces[p + 2] as number] as CssPiece);
    if (!result.masked) continue;
    output += css.slice(copied, from) + result.text;
    copied = to;
    masked = true;
  }
  if (!masked) return { text: css, masked: false };
  return { text: output + css.slice(copied), masked: true };
}

/** Whether `url(` (its case aside) starts at `at`, not the end of a longer name (`myurl(`). */
function urlAt(css: string, at: number): boolean {
  return (
    (css.charCodeAt(at) | 32) === 117 &&
    (css.charCodeAt(at + 1) | 32) === 114 &&
    (css.charCodeAt(at + 2) | 32) === 108 &&
    css.charCodeAt(at + 3) === 40 &&
    !identifierBefore(css, at)
  );
}

/** Whether a name character comes right before `at` (`myurl(` is not `url(`). */
function identifierBefore(css: string, at: number): boolean {
  return at > 0 && /[\w-]/.test(css.charAt(at - 1));
}

/** `--name:` (a custom property's name and its colon). */
const CUSTOM_NAME = /^--[\w-]*\s*:/;

/** Whether `at` starts a declaration: only whitespace since the start, a `{` or a `;`. */
function declarationStart(css: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && /\s/.test(css.charAt(i))) i--;
  return i < 0 || css.charCodeAt(i) === 123 || css.charCodeAt(i) === 59;
}

/** Where the declaration value starting at `from` ends: its `;` or `}` outside strings and brackets. */
function valueEnd(css: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < css.length) {
    const code = css.charCodeAt(i);
    if (code === 34 || code === 39) {
      i++;
      while (i < css.length && css.charCodeAt(i) !== code) i += css.charCodeAt(i) === 92 ? 2 : 1;
    } else if (code === 40 || code === 91 || code === 123) depth++;
    else if (code === 41 || code === 93) depth = Math.max(0, depth - 1);
    else if (code === 125) {
      if (depth === 0) return i;
      depth--;
    } else if (code === 59 && depth === 0) return i;
    i++;
  }
  return css.length;
}
