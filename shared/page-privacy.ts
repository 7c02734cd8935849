/**
 * What of a page may reach the signaling server and its audit: the origin
 * and path (no query string, no fragment, no user or password), with numbers masked, and a title
 * and action descriptions with numbers masked. The customer applies it
 * before anything goes on the signaling socket; the server applies it again
 * to whatever it is sent, so a modified or old client cannot store more.
 */
import { maskNumbers, maskUrl } from './sensitive-numbers.js';

/**
 * `raw` reduced to origin + path, numbers masked in the host and port too (a
 * per-account subdomain can hold a card or an SSN); null when it is not an
 * http(s) URL.
 */
export function auditablePageUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // An address is no account number: kept as the origin was.
  if (isIpLiteral(url.hostname)) return `${url.origin}${maskUrl(url.pathname).text}`;
  // The name and the path are one text, so a number split between them is seen whole; a port
  // after a name with digits could end a number the name begins, so its digits go too.
  const port = url.port === '' ? '' : `:${/\d/.test(url.hostname) ? '•'.repeat(url.port.length) : url.port}`;
  const [host = '', ...path] = maskUrl(`${url.hostname}${url.pathname}`).text.split('/');
  return `${url.protocol}//${host}${port}/${path.join('/')}`;
}

/** An IPv4 address or a bracketed IPv6 one, as URL.hostname writes them. */
function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname);
}

/** A page title, action description or other page text as the audit may keep it. */
export function auditableText(text: string): string {
  return maskNumbers(text).text;
}
