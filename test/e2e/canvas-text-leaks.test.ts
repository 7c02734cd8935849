/**
 * A masked field's value drawn into a canvas by the page (a card preview
 * rendered with fillText as the customer types the card number), end to end:
 * two Chromium processes, real WebRTC, real keys at 35 ms. The capture sends a
 * canvas's pixels whenever they change (client/capture/canvas.ts), and no rule
 * of the masking reads pixels, so the card number typed into a masked
 * cc-number field goes out as an image of itself.
 *
 * Oracle (no product code): the canvas frames decoded from the data channel;
 * the last image sent is decoded in Chromium and compared pixel by pixel with
 * the card number drawn the same way on a blank canvas (and with another
 * number of the same length: the control that the comparison tells numbers
 * apart). The promise: no canvas frame is sent once the preview shows what
 * was typed into the masked field. Before the fix 4 frames went out after
 * typing, the last one the card number's rendering to the pixel (0.00 % of
 * pixels differed; another number's: 7.42 %). Control: the preview's first
 * image is found to be its text ("Card preview") by the same comparison. An
 * ordinary canvas (a counter the page redraws while the customer types in an
 * ordinary field) goes on sending once typing ends.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fileHarness } from './helpers/harness.js';
import { liveCheckout } from './helpers/live-checkout.js';
import { decodeWire } from './helpers/wire.js';

const CARD = '4532 0196 7315 8241';
const OTHER = '5100 2871 9903 4462';
const DRAW = { width: 420, height: 48, font: '24px monospace', x: 8, y: 34 };

const SCRIPT = `
  const canvas = document.getElementById('c-preview');
  const ctx = canvas.getContext('2d');
  const draw = (text) => {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#000';
    ctx.font = ${JSON.stringify(DRAW.font)};
    ctx.fillText(text, ${DRAW.x}, ${DRAW.y});
  };
  draw('Card preview');
  document.getElementById('card').addEventListener('input', (e) => draw(e.target.value));
  const counter = document.getElementById('c-counter').getContext('2d');
  document.getElementById('name').addEventListener('input', (e) => {
    counter.clearRect(0, 0, 300, 40);
    counter.font = '20px sans-serif';
    counter.fillText('Letters typed: ' + e.target.value.length, 4, 28);
  });
`;

const harness = fileHarness();

interface CanvasImage {
  id: number;
  type: string;
  image: number[];
  width: number;
  height: number;
}

async function canvasFrames(customer: Page): Promise<CanvasImage[]> {
  return (await decodeWire(customer)).flatMap((m) =>
    m.t === 'canvas' ? [{ id: m.id, type: m.type, image: Array.from(m.image), width: m.width, height: m.height }] : [],
  );
}

/** The node id the preview canvas has on the wire (the first canvas the snapshot names). */
async function canvasId(customer: Page): Promise<number> {
  const frames = await canvasFrames(customer);
  const id = frames[0]?.id;
  if (id === undefined) throw new Error('no canvas frame');
  return id;
}

/** Share of pixels that differ between `sent` (decoded in the page) and `text` drawn on a blank canvas the same way. */
async function differenceFrom(page: Page, sent: CanvasImage, text: string): Promise<number> {
  return page.evaluate(
    async ({ sent, text, draw }) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(sent.image)], { type: sent.type }));
      const read = (paint: (ctx: CanvasRenderingContext2D) => void): Uint8ClampedArray => {
        const canvas = new OffscreenCanvas(draw.width, draw.height);
        const ctx = canvas.getContext('2d') as unknown as CanvasRenderingContext2D;
        paint(ctx);
        return ctx.getImageData(0, 0, draw.width, draw.height).data;
      };
      const got = read((ctx) => ctx.drawImage(bitmap, 0, 0, draw.width, draw.height));
      const want = read((ctx) => {
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, draw.width, draw.height);
        ctx.fillStyle = '#000';
        ctx.font = draw.font;
        ctx.fillText(text, draw.x, draw.y);
      });
      let differ = 0;
      for (let i = 0; i < got.length; i += 4) if (Math.abs((got[i] ?? 0) - (want[i] ?? 0)) > 96) differ += 1;
      return differ / (got.length / 4);
    },
    { sent, text, draw: DRAW },
  );
}

describe('a masked value drawn into a canvas (two browsers, real WebRTC)', () => {
  it('no canvas frame goes out once the preview shows what was typed into the masked card field', async () => {
    const { customer, agent } = await liveCheckout(harness, {
      beforeAllow: async (page) => {
        await page.evaluate(() =>
          document
            .querySelector('main')
            ?.insertAdjacentHTML(
              'afterbegin',
              '<canvas id="c-preview" width="420" height="48"></canvas><canvas id="c-counter" width="300" height="40"></canvas>',
            ),
        );
        await page.addScriptTag({ content: SCRIPT });
      },
    });
    // Control: the preview's own text goes out as pixels (the oracle sees canvas frames).
    await expect.poll(async () => (await canvasFrames(customer)).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const first = (await canvasFrames(customer))[0] as CanvasImage;
    expect(await differenceFrom(customer, first, 'Card preview')).toBeLessThan(0.005);
    expect(await differenceFrom(customer, first, 'Card review!')).toBeGreaterThan(0.01);
    const previewId = await canvasId(customer);
    const before = (await canvasFrames(customer)).filter((f) => f.id === previewId).length;

    await customer.locator('#card').click();
    await customer.keyboard.type(CARD, { delay: 35 });
    const counterFrames = async (): Promise<number> =>
      (await canvasFrames(customer)).filter((f) => f.id !== previewId).length;
    const counterBefore = await counterFrames();
    await customer.locator('#name').click();
    await customer.keyboard.type('Ada', { delay: 35 });
    await customer.locator('#title').click();
    // The counter redrawn while the customer typed its name goes out once typing ends (canvases: 4 samples a second).
    await expect.poll(counterFrames, { timeout: 10_000 }).toBeGreaterThan(counterBefore);
    const frames = (await canvasFrames(customer)).filter((f) => f.id === previewId);
    const after = frames.slice(before);
    const last = frames.at(-1);
    if (last !== undefined) {
      const secret = await differenceFrom(customer, last, CARD);
      const other = await differenceFrom(customer, last, OTHER);
      console.log(
        `canvas frames after typing: ${after.length}; last image differs from the card's rendering in ${(secret * 100).toFixed(2)} % of pixels, from another number's in ${(other * 100).toFixed(2)} %`,
      );
    }
    await Promise.all([customer.close(), agent.close()]);
    expect(after.length).toBe(0);
  }, 60_000);
});
