/**
 * The frame bridge's handshake constants and the origin lists of its
 * attributes (shared/frame-bridge.ts), apart from its schemas so the loader,
 * which checks the handshake by hand, carries no zod.
 */

/** The `cobrowse` field of every window-level bridge message: our messages among a page's other postMessage traffic. */
export const FRAME_BRIDGE_TAG = 'cobrowse-frame';
/** Version of the bridge handshake; both sides must match. */
export const FRAME_BRIDGE_VERSION = 1;

/**
 * The origins an attribute lists (space- or comma-separated), normalised to
 * `scheme://host[:port]`; anything that is not an http(s) origin, `*`
 * included, is dropped: the list must name the partner exactly.
 */
export function parseOrigins(text: string | null | undefined): string[] {
  const origins: string[] = [];
  for (const part of (text ?? '').split(/[\s,]+/)) {
    if (part === '') continue;
    try {
      const url = new URL(part);
      if ((url.protocol === 'https:' || url.protocol === 'http:') && url.origin !== 'null') origins.push(url.origin);
    } catch {
      // Not an origin: ignored.
    }
  }
  return origins;
}
