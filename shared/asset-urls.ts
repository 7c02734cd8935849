/**
 * Which URLs of a page are assets: what a browser fetches to render the page
 * (images, sprites, fonts, posters, background images), as opposed to links
 * it only follows when clicked. Both sides use the same rule: the customer
 * sends these over the data channel, and the mirror never fetches them itself
 * unless the customer's site allows it (client/capture/assets.ts,
 * agent/mirror/assets.ts).
 */

/** Attributes whose URL is fetched on these elements (lower-case local names; `*` for any element). */
const FETCHED: Readonly<Record<string, readonly string[]>> = {
  src: ['img', 'source', 'input', 'video', 'audio', 'track', 'embed'],
  srcset: ['img', 'source'],
  imagesrcset: ['link'],
  poster: ['video'],
  href: ['link', 'image', 'use', 'feimage'],
  'xlink:href': ['image', 'use', 'feimage'],
  background: ['body', 'table', 'td', 'th'],
  data: ['object'],
};

/** True when the browser fetches the URL in attribute `name` of a `tag` element to render it. */
export function isFetchedUrlAttribute(tag: string, name: string): boolean {
  const tags = FETCHED[name.toLowerCase()];
  return tags !== undefined && tags.includes(tag.toLowerCase());
}

const CSS_URL = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)'"\s]*))\s*\)/gi;
const CSS_IMPORT_STRING = /@import\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/gi;
const IMAGE_SET_STRING = /image-set\(([^)]*)\)/gi;
const QUOTED = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g;

/** Every URL a CSS text refers to (url(), @import strings, image-set strings), unescaped as CSS reads them. */
export function cssUrls(css: string): string[] {
  if (!/url\(|@import|image-set/i.test(css)) return [];
  const urls: string[] = [];
  const add = (raw: string | undefined): void => {
    if (raw !== undefined && raw !== '') urls.push(raw.replace(/\\([0-9a-fA-F]{1,6}\s?|[\s\S])/g, unescapeOne));
  };
  for (const match of css.matchAll(CSS_URL)) add(match[1] ?? match[2] ?? match[3]);
  for (const match of css.matchAll(CSS_IMPORT_STRING)) add(match[1] ?? match[2]);
  for (const match of css.matchAll(IMAGE_SET_STRING)) {
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
