/**
 * Which URLs of a page are assets: what a browser fetches to render the page
 * (images, sprites, fonts, posters, background images), as opposed to links
 * it only follows when clicked. Both sides use the same rule: the customer
 * sends these over the data channel, and the mirror never fetches them itself
 * unless the customer's site allows it (client/capture/assets.ts,
 * agent/mirror/assets.ts).
 */

/**
 * Fetched by a browser but never read for the agent: documents and captions
 * (`<embed>`, `<object>`, `<track>`) would be fetched with the customer's
 * cookies and sent unmasked, and the mirror shows embeds as inert boxes anyway.
 * The mirror still treats them as fetched (a placeholder, never the page's URL).
 */
const NEVER_SENT = new Set(['embed', 'object', 'track']);

/**
 * Attributes whose URL is fetched on these elements (lower-case local names). A Map, not an
 * object: an attribute named `constructor` or `__proto__` found Object.prototype's members there,
 * and the lookup threw (on the customer it ended the asset scan of a snapshot part).
 */
const FETCHED: ReadonlyMap<string, readonly string[]> = new Map([
  ['src', ['img', 'source', 'input', 'video', 'audio', 'track', 'embed']],
  ['srcset', ['img', 'source']],
  ['imagesrcset', ['link']],
  ['poster', ['video']],
  ['href', ['link', 'image', 'use', 'feimage']],
  ['xlink:href', ['image', 'use', 'feimage']],
  ['background', ['body', 'table', 'td', 'th']],
  ['data', ['object']],
]);

/** True when the browser fetches the URL in attribute `name` of a `tag` element to render it. */
export function isFetchedUrlAttribute(tag: string, name: string): boolean {
  const tags = FETCHED.get(name.toLowerCase());
  return tags !== undefined && tags.includes(tag.toLowerCase());
}

/** True when the customer may read the URL in attribute `name` of a `tag` element for the agent (an image, icon, sprite or poster). */
export function isSentUrlAttribute(tag: string, name: string): boolean {
  // The attribute first: most attributes (class, id, style...) are no URL attribute at all, and the customer's
  // asset scan asks this of every attribute of every element of a snapshot.
  return isFetchedUrlAttribute(tag, name) && !NEVER_SENT.has(tag.toLowerCase());
}

const CSS_URL = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)'"\s]*))\s*\)/gi;
/** An `@import` with its URL (a string or url()), removed before looking for asset URLs. */
const CSS_IMPORT =
  /@import\s+(?:url\(\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^)]*)\s*\)|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/gi;
const IMAGE_SET_STRING = /image-set\(([^)]*)\)/gi;
const QUOTED = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g;

/**
 * Every image or font URL a CSS text refers to (url(), image-set strings),
 * unescaped as CSS reads them. `@import` strings are not: an imported sheet
 * is a document of the customer's site (fetched with its cookies, not
 * masked), and the capture sends its rules masked with the page's own.
 */
export function cssUrls(css: string): string[] {
  if (!/url\(|image-set/i.test(css)) return [];
  const text = /@import/i.test(css) ? css.replace(CSS_IMPORT, '') : css;
  const urls: string[] = [];
  const add = (raw: string | undefined): void => {
    if (raw !== undefined && raw !== '') urls.push(raw.replace(/\\([0-9a-fA-F]{1,6}\s?|[\s\S])/g, unescapeOne));
  };
  for (const match of text.matchAll(CSS_URL)) add(match[1] ?? match[2] ?? match[3]);
  for (const match of text.matchAll(IMAGE_SET_STRING)) {
    for (const quoted of (match[1] ?? '').matchAll(QUOTED)) add(quoted[1] ?? quoted[2]);
  }
  return urls;
}

function unescapeOne(_whole: string, escaped: string): string {
  const hex = escaped.trim();
  if (/^[0-9a-fA-F]{1,6}$/.test(hex)) {
    const code = Number.parseInt(hex, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  }
  return escaped;
}

/** The URL without its fragment: one asset serves every `#id` of a sprite. */
export function assetKey(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/** Media types an asset keeps on the agent's side; anything else is stored as opaque bytes. */
const KEPT_TYPES =
  /^(image\/(png|jpeg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon|svg\+xml)|font\/(woff2?|ttf|otf|collection|sfnt)|application\/(font-woff2?|x-font-ttf|x-font-otf|x-font-woff|vnd\.ms-fontobject)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+)$/;

/** The media type an asset is stored under: one of a fixed list, else `application/octet-stream`. */
export function assetType(contentType: string | null | undefined): string {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return KEPT_TYPES.test(type) ? type : 'application/octet-stream';
}

/** Image and font types the mirror can show: the only ones the customer sends. */
const SENT_TYPES =
  /^(image\/(png|jpeg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon|svg\+xml)|font\/(woff2?|ttf|otf|collection|sfnt)|application\/(font-woff2?|x-font-ttf|x-font-otf|x-font-woff|vnd\.ms-fontobject))$/;

/** Font files by their first four bytes, for servers that send fonts as octet-stream (or with no type). */
const FONT_MAGIC: readonly (readonly [string, readonly number[]])[] = [
  ['font/woff', [0x77, 0x4f, 0x46, 0x46]], // wOFF
  ['font/woff2', [0x77, 0x4f, 0x46, 0x32]], // wOF2
  ['font/otf', [0x4f, 0x54, 0x54, 0x4f]], // OTTO
  ['font/ttf', [0x00, 0x01, 0x00, 0x00]],
];

/**
 * The type the customer sends an asset under, or null when it must not be
 * sent: only images and fonts the mirror can use. A document, a stylesheet,
 * a script, media or bytes of no known type are refused, except a font
 * referenced from CSS (`fromCss`) whose server labels it octet-stream or not
 * at all, recognised by its magic bytes.
 */
export function sentAssetType(
  contentType: string | null | undefined,
  bytes: Uint8Array,
  fromCss: boolean,
): string | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (SENT_TYPES.test(type)) return type;
  if (!fromCss || (type !== '' && type !== 'application/octet-stream')) return null;
  for (const [fontType, magic] of FONT_MAGIC) {
    if (magic.every((byte, i) => bytes[i] === byte)) return fontType;
  }
  return null;
}
