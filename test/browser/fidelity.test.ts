import { expect } from '@open-wc/testing';
import { fidelityDifferences, loadCustomerPage, Pipeline, seededRandom } from './helpers/pipeline-harness.js';
import { RandomMutator, type MutationKind } from './helpers/pipeline-mutations.js';
import { FIDELITY_PAGES } from './helpers/pipeline-pages.js';

const STEPS_PER_PAGE = 60;
/** The mixed page gets a long run of its own. */
const KITCHEN_SINK_STEPS = 240;
const COMPARE_EVERY = 10;
const totals: Record<MutationKind, number> = {
  insert: 0,
  remove: 0,
  move: 0,
  attribute: 0,
  text: 0,
  style: 0,
  value: 0,
  cssom: 0,
};

async function mirroredPage(index: number): Promise<Pipeline> {
  const page = FIDELITY_PAGES[index];
  if (!page) throw new Error(`no page ${index}`);
  const customer = await loadCustomerPage(page.html);
  await page.setup?.(customer.win);
  const pipeline = new Pipeline(customer);
  await pipeline.start();
  return pipeline;
}

function assertFaithful(pipeline: Pipeline, when: string): void {
  expect(pipeline.decodeErrors, `wire errors ${when}`).to.deep.equal([]);
  expect(
    pipeline.resyncRequests,
    `mirror asked for a resync ${when}: ${pipeline.mirror.stats.lastError}`,
  ).to.deep.equal([]);
  const differences = fidelityDifferences(pipeline);
  expect(differences, `${when}:\n${differences.join('\n')}`).to.deep.equal([]);
}

describe('fidelity: capture → codec → mirror', function () {
  this.timeout(60_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });
  after(() => {
    const steps = Object.values(totals).reduce((a, b) => a + b, 0);
    console.log(`fidelity: ${steps} random mutation steps applied ${JSON.stringify(totals)}`);
  });

  it('the comparison catches a mirror that differs (control)', async () => {
    pipeline = await mirroredPage(FIDELITY_PAGES.findIndex((page) => page.name === 'kitchen-sink'));
    expect(fidelityDifferences(pipeline)).to.deep.equal([]);
    const doc = pipeline.mirrorDocument();
    const section = doc.getElementById('s1') as HTMLElement;
    section.style.paddingLeft = '3px';
    expect(fidelityDifferences(pipeline).join('\n')).to.contain('padding-left');
    section.style.paddingLeft = '';
    const bold = doc.querySelector('b');
    if (bold?.firstChild) (bold.firstChild as Text).data = 'tampered';
    expect(fidelityDifferences(pipeline).join('\n')).to.contain('tampered');
    if (bold?.firstChild) (bold.firstChild as Text).data = 'bold';
    (doc.getElementById('k-text') as HTMLInputElement).value = 'other';
    expect(fidelityDifferences(pipeline).join('\n')).to.contain('other');
  });

  FIDELITY_PAGES.forEach((page, index) => {
    describe(page.name, () => {
      it('the snapshot mirrors DOM, computed style and boxes', async () => {
        pipeline = await mirroredPage(index);
        assertFaithful(pipeline, `after the snapshot of ${page.name}`);
      });

      if (page.change) {
        it('a later change of the same feature is mirrored', async () => {
          pipeline = await mirroredPage(index);
          await page.change?.(pipeline.customer.win);
          await pipeline.settle(3);
          assertFaithful(pipeline, `after the change on ${page.name}`);
        });
      }

      const steps = page.name === 'kitchen-sink' ? KITCHEN_SINK_STEPS : STEPS_PER_PAGE;
      it(`stays faithful through ${steps} seeded random mutations`, async () => {
        pipeline = await mirroredPage(index);
        const seed = 1000 + index;
        const mutator = new RandomMutator(pipeline.customer.doc, seededRandom(seed));
        const log: string[] = [];
        for (let step = 1; step <= steps; step++) {
          log.push(mutator.step());
          // Some steps flush on their own frame, others pile up into one batch.
          if (step % 3 === 0) await pipeline.settle(1);
          if (step % COMPARE_EVERY === 0 || step === steps) {
            await pipeline.settle(2);
            assertFaithful(pipeline, `seed ${seed}, step ${step} (last: ${log.slice(-COMPARE_EVERY).join(' | ')})`);
          }
        }
        for (const [kind, count] of Object.entries(mutator.counts)) totals[kind as MutationKind] += count;
      });
    });
  });
});

describe('fidelity: an iframe added with its srcdoc after the snapshot', function () {
  this.timeout(60_000);
  it('is mirrored in the same document mode as the customer (5 tries, the load races the flush)', async () => {
    const failures: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const customer = await loadCustomerPage('<!DOCTYPE html><html><body><div id="slot"></div></body></html>');
      const pipeline = new Pipeline(customer);
      try {
        await pipeline.start();
        const frame = customer.doc.createElement('iframe');
        frame.setAttribute('srcdoc', '<!DOCTYPE html><p style="margin:0">late frame</p>');
        frame.style.cssText = 'width:200px;height:60px;border:0';
        const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
        customer.doc.getElementById('slot')?.append(frame);
        await loaded;
        await pipeline.settle(3);
        const differences = fidelityDifferences(pipeline);
        const id = pipeline.engine.idOf(frame);
        const mirrored = id === undefined ? undefined : (pipeline.mirror.nodeById(id) as HTMLIFrameElement | undefined);
        const mode = mirrored?.contentDocument?.compatMode;
        if (differences.length > 0 || mode !== 'CSS1Compat') {
          const frames = pipeline.decoded
            .filter((m) => m.t === 'mutations')
            .map((m) => JSON.stringify(m).slice(0, 400));
          failures.push(`attempt ${attempt}: mode ${mode}; ${differences.join('; ')}; frames ${frames.join(' || ')}`);
        }
      } finally {
        pipeline.dispose();
      }
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });
});
