/**
 * Review s15 H1-H3 in real Chromium, through the whole capture pipeline (real CaptureEngine, codec, chunking,
 * Mirror): data: SVG images drawing a card that the reader did not read, each in a style sheet, a style
 * attribute, an `<img src>`, an inline SVG's `<image href>`, an `<img>` whose src is set after the snapshot and a
 * srcset after another candidate:
 * - H1: the SVG nested in another one's `<image href>` (base64), `<feImage>` (percent-encoded), or with its
 *   scheme written `&#100;ata:`;
 * - H2: the SVG in UTF-16 with a byte order mark (little and big endian), its card in an entity;
 * - H3: `data: image/svg+xml,…`, `da<TAB>ta:…`, `DATA:IMAGE/SVG+XML ;BASE64 ,…`.
 * Oracle: every string of every message the agent side decoded, percent-decoded, and its data: URLs decoded by
 * Chromium's fetch and read by test/oracles/data-url-images.ts (nested ones too, bytes by their byte order mark);
 * a card's last 12 digits must be in none. The product's masking code is not used to decide. Controls: Chromium draws each
 * image on the customer's page (ink on a canvas), and the same oracle finds each card in the page's URLs.
 */
import { expect } from '@open-wc/testing';
import { digitsHeld, imagesHeld } from '../oracles/data-url-images.js';
import { completeLuhn } from '../oracles/leak-finder.js';
import { loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** No digits in its attributes: the oracle reads every digit of the image in order. */
const TEXT = '<text dominant-baseline="hanging">';

/** An SVG drawing the card two groups per <text>, or by an entity. */
function drawn(card: string, entity: boolean): string {
  const groups = card.match(/.{1,4}/g) ?? [];
  const root = `<svg xmlns="${SVG_NS}" width="400" height="40">`;
  if (entity) return `<!DOCTYPE svg [<!ENTITY a "${groups.join(' ')}">]>${root}${TEXT}&a;</text></svg>`;
  return `${root}${TEXT}${groups.slice(0, 2).join(' ')}</text>${TEXT}${groups.slice(2).join(' ')}</text></svg>`;
}

const base64 = (text: string): string => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
const percent = (text: string): string => encodeURIComponent(text).replace(/'/g, '%27');

function utf16(text: string, bigEndian: boolean): number[] {
  const bytes = bigEndian ? [0xfe, 0xff] : [0xff, 0xfe];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes.push(...(bigEndian ? [unit >> 8, unit & 255] : [unit & 255, unit >> 8]));
  }
  return bytes;
}

function nestedIn(url: string, element: 'image' | 'feImage'): string {
  const inner =
    element === 'image'
      ? `<image width="400" height="40" href="${url}"/>`
      : `<filter id="f" x="0" y="0" width="1" height="1"><feImage href="${url}"/></filter><rect width="400" height="40" filter="url(#f)"/>`;
  return `<svg xmlns="${SVG_NS}" width="400" height="40">${inner}</svg>`;
}

const VARIANTS: Record<string, (card: string) => string> = {
  'H1 nested base64 <image href>': (card) =>
    `data:image/svg+xml,${percent(nestedIn(`data:image/svg+xml;base64,${base64(drawn(card, false))}`, 'image'))}`,
  'H1 nested percent <feImage>': (card) =>
    `data:image/svg+xml;base64,${base64(nestedIn(`data:image/svg+xml,${percent(drawn(card, false))}`, 'feImage'))}`,
  'H1 nested &#100;ata:': (card) =>
    `data:image/svg+xml,${percent(nestedIn(`&#100;ata:image/svg+xml;base64,${base64(drawn(card, false))}`, 'image'))}`,
  'H2 UTF-16 LE BOM entity': (card) =>
    `data:image/svg+xml;base64,${btoa(String.fromCharCode(...utf16(drawn(card, true), false)))}`,
  'H2 UTF-16 BE BOM entity': (card) =>
    `data:image/svg+xml,${utf16(drawn(card, true), true)
      .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
      .join('')}`,
  'H3 space after data:': (card) => `data: image/svg+xml,${percent(drawn(card, false))}`,
  'H3 tab in the scheme': (card) => `da\tta:image/svg+xml,${percent(drawn(card, false))}`,
  'H3 upper case, spaces around the MIME type': (card) => `DATA:IMAGE/SVG+XML ;BASE64 ,${base64(drawn(card, false))}`,
};

type Place = 'sheet' | 'style-attribute' | 'img' | 'svg-image' | 'late-img' | 'srcset';
const PLACES: readonly Place[] = ['sheet', 'style-attribute', 'img', 'svg-image', 'late-img', 'srcset'];
/** A srcset's first candidate: the SVG comes after it (drawn on a 2x screen, as the agent's may be). */
const GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

interface Case {
  name: string;
  place: Place;
  card: string;
  url: string;
}

const CASES: Case[] = Object.entries(VARIANTS).flatMap(
  ([name, url], v) =>
    PLACES.map((place, p) => {
      const card = completeLuhn(`4532015112${String(v * 10 + p).padStart(5, '0')}`);
      return { name, place, card, url: url(card) };
    }).filter((c) => c.place !== 'srcset' || !/\s/.test(c.url)), // whitespace ends a srcset's URL
);

/** The page: each case's element, its URL set by script (so tabs and quotes go in as they are). */
function pageOf(cases: readonly Case[]): string {
  const elements = cases.map((c, n) =>
    c.place === 'svg-image'
      ? `<svg width="400" height="40"><image id="e${n}" width="400" height="40"></image></svg>`
      : c.place === 'img' || c.place === 'late-img' || c.place === 'srcset'
        ? `<img id="e${n}" alt="" width="400" height="40">`
        : `<div id="e${n}" class="c${n}" style="width:400px;height:40px"></div>`,
  );
  const sets = cases
    .map((c, n) => ({ c, n }))
    .filter(({ c }) => c.place !== 'late-img')
    .map(({ c, n }) => {
      const url = JSON.stringify(c.url);
      const quoted = JSON.stringify(`url("${c.url}")`);
      if (c.place === 'sheet') return `sheet.textContent += '.c${n}{background-image:' + ${quoted} + '}';`;
      if (c.place === 'style-attribute') return `document.getElementById('e${n}').style.backgroundImage = ${quoted};`;
      if (c.place === 'srcset')
        return `document.getElementById('e${n}').setAttribute('srcset', ${JSON.stringify(`${GIF} 1x, ${c.url} 2x`)});`;
      return `document.getElementById('e${n}').setAttribute(${JSON.stringify(c.place === 'img' ? 'src' : 'href')}, ${url});`;
    });
  return `<!doctype html><html><head><title>SVG</title><style id="s"></style></head><body>${elements.join('')}<script>const sheet = document.getElementById('s');${sets.join('\n')}</script></body></html>`;
}

/** Every string in a decoded message. */
function stringsOf(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, into);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) stringsOf(item, into);
  return into;
}

