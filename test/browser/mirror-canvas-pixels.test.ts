/**
 * Canvas pixels: what a 2D or WebGL canvas shows on the customer's page is
 * shown in the mirror's canvas box. The oracle is what Chromium painted:
 * Playwright screenshots of the customer's canvas and of the mirror's,
 * compared with pixelmatch (test/browser/plugins/pixel-compare.mjs); the
 * control shows it fails for a mirror that has no pixels yet. Canvases in
 * masked or blocked regions, or switched off, never send a byte of pixels.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import {
  CUSTOMER_FRAME_ID,
  MIRROR_CONTAINER_ID,
  loadCustomerPage,
  nextFrames,
  Pipeline,
} from './helpers/pipeline-harness.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { CANVAS_ATTRIBUTE } from '../../agent/mirror/canvas.js';

type CanvasFrame = Extract<ChannelMessage, { t: 'canvas' }>;
interface Comparison {
  width?: number;
  height?: number;
  differentPixels?: number;
  error?: string;
}

const PAGE = `<!doctype html><html lang="en"><head><title>Canvas pixels</title><style>
  body { margin: 0; font: 16px sans-serif; } canvas { display: block; margin: 8px; }
</style></head><body>
<canvas id="chart" width="240" height="120" style="border:2px solid #333;background:#eef"></canvas>
<canvas id="gl" width="120" height="80"></canvas>
<div style="background:#c33;display:flow-root"><canvas id="clear" width="120" height="60"></canvas></div>
<div data-cobrowse-block><canvas id="blocked" width="200" height="40"></canvas></div>
<div data-cobrowse-mask><canvas id="masked" width="200" height="40"></canvas></div>
<canvas id="off" data-cobrowse-canvas="off" width="200" height="40"></canvas>
<p>after</p>
</body></html>`;

/** A card number written into a canvas: pixels that must never leave the page. */
function drawCard(canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000';
  ctx.font = '20px monospace';
  ctx.fillText('4111 1111 1111 1111', 4, 28);
}

function drawChart(canvas: HTMLCanvasElement, step: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const colors = ['#d33', '#3a3', '#33d', '#fa0'];
  for (let i = 0; i < 4; i++) {
    ctx.fillStyle = colors[(i + step) % 4] as string;
    ctx.fillRect(20 + i * 55, 110 - (i + 1) * 22, 40, (i + 1) * 22);
  }
  ctx.strokeStyle = '#222';
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.arc(200, 30, 18 + step, 0, Math.PI * 2);
  ctx.stroke();
}

