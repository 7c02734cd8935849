/**
 * A `data:image/svg+xml` image that writes a card or an SSN one `<text>`
 * per group (red team s12 F5), in CSS `url()` and as an attribute's URL:
 * percent-encoded, plain and base64, digits also as character references
 * and in CDATA, groups split further by `<tspan>`. Oracle: the URL decoded
 * by the test (decodeURIComponent, Buffer for base64), its elements' text
 * read by a reader of the test's own (tags out, references decoded, texts
 * joined by spaces as the image lays them out), then the independent leak
 * finder; control: the same reading of the page's URL finds the number.
 * Over-masking: an icon's path numbers and a price in an SVG stay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskCss } from '../../shared/mask-css.js';
import { EMPTY_SVG_URL, maskSvgDataUrl } from '../../shared/svg-data-url.js';
import { revealedPositions, truncationLeaks } from '../oracles/leak-finder.js';
import { cardDigits, ssnDigits, type Secret } from '../oracles/secret-arbitraries.js';

/** The SVG markup of a data: URL (its quotes aside), decoded by the test. */
function markupOf(url: string): string {
  const m = /data:image\/svg\+xml([^,]*),([^"')]*)/i.exec(url);
  if (m === null) return '';
  const body = m[2] ?? '';
  if (/base64/i.test(m[1] ?? '')) return Buffer.from(decodeURIComponent(body), 'base64').toString('utf8');
  try {
    return decodeURIComponent(body);
  } catch {
    return body;
  }
}

/** What the SVG shows: the text between tags, references decoded, one space per tag. */
function shownText(markup: string): string {
  return markup
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, text: string) => text.replace(/</g, '\u2039'))
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&amp;/g, '&');
}

function leaks(s: Pick<Secret, 'digits'>, outputs: readonly string[]): number[] {
  return s.digits.length === 9
    ? [...revealedPositions(s.digits, outputs, 3)].filter((i) => i < 5)
    : truncationLeaks(s.digits, outputs);
}

type Encoding = 'percent' | 'plain' | 'base64';
type Writing = 'digit' | 'decimal' | 'hex' | 'cdata';

/** An SVG writing each piece in its own `<text>` (a piece's digits as `writing` says, some in a `<tspan>`). */
function svgOf(
  pieces: readonly string[],
  writings: readonly Writing[],
  tspan: boolean,
  cuts: readonly number[],
): string {
  const texts = pieces.map((piece, n) => {
    const writing = writings[n % writings.length] as Writing;
    let body = [...piece]
      .map((char) =>
        !/[0-9]/.test(char)
          ? char.replace(/&/g, '&amp;').replace(/</g, '&lt;')
          : writing === 'decimal'
            ? `&#${char.codePointAt(0)};`
            : writing === 'hex'
              ? `&#x${(char.codePointAt(0) as number).toString(16)};`
              : char,
      )
      .join('');
    if (writing === 'cdata') body = `<![CDATA[${piece}]]>`;
    if (tspan && writing !== 'cdata') {
      const cut = (cuts[n % cuts.length] ?? 0) % (piece.length + 1);
      const chars = body.match(/&#x?[0-9a-f]+;|[^]/gi) ?? [];
      body = `${chars.slice(0, cut).join('')}<tspan>${chars.slice(cut).join('')}</tspan>`;
    }
    return `<text x="${n * 40}" y="20">${body}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="30">${texts.join('')}</svg>`;
}

function urlOf(svg: string, encoding: Encoding): string {
  if (encoding === 'base64') return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
  if (encoding === 'plain') return `data:image/svg+xml;utf8,${svg.replace(/"/g, "'")}`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

describe('data: SVG images: one <text> per group (red team s12 F5)', () => {
  it('a number written a group per <text> never shows, in CSS url() or an attribute', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          cardDigits.map((digits) => ({ digits, sizes: [4, 4, 4, 4, 4] })),
          cardDigits.map((digits) => ({ digits, sizes: [4, 6, 5, 4] })),
          ssnDigits.map((digits) => ({ digits, sizes: [3, 2, 4] })),
        ),
        fc.constantFrom('', ' ', '-', '\u00a0'),
        fc.array(fc.nat(6), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom<Writing>('digit', 'decimal', 'hex', 'cdata'), { minLength: 1, maxLength: 4 }),
        fc.constantFrom<Encoding>('percent', 'plain', 'base64'),
        fc.boolean(),
        fc.constantFrom('css', 'attribute'),
        (s, separator, cuts, writings, encoding, tspan, where) => {
          // One <text> per group (a group's digits also cut over <tspan>s when `tspan`), as a card is drawn.
          const pieces: string[] = [];
          let at = 0;
          for (const size of s.sizes) {
            if (at >= s.digits.length) break;
            const group = s.digits.slice(at, at + size);
            at += size;
            pieces.push(at < s.digits.length ? group + separator : group);
          }
          if (at < s.digits.length) pieces.push(s.digits.slice(at));
          const url = urlOf(svgOf(pieces, writings, tspan, cuts), encoding);
          fc.pre(revealedPositions(s.digits, [shownText(markupOf(url))]).size === s.digits.length);
          const sent =
            where === 'css' ? maskCss(`.card{background:url("${url}") no-repeat}`).text : maskSvgDataUrl(url).text;
          expect(leaks(s, [shownText(markupOf(sent))]), sent).toEqual([]);
          // The image is still an SVG with its texts (bulleted).
          expect(markupOf(sent)).toContain('<text');
        },
      ),
      { numRuns: 400 },
    );
  });

  it.each<[string, string]>([
    [
      'an icon path',
      `data:image/svg+xml,${encodeURIComponent("<svg xmlns='http://www.w3.org/2000/svg'><path d='M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2z'/></svg>")}`,
    ],
    [
      'a price and a date with their labels',
      `data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'><text>Total €1,299.00</text><text>Due 2026-12-05</text></svg>`,
    ],
    ['not an SVG', 'data:image/png;base64,iVBORw0KGgo='],
  ])('%s stays as it is', (_name, url) => {
    expect(maskSvgDataUrl(url).text).toBe(url);
    const css = `.i{background:url("${url}")}`;
    expect(maskCss(css).text).toBe(css);
  });
});

