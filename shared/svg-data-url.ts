/**
 * The number rule over a `data:image/svg+xml` URL's text as the image shows
 * it (red team s12 F5): the text of its elements read together, as the same
 * SVG inline in the page is (`<text>4532</text><text x="40">0196</text>…`
 * is one card; markup between the groups ended the number in the URL as
 * written). Percent-encoded (`%3Ctext%3E`), plain (`utf8,<svg>`) and base64
 * bodies; character references (`&#52;`) and CDATA decoded. What is masked
 * is bulleted where it is written (a digit, or the whole escape or reference
 * that writes it); a base64 body is encoded again.
 */
import { maskNumbers, type MaskedText } from './sensitive-numbers.js';

const MASK_CHAR = '•';
const UTF8 = new TextDecoder();
/** The URL's start (an opening quote of CSS aside), its parameters and the comma before the body. */
const SVG_DATA_URL = /^(\s*(["']?)\s*)data:image\/svg\+xml((?:;[^,]*)?),/i;
const BASE64 = /;\s*base64\s*$/i;
const NAMED_REFERENCES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};
/** Elements whose content is not drawn as text. */
const NOT_TEXT = /^(?:style|script|title|desc|metadata)$/i;
/** Elements laid out inside a <text>'s line. */
const INLINE = /^(?:tspan|a|textPath)$/i;
/** Longest markup read (a larger image is read up to there). */
const MAX_MARKUP = 1_000_000;

/** A text and, per UTF-16 unit, where what writes it starts and ends in a source (-1: written by nothing). */
interface Mapped {
  text: string;
  from: number[];
  to: number[];
}

function put(into: Mapped, text: string, from: number, to: number): void {
  for (let u = 0; u < text.length; u++) {
    into.text += text.charAt(u);
    into.from.push(from);
    into.to.push(to);
  }
}

/**
 * `url` (an attribute's value, or a CSS `url()`'s inside with its quotes) with the numbers its SVG shows masked;
 * unchanged when it is not a `data:image/svg+xml` URL or shows none.
 */
export function maskSvgDataUrl(url: string): MaskedText {
  const head = SVG_DATA_URL.exec(url);
  if (head === null) return { text: url, masked: false };
  const start = head[0].length;
  const quote = head[2] ?? '';
  const close = quote === '' ? -1 : url.lastIndexOf(quote);
  const end = close >= start ? close : url.length;
  const body = url.slice(start, end);
  const base64 = BASE64.test(head[3] ?? '');
  if (drawsUnreadText(base64 ? base64Text(body) : percentDecoded(body)))
    return { text: (head[1] ?? '') + PLACEHOLDER + url.slice(end), masked: true };
  const masked = base64 ? maskBase64(body) : maskPercentEncoded(body);
  return masked === null
    ? { text: url, masked: false }
    : { text: url.slice(0, start) + masked + url.slice(end), masked: true };
}

/**
 * An empty SVG in place of one whose text the reader here does not read (review s14 S1): entities declared in
 * its DOCTYPE (`<!ENTITY a "4532">` … `&a;`), or HTML in a <foreignObject>, which the SVG's own <style> may give
 * generated content (`::before` strings, escapes, counters) and lists their markers, or another data: SVG that it
 * draws (an `<image>` or `<feImage>` href, whose text joins its own on screen). Rare in icons; such an
 * image shows blank in the mirror rather than the card it may draw.
 */
const PLACEHOLDER = 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E';
const UNREAD_MARKUP = /<!ENTITY|<!DOCTYPE[^>[]*\[|<(?:[\w.-]+:)?foreignObject[\s/>]/i;
/** A data: URL of an SVG in the markup (its type before the comma, bounded; case, spaces, references and escapes read). */
const NESTED_SVG = /data:[^,]{0,32}svg/i;
/** A numeric character reference, or the named ones a URL's punctuation may be written with. */
const URL_REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(colon|sol|plus|comma|amp));?/g;
const URL_NAMED: Readonly<Record<string, string>> = { colon: ':', sol: '/', plus: '+', comma: ',', amp: '&' };

function drawsUnreadText(markup: string | null): boolean {
  if (markup === null) return false;
  if (UNREAD_MARKUP.test(markup)) return true;
  if (!/data/i.test(markup)) return false;
  // As an attribute value shows it (references decoded), and once more percent-decoded (an escaped type).
  const shown = markup
    .replace(URL_REFERENCE, (reference, decimal?: string, hex?: string, name?: string) => {
      const value = decimal !== undefined ? Number(decimal) : hex !== undefined ? Number.parseInt(hex, 16) : null;
      if (value === null) return URL_NAMED[(name ?? '').toLowerCase()] ?? reference;
      return value > 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff) ? String.fromCodePoint(value) : '';
    })
    .replace(/\s+/g, '');
  return NESTED_SVG.test(shown) || NESTED_SVG.test(percentDecoded(shown));
}

/** A base64 body's bytes as Latin-1 text (enough to find ASCII markup), null when it is not base64. */
function base64Text(body: string): string | null {
  try {
    return atob(percentDecoded(body).replace(/\s+/g, ''));
  } catch {
    return null;
  }
}

/** A base64 body with its SVG's numbers masked, encoded again; null when nothing is masked or it is not base64. */
function maskBase64(body: string): string | null {
  let markup: string;
  try {
    const binary = atob(percentDecoded(body).replace(/\s+/g, ''));
    markup = UTF8.decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    return null;
  }
  const ranges = shownTextMasks(markup);
  if (ranges.length === 0) return null;
  let masked = '';
  let copied = 0;
  for (let r = 0; r < ranges.length; r += 2) {
    masked += markup.slice(copied, ranges[r]) + MASK_CHAR;
    copied = ranges[r + 1] as number;
  }
  masked += markup.slice(copied);
  let binary = '';
  for (const byte of new TextEncoder().encode(masked)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function percentDecoded(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_escape, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A plain or percent-encoded body with its SVG's numbers masked where written; null when nothing is masked. */
function maskPercentEncoded(body: string): string | null {
  const decoded = decodePercent(body);
  const ranges = shownTextMasks(decoded.text);
  if (ranges.length === 0) return null;
  let masked = '';
  let copied = 0;
  for (let r = 0; r < ranges.length; r += 2) {
    const from = decoded.from[ranges[r] as number] as number;
    const to = decoded.to[(ranges[r + 1] as number) - 1] as number;
    if (from < copied) continue;
    masked += body.slice(copied, from) + MASK_CHAR;
    copied = to;
  }
  return masked + body.slice(copied);
}

/** `body` percent-decoded as UTF-8 (an invalid byte: U+FFFD), each unit mapped to the escapes that write it. */
function decodePercent(body: string): Mapped {
  const out: Mapped = { text: '', from: [], to: [] };
  let i = 0;
  const length = Math.min(body.length, MAX_MARKUP);
  while (i < length) {
    if (body.charCodeAt(i) !== 37 || !/^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      put(out, body.charAt(i), i, i + 1);
      i++;
      continue;
    }
    const from = i;
    const first = Number.parseInt(body.slice(i + 1, i + 3), 16);
    i += 3;
    const size = first < 0x80 ? 1 : first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 0;
    const bytes = [first];
    while (bytes.length < size && body.charCodeAt(i) === 37 && /^[89abAB][0-9a-fA-F]$/.test(body.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 3;
    }
    const char = size === 0 || bytes.length < size ? '\ufffd' : UTF8.decode(Uint8Array.from(bytes));
    put(out, char, from, i);
  }
  return out;
}

/**
 * Where the SVG markup writes what the number rule masks in the text it shows: start and end in `markup` of each
 * masked unit's writing (a digit, a character reference), in order. The shown text is the markup's character data
 * (references decoded, CDATA as text; comments, tags and the content of style, script, title, desc and metadata
 * left out), a space where a tag other than a <tspan> stands, as text runs across the elements of an SVG inline in
 * the page.
 */
export function shownTextMasks(markup: string): number[] {
  const shown: Mapped = { text: '', from: [], to: [] };
  const length = Math.min(markup.length, MAX_MARKUP);
  let skipUntil: string | null = null;
  let i = 0;
  while (i < length) {
    const code = markup.charCodeAt(i);
    if (code === 60) {
      if (markup.startsWith('<!--', i)) {
        const close = markup.indexOf('-->', i + 4);
        i = close < 0 ? length : close + 3;
        continue;
      }
      if (markup.startsWith('<![CDATA[', i)) {
        const close = markup.indexOf(']]>', i + 9);
        const end = close < 0 ? length : close;
        if (skipUntil === null) for (let c = i + 9; c < end; c++) put(shown, markup.charAt(c), c, c + 1);
        i = close < 0 ? length : close + 3;
        continue;
      }
      const end = tagEnd(markup, i, length);
      const name = /^<\/?\s*([\w:-]+)/.exec(markup.slice(i, Math.min(end, i + 64)))?.[1] ?? '';
      const closing = markup.charCodeAt(i + 1) === 47;
      const selfClosing = markup.charCodeAt(end - 2) === 47;
      if (skipUntil !== null) {
        if (closing && name.toLowerCase() === skipUntil) skipUntil = null;
      } else if (!closing && !selfClosing && NOT_TEXT.test(name)) skipUntil = name.toLowerCase();
      // A <text> is laid out apart; a <tspan> (or a link) inside one goes on in its line.
      if (!INLINE.test(name)) put(shown, ' ', -1, -1);
      i = end;
      continue;
    }
    if (skipUntil !== null) {
      i++;
      continue;
    }
    if (code === 38) {
      const reference = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,6}));/.exec(markup.slice(i, i + 12));
      if (reference !== null) {
        const value =
          reference[1] !== undefined
            ? Number(reference[1])
            : reference[2] !== undefined
              ? Number.parseInt(reference[2], 16)
              : null;
        const char =
          value === null
            ? (NAMED_REFERENCES[(reference[3] ?? '').toLowerCase()] ?? reference[0])
            : value > 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff)
              ? String.fromCodePoint(value)
              : '\ufffd';
        put(shown, char, i, i + reference[0].length);
        i += reference[0].length;
        continue;
      }
    }
    put(shown, markup.charAt(i), i, i + 1);
    i++;
  }
  const rule = maskNumbers(shown.text);
  if (!rule.masked) return [];
  const ranges: number[] = [];
  for (let u = 0; u < shown.text.length; u++) {
    const from = shown.from[u] as number;
    if (rule.text.charCodeAt(u) === shown.text.charCodeAt(u) || from < 0 || ranges.at(-2) === from) continue;
    ranges.push(from, shown.to[u] as number);
  }
  return ranges;
}

/** Where the tag starting at `at` ends (after its `>`), its quoted attribute values skipped. */
function tagEnd(markup: string, at: number, length: number): number {
  let i = at + 1;
  while (i < length) {
    const code = markup.charCodeAt(i);
    if (code === 34 || code === 39) {
      const close = markup.indexOf(String.fromCharCode(code), i + 1);
      i = close < 0 ? length : close + 1;
      continue;
    }
    if (code === 62) return i + 1;
    i++;
  }
  return length;
}
