/**
 * data: SVG images the reader must read however they are spelled and encoded (review s15 H1-H3), in CSS url(),
 * an image-set() string, an attribute's URL and a srcset after another candidate (drawn on a 2x screen):
 * - H3: the URL spelled as the URL and data: URL parsers still read it as an SVG (spaces after `data:` and around
 *   the MIME type, its case, a tab or newline in the scheme, a `charset` or other parameter, `base64` spelled in
 *   another case or with spaces);
 * - H1: the image nested 1-3 deep in another one's `<image href>`, `xlink:href`, `<feImage>`, a style attribute's or
 *   a `<style>`'s url(), base64 or percent-encoded, its scheme written with a character reference or a tab;
 * - H2: its bytes in UTF-16 (either byte order mark, or none with an XML declaration or a `charset=`) or UTF-32.
 * The card is drawn one group pair per `<text>` (red team s12 F5) or by an entity (review s14 S1).
 * Oracle: test/oracles/data-url-images.ts (Node's fetch decodes every data: URL, nested ones too; the bytes read
 * as a browser reads them); the card's last 12 digits must not be in any image sent. Control: the same oracle
 * finds them in the page's. Over-masking: icons, an Illustrator `iso-8859-1` SVG, a nested PNG stay as they are.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskAttributeByDecision } from '../../client/capture/mask.js';
import { maskCss } from '../../shared/mask-css.js';
import { digitsHeld, imagesHeld } from '../oracles/data-url-images.js';
import { cardDigits } from '../oracles/secret-arbitraries.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

type Drawing = 'split-text' | 'entity';
type Charset = 'utf-8' | 'utf-16le-bom' | 'utf-16be-bom' | 'utf-16le-declared' | 'utf-16le-param' | 'utf-32le-bom';
type Body = 'base64' | 'percent' | 'plain';
type Embed = 'image-href' | 'xlink-href' | 'fe-image' | 'style-attribute' | 'style-element';
type Where = 'css-url' | 'css-image-set' | 'attribute' | 'srcset';

/** How the URL's head is spelled (each as the URL parser still reads a data: SVG URL). */
interface Spelling {
  lead: string;
  scheme: string;
  /** Where a tab or newline goes into the scheme (0: none). */
  cut: number;
  afterColon: string;
  mime: string;
  beforeComma: string;
  param: string;
  base64: string;
}

const PLAIN: Spelling = {
  lead: '',
  scheme: 'data',
  cut: 0,
  afterColon: '',
  mime: 'image/svg+xml',
  beforeComma: '',
  param: '',
  base64: ';base64',
};

const spelling: fc.Arbitrary<Spelling> = fc.record({
  lead: fc.constantFrom('', ' '),
  scheme: fc.constantFrom('data', 'DATA', 'Data', 'dAtA'),
  cut: fc.nat(3),
  afterColon: fc.constantFrom('', ' ', '  '),
  mime: fc.constantFrom('image/svg+xml', 'IMAGE/SVG+XML', 'Image/Svg+Xml'),
  beforeComma: fc.constantFrom('', ' '),
  param: fc.constantFrom('', ';charset=utf-8', ';charset=UTF-8', ';utf8', ';foo=bar'),
  base64: fc.constantFrom(';base64', ';BASE64', '; base64', ';base64 '),
});

