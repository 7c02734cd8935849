/**
 * Cross-origin iframes that embed our script, joined through the postMessage
 * bridge (client/capture/frame-bridge.ts, frame-child.ts, client/frame-listener.ts),
 * on two real origins of the test server (localhost and 127.0.0.1, same port):
 * the customer's page on one, a payment widget that loads the real bundled
 * loader on the other. The page runs the real CaptureEngine, codec and
 * Mirror (pipeline-harness.ts). The customer's page is this test page itself
 * (its body, the mirror excluded as our own UI): the frame checks that the
 * parent's messages come from its parent window, and a capture running in
 * this realm on another window would post them as this window.
 *
 * Oracles: the widget's own text as the widget page holds it (known from its
 * HTML), the mirror's DOM, the sentinel values of the widget searched for in
 * every message that crossed to the page (window and port) and every message
 * decoded on the agent side, and the widget's list of fetched resources (the
 * session code loads only after the page's capture said hello).
 */
import { expect } from '@open-wc/testing';
import { Pipeline, type CustomerPage } from './helpers/pipeline-harness.js';
import {
  answer,
  command as frameCommand,
  framePage,
  knownTextsIn,
  HERE,
  mirroredFrame,
  OTHER,
  page,
  Traffic,
  until,
  crossOriginRun,
} from './helpers/cross-origin.js';

const WIDGET = framePage('payment-widget');
const PARTNER = framePage('hostile-partner');
/** In the widget's HTML: what must never leave it. */
const SENTINELS = ['4242 4242 4242 4242', '4242424242424242', '917', 'Sentinel-Pw-Zq81x', 'SENTINEL-ACCT-55210'];

/** A sandboxed frame (opaque origin) that forges bridge messages to the page and to its sibling frames. */
const HOSTILE_SRCDOC = `<script>
  const tag = { cobrowse: 'cobrowse-frame', v: 1 };
  const forge = () => {
    parent.postMessage({ ...tag, kind: 'frame-ready' }, '*');
    parent.postMessage({ t: 'mutations', seq: 0, removes: [], adds: [{ kind: 'el', id: 99999, parent: 0, tag: 'b' }], attrs: [], texts: [{ id: 1, text: 'FORGED' }] }, '*');
    for (let i = 0; i < parent.frames.length; i++) {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => parent.postMessage({ stolen: event.data }, '*');
      try { parent.frames[i].postMessage({ ...tag, kind: 'frame-hello' }, '*', [channel.port2]); } catch {}
      try { parent.frames[i].postMessage({ ...tag, kind: 'frame-probe' }, '*'); } catch {}
    }
  };
  forge();
  addEventListener('message', (event) => { if (event.data === 'forge') { forge(); parent.postMessage({ testAnswer: 'forged' }, '*'); } });
</script>`;

/** A widget's answer: what it fetched, and the port messages its captures posted and the ports they closed. */
interface WidgetAnswer {
  resources: string[];
  posted: number;
  closed: number;
}

/** Sends a test command to a widget and waits for its answer (its page changed and rendered two frames). */
function command(
  customer: CustomerPage,
  traffic: Traffic,
  frame: Element,
  test: string,
  value = '',
): Promise<WidgetAnswer> {
  return frameCommand<WidgetAnswer>(customer, traffic, frame, test, value);
}

function sentinelsIn(values: unknown[]): string[] {
  return knownTextsIn(values, SENTINELS);
}

