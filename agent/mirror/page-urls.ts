/**
 * Where the customer's URLs point from the mirror: resolved against the
 * customer's page (never against the mirror document, whose URL is the
 * agent console's), and never at the console's own origin unless the
 * customer's page lives there too (a page could otherwise make the agent's
 * browser call the console's API with the agent's cookies).
 */
const SAFE_PAGE_PROTOCOLS = new Set(['http:', 'https:']);

export class PageUrls {
  #base: URL | null = null;

  /** The customer's page URL changed (snapshot, navigation). */
  setPage(url: string): void {
    let base: URL | null = null;
    try {
      base = new URL(url);
    } catch {
      base = null;
    }
    this.#base = base && SAFE_PAGE_PROTOCOLS.has(base.protocol) ? base : null;
  }

  /** The absolute URL the mirror may use, or null to drop it. */
  resolve(url: string, agentOrigin: string | undefined): string | null {
    // A fragment-only reference (<use href="#icon">, fill: url(#gradient)) names
    // an element of the same document: made absolute against the customer's URL
    // it pointed at another document from the mirror and drew nothing.
    const trimmed = url.trim();
    if (trimmed.startsWith('#')) return trimmed;
    let resolved: URL;
    try {
      resolved = this.#base ? new URL(trimmed, this.#base) : new URL(trimmed);
    } catch {
      return null;
    }
    if (resolved.origin === agentOrigin && this.#base?.origin !== agentOrigin) return null;
    return resolved.href;
  }
}
