/**
 * `:hover` under a pointer that does not move while the page moves beneath
 * it (agent/mirror/hover.ts): the customer's browser hovers whatever comes
 * under the resting pointer, with no pointer event, and the mirror must do
 * the same once it applied the frames that moved the page. Real mouse
 * (sendMouse) over the customer's frame, real capture, codec and mirror.
 * Oracle: the customer's own `:hover` state and computed background.
 */
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { loadCustomerPage, nextFrames, Pipeline } from './helpers/pipeline-harness.js';
import { HOVER_ATTRIBUTE } from '../../agent/mirror/interaction-css.js';

const PAGE = `<!doctype html><html><head><style>
  body { margin: 0; font: 16px sans-serif; }
  .row { height: 40px; }
  .row:hover { background: rgb(200, 30, 30); }
</style></head><body><div id="spacer"></div><div class="row" id="a">A</div><div class="row" id="b">B</div>
<div class="row" id="c">C</div><div style="height:2000px"></div></body></html>`;

describe('mirror: :hover under a still pointer', function () {
  this.timeout(30_000);
  let pipeline: Pipeline | null = null;
  afterEach(async () => {
    pipeline?.dispose();
    pipeline = null;
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  /** What the console does with each pointer message the customer sent since `from`. */
  function forwardPointer(p: Pipeline, from: number): void {
    for (const message of p.decoded.slice(from))
      if (message.t === 'pointer') p.mirror.pointer(message.x, message.y, message.gone ?? false, message.down ?? false);
  }

  async function mirrorSettled(p: Pipeline): Promise<void> {
    await p.settle(2);
    // The mirror looks again in its next animation frame.
    await nextFrames(window, 2);
  }

  function hovered(doc: Document): string[] {
    return ['a', 'b', 'c'].filter((id) => doc.getElementById(id)?.hasAttribute(HOVER_ATTRIBUTE));
  }

  function customerHovered(doc: Document): string[] {
    return ['a', 'b', 'c'].filter((id) => doc.getElementById(id)?.matches(':hover'));
  }

  it('follows content inserted above and a scroll, with the pointer resting', async () => {
    const customer = await loadCustomerPage(PAGE);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const p = pipeline;
    const box = customer.frame.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(box.left + 30), Math.round(box.top + 60)] });
    await p.settle(2);
    forwardPointer(p, 0);
    await mirrorSettled(p);
    expect(customerHovered(customer.doc)).to.deep.equal(['b']);
    expect(hovered(p.mirrorDocument())).to.deep.equal(['b']);

    // Content inserted above: A comes under the resting pointer.
    const seen = p.decoded.length;
    (customer.doc.getElementById('spacer') as HTMLElement).style.height = '40px';
    await nextFrames(customer.win, 3);
    await mirrorSettled(p);
    forwardPointer(p, seen);
    expect(customerHovered(customer.doc), 'customer').to.deep.equal(['a']);
    expect(hovered(p.mirrorDocument()), 'mirror').to.deep.equal(['a']);
    const background = (doc: Document): string =>
      (doc.defaultView as Window).getComputedStyle(doc.getElementById('a') as Element).backgroundColor;
    expect(background(p.mirrorDocument())).to.equal(background(customer.doc));

    // The page scrolls under the resting pointer: B comes under it again.
    const scrolled = p.decoded.length;
    customer.win.scrollTo(0, 40);
    await nextFrames(customer.win, 3);
    await mirrorSettled(p);
    forwardPointer(p, scrolled);
    await mirrorSettled(p);
    expect(customerHovered(customer.doc)).to.deep.equal(['b']);
    expect(hovered(p.mirrorDocument())).to.deep.equal(['b']);
  });
});
