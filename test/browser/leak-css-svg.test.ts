/**
 * Red team s12 F5 in real Chromium, as the agent sees it: a `data:image/svg+xml`
 * image drawing a card or an SSN one `<text>` per group, as an `<img src>`, a
 * CSS background (style sheet and style attribute), an inline SVG's
 * `<image href>`, and an `<img>` whose src is set after the snapshot. The page
 * goes through the whole pipeline (real CaptureEngine, codec, real Mirror);
 * the oracle reads every SVG image the mirror shows (img and image sources,
 * computed background images), decoded by Chromium (fetch of the data: URL)
 * and parsed by its XML parser (DOMParser), the text of its `<text>`
 * elements, then the independent leak finder. Control: the same oracle over
 * the customer's page finds the number.
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { revealedPositions } from '../oracles/leak-finder.js';
import { cardDigits, ssnDigits } from '../oracles/secret-arbitraries.js';
import { digitLeaks } from './helpers/layout-oracle.js';
import { loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';

/** A computed `url("…")` (Chromium serializes them double-quoted, `"` and `\` escaped). */
const COMPUTED_URL = /url\("((?:[^"\\]|\\[^])*)"\)/g;

/** Every SVG image `doc` shows by a data: URL (img and image sources, background images). */
function svgUrls(doc: Document): string[] {
  const urls: string[] = [];
  for (const el of doc.querySelectorAll('*')) {
    for (const name of ['src', 'href', 'xlink:href']) {
      const value = el.getAttribute(name);
      if (value?.startsWith('data:image/svg+xml') === true) urls.push(value);
    }
    const background = doc.defaultView?.getComputedStyle(el).backgroundImage ?? '';
    for (const m of background.matchAll(COMPUTED_URL)) {
      const url = (m[1] ?? '').replace(/\\([^])/g, '$1');
      if (url.startsWith('data:image/svg+xml')) urls.push(url);
    }
  }
  return urls;
}

/** Images inside images read (a data: SVG's <image> or <feImage> showing another data: SVG). */
const MAX_NESTING = 3;

/**
 * What each SVG image shows: Chromium's decoding and XML parsing, its <text> elements' text joined; the SVG images
 * its own <image> and <feImage> elements show, read the same way, joined with it.
 */
async function shownTexts(doc: Document): Promise<string[]> {
  const texts: string[] = [];
  const read = async (url: string, depth: number): Promise<string> => {
    const markup = await (await fetch(url)).text();
    const svg = new DOMParser().parseFromString(markup, 'image/svg+xml');
    let text = [...svg.querySelectorAll('text')].map((element) => element.textContent ?? '').join(' ');
    if (depth < MAX_NESTING)
      for (const image of svg.querySelectorAll('image, feImage')) {
        const href = image.getAttribute('href') ?? image.getAttribute('xlink:href') ?? '';
        if (/^\s*data:image\/svg\+xml/i.test(href)) text += ` ${await read(href.trim(), depth + 1)}`;
      }
    return text.trim();
  };
  for (const url of svgUrls(doc)) {
    const text = await read(url, 0);
    // Images without text (the mirror's own lock icon on masked boxes) are not the page's.
    if (text !== '') texts.push(text);
  }
  return texts;
}

type Encoding = 'percent' | 'base64' | 'plain';
type Where = 'img' | 'sheet' | 'style-attribute' | 'svg-image' | 'late-img';

function svgUrl(groups: readonly string[], encoding: Encoding, references: boolean): string {
  const texts = groups.map((group, n) => {
    const written = references ? [...group].map((digit) => `&#${digit.charCodeAt(0)};`).join('') : group;
    return `<text x="${4 + n * 48}" y="20" font-size="16">${written}</text>`;
  });
  return encodedSvg(
    `<svg xmlns="http://www.w3.org/2000/svg" width="220" height="28">${texts.join('')}</svg>`,
    encoding,
  );
}