async function until(condition: () => boolean, what: string, win: Window = window): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (condition()) return;
    await new Promise((resolve) => win.requestAnimationFrame(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

function canvasFrames(pipeline: Pipeline): CanvasFrame[] {
  return pipeline.decoded.filter((message): message is CanvasFrame => message.t === 'canvas');
}

async function compare(id: string): Promise<Comparison> {
  return (await executeServerCommand<Comparison, unknown>('cobrowse-compare-pixels', {
    a: { frames: [`#${CUSTOMER_FRAME_ID}`], selector: `#${id}` },
    b: { frames: [`#${MIRROR_CONTAINER_ID} iframe`], selector: `#${id}` },
  })) as Comparison;
}

/** Waits until the mirror shows the newest image sent for `id`. */
async function mirrored(pipeline: Pipeline, id: number, count: number): Promise<void> {
  await until(() => canvasFrames(pipeline).filter((frame) => frame.id === id).length >= count, `canvas frame ${count}`);
  await until(() => pipeline.mirror.pendingCanvasImages === 0, 'decoded');
  await nextFrames(window, 2);
}

describe('mirror: canvas pixels', function () {
  this.timeout(60_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  it('shows a 2D canvas as the customer sees it, and follows its changes', async () => {
    const customer = await loadCustomerPage(PAGE);
    const chart = customer.doc.getElementById('chart') as HTMLCanvasElement;
    drawChart(chart, 0);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const id = pipeline.engine.idOf(chart) as number;
    await mirrored(pipeline, id, 1);
    const first = await compare('chart');
    expect(first.error).to.equal(undefined);
    const area = (first.width ?? 0) * (first.height ?? 0);
    expect(area).to.be.greaterThan(240 * 120);
    // WebP is lossy at its edges: a few pixels may differ beyond pixelmatch's threshold.
    expect(first.differentPixels, JSON.stringify(first)).to.be.lessThan(area * 0.02);

    // Control: the same mirror without its image (the rule no longer matches) fails the oracle.
    const twin = pipeline.mirror.nodeById(id) as Element;
    twin.removeAttribute(CANVAS_ATTRIBUTE);
    const bare = await compare('chart');
    expect(bare.differentPixels, JSON.stringify(bare)).to.be.greaterThan(area * 0.05);
    twin.setAttribute(CANVAS_ATTRIBUTE, String(id));

    drawChart(chart, 2);
    await mirrored(pipeline, id, 2);
    const second = await compare('chart');
    expect(second.differentPixels, JSON.stringify(second)).to.be.lessThan(area * 0.02);
    expect(pipeline.resyncRequests).to.deep.equal([]);
  });

  it('shows what is behind a canvas where the customer drew nothing (no placeholder stripes once pixels arrive)', async () => {
    const customer = await loadCustomerPage(PAGE);
    const clear = customer.doc.getElementById('clear') as HTMLCanvasElement;
    const ctx = clear.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.fillStyle = '#222';
    ctx.fillRect(40, 20, 40, 20); // the rest stays transparent: the red behind it shows
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const id = pipeline.engine.idOf(clear) as number;
    await mirrored(pipeline, id, 1);
    const shown = await compare('clear');
    expect(shown.error).to.equal(undefined);
    const area = (shown.width ?? 0) * (shown.height ?? 0);
    expect(area).to.be.greaterThan(0);
    expect(shown.differentPixels, JSON.stringify(shown)).to.be.lessThan(area * 0.02);

    // Control: the placeholder's stripes behind the image (as before the fix) fail the oracle.
    const twin = pipeline.mirror.nodeById(id) as HTMLElement;
    twin.style.background = 'repeating-linear-gradient(135deg, #f4f4f4 0 8px, #fafafa 8px 16px)';
    await nextFrames(window, 2);
    const striped = await compare('clear');
    expect(striped.differentPixels, JSON.stringify(striped)).to.be.greaterThan(area * 0.5);
  });

  it('shows a WebGL canvas drawn without preserveDrawingBuffer', async function () {
    const customer = await loadCustomerPage(PAGE);
    const gl = (customer.doc.getElementById('gl') as HTMLCanvasElement).getContext('webgl', {
      preserveDrawingBuffer: false,
    });
    if (gl === null) this.skip(); // no WebGL in this Chromium (no GPU and no software fallback)
    const draw = (): void => {
      gl.enable(gl.SCISSOR_TEST);
      gl.scissor(0, 0, 120, 80);
      gl.clearColor(0.1, 0.5, 0.9, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
      gl.scissor(20, 20, 40, 30);
      gl.clearColor(0.9, 0.2, 0.1, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
    };
    // A page's animation loop: it redraws every frame.
    let running = true;
    const loop = (): void => {
      if (!running) return;
      draw();
      customer.win.requestAnimationFrame(loop);
    };
    loop();
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const id = pipeline.engine.idOf(customer.doc.getElementById('gl') as Element) as number;
    await mirrored(pipeline, id, 1);
    running = false;
    // Later samples read the drawing buffer after it was shown (cleared): the mirror keeps the last image.
    const unchanged = pipeline.engine.stats.canvas.unchanged;
    await until(
      () =>
        pipeline?.engine.stats.canvas.unchanged !== undefined &&
        pipeline.engine.stats.canvas.unchanged >= unchanged + 10,
      'later samples',
    );
    await until(() => pipeline?.mirror.pendingCanvasImages === 0, 'decoded');
    const result = await compare('gl');
    expect(result.error).to.equal(undefined);
    expect(result.differentPixels, JSON.stringify(result)).to.be.lessThan(120 * 80 * 0.02);
  });

  it('never sends pixels of a canvas in a blocked or masked region, or switched off', async () => {
    const customer = await loadCustomerPage(PAGE);
    for (const id of ['blocked', 'masked', 'off']) drawCard(customer.doc.getElementById(id) as HTMLCanvasElement);
    const chart = customer.doc.getElementById('chart') as HTMLCanvasElement;
    drawChart(chart, 0);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const chartId = pipeline.engine.idOf(chart) as number;
    await mirrored(pipeline, chartId, 1);
    // Every sampling pass visits every tracked canvas: two more chart images mean two more passes.
    for (const step of [1, 2]) {
      drawChart(chart, step);
      for (const id of ['blocked', 'masked', 'off']) drawCard(customer.doc.getElementById(id) as HTMLCanvasElement);
      await mirrored(pipeline, chartId, step + 1);
    }
    // The blocked canvas is not even in the mirror; the masked and switched-off ones have no image.
    expect(pipeline.engine.idOf(customer.doc.getElementById('blocked') as Element)).to.equal(undefined);
    const masked = pipeline.engine.idOf(customer.doc.getElementById('masked') as Element) as number;
    const off = pipeline.engine.idOf(customer.doc.getElementById('off') as Element) as number;
    expect(masked).to.be.a('number');
    expect(off).to.be.a('number');
    const ids = new Set(canvasFrames(pipeline).map((frame) => frame.id));
    expect(ids.has(masked) || ids.has(off), [...ids].join()).to.equal(false);
    expect(ids.has(chartId)).to.equal(true);

    // Masking the chart later stops its pixels at once; the sampler still runs (the gl canvas draws).
    chart.setAttribute('data-cobrowse-mask', '');
    const sent = canvasFrames(pipeline).length;
    const gl = customer.doc.getElementById('gl') as HTMLCanvasElement;
    const ctx = gl.getContext('2d');
    ctx?.fillRect(0, 0, 10, 10);
    drawChart(chart, 3);
    const glId = pipeline.engine.idOf(gl) as number;
    const glBefore = canvasFrames(pipeline).filter((frame) => frame.id === glId).length;
    await mirrored(pipeline, glId, glBefore + 1);
    expect(
      canvasFrames(pipeline)
        .slice(sent)
        .map((frame) => frame.id),
    ).to.deep.equal([glId]);
  });

  it('sends nothing when the integrator switches canvas pixels off', async () => {
    const customer = await loadCustomerPage(PAGE);
    drawChart(customer.doc.getElementById('chart') as HTMLCanvasElement, 0);
    pipeline = new Pipeline(customer, { canvas: { enabled: false } });
    await pipeline.start();
    expect(pipeline.engine.stats.canvas.tracked).to.equal(0);
    expect(canvasFrames(pipeline)).to.deep.equal([]);
  });
});
