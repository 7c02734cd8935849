/**
 * A `data:` URL as the browser's URL and data: URL parsers read it (review s15 H3): ASCII tab and newline removed
 * anywhere, C0 controls and spaces before it trimmed, the scheme, the MIME type and its parameters read
 * case-insensitively and trimmed of whitespace. Chromium draws `data: image/svg+xml ,…`, `DATA:IMAGE/SVG+XML,…`
 * and (a CSS string's tab is kept up to the URL parser) `da<TAB>ta:image/svg+xml,…` as SVG images, all three
 * measured (playwright-core, /usr/bin/chromium).
 */

/** Where a data: URL's parts are in the text it was read from. */
export interface DataUrl {
  /** Where the URL starts: after leading whitespace and an opening quote (a CSS string's, a `url("…")`'s). */
  start: number;
  /** Where the body starts (after the first comma) and ends (before the closing quote, or the text's end). */
  bodyStart: number;
  bodyEnd: number;
  /** What comes between `data:` and the comma, tab and newline removed and lowercased (`image/svg+xml;base64`). */
  head: string;
  /** The head's parameters after the MIME type, each trimmed. */
  params: readonly string[];
  /** Whether a parameter is `base64`. */
  base64: boolean;
}

/** Leading whitespace and C0 controls (the URL parser trims them), an opening quote, and more of them. */
// oxlint-disable-next-line no-control-regex
const LEADING = /^[\s\x00-\x20]*(["']?)[\s\x00-\x20]*/;
const TAB_OR_NEWLINE = /[\t\n\r]/g;
const SCHEME = 'data:';
const UTF8 = new TextEncoder();

/** `url` (an attribute's value, or a CSS `url()`'s or string's inside with its quotes) read as a data: URL; null when it is none. */
export function readDataUrl(url: string): DataUrl | null {
  const lead = LEADING.exec(url);
  const quote = lead?.[1] ?? '';
  const start = lead?.[0].length ?? 0;
  if (!schemeAt(url, start)) return null;
  const comma = url.indexOf(',', start);
  if (comma < 0) return null;
  const head = url.slice(start, comma).replace(TAB_OR_NEWLINE, '').slice(SCHEME.length).toLowerCase();
  const params = head
    .split(';')
    .slice(1)
    .map((param) => param.trim());
  const close = quote === '' ? -1 : url.lastIndexOf(quote);
  return {
    start,
    bodyStart: comma + 1,
    bodyEnd: close > comma ? close : url.length,
    head,
    params,
    base64: params.includes('base64'),
  };
}

/** Whether `data:` starts at `at`, in any case, tabs and newlines in it aside. */
function schemeAt(url: string, at: number): boolean {
  let matched = 0;
  for (let i = at; i < url.length && matched < SCHEME.length; i++) {
    const char = url.charAt(i);
    if (char === '\t' || char === '\n' || char === '\r') continue;
    if (char.toLowerCase() !== SCHEME.charAt(matched)) return false;
    matched++;
  }
  return matched === SCHEME.length;
}

/** Whether `url` (as readDataUrl takes it) is a data: URL as the URL parser reads it. */
export function readsAsDataUrl(url: string): boolean {
  return readDataUrl(url) !== null;
}

/**
 * The bytes of a data: URL's body, one character (U+0000-U+00FF) per byte: percent escapes decoded, other
 * characters as UTF-8 (as the URL parser encodes them), tab and newline removed; a base64 body then decoded
 * forgivingly as Chromium does (whitespace ignored). Null when a base64 body is not base64 (no image).
 */
export function dataUrlBytes(url: string, data: DataUrl): string | null {
  const bytes = percentBytes(url.slice(data.bodyStart, data.bodyEnd));
  if (!data.base64) return bytes;
  try {
    return atob(bytes);
  } catch {
    return null;
  }
}

/** What percentBytes rewrites: a percent sign, a tab or newline, a character outside ASCII. */
const NOT_AS_IS = /[%\t\n\r\u0080-\uffff]/g;

function percentBytes(body: string): string {
  const chunks: string[] = [];
  let copied = 0;
  for (const found of body.matchAll(NOT_AS_IS)) {
    const at = found.index;
    if (at < copied) continue;
    chunks.push(body.slice(copied, at));
    const char = body.charAt(at);
    copied = at + 1;
    if (char === '%') {
      if (/^[0-9a-fA-F]{2}$/.test(body.slice(at + 1, at + 3))) {
        chunks.push(String.fromCharCode(Number.parseInt(body.slice(at + 1, at + 3), 16)));
        copied = at + 3;
      } else chunks.push('%');
    } else if (char !== '\t' && char !== '\n' && char !== '\r') {
      const whole = String.fromCodePoint(body.codePointAt(at) as number);
      for (const byte of UTF8.encode(whole)) chunks.push(String.fromCharCode(byte));
      copied = at + whole.length;
    }
  }
  chunks.push(body.slice(copied));
  return chunks.join('');
}
