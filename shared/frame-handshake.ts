/**
 * The origin lists of the frame bridge's attributes (`frame-origins` on the
 * page, `parent-origins` in the frame). The bridge's messages and handshake
 * constants are protocol: shared/protocol/frame-bridge.ts and
 * shared/protocol/frame-handshake.ts.
 */

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
