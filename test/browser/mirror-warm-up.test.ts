/**
 * The console's warm-up (agent/mirror/warm-up.ts) runs the first-snapshot
 * path on a made-up page while the agent waits. It must really take that
 * path (its page passes the channel's decoding and validation and is built
 * and shown in its mirror: a page that fails validation, the control, is
 * reported as not built), leave nothing behind, take no stage mark (the
 * Allow → first frame breakdown reads them) and stop at once when cancelled.
 */
import { expect } from '@open-wc/testing';
import { madeUpSnapshot, warmUpFirstSnapshot } from '../../agent/mirror/warm-up.js';

describe('first-snapshot warm-up', () => {
  let container: HTMLElement;
  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => container.remove());

  it('builds its made-up page through decoding, validation and the mirror, then leaves nothing behind', async () => {
    const marks = performance.getEntriesByType('mark').length;
    const warmUp = warmUpFirstSnapshot(container);
    expect(container.querySelector('iframe'), 'its mirror, while it builds').not.to.equal(null);
    expect(await warmUp.done).to.equal(true);
    expect(container.childNodes.length).to.equal(0);
    expect(performance.getEntriesByType('mark').length, 'stage marks').to.equal(marks);
  });

  it('makes a page of a few thousand nodes in parts, the last one final', () => {
    const parts = madeUpSnapshot();
    expect(parts.length).to.be.greaterThan(1);
    expect(parts.map((part) => part.final)).to.deep.equal(parts.map((_, i) => i === parts.length - 1));
    expect(parts.reduce((sum, part) => sum + part.nodes.length, 0)).to.be.greaterThan(2_000);
  });

  it('control: a page the channel would reject is not built', async () => {
    const [first, ...rest] = madeUpSnapshot();
    if (!first) throw new Error('no part');
    const broken = {
      ...first,
      nodes: [...first.nodes, { kind: 'el', id: 999_999, parent: 0, tag: '' }],
    } as typeof first;
    expect(await warmUpFirstSnapshot(container, [broken, ...rest]).done).to.equal(false);
    expect(container.childNodes.length).to.equal(0);
  });

  it('stops at once when cancelled, leaving nothing behind', async () => {
    const warmUp = warmUpFirstSnapshot(container);
    warmUp.cancel();
    expect(container.childNodes.length).to.equal(0);
    expect(await warmUp.done).to.equal(false);
  });
});