/** How many pixels Chromium draws for the image of `url` (0: none, or not an image). */
async function ink(url: string): Promise<number> {
  const img = new Image();
  img.src = url;
  try {
    await img.decode();
  } catch {
    return 0;
  }
  const canvas = document.createElement('canvas');
  canvas.width = 400;
  canvas.height = 40;
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  context.drawImage(img, 0, 0, 400, 40);
  const data = context.getImageData(0, 0, 400, 40).data;
  let drawnPixels = 0;
  for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) drawnPixels++;
  return drawnPixels;
}

async function cardsHeld(texts: readonly string[], cases: readonly Case[]): Promise<string[]> {
  const images: string[] = [];
  for (const text of texts) images.push(...(await imagesHeld(text)));
  // And every text itself, percent-decoded: a data: URL made into a page-relative one carries its SVG in its path.
  const percentDecoded = texts.map((text) =>
    text.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
  );
  const digits = [...images, ...percentDecoded].map(digitsHeld);
  return cases
    .filter((c) => digits.some((held) => held.includes(c.card.slice(4))))
    .map((c) => `${c.name} (${c.place})`);
}

describe('data: SVG images the reader did not read, as the agent gets them (review s15 H1-H3)', function () {
  this.timeout(300_000);

  it('Chromium draws every variant (control)', async () => {
    for (const [name, url] of Object.entries(VARIANTS)) expect(await ink(url('4532015112830366')), name).to.be.above(0);
  });

  it('no decoded message holds a card, in any of the six places', async () => {
    // Control: the oracle finds every card in the page's own URLs.
    const page = await cardsHeld(
      CASES.map((c) => c.url),
      CASES,
    );
    expect(page).to.deep.equal(CASES.map((c) => `${c.name} (${c.place})`));
    const pipeline = new Pipeline(await loadCustomerPage(pageOf(CASES)));
    try {
      await pipeline.start();
      CASES.forEach((c, n) => {
        if (c.place === 'late-img') pipeline.customer.doc.getElementById(`e${n}`)?.setAttribute('src', c.url);
      });
      await pipeline.settle(4);
      const sent = stringsOf(pipeline.decoded);
      // The late images went out (their elements' src is on the wire, masked or not).
      expect(sent.filter((text) => text.includes('svg')).length).to.be.above(CASES.length / 2);
      expect(await cardsHeld(sent, CASES)).to.deep.equal([]);
    } finally {
      pipeline.dispose();
    }
  });
});
