/**
 * What a serialized record may carry (serialize.ts): the protocol's limits on
 * its strings (shared/protocol; a value over one would make the whole frame
 * invalid) and the attributes that never leave the page.
 */

/** Protocol limits (protocol.ts): values over them would make the whole frame invalid. */
export const MAX_TAG = 128;
export const MAX_ATTR_NAME = 256;
export const MAX_ATTR_VALUE = 1_000_000;
export const MAX_TEXT = 10_000_000;
export const MAX_COMMENT = 100_000;

/** Attributes never sent: handlers run code, nonces are CSP secrets, srcdoc is raw HTML (the document is sent as a 'doc' node). */
export function isDroppedAttribute(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('on') || lower === 'nonce' || lower === 'srcdoc';
}

/** The only attributes a blocked element keeps: enough to lay out its placeholder. */
export const BLOCKED_ELEMENT_ATTRIBUTES: ReadonlySet<string> = new Set(['class', 'style']);

/** `text` cut to `max` UTF-16 units. */
export function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
