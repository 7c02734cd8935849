/**
 * A small page goes out as one snapshot part (client/capture/snapshot.ts,
 * ONE_PART_NODES): its records are held over the walk's slices. A cross-origin
 * <iframe> among them starts the frame bridge's probe (frame-bridge.ts) when
 * it is serialized, and the widget's capture answers with frames that name it
 * while the page's part is still held. Those frames wait in the bridge for the
 * engine's next flush, which waits for the snapshot, so the agent gets the
 * page's part 0 first (a frame before it would make the agent, with no
 * snapshot yet, ask for a resync). Setup as cross-origin-frame-timing.test.ts:
 * the customer's page is this test page, the walk is held after the <iframe>'s
 * slice (the engine's holdSlices) until the widget's snapshot has come through
 * its port. Oracles: the agent's decoded messages (the page's part 0 first),
 * its resync requests, the page's and the widget's text in the mirror.
 */
import { expect } from '@open-wc/testing';
import { answer, crossOriginRun, framePage, mirroredFrame, page, Traffic, until } from './helpers/cross-origin.js';
import { walkHeldAfter } from './helpers/held-walk.js';

const WIDGET = framePage('payment-widget');
const isWidgetSnapshot = (data: unknown): boolean => (data as { t?: unknown } | null)?.t === 'snapshot';

describe('snapshot of a small page with a cross-origin frame', function () {
  this.timeout(60_000);
  const run = crossOriginRun();

  it("sends the page's one part before the widget's frames, which came while the part was held", async () => {
    run.traffic = new Traffic();
    const t = run.traffic;
    const customer = await page(`<p id="mine">the page's own text</p><iframe id="widget" src="${WIDGET}"></iframe>
      <p id="after">after the widget</p>`);
    await until(() => t.window.filter(answer('loaded')).length === 1, 'the widget loaded');
    const iframe = customer.doc.getElementById('widget') as HTMLIFrameElement;
    // One slice for the whole page (a huge budget), cut right after the <iframe>.
    const walk = await walkHeldAfter(run, customer, iframe);
    const p = walk.pipeline;
    // The page's walk is not done (the next slice waits), and what it walked is held: no part sent yet.
    expect(p.engine.idOf(customer.doc.getElementById('after') as Element)).to.equal(undefined);
    expect(p.engine.stats.snapshotParts).to.equal(0);
    // Meanwhile the widget's capture answers the probe with its snapshot, which the page forwards.
    await until(() => t.ports.some(isWidgetSnapshot), "the widget's snapshot on its port");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(p.engine.stats.snapshotParts).to.equal(0);
    await walk.resume();

    await until(() => mirroredFrame(p, 'widget')?.getElementById('private') != null, 'the widget in the mirror');
    expect(p.engine.stats.lastSnapshotParts).to.equal(1);
    const first = p.decoded[0];
    expect(first?.t === 'snapshot' && first.part === 0, `first message ${JSON.stringify(first?.t)}`).to.equal(true);
    expect(p.resyncRequests).to.deep.equal([]);
    expect(p.mirrorDocument().getElementById('after')?.textContent).to.equal('after the widget');
    expect(mirroredFrame(p, 'widget')?.getElementById('title')?.textContent).to.equal('Payment widget');
  });
});
