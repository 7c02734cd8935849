/**
 * A frame on a listed origin that floods its bridge port
 * (client/capture/frame-bridge.ts, MAX_INBOX): the page holds at most the
 * limit of that frame's messages, restarts its stream instead (frame-resync,
 * then the frame's fresh snapshot replaces its document in the mirror), and
 * one flush never handles more than the limit. The flooding frame is
 * test/browser/pages/frames/flooding-partner.html on the test server's second
 * origin, speaking the bridge by hand as a compromised partner could.
 *
 * First the bridge alone with flushes only when the test says (so what
 * arrives between two flushes is known, not a matter of the machine's speed),
 * with the limit and without it (the control: the same checks fail). Then the
 * whole pipeline: while the frame floods, the page's own change still reaches
 * the mirror, the page's stream is never resynced, and the frame's document
 * ends as the frame has it.
 */
import { expect } from '@open-wc/testing';
import { FrameBridge } from '../../client/capture/frame-bridge.js';
import type { UnsequencedDomFrame } from '../../client/capture/dom-frame-sender.js';
import { Pipeline } from './helpers/pipeline-harness.js';
import {
  command,
  framePage,
  mirroredFrame,
  OTHER,
  page,
  Traffic,
  until,
  crossOriginRun,
} from './helpers/cross-origin.js';

const FLOODER = framePage('flooding-partner');
/** MAX_INBOX of frame-bridge.ts. */
const LIMIT = 2_000;
const FLOOD = 5_000;

interface Outcome {
  restarts: number;
  largestBatch: number;
  /** Text changes of the flood that were forwarded to the page's stream. */
  floodTexts: number;
  /** The frame's paragraph as the mirror would show it: the last text forwarded. */
  text: string | undefined;
  /** frame-resync messages the frame received. */
  resyncs: number;
}

/** Every text a forwarded frame sets (text changes, added text nodes). */
function textsOf(frames: readonly UnsequencedDomFrame[]): string[] {
  const texts: string[] = [];
  for (const frame of frames) {
    if (frame.t !== 'mutations') continue;
    for (const node of frame.adds) if (node.kind === 'text') texts.push(node.text);
    for (const change of frame.texts) texts.push(change.text);
  }
  return texts;
}

