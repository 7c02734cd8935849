/**
 * A cross-origin widget that becomes ready at an awkward moment of the page's
 * snapshot walk still joins (client/capture/frame-bridge.ts, its load hook in
 * capture-engine.ts): the walk is held between two slices (the engine's
 * holdSlices, as the session holds it while WebRTC connects) while the
 * widget's page loads, with the real loader (payment-widget.html) on the
 * other origin of the test server. Setup as cross-origin-frames.test.ts (the
 * customer's page is this test page). Oracle: the widget's text in the
 * mirror's DOM; the walk's state at the hold is checked, so each case shows
 * the moment it is about. A ready that came early is still no way in: not for
 * an <iframe> in a blocked or masked region (the widget never fetches its
 * session code, so it got no hello), not for a page of an unlisted origin the
 * widget went to since (it reports every message it gets; control: one it
 * does get). More early readies than the bridge keeps (ready-only.html
 * frames) push out the widget's only when they come from frames of the page.
 */
import { expect } from '@open-wc/testing';
import { FrameBridge } from '../../client/capture/frame-bridge.js';
import { Pipeline } from './helpers/pipeline-harness.js';
import { Hold, walkHeldAfter } from './helpers/held-walk.js';
import {
  answer,
  command,
  framePage,
  mirroredFrame,
  OTHER,
  page,
  sessionLoaded,
  Traffic,
  until,
  crossOriginRun,
} from './helpers/cross-origin.js';

const WIDGET = framePage('payment-widget');
/** A page of an origin nobody listed (opaque): it tells the test every message it gets, and that it loaded. */
const UNLISTED =
  'data:text/html,<script>parent.postMessage({testAnswer:"unlisted"},"*");' +
  'addEventListener("message",(e)=>parent.postMessage({testAnswer:"got",kind:e.data&&e.data.kind,ports:e.ports.length},"*"))</script>';
const isReady = (data: unknown): boolean => (data as { kind?: unknown } | null)?.kind === 'frame-ready';

