/**
 * The fidelity suite: every page of test/browser/fidelity/pages.ts mirrored
 * through the real capture, codec and mirror, and compared with the
 * customer's page three ways: the DOM, computed style and boxes of every
 * element (fidelityDifferences), and a screenshot of the whole customer
 * frame against the mirror's frame (Playwright, pixelmatch). Then random
 * mutations (sequences drawn by fast-check) and the same comparisons again.
 * Prints one line per page with the pixels that differ.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand, sendMouse } from '@web/test-runner-commands';
import fc from 'fast-check';
import {
  CUSTOMER_FRAME_ID,
  fidelityDifferences,
  loadCustomerPage,
  MIRROR_CONTAINER_ID,
  nextFrames,
  Pipeline,
  seededRandom,
} from './helpers/pipeline-harness.js';
import { RandomMutator } from './helpers/pipeline-mutations.js';
import { SUITE_PAGES, type SuitePage } from './fidelity/pages.js';

const MUTATION_STEPS = 12;
/** The React and Vue apps' extra runs: seeds, and steps in each. */
const APP_SEEDS = 4;
const APP_STEPS = 30;
/** Share of the frame's pixels that may differ (anti-aliasing of text, WebP edges). */
const PIXEL_BUDGET = 0.002;

interface Comparison {
  width?: number;
  height?: number;
  differentPixels?: number;
  error?: string;
}

const results: string[] = [];

async function framePixels(): Promise<Comparison> {
  return (await executeServerCommand<Comparison, unknown>('cobrowse-compare-pixels', {
    a: { selector: `#${CUSTOMER_FRAME_ID}` },
    b: { selector: `#${MIRROR_CONTAINER_ID} iframe` },
    threshold: 0.1,
  })) as Comparison;
}

/** Waits until the mirror shows every canvas image and asset the customer sent. */
async function settled(pipeline: Pipeline): Promise<void> {
  await pipeline.settle(3);
  // Each canvas sends its first image within a sampling period after the snapshot.
  const canvas = (): { tracked: number; framesSent: number } => pipeline.engine.stats.canvas;
  for (let i = 0; i < 300 && canvas().framesSent < canvas().tracked; i++) await nextFrames(window, 1);
  for (let i = 0; i < 300 && pipeline.mirror.pendingCanvasImages > 0; i++) await nextFrames(window, 1);
  await pipeline.assetsArrived();
  await nextFrames(window, 2);
}

async function hover(pipeline: Pipeline, at: [number, number]): Promise<void> {
  const box = pipeline.customer.frame.getBoundingClientRect();
  await sendMouse({ type: 'move', position: [Math.round(box.left + at[0]), Math.round(box.top + at[1])] });
  await pipeline.settle(2);
  // What the console does with each pointer frame.
  for (const message of pipeline.decoded)
    if (message.t === 'pointer')
      pipeline.mirror.pointer(message.x, message.y, message.gone ?? false, message.down ?? false);
}

/** The pointer leaves the customer's page (and the mirror hears it). */
async function unhover(pipeline: Pipeline): Promise<void> {
  await sendMouse({ type: 'move', position: [0, 0] });
  await hover(pipeline, [-1, -1]).catch(() => undefined);
}