describe('a cross-origin frame flooding its bridge port', function () {
  this.timeout(60_000);
  const run = crossOriginRun();

  async function floodBridge(maxInbox?: number): Promise<Outcome> {
    const t = new Traffic();
    run.traffic = t;
    const customer = await page(`<iframe id="partner" src="${FLOODER}"></iframe>`);
    const iframe = customer.doc.getElementById('partner') as HTMLIFrameElement;
    const sent: UnsequencedDomFrame[] = [];
    let nextId = 1_000;
    const bridge = new FrameBridge(
      { origins: [OTHER], ...(maxInbox === undefined ? {} : { maxInbox }) },
      {
        run: () => ({
          ids: { reserve: () => nextId++ },
          serializer: { decideNow: () => 'clear', captureParent: () => null },
          collector: { isRemovedInMirror: () => false },
        }),
        assetPolicy: () => 'channel',
        sendDom: (frame) => sent.push(frame) > 0,
        sendAsset: () => true,
        // No flush unless the test calls one: everything the frame posts waits in the bridge.
        schedule: () => undefined,
        caught: (error) => {
          throw error;
        },
      },
    );
    run.cleanup = () => {
      bridge.stop();
      customer.frame.remove();
    };
    bridge.attachWindow(window);
    // The partner announced itself on load; the page's capture serializes the <iframe> and probes it.
    await until(() => t.window.some((data) => (data as { kind?: unknown } | null)?.kind === 'frame-ready'), 'ready');
    bridge.frameSerialized(iframe, 7);
    await until(() => bridge.stats.joined === 1 && bridge.stats.queued === 1, "the partner's snapshot");
    bridge.flush();
    expect(textsOf(sent)).to.deep.equal(['partner content']);
    sent.length = 0;

    await command(customer, t, iframe, 'flood', FLOOD);
    if (maxInbox === undefined) {
      const restarts = Math.floor(FLOOD / (LIMIT + 1));
      await until(() => bridge.stats.restarts === restarts, 'the restarts');
      await until(() => bridge.stats.queued > 0, 'the rest of the flood');
    } else await until(() => bridge.stats.queued === FLOOD + 1, 'the whole flood waiting');
    // Each restart sends the frame a frame-resync on its port, which can reach the frame after a ping sent
    // later on the window (two channels, no order between them): ask until every restart's has arrived.
    let resyncs = 0;
    for (let asked = 0; asked < 40; asked++) {
      ({ resyncs } = await command<{ resyncs: number }>(customer, t, iframe, 'ping'));
      if (resyncs >= bridge.stats.restarts) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The fresh snapshots answering each frame-resync.
    await until(() => {
      bridge.flush();
      return (
        textsOf(sent).at(-1) === 'flood done' &&
        sent.some((frame) => frame.t === 'mutations' && frame.removes.length > 0) === resyncs > 0
      );
    }, 'the frame caught up');
    const texts = textsOf(sent);
    return {
      restarts: bridge.stats.restarts,
      largestBatch: bridge.stats.largestBatch,
      floodTexts: texts.filter((text) => /^flood \d+$/.test(text)).length,
      text: texts.at(-1),
      resyncs,
    };
  }

  it('holds at most the limit and restarts the stream; without the limit (control) it holds and handles the whole flood at once', async () => {
    const limited = await floodBridge();
    expect(limited.largestBatch, 'messages one flush handled').to.be.at.most(LIMIT);
    expect(limited.restarts).to.equal(2);
    expect(limited.resyncs).to.equal(2);
    // Nothing of the flooded stream went on; the frame's fresh snapshot did.
    expect(limited.floodTexts).to.equal(0);
    expect(limited.text).to.equal('flood done');
    run.cleanup?.();
    run.cleanup = null;
    run.traffic?.restore();

    const unlimited = await floodBridge(Number.POSITIVE_INFINITY);
    expect(unlimited.largestBatch).to.equal(FLOOD + 1);
    expect(unlimited.restarts).to.equal(0);
    expect(unlimited.floodTexts).to.equal(FLOOD);
  });

  it("the page's own changes reach the mirror while a frame floods, and the frame ends as it is", async () => {
    const t = new Traffic();
    run.traffic = t;
    const customer = await page(`<p id="mine">before</p><iframe id="partner" src="${FLOODER}"></iframe>`);
    run.pipeline = new Pipeline(customer, { frames: { origins: [OTHER] } });
    await run.pipeline.start();
    const p = run.pipeline;
    const partnerText = (): string | undefined =>
      mirroredFrame(p, 'partner')?.getElementById('partner')?.textContent ?? undefined;
    await until(() => partnerText() === 'partner content', 'the partner in the mirror');
    const iframe = customer.doc.getElementById('partner') as HTMLIFrameElement;
    // The page changes itself in the same task as the flood starts.
    (customer.doc.getElementById('mine') as HTMLElement).textContent = 'during the flood';
    await command(customer, t, iframe, 'flood', 4 * FLOOD);
    await until(() => p.mirrorDocument().getElementById('mine')?.textContent === 'during the flood', 'the page');
    await until(() => partnerText() === 'flood done', 'the partner after the flood');
    const frames = p.engine.stats.frames;
    console.log(
      `flood of ${4 * FLOOD}: ${frames?.restarts} restarts, at most ${frames?.largestBatch} messages in a flush`,
    );
    expect(frames?.largestBatch).to.be.at.most(LIMIT);
    expect(p.resyncRequests).to.deep.equal([]);
    expect(p.mirror.stats.applyFailures).to.equal(0);
  });
});
