/**
 * A URL's user name and password (`https://agent-user:Hunter2@host/…`) are credentials, whatever else the
 * URL holds: they are masked wherever a URL may go out (attributes, CSS, the page's URL), the `:` between them
 * and the `@` kept so the URL still reads as one.
 */

/** A scheme, `//`, then the user information up to its `@` (no `/`, `?`, `#`, quote or space in it). */
const USER_INFO = /([a-z][a-z\d+.-]*:\/\/)([^/?#@"'\s\\]+)@/gi;

/** `text` with the user name and password of every URL in it masked, one `•` per character. */
export function maskUrlCredentials(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(USER_INFO, (_whole, start: string, info: string) => `${start}${info.replace(/[^:]/g, '•')}@`);
}