function drawn(digits: string, drawing: Drawing): string {
  const groups = digits.match(/.{1,4}/g) ?? [];
  if (drawing === 'entity')
    return `<!DOCTYPE svg [<!ENTITY a "${groups.join(' ')}">]><svg xmlns="${SVG_NS}"><text>&a;</text></svg>`;
  return `<svg xmlns="${SVG_NS}"><text>${groups.slice(0, 2).join(' ')}</text><text>${groups.slice(2).join(' ')}</text></svg>`;
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

function bytesOf(markup: string, charset: Charset): Buffer {
  switch (charset) {
    case 'utf-8':
      return Buffer.from(markup);
    case 'utf-16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(markup, 'utf16le')]);
    case 'utf-16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(markup)]);
    case 'utf-16le-declared':
      return Buffer.from(`<?xml version="1.0" encoding="UTF-16LE"?>${markup}`, 'utf16le');
    case 'utf-16le-param':
      return Buffer.from(markup, 'utf16le');
    case 'utf-32le-bom': {
      const points = [0xfeff, ...[...markup].map((char) => char.codePointAt(0) as number)];
      const bytes = Buffer.alloc(points.length * 4);
      points.forEach((point, n) => bytes.writeUInt32LE(point, n * 4));
      return bytes;
    }
  }
}

/** A data: URL of these bytes; a tab (`cutWith`) into its scheme at `spelling.cut`. */
function urlOf(bytes: Buffer, body: Body, s: Spelling, charset: Charset, cutWith: string): string {
  const scheme = s.cut === 0 ? s.scheme : s.scheme.slice(0, s.cut) + cutWith + s.scheme.slice(s.cut);
  const param = charset === 'utf-16le-param' ? ';charset=utf-16le' : s.param;
  const head = `${s.lead}${scheme}:${s.afterColon}${s.mime}${param}${body === 'base64' ? s.base64 : ''}${s.beforeComma},`;
  if (body === 'base64') return head + bytes.toString('base64');
  if (body === 'plain' && charset === 'utf-8')
    return head + bytes.toString('utf8').replace(/%/g, '%25').replace(/#/g, '%23').replace(/"/g, '%22');
  return (
    head +
    [...bytes]
      .map((byte) =>
        /[\w.~-]/.test(String.fromCharCode(byte))
          ? String.fromCharCode(byte)
          : `%${byte.toString(16).padStart(2, '0')}`,
      )
      .join('')
  );
}

/** An SVG showing the image of `url` (its scheme's first letter as a character reference when `reference`). */
function nesting(url: string, embed: Embed, reference: boolean): string {
  const written = reference ? `&#${url.charCodeAt(0)};${url.slice(1)}` : url;
  const inner = {
    'image-href': `<image width="400" height="40" href='${written}'/>`,
    'xlink-href': `<image width="400" height="40" xlink:href='${written}'/>`,
    'fe-image': `<filter id="f"><feImage href='${written}'/></filter><rect width="400" height="40" filter="url(#f)"/>`,
    'style-attribute': `<rect width="400" height="40" style="fill:url('${written}')"/>`,
    'style-element': `<style>rect{fill:url('${written}')}</style><rect width="400" height="40"/>`,
  }[embed];
  return `<svg xmlns="${SVG_NS}" xmlns:xlink="${XLINK_NS}">${inner}</svg>`;
}

function sent(url: string, where: Where): string {
  if (where === 'attribute') return maskAttributeByDecision('clear', 'src', url).value;
  // After another candidate: drawn on a 2x screen.
  if (where === 'srcset') return maskAttributeByDecision('clear', 'srcset', `a.png 1x, ${url} 2x`).value;
  const css = where === 'css-url' ? `.x{background:url("${url}") no-repeat}` : `.x{background:image-set("${url}" 1x)}`;
  return maskCss(css).text;
}

/** The images of `text` holding the card's last 12 digits. */
async function holding(text: string, digits: string): Promise<string[]> {
  return (await imagesHeld(text)).filter((markup) => digitsHeld(markup).includes(digits.slice(4)));
}

interface Variant {
  drawing: Drawing;
  charset: Charset;
  body: Body;
  spellings: Spelling[];
  embeds: Embed[];
  references: boolean[];
  where: Where;
}

/** The page's URL: the card drawn, then nested once per embed (innermost first), each level spelled its way. */
function pageUrl(digits: string, v: Variant): string {
  const cutWith = v.where === 'attribute' ? '\n' : '\t';
  const innermost = v.spellings[0] ?? PLAIN;
  // In an attribute or a style, a URL is base64 or percent-encoded.
  let url = urlOf(
    bytesOf(drawn(digits, v.drawing), v.charset),
    v.body === 'plain' ? 'percent' : v.body,
    innermost,
    v.charset,
    '&#9;',
  );
  if (v.embeds.length === 0)
    return urlOf(bytesOf(drawn(digits, v.drawing), v.charset), v.body, innermost, v.charset, cutWith);
  v.embeds.forEach((embed, n) => {
    const outer = v.spellings[n + 1] ?? PLAIN;
    const last = n === v.embeds.length - 1;
    url = urlOf(
      bytesOf(nesting(url, embed, v.references[n] === true), 'utf-8'),
      last ? v.body : 'base64',
      outer,
      'utf-8',
      last ? cutWith : '&#9;',
    );
  });
  return url;
}

describe('data: SVG images spelled and encoded every way the browser still draws them (review s15 H1-H3)', () => {
  const variant: fc.Arbitrary<Variant> = fc.record({
    drawing: fc.constantFrom<Drawing>('split-text', 'entity'),
    charset: fc.constantFrom<Charset>(
      'utf-8',
      'utf-16le-bom',
      'utf-16be-bom',
      'utf-16le-declared',
      'utf-16le-param',
      'utf-32le-bom',
    ),
    body: fc.constantFrom<Body>('base64', 'percent', 'plain'),
    spellings: fc.array(spelling, { minLength: 4, maxLength: 4 }),
    embeds: fc.array(
      fc.constantFrom<Embed>('image-href', 'xlink-href', 'fe-image', 'style-attribute', 'style-element'),
      { maxLength: 3 },
    ),
    references: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    where: fc.constantFrom<Where>('css-url', 'css-image-set', 'attribute', 'srcset'),
  });

  it('no image sent holds the card, at any nesting depth, in any encoding or spelling', async () => {
    await fc.assert(
      fc.asyncProperty(cardDigits, variant, async (digits, v) => {
        const url = pageUrl(digits, v);
        // In a srcset, whitespace ends the URL (the HTML parser's split): the rest is no image.
        fc.pre(v.where !== 'srcset' || !/\s/.test(url));
        // Control: the oracle finds the card in the page's image.
        expect(await holding(url, digits), url).not.toEqual([]);
        const out = sent(url, v.where);
        expect(await holding(out, digits), out).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  const card = '4532015112830366';
  const b64 = (markup: string): string => Buffer.from(markup).toString('base64');
  const review: Array<[string, string]> = [
    [
      'H1 nested base64 <image href>',
      `data:image/svg+xml,${nesting(`data:image/svg+xml;base64,${b64(drawn(card, 'split-text'))}`, 'image-href', false).replace(/"/g, "'")}`,
    ],
    [
      'H1 nested percent <feImage>',
      `data:image/svg+xml,${encodeURIComponent(nesting(`data:image/svg+xml,${encodeURIComponent(drawn(card, 'split-text')).replace(/'/g, '%27')}`, 'fe-image', false))}`,
    ],
    [
      'H2 UTF-16 LE BOM entity',
      urlOf(bytesOf(drawn(card, 'entity'), 'utf-16le-bom'), 'base64', PLAIN, 'utf-16le-bom', ''),
    ],
    [
      'H2 UTF-16 BE BOM entity, percent',
      urlOf(bytesOf(drawn(card, 'entity'), 'utf-16be-bom'), 'percent', PLAIN, 'utf-16be-bom', ''),
    ],
    ['H2 UTF-32 BOM', urlOf(bytesOf(drawn(card, 'split-text'), 'utf-32le-bom'), 'base64', PLAIN, 'utf-32le-bom', '')],
    ['H3 space after data:', `data: image/svg+xml,${drawn(card, 'split-text').replace(/"/g, "'")}`],
    ['H3 tab in the scheme', `da\tta:image/svg+xml,${drawn(card, 'split-text').replace(/"/g, "'")}`],
    ['H3 spaces around the MIME type, upper case', `DATA:  IMAGE/SVG+XML ;BASE64 ,${b64(drawn(card, 'split-text'))}`],
  ];
  for (const where of ['css-url', 'css-image-set', 'attribute', 'srcset'] as const)
    it.each(review.filter(([, url]) => where !== 'srcset' || !/\s/.test(url)))(`%s (${where})`, async (_name, url) => {
      expect(await holding(url, card), 'control').not.toEqual([]);
      const out = sent(url, where);
      expect(await holding(out, card), out).toEqual([]);
    });

  it('the oracle finds an unmasked card in ASCII controls written each of these ways', async () => {
    // The same images, sent as written: the oracle must see the card in each (so a pass above is not its blindness).
    for (const [name, url] of review) expect(await holding(`.x{background:url("${url}")}`, card), name).not.toEqual([]);
  });

  const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  it.each<[string, string]>([
    [
      'an icon, spelled with spaces',
      `data: image/svg+xml ,${encodeURIComponent(`<svg xmlns="${SVG_NS}" viewBox="0 0 24 24"><path d="M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10z"/></svg>`)}`,
    ],
    [
      'an Illustrator SVG declared iso-8859-1 (ASCII)',
      `data:image/svg+xml;base64,${b64(`<?xml version="1.0" encoding="iso-8859-1"?><svg xmlns="${SVG_NS}"><text>Total 1,299.00</text></svg>`)}`,
    ],
    [
      'an SVG holding a base64 PNG',
      `data:image/svg+xml;base64,${b64(`<svg xmlns="${SVG_NS}"><image width="24" height="24" href="data:image/png;base64,${PNG}"/></svg>`)}`,
    ],
    [
      'a UTF-8 byte order mark',
      `data:image/svg+xml,%EF%BB%BF${encodeURIComponent(`<svg xmlns="${SVG_NS}"><path d="M1 1h22"/></svg>`)}`,
    ],
  ])('%s stays as it is', (_name, url) => {
    expect(maskAttributeByDecision('clear', 'src', url).value).toBe(url);
    const css = `.i{background:url("${url}")}`;
    expect(maskCss(css).text).toBe(css);
  });
});
