/**
 * Agent-side sanitization of the customer's serialized DOM. The capture engine
 * already strips scripts and handlers, but the customer's page (or a tampered
 * capture) is untrusted input: everything here is decided again, with pure
 * functions that the mirror calls for every element, attribute and text.
 */
import { srcsetCandidates } from '../../shared/srcset.js';

/** Re-exported for the mirror's builder and tests. */
export { srcsetCandidates, type SrcsetCandidate } from '../../shared/srcset.js';

/** Tags replaced by an inert placeholder that keeps the node id and sibling position. */
const INERT_TAGS = new Set([
  'script',
  'noscript', // Scripting is off in the mirror, so a noscript body would render.
  'base',
  'object',
  'embed',
  'applet',
  'portal',
  'fencedframe',
  'handler', // SVG Tiny event handler element.
  'listener',
  'frame',
  'frameset',
  'param',
]);

/** Attributes whose value is a URL (or a URL list) that a browser may fetch or navigate to. */
const URL_ATTRIBUTES = new Set([
  'href',
  'xlink:href',
  'src',
  'action',
  'formaction',
  'data',
  'poster',
  'background',
  'cite',
  'codebase',
  'longdesc',
  'lowsrc',
  'dynsrc',
  'usemap',
  'manifest',
  'profile',
  'icon',
  'classid',
  'archive',
  'itemtype',
  'itemid',
  'xml:base',
]);

/** Attributes dropped whatever their value: they navigate, fetch, run or steal focus. */
const DROPPED_ATTRIBUTES = new Set([
  'srcdoc',
  'ping',
  'target',
  'formtarget',
  'autofocus',
  'autoplay', // The agent must not hear the customer's media start on its own.
  'http-equiv',
  'sandbox', // The mirror sets its own.
  'nonce',
  'integrity', // Captured sheets are rewritten, so a hash would only block them.
]);

/** Attributes whose text is shown, never loaded: a javascript:-looking value there is harmless prose. */
const SHOWN_TEXT_ATTRIBUTES = new Set([
  'value',
  'title',
  'alt',
  'placeholder',
  'aria-label',
  'aria-description',
  'label',
]);

/** SVG animation elements can set another attribute (e.g. href) to a value. */
const SVG_ANIMATION_TAGS = new Set(['animate', 'set', 'animatemotion', 'animatetransform', 'animatecolor']);
const SVG_ANIMATION_VALUE_ATTRIBUTES = new Set(['to', 'from', 'values', 'by']);

/** Elements that draw an SVG data: URL as an image (never as a document). */
const SVG_DATA_IMAGE_TAGS = new Set(['img', 'image', 'source', 'video', 'input']);

/** Mirror-owned marker attributes: the customer's page must not be able to forge them. */
export const MIRROR_ATTRIBUTE_PREFIX = 'data-cobrowse-mirror';

/** XML Name production, close enough: what setAttribute accepts without throwing. */
const VALID_ATTRIBUTE_NAME = /^[A-Za-z_:][A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]*$/;

/** Schemes a mirror attribute may point at; anything else with a scheme is dropped. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel', 'sms', 'ftp', 'blob']);

/** data: media types that render as images, fonts or media and never as a document that runs code. */
const SAFE_DATA_TYPES =
  /^(image\/(png|jpe?g|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon|svg\+xml)|font\/[a-z0-9.+-]+|application\/(font-woff2?|x-font-[a-z0-9-]+|vnd\.ms-fontobject)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|text\/css|text\/plain)([;,]|$)/;

/** What a browser does to a URL before reading its scheme: drop tabs/newlines anywhere, trim C0 and spaces. */
function normalizeUrlForScheme(value: string): string {
  return (
    value
      .replace(/[\t\n\r]/g, '')
      // eslint-disable-next-line no-control-regex
      .replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '')
      .toLowerCase()
  );
}

