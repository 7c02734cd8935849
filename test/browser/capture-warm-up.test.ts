/**
 * The capture's warm-up (client/capture/warm-up.ts) runs the first-snapshot
 * path (walk, masking, packing) on a made-up detached document while the
 * consent prompt shows. It must really take that path (every round walked
 * and packed), read and change nothing of the page (no mutation of it, no
 * stage mark), and stop at once when the customer answers.
 */
import { expect } from '@open-wc/testing';
import { warmUpCapture } from '../../client/capture/warm-up.js';

/** Mutation records on the whole page while `body` runs. */
async function pageRecords(body: () => Promise<void>): Promise<MutationRecord[]> {
  const records: MutationRecord[] = [];
  const observer = new MutationObserver((batch) => records.push(...batch));
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  await body();
  records.push(...observer.takeRecords());
  observer.disconnect();
  return records;
}

describe('capture warm-up', () => {
  it('walks and packs its made-up document in several parts, changing nothing of the page', async () => {
    const marks = performance.getEntriesByType('mark').length;
    let warmUp: ReturnType<typeof warmUpCapture> | undefined;
    const records = await pageRecords(async () => {
      warmUp = warmUpCapture();
      expect(await warmUp.done).to.equal(true);
    });
    expect(records.length, 'page mutations').to.equal(0);
    expect(warmUp?.stats.parts).to.be.greaterThan(3);
    expect(warmUp?.stats.nodes, 'three walks of several hundred nodes').to.be.greaterThan(1_000);
    expect(warmUp?.stats.bytes).to.be.greaterThan(1_000);
    expect(performance.getEntriesByType('mark').length, 'stage marks').to.equal(marks);
  });

  it('control: the observer does see a change of the page', async () => {
    const records = await pageRecords(async () => {
      const el = document.createElement('div');
      document.body.append(el);
      el.remove();
      await Promise.resolve();
    });
    expect(records.length).to.be.greaterThan(0);
  });

  it('stops at once: nothing more is walked after stop()', async () => {
    const warmUp = warmUpCapture();
    // Let it start.
    await new Promise<void>((resolve) => {
      const check = () => (warmUp.stats.parts > 0 ? resolve() : setTimeout(check, 1));
      check();
    });
    warmUp.stop();
    const parts = warmUp.stats.parts;
    expect(await warmUp.done).to.equal(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(warmUp.stats.parts).to.equal(parts);
  });

  it('stopped before its first slice, it walks nothing', async () => {
    const warmUp = warmUpCapture();
    warmUp.stop();
    expect(await warmUp.done).to.equal(false);
    expect(warmUp.stats.parts).to.equal(0);
  });
});
