/**
 * The leak oracle for data: images (review s15 H1-H3), in Node and in the browser: every data: URL in a text (a
 * style sheet, an attribute's value, a string of a decoded message), decoded by the platform's own fetch (the
 * Fetch standard's data: URL processor: Node's undici, or Chromium's), and every data: URL nested in what those
 * decode to, to a depth of 6. Each image's bytes are read as a browser reads them (a byte order mark, UTF-16
 * without one, a declared encoding), then character references and CSS escapes decoded. It shares no code with
 * the product's readers (shared/data-url.ts, svg-data-url.ts, svg-unread.ts).
 */

const MAX_DEPTH = 6;
/** A data: scheme, tab and newline allowed inside as the URL parser removes them (not the end of `metadata:`). */
const SCHEME = /(?<![a-z0-9+.-])d[\t\n\r]*a[\t\n\r]*t[\t\n\r]*a[\t\n\r]*:/gi;

/** The markup of every image written by a data: URL in `text`, and of those nested in them. */
export async function imagesHeld(text: string, depth = 0): Promise<string[]> {
  if (depth >= MAX_DEPTH) return [];
  const read = referencesDecoded(escapesDecoded(text));
  const images: string[] = [];
  for (const match of read.matchAll(SCHEME)) {
    const url = urlAt(read, match.index);
    let response: Response;
    try {
      response = await fetch(url);
    } catch {
      continue; // not a URL the platform reads
    }
    const markup = decoded(new Uint8Array(await response.arrayBuffer()), response.headers.get('content-type') ?? '');
    images.push(markup, ...(await imagesHeld(markup, depth + 1)));
  }
  return images;
}

/** Every digit `markup` holds, in order, character references and CSS escapes decoded. */
export function digitsHeld(markup: string): string {
  return referencesDecoded(escapesDecoded(markup)).replace(/[^0-9]/g, '');
}

/** The URL starting at `at`: up to the quote or parenthesis that opens it, whitespace after a srcset's comma, or the end. */
function urlAt(text: string, at: number): string {
  let before = at - 1;
  while (before >= 0 && /\s/.test(text.charAt(before))) before--;
  const opener = text.charAt(before);
  if (opener === ',') return /^\S*/.exec(text.slice(at))?.[0] ?? '';
  const closer = opener === '"' || opener === "'" ? opener : opener === '(' ? ')' : '';
  const end = closer === '' ? -1 : text.indexOf(closer, at);
  return text.slice(at, end < 0 ? text.length : end);
}

function decoded(bytes: Uint8Array, contentType: string): string {
  const declared = /charset=["']?([\w-]+)/i.exec(contentType)?.[1];
  const latin1 = String.fromCharCode(...bytes.subarray(0, 512));
  const xmlDeclared = /<\?xml[^>]*encoding\s*=\s*["']([\w-]+)/i.exec(latin1.replace(/\0/g, ''))?.[1];
  let label = declared ?? xmlDeclared ?? 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be';
  else if (bytes.includes(0)) label = bytes[0] === 0 ? 'utf-16be' : 'utf-16le';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

function referencesDecoded(text: string): string {
  return text
    .replace(/&#x([0-9a-f]{1,6});/gi, (_m, hex: string) => char(Number.parseInt(hex, 16)))
    .replace(/&#([0-9]{1,7});/g, (_m, dec: string) => char(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function escapesDecoded(text: string): string {
  return text.replace(/\\([0-9a-f]{1,6})\s?/gi, (_m, hex: string) => char(Number.parseInt(hex, 16)));
}

function char(code: number): string {
  return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
}