describe('cross-origin iframes that become ready during the walk', function () {
  this.timeout(60_000);
  const run = crossOriginRun();

  it("joins a widget whose page commits between the walk's slice that serialized its <iframe> and the next", async () => {
    run.traffic = new Traffic();
    const t = run.traffic;
    // No src yet: the <iframe> shows its first, blank document (same origin) when the walk reaches it.
    const customer = await page(`<p id="mine">the page's own text</p><iframe id="widget"></iframe><p>after</p>`);
    const iframe = customer.doc.getElementById('widget') as HTMLIFrameElement;
    // One slice for the whole page (a huge budget), cut right after the <iframe>: the blank document it holds is left
    // for the next slice, which waits for the hold.
    const walk = await walkHeldAfter(run, customer, iframe);
    const p = walk.pipeline;
    const blank = iframe.contentDocument;
    expect(blank).to.not.equal(null);
    expect(p.engine.idOf(blank as Document)).to.equal(undefined);

    // Its page loads meanwhile (as a slow partner page would commit now): it says ready, and the <iframe> loads.
    const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
    iframe.src = WIDGET;
    await loaded;
    await until(() => t.window.some(answer('loaded')) && t.window.some(isReady), 'the widget loaded and said ready');
    expect(iframe.contentDocument).to.equal(null);
    await walk.resume();

    await until(() => mirroredFrame(p, 'widget')?.getElementById('private') != null, 'the widget in the mirror');
    expect(mirroredFrame(p, 'widget')?.getElementById('title')?.textContent).to.equal('Payment widget');
    expect(p.mirrorDocument().getElementById('mine')?.textContent).to.equal("the page's own text");
    expect(p.engine.stats.frames?.joined).to.equal(1);
  });

  it("joins a widget's next page when it says ready while a new walk has not reached its <iframe>", async () => {
    run.traffic = new Traffic();
    const t = run.traffic;
    const customer = await page(`<iframe id="widget" src="${WIDGET}"></iframe>`);
    await until(() => t.window.filter(answer('loaded')).length === 1, 'the widget loaded');
    const widget = customer.doc.getElementById('widget') as HTMLIFrameElement;
    const hold = new Hold();
    run.pipeline = new Pipeline(customer, { frames: { origins: [OTHER] }, holdSlices: () => hold.current });
    const p = run.pipeline;
    await p.start();
    await until(() => mirroredFrame(p, 'widget')?.getElementById('private') != null, 'the widget in the mirror');

    // A new page run (a resync) whose walk waits before its first slice: the <iframe> is not serialized in it yet.
    hold.start();
    const resynced = p.engine.resync();
    expect(p.engine.idOf(widget)).to.equal(undefined);
    // The widget goes to its next page meanwhile, which says ready once.
    const readies = t.window.filter(isReady).length;
    widget.contentWindow?.postMessage({ test: 'navigate', value: `${WIDGET}&title=Receipt` }, OTHER);
    await until(
      () => t.window.filter(answer('loaded')).length === 2 && t.window.filter(isReady).length > readies,
      'the next widget page loaded and said ready',
    );
    expect(p.engine.idOf(widget)).to.equal(undefined);
    hold.release();
    await resynced;

    await until(
      () =>
        mirroredFrame(p, 'widget')?.getElementById('title')?.textContent === 'Receipt' &&
        mirroredFrame(p, 'widget')?.getElementById('private') != null,
      'the next widget page in the mirror',
    );
    expect(p.engine.stats.frames?.joined).to.equal(1);
    expect(p.engine.stats.frames?.joinedEarly).to.equal(1);
  });
  /** A capture of `customer` whose walk holds before its first slice, with the widget's page loaded meanwhile. */
  async function heldStart(
    customer: Awaited<ReturnType<typeof page>>,
  ): Promise<{ p: Pipeline; t: Traffic; hold: Hold; started: Promise<void>; iframe: HTMLIFrameElement }> {
    const t = run.traffic as Traffic;
    const iframe = customer.doc.getElementById('widget') as HTMLIFrameElement;
    const hold = new Hold();
    hold.start();
    run.pipeline = new Pipeline(customer, { frames: { origins: [OTHER] }, holdSlices: () => hold.current });
    const p = run.pipeline;
    const started = p.start();
    iframe.src = WIDGET;
    await until(() => t.window.some(answer('loaded')) && t.window.some(isReady), 'the widget loaded and said ready');
    expect(p.engine.idOf(iframe)).to.equal(undefined);
    return { p, t, hold, started, iframe };
  }

  for (const marker of ['data-cobrowse-block', 'data-cobrowse-mask'])
    it(`does not join a widget in a ${marker} region whose ready came before the walk reached it`, async () => {
      run.traffic = new Traffic();
      const customer = await page(`<div ${marker}><iframe id="widget"></iframe></div><p id="mine">mine</p>`);
      const { p, t, hold, started, iframe } = await heldStart(customer);
      hold.release();
      await started;
      expect(p.mirrorDocument().getElementById('mine')?.textContent).to.equal('mine');
      for (let i = 0; i < 5; i++) {
        await p.settle();
        expect(await sessionLoaded(customer, t, iframe)).to.equal(false);
      }
      expect(p.engine.stats.frames?.joined).to.equal(0);
      expect(p.engine.stats.frames?.joinedEarly).to.equal(0);
      expect(JSON.stringify(p.decoded)).to.not.contain('Payment widget');
    });

  it('sends nothing to a widget that said ready before the walk reached it and then went to an unlisted origin', async () => {
    run.traffic = new Traffic();
    const customer = await page(`<iframe id="widget"></iframe><p id="mine">mine</p>`);
    const { p, t, hold, started, iframe } = await heldStart(customer);
    iframe.contentWindow?.postMessage({ test: 'navigate', value: UNLISTED }, OTHER);
    await until(() => t.window.some(answer('unlisted')), 'the unlisted page loaded');
    hold.release();
    await started;
    for (let i = 0; i < 5; i++) await p.settle();
    expect(t.window.filter(answer('got'))).to.deep.equal([]);
    expect(JSON.stringify(p.decoded)).to.not.contain('Payment widget');
    // Control: the unlisted page does tell what it gets.
    iframe.contentWindow?.postMessage({ kind: 'control' }, '*');
    await until(() => t.window.some(answer('got')), 'the control message reported');
    expect((t.window.find(answer('got')) as { kind?: unknown }).kind).to.equal('control');
  });

  /**
   * A joined widget goes to its next page while a resync's walk waits before its first slice, and then more frames say
   * ready than the bridge keeps (16): `others` frames of the page's own, or frames nested in the widget's next page.
   */
  async function crowdedNavigation(nested: boolean): Promise<Pipeline> {
    run.traffic = new Traffic();
    const t = run.traffic;
    const customer = await page(`<iframe id="widget" src="${WIDGET}"></iframe><div id="others"></div>`);
    await until(() => t.window.filter(answer('loaded')).length === 1, 'the widget loaded');
    const widget = customer.doc.getElementById('widget') as HTMLIFrameElement;
    const hold = new Hold();
    run.pipeline = new Pipeline(customer, { frames: { origins: [OTHER] }, holdSlices: () => hold.current });
    const p = run.pipeline;
    await p.start();
    await until(() => mirroredFrame(p, 'widget')?.getElementById('private') != null, 'the widget in the mirror');
    hold.start();
    const resynced = p.engine.resync();
    const readies = t.window.filter(isReady).length;
    const next = `${WIDGET}&title=Receipt${nested ? '&nest=17' : ''}`;
    widget.contentWindow?.postMessage({ test: 'navigate', value: next }, OTHER);
    await until(
      () => t.window.filter(answer('loaded')).length === 2 && t.window.filter(isReady).length > readies,
      'the next widget page loaded and said ready',
    );
    if (!nested) {
      const others = customer.doc.getElementById('others') as HTMLElement;
      for (let i = 0; i < 17; i++) {
        const frame = customer.doc.createElement('iframe');
        frame.src = framePage('ready-only');
        frame.style.cssText = 'width:8px;height:8px';
        others.append(frame);
      }
    }
    await until(() => t.window.filter(isReady).length >= readies + 18, 'the other frames said ready');
    expect(p.engine.idOf(widget)).to.equal(undefined);
    hold.release();
    await resynced;
    await until(
      () =>
        mirroredFrame(p, 'widget')?.getElementById('title')?.textContent === 'Receipt' &&
        mirroredFrame(p, 'widget')?.getElementById('private') != null,
      'the next widget page in the mirror',
    );
    return p;
  }

  it("joins a widget's next page whose early ready the page's other frames pushed out (its old port is dead: probed)", async () => {
    const p = await crowdedNavigation(false);
    // The 16 newest readies, all of other frames: the widget's and the first other frame's were pushed out.
    expect(p.engine.stats.frames?.joinedEarly).to.equal(16);
  });

  it("joins a widget's next page on its early ready, which frames nested in it cannot push out", async () => {
    const p = await crowdedNavigation(true);
    expect(p.engine.stats.frames?.joinedEarly).to.equal(1);
  });
  it('a load of the <iframe> before its frame answered the probe sends no second probe: one hello', async () => {
    run.traffic = new Traffic();
    const t = run.traffic;
    const customer = await page(`<iframe id="widget" src="${WIDGET}"></iframe>`);
    await until(() => t.window.some(answer('loaded')) && t.window.some(isReady), 'the widget loaded and said ready');
    const iframe = customer.doc.getElementById('widget') as HTMLIFrameElement;
    // The bridge alone (as in cross-origin-frame-flood.test.ts), each hello counted by the port it hands over.
    let hellos = 0;
    const Tapped = window.MessageChannel;
    window.MessageChannel = class extends Tapped {
      constructor() {
        super();
        hellos++;
      }
    };
    let nextId = 1_000;
    const bridge = new FrameBridge(
      { origins: [OTHER] },
      {
        run: () => ({
          ids: { reserve: () => nextId++ },
          serializer: { decideNow: () => 'clear', captureParent: () => null },
          collector: { isRemovedInMirror: () => false },
        }),
        assetPolicy: () => 'channel',
        sendDom: () => true,
        sendAsset: () => true,
        schedule: () => undefined,
        caught: (error) => {
          throw error;
        },
      },
    );
    run.cleanup = () => bridge.stop();
    bridge.attachWindow(window);
    const readies = t.window.filter(isReady).length;
    bridge.frameSerialized(iframe, 7);
    // Its load comes before the frame's answer to the probe (the <iframe> finished loading right after the walk read it).
    bridge.frameLoaded(iframe, 7);
    await until(() => bridge.stats.joined === 1 && bridge.stats.queued > 0, "the widget's snapshot");
    // Anything a second probe or hello would cause has long arrived once the widget ran its capture and answers.
    await command(customer, t, iframe, 'ping');
    await command(customer, t, iframe, 'ping');
    expect(t.window.filter(isReady).length - readies).to.equal(1);
    expect(hellos).to.equal(1);
  });
});
