/**
 * The customer's top layer in the mirror: a modal dialog is modal there too
 * (centred over a backdrop, not laid out in the flow below the fold),
 * popovers opened by script or by a popovertarget button are open, the
 * order is kept, closing follows, and the console keeps its own focus. The
 * oracle reads `:modal`, `:popover-open` and the boxes in both documents.
 */
import { expect } from '@open-wc/testing';
import { loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';
import { mountMirror, NodeBuilder, parseFrame, snapshotFrame } from './helpers/mirror-frames.js';
import { FULLSCREEN_ATTRIBUTE } from '../../agent/mirror/top-layer.js';

const PAGE = `<!doctype html><html lang="en"><head><title>Top layer</title><style>
  body { margin: 0; } .tall { height: 3000px; } dialog::backdrop { background: rgba(0, 0, 0, 0.5); }
  [popover] { margin: 0; inset: auto; top: 40px; left: 40px; }
</style></head><body><div class="tall">Content</div>
<button id="opener" popovertarget="tips">Tips</button>
<div id="tips" popover>Declarative popover</div>
<div id="menu" popover="manual">Manual popover</div>
<dialog id="modal"><p>Are you sure?</p><div id="inner" popover="manual">Inside the dialog</div></dialog>
</body></html>`;

type Side = Document;
function state(doc: Side, id: string): string {
  const el = doc.getElementById(id);
  if (el === null) return 'missing';
  const box = el.getBoundingClientRect();
  return `${el.matches(':modal') ? 'modal' : ''}${el.matches(':popover-open') ? 'popover' : ''} ${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.width)}x${Math.round(box.height)}`;
}

describe('top layer: dialogs and popovers', function () {
  this.timeout(30_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  it('replays modal dialogs and popovers, in order, opened by script or button, and their closing', async () => {
    const customer = await loadCustomerPage(PAGE);
    const doc = customer.doc;
    // Open before the session: found by the snapshot's scan.
    (doc.getElementById('menu') as HTMLElement).showPopover();
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const current = pipeline;

    const same = async (): Promise<void> => {
      await current.settle(2);
      for (const id of ['tips', 'menu', 'modal', 'inner'])
        expect(state(current.mirrorDocument(), id), id).to.equal(state(doc, id));
    };
    await same();
    expect(state(doc, 'menu')).to.match(/^popover/);

    (doc.getElementById('opener') as HTMLButtonElement).click();
    await same();
    expect(state(doc, 'tips')).to.match(/^popover/);

    (doc.getElementById('modal') as HTMLDialogElement).showModal();
    await same();
    expect(state(doc, 'modal')).to.match(/^modal/);
    (doc.getElementById('inner') as HTMLElement).showPopover();
    await same();

    (doc.getElementById('modal') as HTMLDialogElement).close();
    await same();
    expect(state(current.mirrorDocument(), 'modal')).to.match(/^ /);
    (doc.getElementById('menu') as HTMLElement).hidePopover();
    await same();
  });

  it('keeps the console’s focus when a modal opens in the mirror, and shows it again after the agent’s own Escape', async () => {
    const mounted = mountMirror();
    const consoleInput = document.createElement('input');
    consoleInput.setAttribute('aria-label', 'console field');
    document.body.prepend(consoleInput);
    try {
      const b = new NodeBuilder();
      const { body } = b.page();
      const dialog = b.el(body, 'dialog', { open: '' });
      b.text(dialog, 'Sure?');
      mounted.mirror.apply(snapshotFrame(b.nodes, { viewportWidth: 640, viewportHeight: 360 }));
      consoleInput.focus();
      mounted.mirror.apply(parseFrame({ t: 'top', seq: 1, layer: [{ id: dialog, kind: 'modal' }] }));
      const mirrored = mounted.mirror.nodeById(dialog) as HTMLDialogElement;
      expect(mirrored.matches(':modal')).to.equal(true);
      expect(document.activeElement === consoleInput, 'console focus kept').to.equal(true);
      // Closed inside the mirror only (as Escape or a light dismiss would): shown again. The mirror
      // hears the 'close' event in the capture phase and shows the dialog in a microtask; this listener
      // on the dialog runs after it, and the await after that microtask.
      const closed = new Promise((resolve) => mirrored.addEventListener('close', resolve, { once: true }));
      mirrored.close();
      await closed;
      await Promise.resolve();
      expect(mirrored.matches(':modal')).to.equal(true);
    } finally {
      consoleInput.remove();
      mounted.unmount();
    }
  });

  it('shows the full-screen element over the whole view and undoes it', () => {
    const mounted = mountMirror();
    try {
      const b = new NodeBuilder();
      const { body } = b.page();
      const video = b.el(body, 'div', { style: 'width:100px;height:50px' });
      mounted.mirror.apply(snapshotFrame(b.nodes, { viewportWidth: 640, viewportHeight: 360 }));
      mounted.mirror.apply(parseFrame({ t: 'top', seq: 1, layer: [{ id: video, kind: 'fullscreen' }] }));
      const el = mounted.mirror.nodeById(video) as HTMLElement;
      expect(el.hasAttribute(FULLSCREEN_ATTRIBUTE)).to.equal(true);
      const box = el.getBoundingClientRect();
      expect([box.width, box.height]).to.deep.equal([640, 360]);
      mounted.mirror.apply(parseFrame({ t: 'top', seq: 2, layer: [] }));
      expect(el.hasAttribute(FULLSCREEN_ATTRIBUTE)).to.equal(false);
      expect(el.getBoundingClientRect().width).to.equal(100);
    } finally {
      mounted.unmount();
    }
  });
});
