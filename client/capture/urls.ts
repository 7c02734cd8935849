/**
 * URL rewriting for captured attributes and CSS: the mirror runs under
 * another origin, so every relative URL is made absolute against the
 * customer's document (or stylesheet) before it leaves the page.
 */
import { cssUnescaped } from '../../shared/css-escapes.js';
import { readsAsDataUrl } from '../../shared/data-url.js';
import { srcsetCandidates } from '../../shared/srcset.js';

/** Attributes whose whole value is one URL. */
export const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'href',
  'src',
  'poster',
  'action',
  'formaction',
  'xlink:href',
  'background',
  'cite',
  'longdesc',
  'data',
  'manifest',
]);

/** Attributes whose value `data` is only a URL on these tags (`data-*` attributes are not this). */
const DATA_URL_TAGS: ReadonlySet<string> = new Set(['object']);

/** The absolute form of `value` against `base`, or `value` unchanged when it does not parse. */
export function absoluteUrl(value: string, base: string): string {
  const trimmed = value.trim();
  if (
    trimmed === '' ||
    trimmed.startsWith('#') ||
    /^(?:data|blob|about|javascript|vbscript|mailto|tel):/i.test(trimmed.replace(/[\t\n\r]/g, ''))
  ) {
    return value;
  }
  try {
    return new URL(trimmed, base).href;
  } catch {
    return value;
  }
}

/**
 * A srcset with every candidate URL made absolute, descriptors kept. Split as
 * the HTML parser does: a URL is a run of non-whitespace (a data: URL keeps
 * its commas), and only a comma after the descriptors ends a candidate. The
 * earlier lazy regex stopped each URL at its first comma, so a data: URL was
 * cut in two and its payload sent as a page-relative path.
 */
export function absoluteSrcset(value: string, base: string): string {
  const candidates: string[] = [];
  for (const { url, descriptors } of srcsetCandidates(value)) {
    candidates.push(descriptors === '' ? absoluteUrl(url, base) : `${absoluteUrl(url, base)} ${descriptors}`);
  }
  return candidates.join(', ');
}

const CSS_URL = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)'"\s]*))\s*\)/gi;
const CSS_IMPORT_STRING = /@import\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/gi;

/** CSS text with every url(...) and string @import made absolute against `base`. */
export function absoluteCssUrls(css: string, base: string): string {
  if (!css.includes('url(') && !css.includes('URL(') && !css.includes('@import')) return css;
  return css
    .replace(CSS_URL, (whole, dq: string | undefined, sq: string | undefined, bare: string | undefined) => {
      const raw = dq ?? sq ?? bare ?? '';
      // A data: URL as the browser reads it stays as written (review s15 H3: `url("da\9 ta:…")` made page-relative
      // sent its SVG's text as a path, where the data: SVG rule does not read it).
      if (raw === '' || readsAsDataUrl(cssUnescaped(raw))) return whole;
      const absolute = absoluteUrl(raw, base);
      return absolute === raw
        ? whole
        : `url("${absolute.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\a ' : `\\${c}`))}")`;
    })
    .replace(CSS_IMPORT_STRING, (whole, dq: string | undefined, sq: string | undefined) => {
      const raw = dq ?? sq ?? '';
      const absolute = absoluteUrl(raw, base);
      return absolute === raw ? whole : `@import "${absolute.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    });
}

/**
 * Whether absoluteAttributeValue reads its base for this attribute: reading
 * `el.baseURI` makes a new string each time, and most attributes hold no URL.
 */
export function attributeNeedsBase(tag: string, name: string, value: string): boolean {
  if (name === 'style') return value.includes('url(') || value.includes('URL(') || value.includes('@import');
  if (name === 'data') return DATA_URL_TAGS.has(tag);
  return name === 'srcset' || name === 'imagesrcset' || URL_ATTRIBUTES.has(name);
}

/** The value of attribute `name` on a `tag` element with URLs made absolute (srcset, style and URL attributes). */
export function absoluteAttributeValue(tag: string, name: string, value: string, base: string): string {
  if (name === 'srcset' || name === 'imagesrcset') return absoluteSrcset(value, base);
  if (name === 'style') return absoluteCssUrls(value, base);
  if (name === 'data' && !DATA_URL_TAGS.has(tag)) return value;
  if (URL_ATTRIBUTES.has(name)) return absoluteUrl(value, base);
  return value;
}
