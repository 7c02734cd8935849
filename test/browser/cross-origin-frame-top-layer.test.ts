/**
 * The top layer of a cross-origin frame that embeds our script: its modal
 * dialog and popover reach the mirror as top-layer state (the frame's `top`
 * frames, translated to page ids by frame-translate.ts and added to the
 * page's own by frame-bridge.ts), so the mirror shows them with showModal()
 * and showPopover() inside the frame's document, where the frame has them.
 * Oracles: what the widget itself reports (`:modal`, `:popover-open` and the
 * boxes in its own view), and Playwright screenshots of the dialog in the
 * widget and in the mirror compared with pixelmatch. Control: a dialog shown
 * non-modal (what every modal used to look like in the mirror) is told apart
 * by the same checks.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { MIRROR_CONTAINER_ID, Pipeline } from './helpers/pipeline-harness.js';
import {
  answer,
  command,
  framePage,
  mirroredFrame,
  OTHER,
  page,
  Traffic,
  until,
  crossOriginRun,
} from './helpers/cross-origin.js';

const WIDGET = framePage('payment-widget');

interface TopAnswer {
  top: { modal: boolean; popover: boolean; confirm: number[] | null; tip: number[] | null };
}

function box(el: Element | null): number[] | null {
  const r = el?.getBoundingClientRect();
  return r ? [r.left, r.top, r.width, r.height].map(Math.round) : null;
}

/** The dialog's box as the widget reports it, in the widget and in the mirror's widget, compared by pixelmatch. */
async function dialogPixels(rect: number[]): Promise<{ differentPixels?: number; width?: number; error?: string }> {
  // The <iframe>'s 1 px border first; the dialog's own box only (around it, the widget's masked fields differ).
  const [x = 0, y = 0, width = 0, height = 0] = rect;
  const clip = { x: x + 1, y: y + 1, width, height };
  return (await executeServerCommand('cobrowse-compare-pixels', {
    a: { selector: '#widget', clip },
    b: { frames: [`#${MIRROR_CONTAINER_ID} iframe`], selector: '#widget', clip },
  })) as { differentPixels?: number; width?: number; error?: string };
}

describe("a cross-origin frame's top layer", function () {
  this.timeout(60_000);
  const run = crossOriginRun();

  it('a modal dialog and a popover in the frame are modal and open in the mirror, where the frame has them', async () => {
    const t = new Traffic();
    run.traffic = t;
    // Whole-pixel positions for the widget and the mirror (rasterized alike, so their screenshots can match).
    const customer = await page(`<style>h1{margin:0;height:40px}</style><iframe id="widget" src="${WIDGET}"></iframe>`);
    await until(() => t.window.some(answer('loaded')), 'the widget loaded');
    const widget = customer.doc.getElementById('widget') as HTMLIFrameElement;
    run.pipeline = new Pipeline(customer, { frames: { origins: [OTHER] } });
    await run.pipeline.start();
    const p = run.pipeline;
    const doc = (): Document | null => mirroredFrame(p, 'widget');
    await until(() => doc()?.getElementById('private') != null, 'the widget in the mirror');

    const opened = await command<TopAnswer>(customer, t, widget, 'top-layer', 'open');
    expect(opened.top.modal && opened.top.popover).to.equal(true);
    await until(() => doc()?.getElementById('confirm')?.matches(':modal') === true, 'the modal in the mirror');
    const mirrored = doc() as Document;
    expect(mirrored.getElementById('tip')?.matches(':popover-open')).to.equal(true);
    expect(box(mirrored.getElementById('confirm'))).to.deep.equal(opened.top.confirm);
    expect(box(mirrored.getElementById('tip'))).to.deep.equal(opened.top.tip);
    const pixels = await dialogPixels(opened.top.confirm ?? []);
    expect(pixels.error).to.equal(undefined);
    expect(pixels.differentPixels).to.equal(0);
    // The page's own top layer is untouched: nothing of the page is modal in the mirror.
    expect(p.mirrorDocument().querySelector(':modal')).to.equal(null);

    const closed = await command<TopAnswer>(customer, t, widget, 'top-layer', 'close');
    expect(closed.top.modal || closed.top.popover).to.equal(false);
    await until(
      () =>
        mirrored.getElementById('confirm')?.matches(':modal') === false &&
        !mirrored.getElementById('tip')?.matches(':popover-open'),
      'both closed in the mirror',
    );

    // Control: the same dialog shown non-modal is told apart (not :modal, placed elsewhere).
    const shown = await command<TopAnswer>(customer, t, widget, 'top-layer', 'show');
    expect(shown.top.modal).to.equal(false);
    // The mirror applies the close and the show as they arrive: wait until it shows the dialog where the frame has
    // it (a run under load asserted while the mirror still had it at another place, 227 px down instead of 152).
    await until(
      () =>
        (mirrored.getElementById('confirm') as HTMLDialogElement | null)?.open === true &&
        JSON.stringify(box(mirrored.getElementById('confirm'))) === JSON.stringify(shown.top.confirm),
      'the dialog shown where the frame has it',
    );
    expect(mirrored.getElementById('confirm')?.matches(':modal')).to.equal(false);
    expect(shown.top.confirm).to.not.deep.equal(opened.top.confirm);
    expect(box(mirrored.getElementById('confirm'))).to.deep.equal(shown.top.confirm);
    expect(p.resyncRequests).to.deep.equal([]);
  });
});
