/**
 * What of a page may reach the signaling server and its audit: the origin
 * and path (no query string, no fragment), with numbers masked, and a title
 * and action descriptions with numbers masked. The customer applies it
 * before anything goes on the signaling socket; the server applies it again
 * to whatever it is sent, so a modified or old client cannot store more.
 */
import { maskNumbers, maskUrl } from './sensitive-numbers.js';

/** `raw` reduced to origin + masked path; null when it is not an http(s) URL. */
export function auditablePageUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return `${url.origin}${maskUrl(url.pathname).text}`;
}

/** A page title, action description or other page text as the audit may keep it. */
export function auditableText(text: string): string {
  return maskNumbers(text).text;
}