/** `svg` as a data: URL encoded so. */
function encodedSvg(svg: string, encoding: Encoding): string {
  if (encoding === 'base64') return `data:image/svg+xml;base64,${btoa(svg)}`;
  if (encoding === 'plain')
    return `data:image/svg+xml;utf8,${svg.replace(/%/g, '%25').replace(/&/g, '%26').replace(/"/g, "'").replace(/#/g, '%23')}`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

function pageOf(url: string, where: Where): string {
  const body =
    where === 'img'
      ? `<img alt="card" src="${url}">`
      : where === 'sheet'
        ? `<style>.card{background:url("${url}") no-repeat;width:220px;height:28px}</style><div class="card"></div>`
        : where === 'style-attribute'
          ? `<div style="background-image:url('${url.replace(/'/g, '%27')}');width:220px;height:28px"></div>`
          : where === 'svg-image'
            ? `<svg width="220" height="28"><image width="220" height="28" href="${url}"></image></svg>`
            : `<img alt="card" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E">`;
  return `<!doctype html><html><head><title>SVG</title></head><body><p>Card</p>${body}</body></html>`;
}

async function mirrored(html: string, late: string | null): Promise<{ page: string[]; mirror: string[] }> {
  const pipeline = new Pipeline(await loadCustomerPage(html));
  try {
    await pipeline.start();
    if (late !== null) (pipeline.customer.doc.querySelector('img') as HTMLImageElement).src = late;
    await pipeline.settle(3);
    return { page: await shownTexts(pipeline.customer.doc), mirror: await shownTexts(pipeline.mirrorDocument()) };
  } finally {
    pipeline.dispose();
  }
}

/** A card (groups of 4) or an SSN (3-2-4), its digits and its groups. */
const grouped = fc
  .oneof(
    cardDigits.map((digits) => ({ digits, sizes: [4, 4, 4, 4, 4] })),
    ssnDigits.map((digits) => ({ digits, sizes: [3, 2, 4] })),
  )
  .map(({ digits, sizes }) => {
    const groups: string[] = [];
    let at = 0;
    for (const size of sizes) if (at < digits.length) groups.push(digits.slice(at, (at += size)));
    if (at < digits.length) groups.push(digits.slice(at));
    return { digits, groups };
  });

describe('data: SVG images writing a number one <text> per group, as the agent sees them (red team s12 F5)', function () {
  this.timeout(600_000);

  it('never shows the number, wherever the image is and however it is encoded', async () => {
    const result = await fc.check(
      fc.asyncProperty(
        grouped,
        fc.constantFrom<Encoding>('percent', 'base64', 'plain'),
        fc.constantFrom<Where>('img', 'sheet', 'style-attribute', 'svg-image', 'late-img'),
        fc.boolean(),
        async (s, encoding, where, references) => {
          const groups = s.groups;
          const url = svgUrl(groups, encoding, references);
          const { page, mirror } = await mirrored(pageOf(url, where), where === 'late-img' ? url : null);
          // Control: the customer's page shows the number to the same oracle.
          expect(revealedPositions(s.digits, page).size, JSON.stringify(page)).to.equal(s.digits.length);
          expect(digitLeaks(s.digits, mirror), JSON.stringify({ url, where, mirror })).to.deep.equal([]);
          // The mirror shows the image, its texts bulleted.
          expect(mirror.length, JSON.stringify(mirror)).to.equal(page.length);
        },
      ),
      { numRuns: 20, seed: Date.now() % 1_000_000 },
    );
    expect(result.failed, fc.defaultReportMessage(result) ?? '').to.equal(false);
  });

  it("never shows a number drawn by a data: SVG inside a data: SVG's <image> or <feImage>", async () => {
    const result = await fc.check(
      fc.asyncProperty(
        grouped,
        fc.constantFrom<Encoding>('percent', 'base64', 'plain'),
        fc.constantFrom<Encoding>('percent', 'base64', 'plain'),
        fc.constantFrom<Where>('img', 'sheet', 'svg-image'),
        fc.constantFrom('image', 'feImage', 'image-reference'),
        fc.nat(4),
        async (s, inner, outer, where, holder, split) => {
          const groups = s.groups;
          // The outer image draws the first groups itself (none, some), the inner one the rest.
          const own = split % groups.length;
          let nested = svgUrl(groups.slice(own), inner, false).replace(/'/g, '%27');
          // In the outer's markup the URL is an attribute value: `&` and `<` written as references, `:` too if asked.
          nested = nested.replace(/&/g, '&amp;').replace(/</g, '&lt;');
          if (holder === 'image-reference') nested = nested.replace('data:', 'data&#58;');
          const drawn =
            holder === 'feImage'
              ? `<filter id="f"><feImage href="${nested}" width="220" height="28"/></filter><rect width="220" height="28" filter="url(#f)"/>`
              : `<image width="220" height="28" href="${nested}"/>`;
          const texts = groups
            .slice(0, own)
            .map((group, n) => `<text x="${4 + n * 48}" y="44" font-size="16">${group}</text>`);
          const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="220" height="56">${drawn}${texts.join('')}</svg>`;
          const url = encodedSvg(svg, outer);
          const { page, mirror } = await mirrored(pageOf(url, where), null);
          // Control: the customer's page shows the number to the same oracle (the outer and inner texts).
          expect(revealedPositions(s.digits, page).size, JSON.stringify(page)).to.equal(s.digits.length);
          expect(digitLeaks(s.digits, mirror), JSON.stringify({ url, where, mirror })).to.deep.equal([]);
        },
      ),
      { numRuns: 20, seed: Date.now() % 1_000_000 },
    );
    expect(result.failed, fc.defaultReportMessage(result) ?? '').to.equal(false);
  });

  it('an icon and a labelled price in SVG images stay as the page shows them', async () => {
    const icon = `data:image/svg+xml,${encodeURIComponent("<svg xmlns='http://www.w3.org/2000/svg' width='24' height='24'><path d='M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2z'/><text y='20'>Total €1,299.00</text></svg>")}`;
    const { page, mirror } = await mirrored(pageOf(icon, 'img'), null);
    expect(page).to.deep.equal(['Total €1,299.00']);
    expect(mirror).to.deep.equal(page);
  });
});
