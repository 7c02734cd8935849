/**
 * CSS escapes decoded as CSS Syntax does, so a URL reads as the browser gets it (`d\61ta:`, `da\9 ta:` are
 * `data:` URLs to Chromium: review s15 H3).
 */

/** A code point's 1-6 hex digits and the one whitespace that may end them, an escaped CRLF, or one character. */
const CSS_ESCAPE = /\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\r\n|([^]))/g;

/** CSS text with its escapes decoded (an escaped newline writes nothing; zero, a surrogate or past U+10FFFF: U+FFFD). */
export function cssUnescaped(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(CSS_ESCAPE, (_escape, hex?: string, char?: string) => {
    if (hex !== undefined) {
      const value = Number.parseInt(hex, 16);
      const valid = value > 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff);
      return valid ? String.fromCodePoint(value) : '\ufffd';
    }
    return char === '\n' || char === '\f' || char === '\r' ? '' : (char ?? '');
  });
}