describe('data: SVG images: text the number rule does not read (review s14 S1)', () => {
  // Oracle (the test's own): every digit the decoded SVG holds anywhere (entity values, its <style>, escapes
  // `\34` decoded), in order; the card must not be there. Control: the page's SVG holds it.
  const digitsHeld = (markup: string): string =>
    markup
      .replace(/\\([0-9a-f]{1,6})\s?/gi, (_m, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
      .replace(/[^0-9]/g, '');
  const card = '4532015112830366';
  const svg = (inner: string, prolog = ''): string =>
    `${prolog}<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60">${inner}</svg>`;
  const fo = (css: string, text = ''): string =>
    `<style>${css}</style><foreignObject width="400" height="60"><div xmlns="http://www.w3.org/1999/xhtml" class="a">${text}</div></foreignObject>`;
  const images = {
    entity: svg('<text y="20">&g; 0151 1283 0366</text>', '<!DOCTYPE svg [<!ENTITY g "4532">]>'),
    entitySplit: svg(
      '<text y="20">&a; &b; &c; &d;</text>',
      '<!DOCTYPE svg [<!ENTITY a "4532"><!ENTITY b "0151"><!ENTITY c "1283"><!ENTITY d "0366">]>',
    ),
    styleEscape: svg(fo('.a::before{content:"\\34 532 0151 1283 0366"}')),
    styleStrings: svg(fo('.a::before{content:"4532 0151 " "1283 0366"}', 'Card')),
    styleCounters: svg(
      fo(
        '.a{counter-reset:a 4532 b 151 c 1283 d 366}.a::before{content:counter(a) " 0" counter(b) " " counter(c) " 0" counter(d)}',
      ),
    ),
  };
  const encodings = {
    percent: (markup: string) => `data:image/svg+xml,${encodeURIComponent(markup)}`,
    base64: (markup: string) => `data:image/svg+xml;base64,${Buffer.from(markup).toString('base64')}`,
  };

  for (const [shape, markup] of Object.entries(images))
    for (const [encoding, encode] of Object.entries(encodings))
      it(`${shape}, ${encoding}: url(), image-set() string, custom property string, attribute`, () => {
        const url = encode(markup);
        // Counters write the groups without their leading zeros.
        const needle = shape === 'styleCounters' ? '1511283' : card.slice(4);
        expect(digitsHeld(markupOf(url))).toContain(needle); // control
        const sheets = [
          `.x{background:url("${url}")}`,
          `.x{background:image-set("${url}" 1x)}`,
          `.x{background:-webkit-image-set('${url}' 1x)}`,
          `:root{--u:"${url}"}.x{background:image-set(var(--u) 1x)}`,
        ];
        for (const sheet of sheets) {
          const sent = maskCss(sheet).text;
          expect(digitsHeld(markupOf(sent)), sent).not.toContain(needle);
        }
        expect(digitsHeld(markupOf(maskSvgDataUrl(url).text))).not.toContain(needle);
      });

  it('an image-set() string SVG written with CSS escapes is not sent as written', () => {
    const sheet = `.x{background:image-set("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3Ctext%3E\\34 532 0151 1283 0366%3C/text%3E%3C/svg%3E" 1x)}`;
    expect(digitsHeld(sheet)).toContain(card); // control
    expect(digitsHeld(maskCss(sheet).text)).not.toContain(card.slice(4));
  });

  it('an icon with a <style> of fills and a DOCTYPE without a subset stays', () => {
    const icon = encodings.percent(
      `<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><style>.c{fill:#123456}</style><path class="c" d="M12 2 L22 22 H2z"/></svg>`,
    );
    const sheet = `.x{background:url("${icon}")}.y{background:image-set("${icon}" 1x)}`;
    expect(maskCss(sheet).text).toBe(sheet);
  });

  it('an icon drawing a PNG with <image> stays; one drawing another data: SVG goes empty', () => {
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    const icon = encodings.percent(
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><image href="${png}" width="24" height="24"/><text>Total 12</text></svg>`,
    );
    expect(maskSvgDataUrl(icon)).toEqual({ text: icon, masked: false });
    const nested = encodings.percent(
      `<svg xmlns="http://www.w3.org/2000/svg"><image href="data&#58;image/svg+xml,%3Csvg/%3E" width="24" height="24"/></svg>`,
    );
    expect(maskSvgDataUrl(nested).text).toBe(EMPTY_SVG_URL);
  });
});
