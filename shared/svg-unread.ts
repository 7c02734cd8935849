/**
 * Whether an SVG image may draw text that svg-data-url.ts' reader does not read; such an image goes out as an
 * empty SVG (fail closed). Rare in icons; the mirror shows it blank rather than the card it may draw.
 * - Longer than the reader reads (1 MB).
 * - Entities declared in its DOCTYPE (`<!ENTITY a "4532">` … `&a;`), or HTML in a <foreignObject>, which the
 *   SVG's own <style> may give generated content (review s14 S1).
 * - Bytes the reader would not read as Chromium does (review s15 H2): a UTF-16 byte order mark, a NUL (UTF-16
 *   and UTF-32 write ASCII with NULs), or an encoding declared (XML declaration, `;charset=`) other than UTF-8;
 *   an ASCII-compatible single-byte one (Illustrator's `iso-8859-1`) only over ASCII bytes, which read the same.
 * - Another data: URL inside it, anywhere (review s15 H1): an `<image href>`, `<feImage>`, a `url()` of a style
 *   or a font, written with character references, CSS escapes, tabs or split by markup. The image would draw it
 *   unread. Only a base64 PNG, JPEG, GIF, WebP, AVIF or BMP written plainly stays: a raster MIME type is never
 *   drawn as SVG.
 */

import { cssUnescaped } from './css-escapes.js';

/** Longest SVG read (svg-data-url.ts' reader reads up to there: a longer one is not read whole). */
const MAX_BYTES = 1_000_000;
const UNREAD_MARKUP = /<!ENTITY|<!DOCTYPE[^>[]*\[|<(?:[\w.-]+:)?foreignObject[\s/>]/i;
const UTF16_BOM = /^(?:\xfe\xff|\xff\xfe)/;
const NON_ASCII_BYTE = /[\x80-\xff]/;
/** The XML declaration (only at the start: elsewhere `<?xml` is an error, and nothing is drawn). */
const XML_DECLARATION = /^(?:\xef\xbb\xbf)?<\?xml([^>]*)/;
const ENCODING = /encoding\s*=\s*["']?\s*([^"'\s?>]*)/;
const UTF8_LABEL = /^(?:utf-?8|unicode-1-1-utf-8|us-ascii|ascii)$/;
const SINGLE_BYTE_LABEL = /^(?:iso[-_]?8859-?\d{1,2}|latin-?\d|l\d|(?:windows|cp|x-cp)-?125\d)$/;
const CHARSET = /^charset\s*=\s*["']?([^"']*)/;
/** A raster image in a data: URL written plainly (its base64 body may be wrapped). */
const RASTER_DATA_URL = /data:image\/(?:png|jpeg|gif|webp|avif|bmp);base64,[a-z0-9+/=\s]*/gi;
/** A data: scheme (not the end of a longer scheme such as `metadata:`). */
const DATA_SCHEME = /(?<![a-z0-9+.-])data:/;
/** Comments, processing instructions, CDATA markers and tags: left out, the text of the markup remains. */
const NOT_CHARACTER_DATA = /<!--[^]*?(?:-->|$)|<\?[^]*?(?:\?>|$)|<!\[CDATA\[|\]\]>|<[^>]*>?/g;
const REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,6}));/g;
const NAMED_REFERENCES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const TAB_OR_NEWLINE = /[\t\n\r]/g;
const UTF8 = new TextDecoder();

/**
 * Whether the SVG image of these bytes (one character per byte) may draw text the reader does not read;
 * `params`: its data: URL's parameters (a `charset=`).
 */
export function drawsUnreadText(bytes: string, params: readonly string[]): boolean {
  if (bytes.length > MAX_BYTES || !plainEncoding(bytes, params)) return true;
  const markup = svgMarkup(bytes);
  return UNREAD_MARKUP.test(markup) || nestsDataUrl(markup);
}

/** An SVG image's bytes as the markup Chromium reads (UTF-8; an invalid byte: U+FFFD). */
export function svgMarkup(bytes: string): string {
  if (!NON_ASCII_BYTE.test(bytes)) return bytes;
  const array = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
  return UTF8.decode(array);
}

function plainEncoding(bytes: string, params: readonly string[]): boolean {
  if (UTF16_BOM.test(bytes) || bytes.includes('\0')) return false;
  const labels: string[] = [];
  for (const param of params) {
    const charset = CHARSET.exec(param);
    if (charset !== null) labels.push(charset[1] ?? '');
  }
  const declared = ENCODING.exec(XML_DECLARATION.exec(bytes)?.[1] ?? '');
  if (declared !== null) labels.push(declared[1] ?? '');
  return labels.every((written) => {
    const label = written.trim().toLowerCase();
    return UTF8_LABEL.test(label) || (SINGLE_BYTE_LABEL.test(label) && !NON_ASCII_BYTE.test(bytes));
  });
}

function nestsDataUrl(markup: string): boolean {
  const rest = markup.replace(RASTER_DATA_URL, '');
  // As written (attribute values), and as character data (a <style>'s text, however markup splits it).
  return DATA_SCHEME.test(asUrlText(rest)) || DATA_SCHEME.test(asUrlText(rest.replace(NOT_CHARACTER_DATA, '')));
}

/** Markup as a URL in it reads: character references and CSS escapes decoded, tab and newline out, lowercase. */
function asUrlText(markup: string): string {
  const referencesDecoded = markup.replace(REFERENCE, (written, decimal?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED_REFERENCES[name.toLowerCase()] ?? written;
    const value = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
    return codePoint(value);
  });
  return cssUnescaped(referencesDecoded).replace(TAB_OR_NEWLINE, '').toLowerCase();
}

function codePoint(value: number): string {
  return value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : '\ufffd';
}
