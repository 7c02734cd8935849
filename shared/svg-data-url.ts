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
import { dataUrlBytes, readDataUrl, type DataUrl } from './data-url.js';
import { maskNumbers, type MaskedText } from './sensitive-numbers.js';
import { srcsetCandidates } from './srcset.js';
import { drawsUnreadText, svgMarkup } from './svg-unread.js';

const MASK_CHAR = '•';
const UTF8 = new TextDecoder();
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

/** An empty SVG: what goes out in place of an image whose text is not read (svg-unread.ts). No space, for `url(…)` unquoted. */
export const EMPTY_SVG_URL = 'data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22/%3E';
/** An SVG root element, its prefix aside. */
const SVG_ROOT = /<(?:[\w.-]+:)?svg[\s/>]/i;
/** Media types Chromium never draws as a document (measured: `data:image/png;base64,<an SVG>` is no image). */
const NOT_A_DOCUMENT = /^(?:image|font|audio|video)\//;

/**
 * `url` (an attribute's value, or a CSS `url()`'s inside with its quotes) with the numbers its SVG shows masked;
 * unchanged when it is not a data: URL of an SVG or shows none. Read as Chromium reads it (data-url.ts); an SVG
 * is any data: URL whose MIME type says `svg` or whose body holds an `<svg>` element, whatever it says (fail
 * closed). One the reader here cannot read (svg-unread.ts, or a base64 body that is not base64) is an empty SVG.
 */
export function maskSvgDataUrl(url: string): MaskedText {
  const data = readDataUrl(url);
  if (data === null || !readsAsSvg(url, data)) return { text: url, masked: false };
  const bytes = dataUrlBytes(url, data);
  if (bytes === null || drawsUnreadText(bytes, data.params))
    return { text: url.slice(0, data.start) + EMPTY_SVG_URL + url.slice(data.bodyEnd), masked: true };
  const body = url.slice(data.bodyStart, data.bodyEnd);
  const masked = data.base64 ? maskBase64(svgMarkup(bytes)) : maskPercentEncoded(body);
  return masked === null
    ? { text: url, masked: false }
    : { text: url.slice(0, data.bodyStart) + masked + url.slice(data.bodyEnd), masked: true };
}

/**
 * A srcset (or imagesrcset) with each candidate's data: SVG masked as maskSvgDataUrl masks one: split as the HTML
 * parser splits it, so an SVG after another candidate (`a.png 1x, data:image/svg+xml,… 2x`, drawn on a 2x screen)
 * is read too, and its descriptors stay as they are.
 */
export function maskSrcsetSvgs(srcset: string): MaskedText {
  let masked = false;
  const candidates = srcsetCandidates(srcset).map(({ url, descriptors }) => {
    const svg = maskSvgDataUrl(url);
    masked ||= svg.masked;
    return descriptors === '' ? svg.text : `${svg.text} ${descriptors}`;
  });
  return masked ? { text: candidates.join(', '), masked: true } : { text: srcset, masked: false };
}

/** Whether `url` (as maskSvgDataUrl takes it) is a data: URL maskSvgDataUrl reads as an SVG image. */
export function readsAsSvgDataUrl(url: string): boolean {
  const data = readDataUrl(url);
  return data !== null && readsAsSvg(url, data);
}

/** An SVG: its media type says `svg`, or (but for an image's, a font's or a sound's) its body holds an <svg>. */
function readsAsSvg(url: string, data: DataUrl): boolean {
  if (data.head.includes('svg')) return true;
  if (NOT_A_DOCUMENT.test(data.head.trimStart())) return false;
  const bytes = dataUrlBytes(url, data);
  return bytes !== null && SVG_ROOT.test(bytes);
}

/** An SVG's markup with its numbers masked, encoded in base64 again; null when nothing is masked. */
function maskBase64(markup: string): string | null {
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
    const code = body.charCodeAt(i);
    // The URL parser removes tab and newline: `45\n32` is 4532.
    if (code === 9 || code === 10 || code === 13) {
      i++;
      continue;
    }
    if (code !== 37 || !/^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
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
