import { expect } from '@open-wc/testing';
import {
  domDifferences,
  fidelityDifferences,
  loadCustomerPage,
  normalizedTree,
  Pipeline,
  seededRandom,
} from './helpers/pipeline-harness.js';
import { RandomMutator } from './helpers/pipeline-mutations.js';
import { FIDELITY_PAGES } from './helpers/pipeline-pages.js';

const KITCHEN_SINK = FIDELITY_PAGES.find((page) => page.name === 'kitchen-sink');

describe('pipeline: resync after a frame lost on the wire', function () {
  this.timeout(60_000);
  let pipeline: Pipeline | null = null;
  let fresh: Pipeline | null = null;
  afterEach(() => {
    fresh?.engine.stop();
    fresh?.mirror.destroy();
    fresh?.container.remove();
    pipeline?.dispose();
    pipeline = null;
    fresh = null;
  });

  it('detects the gap, asks for a resync, and the resynced mirror equals one built from scratch', async () => {
    if (!KITCHEN_SINK) throw new Error('no kitchen-sink page');
    const customer = await loadCustomerPage(KITCHEN_SINK.html);
    await KITCHEN_SINK.setup?.(customer.win);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    expect(fidelityDifferences(pipeline)).to.deep.equal([]);

    // The next mutations frame is lost between the two peers.
    let lost = false;
    pipeline.dropFrame = (frame) => {
      if (lost || frame.t !== 'mutations') return false;
      lost = true;
      return true;
    };
    const mutator = new RandomMutator(customer.doc, seededRandom(77));
    for (let i = 0; i < 5; i++) mutator.step();
    customer.doc.getElementById('s1')?.setAttribute('data-lost', 'yes');
    await pipeline.settle(2);
    expect(pipeline.dropped.map((frame) => frame.t)).to.deep.equal(['mutations']);
    // The mirror only notices with the next frame.
    for (let i = 0; i < 5; i++) mutator.step();
    await pipeline.settle(2);
    expect(pipeline.resyncRequests.length).to.equal(1);
    expect(pipeline.mirror.stats.gaps).to.equal(1);
    // Without the resync the mirror misses the lost changes.
    expect(domDifferences(pipeline)).to.not.deep.equal([]);

    const requestsBefore = pipeline.resyncRequests.length;
    await pipeline.engine.resync();
    await pipeline.settle(2);
    expect(pipeline.resyncRequests.length).to.equal(requestsBefore);
    expect(fidelityDifferences(pipeline)).to.deep.equal([]);

    // A mirror built from scratch of the current page, by a new capture run.
    pipeline.engine.stop();
    fresh = new Pipeline(customer);
    await fresh.start();
    const resynced = normalizedTree(pipeline.mirrorDocument(), 'mirror');
    const rebuilt = normalizedTree(fresh.mirrorDocument(), 'mirror');
    expect(resynced.join('\n')).to.equal(rebuilt.join('\n'));
    expect(fidelityDifferences(fresh)).to.deep.equal([]);
  });

  it('keeps following the page after the resync', async () => {
    if (!KITCHEN_SINK) throw new Error('no kitchen-sink page');
    const customer = await loadCustomerPage(KITCHEN_SINK.html);
    await KITCHEN_SINK.setup?.(customer.win);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    let dropNext = true;
    pipeline.dropFrame = (frame) => {
      if (!dropNext || frame.t !== 'mutations') return false;
      dropNext = false;
      return true;
    };
    const mutator = new RandomMutator(customer.doc, seededRandom(78));
    for (let round = 0; round < 3; round++) {
      mutator.step();
      await pipeline.settle(2);
    }
    expect(pipeline.resyncRequests.length).to.equal(1);
    await pipeline.engine.resync();
    await pipeline.settle(2);
    for (let step = 1; step <= 30; step++) {
      mutator.step();
      if (step % 5 === 0) {
        await pipeline.settle(2);
        expect(fidelityDifferences(pipeline), `step ${step}`).to.deep.equal([]);
      }
    }
    expect(pipeline.resyncRequests.length).to.equal(1);
  });
});