describe('cross-origin iframes through the postMessage bridge', function () {
  this.timeout(60_000);
  const run = crossOriginRun();

  it('is served on two origins', () => {
    expect(new URL(WIDGET).origin).to.not.equal(HERE);
  });

  it('captures nothing in the widget before consent, then mirrors it masked in the widget; forgeries go nowhere; stop ends it', async () => {
    run.traffic = new Traffic();
    const customer = await page(`<iframe id="widget" src="${WIDGET}"></iframe>
        <div data-cobrowse-block><iframe id="blocked" src="${WIDGET}"></iframe></div>
        <iframe id="hostile" sandbox="allow-scripts" srcdoc="${HOSTILE_SRCDOC.replace(/"/g, '&quot;')}"></iframe>`);
    const t = run.traffic;
    await until(() => t.window.filter(answer('loaded')).length === 2, 'both widgets loaded');
    const widget = customer.doc.getElementById('widget') as HTMLIFrameElement;
    const blocked = customer.doc.getElementById('blocked') as HTMLIFrameElement;
    // Both widgets loaded the loader and announced themselves; before consent that is all that crossed.
    const before = await command(customer, run.traffic, widget, 'ping');
    await command(customer, run.traffic, blocked, 'ping');
    expect(before.resources.some((path) => path.includes('session-entry'))).to.equal(false);
    const beforeConsent = run.traffic.window.filter(
      (data) => !answer('ping')(data) && !answer('loaded')(data) && !answer('forged')(data),
    );
    for (const data of beforeConsent) {
      const keys = Object.keys(data as object).sort();
      // Announcements only: the widget's ready, and the hostile frame's forgeries (which carry no widget data).
      expect(keys.join(',')).to.be.oneOf(['cobrowse,kind,v', 'adds,attrs,removes,seq,t,texts', 'stolen']);
      expect(JSON.stringify(data)).to.not.contain('stolen');
    }
    expect(sentinelsIn(run.traffic.window)).to.deep.equal([]);

    // "Allow": the page's capture starts and joins the widget.
    run.pipeline = new Pipeline(customer, { frames: { origins: [OTHER] } });
    await run.pipeline.start();
    const p = run.pipeline;
    // The widget's last element: under load its snapshot comes in several parts.
    await until(() => mirroredFrame(p, 'widget')?.getElementById('private') != null, 'the widget in the mirror');
    const mirrored = mirroredFrame(p, 'widget') as Document;
    expect(mirrored.getElementById('title')?.textContent).to.equal('Payment widget');
    expect((mirrored.getElementById('name') as HTMLInputElement).value).to.equal('Ada Lovelace');
    expect((mirrored.getElementById('card') as HTMLInputElement).value).to.not.contain('4242 4242 4242 4242');
    expect(mirrored.getElementById('private')?.textContent).to.not.contain('SENTINEL');
    // The blocked widget is never joined: its box stays empty in the mirror.
    expect(mirroredFrame(p, 'blocked')?.getElementById('title') ?? null).to.equal(null);
    expect(p.engine.stats.frames?.joined).to.equal(1);
    const after = await command(customer, run.traffic, widget, 'ping');
    expect(after.resources.some((path) => path.includes('session-entry'))).to.equal(true);

    // Changes in the widget follow, typed text included.
    await command(customer, run.traffic, widget, 'type', 'Grace Hopper');
    await command(customer, run.traffic, widget, 'text', 'Card accepted');
    await until(() => mirrored.getElementById('status')?.textContent === 'Card accepted', 'the text change');
    await until(() => (mirrored.getElementById('name') as HTMLInputElement).value === 'Grace Hopper', 'the typed name');

    // The hostile frame forges again while sharing: nothing of it reaches the mirror or the agent.
    const hostile = customer.doc.getElementById('hostile') as HTMLIFrameElement;
    const forged = run.traffic.next(customer, answer('forged'));
    hostile.contentWindow?.postMessage('forge', '*');
    await forged;
    await p.settle();
    expect(run.traffic.window.some((data) => JSON.stringify(data).includes('stolen'))).to.equal(false);
    expect(JSON.stringify(p.decoded)).to.not.contain('FORGED');
    expect(p.engine.stats.frames?.refused).to.be.greaterThan(0);
    expect(p.resyncRequests).to.deep.equal([]);

    // A resync of the page brings the widget back from a fresh snapshot of its own.
    await p.engine.resync();
    await p.settle();
    await until(
      () => mirroredFrame(p, 'widget')?.getElementById('status')?.textContent === 'Card accepted',
      'the widget after a resync',
    );

    // The widget's page changes: the old document leaves the mirror, the new page joins on its own.
    const loaded = run.traffic.window.filter(answer('loaded')).length;
    widget.contentWindow?.postMessage({ test: 'navigate', value: `${WIDGET}&title=Receipt` }, OTHER);
    await until(() => t.window.filter(answer('loaded')).length > loaded, 'the next widget page loaded');
    await until(
      () =>
        mirroredFrame(p, 'widget')?.getElementById('title')?.textContent === 'Receipt' &&
        mirroredFrame(p, 'widget')?.getElementById('private') != null,
      'the next widget page in the mirror',
    );
    expect(mirroredFrame(p, 'widget')?.getElementById('status')?.textContent).to.equal('Enter your card');

    // Leak check: nothing the widget masks crossed to the page, or reached the agent.
    expect(sentinelsIn(run.traffic.ports)).to.deep.equal([]);
    expect(sentinelsIn(run.traffic.window)).to.deep.equal([]);
    expect(sentinelsIn(p.decoded)).to.deep.equal([]);
    expect(run.traffic.ports.length).to.be.greaterThan(0);
    // Control: the finder sees a sentinel where there is one.
    expect(sentinelsIn([{ x: 'Sentinel-Pw-Zq81x' }])).to.deep.equal(['Sentinel-Pw-Zq81x']);

    // Ending the session stops the widget's capture: it closes its port, and a change after that posts nothing
    // (counted in the widget: the page closed its end, so it would not see what the widget still posts).
    const closedBefore = (await command(customer, run.traffic, widget, 'ping')).closed;
    p.engine.stop();
    let stopped = await command(customer, run.traffic, widget, 'ping');
    for (let i = 0; i < 50 && stopped.closed === closedBefore; i++)
      stopped = await command(customer, run.traffic, widget, 'ping');
    expect(stopped.closed).to.be.greaterThan(closedBefore);
    const changed = await command(customer, run.traffic, widget, 'text', 'after the end');
    expect((await command(customer, run.traffic, widget, 'ping')).posted).to.equal(stopped.posted);
    expect(changed.posted).to.equal(stopped.posted);
  });

  it('each capture of the page (one per viewer) gets the widget; ending one leaves the other', async () => {
    run.traffic = new Traffic();
    const t = run.traffic;
    const customer = await page(`<iframe id="widget" src="${WIDGET}"></iframe>`);
    await until(() => t.window.filter(answer('loaded')).length === 1, 'the widget loaded');
    const widget = customer.doc.getElementById('widget') as HTMLIFrameElement;
    run.pipeline = new Pipeline(customer, { frames: { origins: [OTHER] } });
    const second = new Pipeline(customer, { frames: { origins: [OTHER] } });
    try {
      await Promise.all([run.pipeline.start(), second.start()]);
      const p = run.pipeline;
      for (const viewer of [p, second])
        await until(
          () => mirroredFrame(viewer, 'widget')?.getElementById('private') != null,
          'the widget in each mirror',
        );
      second.engine.stop();
      await command(customer, t, widget, 'text', 'one viewer left');
      await until(
        () => mirroredFrame(p, 'widget')?.getElementById('status')?.textContent === 'one viewer left',
        'the remaining viewer follows the widget',
      );
      expect(mirroredFrame(second, 'widget')?.getElementById('status')?.textContent).to.equal('Enter your card');
    } finally {
      second.dispose();
    }
  });

  it('a partner on the listed origin can change only its own document in the mirror', async () => {
    run.traffic = new Traffic();
    const customer = await page(`<p id="mine">the page's own text</p><iframe id="partner" src="${PARTNER}"></iframe>`);
    run.pipeline = new Pipeline(customer, { frames: { origins: [OTHER] } });
    await run.pipeline.start();
    const p = run.pipeline;
    const outside = (): string => {
      const body = p.mirrorDocument().body.cloneNode(true) as HTMLElement;
      return body.outerHTML;
    };
    await until(
      () => mirroredFrame(p, 'partner')?.getElementById('partner')?.textContent === 'partner done',
      'the partner done',
    );
    expect(p.mirrorDocument().getElementById('mine')?.textContent).to.equal("the page's own text");
    expect(outside()).to.not.contain('FORGED');
    expect(outside()).to.not.contain('evil.invalid');
    expect(p.mirrorDocument().querySelector('[style*="display:none"]')).to.equal(null);
    expect(JSON.stringify(p.decoded)).to.not.contain('FORGED');
    expect(JSON.stringify(p.decoded)).to.not.contain('evil.invalid');
    // Each forgery restarted the partner's stream instead of reaching the mirror: 7 ids x (attribute, text, add) + a part out of order.
    expect(p.engine.stats.frames?.restarts).to.equal(22);
    expect(p.resyncRequests).to.deep.equal([]);
    expect(p.mirror.stats.applyFailures).to.equal(0);
  });
});