/** True when `value` may appear as a URL in the mirror: no javascript:, vbscript:, document-like data: or other scheme. */
export function isSafeUrl(value: string): boolean {
  const normalized = normalizeUrlForScheme(value);
  if (normalized === '' || normalized === 'about:blank') return true;
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(normalized);
  if (!scheme) {
    // No scheme: relative. A backslash or a colon before any slash could still be read as a scheme by a lax parser.
    return !/^[^/?#]*:/.test(normalized);
  }
  const name = scheme[1] ?? '';
  if (name === 'data') return SAFE_DATA_TYPES.test(normalized.slice(5).replace(/^\s+/, ''));
  return SAFE_SCHEMES.has(name);
}

/** True when `value` looks like a URL that would run code if navigated to or loaded as a document. */
function looksLikeScriptUrl(value: string): boolean {
  const normalized = normalizeUrlForScheme(value);
  return (
    /^(javascript|vbscript|livescript|mocha):/.test(normalized) ||
    /^data:\s*(text\/html|application\/xhtml|text\/xml|application\/xml|image\/svg)/.test(normalized)
  );
}

/** True when setAttribute would accept `name` (a malformed name from the customer is skipped, never thrown on). */
export function isValidAttributeName(name: string): boolean {
  return name.length > 0 && name.length <= 256 && VALID_ATTRIBUTE_NAME.test(name);
}

/** True when an element of this tag must be replaced by the inert placeholder. */
export function isInertTag(tag: string): boolean {
  return INERT_TAGS.has(tag.toLowerCase());
}

/** Checks every URL of a srcset / imagesrcset list; null when any candidate is unsafe. */
export function sanitizeSrcset(value: string): string | null {
  for (const candidate of srcsetCandidates(value)) {
    if (!isSafeUrl(candidate.url)) return null;
  }
  return value;
}

/** Undoes CSS escapes (`\6a`, `\:`) so a scheme cannot hide behind them. */
export function unescapeCss(value: string): string {
  return value.replace(
    /\\([0-9a-fA-F]{1,6})\s?|\\([^\n0-9a-fA-F])/g,
    (_match, hex: string | undefined, char: string | undefined) => {
      if (hex !== undefined) {
        const codePoint = Number.parseInt(hex, 16);
        return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '\uFFFD';
      }
      return char ?? '';
    },
  );
}

/** Quotes a URL as a CSS string. */
function cssString(value: string): string {
  return `"${value.replace(/["\\\n\r\f]/g, (char) => `\\${char.charCodeAt(0).toString(16)} `)}"`;
}

/**
 * Rewrites every URL in a piece of CSS (url(), @import "…", image-set("…")):
 * unsafe ones become `about:invalid`, and `resolve` (when given) turns the
 * rest absolute. Also drops the legacy code-running properties.
 */
export function sanitizeCss(css: string, resolve?: (url: string) => string | null): string {
  const rewrite = (raw: string): string => {
    const url = unescapeCss(raw).trim();
    if (!isSafeUrl(url)) return 'about:invalid';
    const resolved = resolve ? resolve(url) : url;
    return resolved ?? 'about:invalid';
  };
  return (
    css
      // url( "x" ) / url(x): the URL token, quoted or not.
      .replace(
        /url\(\s*(?:"((?:[^"\\]|\\[\s\S])*)"|'((?:[^'\\]|\\[\s\S])*)'|((?:[^)\\\s]|\\[\s\S])*))\s*\)/gi,
        (_m, dq: string | undefined, sq: string | undefined, bare: string | undefined) =>
          `url(${cssString(rewrite(dq ?? sq ?? bare ?? ''))})`,
      )
      // @import "x" without url().
      .replace(
        /@import\s+(?:"((?:[^"\\]|\\[\s\S])*)"|'((?:[^'\\]|\\[\s\S])*)')/gi,
        (_m, dq: string | undefined, sq: string | undefined) => `@import ${cssString(rewrite(dq ?? sq ?? ''))}`,
      )
      // image-set("x" 1x) takes plain strings as URLs.
      .replace(
        /((?:-webkit-)?image-set\()((?:"(?:[^"\\]|\\[\s\S])*"|'(?:[^'\\]|\\[\s\S])*'|[^)"'])*)\)/gi,
        (_m, head: string, body: string) =>
          `${head}${body.replace(/"((?:[^"\\]|\\[\s\S])*)"|'((?:[^'\\]|\\[\s\S])*)'/g, (_s, dq: string | undefined, sq: string | undefined) => cssString(rewrite(dq ?? sq ?? '')))})`,
      )
      .replace(/expression\s*\(/gi, 'invalid(')
      .replace(/-moz-binding\s*:/gi, 'invalid-binding:')
      .replace(/(^|[\s;{])behavior\s*:/gi, '$1invalid-behavior:')
  );
}

/**
 * The value an attribute may have in the mirror, or null to drop it. `tag` is
 * the element's local name (any case); `name` the attribute's qualified name.
 * Pure: relative URLs are kept relative (the mirror makes them absolute).
 */
export function sanitizeAttribute(tag: string, name: string, value: string): string | null {
  if (!isValidAttributeName(name)) return null;
  const lowerTag = tag.toLowerCase();
  const lowerName = name.toLowerCase();
  if (lowerName.startsWith('on')) return null;
  if (lowerName.startsWith(MIRROR_ATTRIBUTE_PREFIX)) return null;
  if (DROPPED_ATTRIBUTES.has(lowerName)) return null;
  if (isInertTag(lowerTag)) return null;
  // Frames never load what the customer names: same-origin documents are rebuilt from 'doc' nodes.
  if ((lowerTag === 'iframe' || lowerTag === 'frame') && lowerName === 'src') return null;
  if (lowerTag === 'meta' && lowerName === 'content' && /^\s*\d*\s*[;,]?\s*url\s*=/i.test(value)) return null;
  if (lowerTag === 'link' && lowerName === 'rel' && /\b(import|serviceworker|manifest)\b/i.test(value)) return null;
  if (SVG_ANIMATION_TAGS.has(lowerTag)) {
    if (lowerName === 'attributename' && /^\s*(on|(xlink:)?href\b)/i.test(value)) return null;
    if (
      SVG_ANIMATION_VALUE_ATTRIBUTES.has(lowerName) &&
      value.split(';').some((part) => looksLikeScriptUrl(part) || !isSafeUrl(part.trim()))
    ) {
      return null;
    }
  }
  if (lowerName === 'style') return sanitizeCss(value);
  if (lowerName === 'srcset' || lowerName === 'imagesrcset') return sanitizeSrcset(value);
  if (URL_ATTRIBUTES.has(lowerName) || lowerName.endsWith(':href')) {
    if (lowerName === 'archive') return value.split(/[\s,]+/).every((part) => isSafeUrl(part)) ? value : null;
    if (!isSafeUrl(value)) return null;
    // An SVG document only stays script-free where it is drawn as an image.
    if (/^data:\s*image\/svg/.test(normalizeUrlForScheme(value)) && !SVG_DATA_IMAGE_TAGS.has(lowerTag)) return null;
    return value;
  }
  if (!SHOWN_TEXT_ATTRIBUTES.has(lowerName) && looksLikeScriptUrl(value)) return null;
  return value;
}

/** Attributes whose value the mirror resolves against the customer's page URL. */
export function isUrlAttribute(name: string): boolean {
  const lowerName = name.toLowerCase();
  return URL_ATTRIBUTES.has(lowerName) || lowerName.endsWith(':href');
}