/** A mutation step; a page too small for one kind of step skips it. */
function safeStep(mutator: RandomMutator): string {
  try {
    return mutator.step();
  } catch (error) {
    return `skipped (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** The page's own seeded steps (the React and Vue apps' state) or seeded DOM mutations; returns what was done. */
async function randomSteps(
  page: SuitePage,
  pipeline: Pipeline,
  seed: number,
  steps = MUTATION_STEPS,
): Promise<string[]> {
  const random = seededRandom(seed);
  const log: string[] = [];
  if (page.steps) for (let step = 0; step < steps; step++) log.push(await page.steps(pipeline.customer.win, random));
  else {
    const mutator = new RandomMutator(pipeline.customer.doc, random);
    for (let step = 0; step < steps; step++) log.push(safeStep(mutator));
  }
  return log;
}

async function mirrored(page: SuitePage): Promise<Pipeline> {
  const customer = await loadCustomerPage(page.html);
  await page.setup?.(customer.win);
  // The integrator's `asset-blobs` switch: blob: previews are sent only when the site opts in (the
  // security review's 3.4); this suite mirrors pages whose owners did.
  const pipeline = new Pipeline(customer, { assets: { blobs: true } });
  await pipeline.start();
  if (page.hoverAt) await hover(pipeline, page.hoverAt);
  await settled(pipeline);
  return pipeline;
}

function pixelShare(result: Comparison): number {
  const area = (result.width ?? 0) * (result.height ?? 0);
  return area === 0 ? 1 : (result.differentPixels ?? area) / area;
}

describe('fidelity suite: 30+ pages, DOM, style, boxes and pixels, before and after random mutations', function () {
  this.timeout(120_000);
  let pipeline: Pipeline | null = null;
  afterEach(async () => {
    pipeline?.dispose();
    pipeline = null;
    await sendMouse({ type: 'move', position: [0, 0] });
  });
  after(() => {
    console.log(`fidelity suite pixels (page: snapshot / after mutations, of 800x600):\n${results.join('\n')}`);
  });

  it('has at least 30 pages', () => {
    expect(SUITE_PAGES.length).to.be.at.least(30);
  });

  it('the pixel comparison catches a mirror that differs (control)', async () => {
    const page = SUITE_PAGES.find((candidate) => candidate.name === 'grid-cards') as SuitePage;
    pipeline = await mirrored(page);
    const doc = pipeline.mirrorDocument();
    (doc.querySelector('.box') as HTMLElement).style.background = 'rgb(255, 0, 0)';
    const result = await framePixels();
    expect(result.differentPixels ?? 0).to.be.greaterThan(200);
  });

  for (const name of ['react-app', 'vue-app'])
    it(`a ${name} step lost on the way to the mirror is caught (control)`, async () => {
      const page = SUITE_PAGES.find((candidate) => candidate.name === name) as SuitePage;
      pipeline = await mirrored(page);
      expect(fidelityDifferences(pipeline)).to.deep.equal([]);
      const app = pipeline.customer.win.fidelityApp;
      // The same kind of step the random sequences make, its mutation batch dropped before the mirror.
      pipeline.dropFrame = () => true;
      await app?.insert(1, 'Lost');
      await settled(pipeline);
      pipeline.dropFrame = null;
      expect(pipeline.dropped.length).to.be.greaterThan(0);
      expect(fidelityDifferences(pipeline)).to.not.deep.equal([]);
      expect((await framePixels()).differentPixels ?? 0).to.be.greaterThan(100);
    });

  // The framework apps once more, under more seeds and longer sequences than the suite's one run each.
  for (const name of ['react-app', 'vue-app'])
    it(`${name}: ${APP_SEEDS} more seeded runs of ${APP_STEPS} steps through its state`, async () => {
      const page = SUITE_PAGES.find((candidate) => candidate.name === name) as SuitePage;
      const seeds = fc.sample(fc.integer({ min: 1, max: 2 ** 30 }), { seed: 15_500, numRuns: APP_SEEDS });
      for (const seed of seeds) {
        pipeline = await mirrored(page);
        const log = await randomSteps(page, pipeline, seed, APP_STEPS);
        await settled(pipeline);
        expect(pipeline.resyncRequests, `seed ${seed}`).to.deep.equal([]);
        const differences = fidelityDifferences(pipeline);
        expect(differences, `seed ${seed}: ${log.join(' | ')}\n${differences.join('\n')}`).to.deep.equal([]);
        const pixels = await framePixels();
        expect(pixels.differentPixels, `seed ${seed}: ${JSON.stringify(pixels)}`).to.equal(0);
        pipeline.dispose();
        pipeline = null;
      }
    });

  SUITE_PAGES.forEach((page, index) => {
    it(page.name, async () => {
      pipeline = await mirrored(page);
      expect(pipeline.resyncRequests, `resyncs: ${pipeline.mirror.stats.lastError}`).to.deep.equal([]);
      page.unpatch?.(pipeline.customer.win);
      const first = fidelityDifferences(pipeline);
      expect(first, `after the snapshot:\n${first.join('\n')}`).to.deep.equal([]);
      const before = await framePixels();
      expect(before.error).to.equal(undefined);

      if (page.change) {
        await page.change(pipeline.customer.win);
        await settled(pipeline);
      }
      // Random mutations: fast-check draws the seed of the page's sequence (reproducible per page).
      if (page.hoverAt) await unhover(pipeline);
      const [seed = 1] = fc.sample(fc.integer({ min: 1, max: 2 ** 30 }), { seed: 15_000 + index, numRuns: 1 });
      const log = await randomSteps(page, pipeline, seed);
      await settled(pipeline);
      // The customer stops typing: digits masked while a field had focus (the typing rule) go out again in clear.
      (pipeline.customer.doc.activeElement as HTMLElement | null)?.blur();
      await settled(pipeline);
      expect(pipeline.resyncRequests, `seed ${seed}: ${pipeline.mirror.stats.lastError}`).to.deep.equal([]);
      page.unpatch?.(pipeline.customer.win);
      const differences = fidelityDifferences(pipeline);
      if (page.knownAfterMutations === undefined)
        expect(differences, `seed ${seed}: ${log.join(' | ')}\n${differences.join('\n')}`).to.deep.equal([]);
      const after = await framePixels();
      const known = page.knownAfterMutations === undefined ? '' : ` (known: ${page.knownAfterMutations})`;
      results.push(
        `${page.name}: ${before.differentPixels ?? before.error} / ${after.differentPixels ?? after.error}${known}`,
      );
      expect(pixelShare(before), `pixels after the snapshot: ${JSON.stringify(before)}`).to.be.at.most(PIXEL_BUDGET);
      if (page.knownAfterMutations === undefined)
        expect(pixelShare(after), `pixels after the mutations: ${JSON.stringify(after)}`).to.be.at.most(PIXEL_BUDGET);
    });
  });
});
