/**
 * The "Hidden from Dana" outlines are drawn by our UI above the page: they must
 * not paint over page content that covers their field (a chat panel over a
 * card field). The oracle is what Chromium painted: each covering panel is
 * compared pixel by pixel with an identical panel over nothing (pixelmatch,
 * outside the code under test). Control: a panel with `pointer-events: none`
 * is invisible to hit testing, so the outline does paint over it, and the same
 * comparison sees that.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createMaskConfig } from '../../client/capture/mask-dom.js';
import { HiddenAreas } from '../../client/session/hidden-areas.js';
import { until } from './helpers/inbox.js';

interface Comparison {
  differentPixels: number;
  error?: string;
}

const PANEL = 'position:fixed;width:240px;height:180px;background:#0f766e;color:#fff;font:14px system-ui;padding:0;';

const PAGE = `<div id="outline-page">
  <input type="password" id="partly" aria-label="partly covered" style="position:absolute;left:40px;top:120px;width:300px;height:40px">
  <input type="password" id="under" aria-label="covered" style="position:absolute;left:230px;top:200px;width:180px;height:32px">
  <input type="password" id="free" aria-label="not covered" style="position:absolute;left:40px;top:400px;width:300px;height:40px">
  <div id="chat" style="${PANEL}left:200px;top:90px;z-index:10">Chat with us</div>
  <div id="chat-ref" style="${PANEL}left:560px;top:90px;z-index:10">Chat with us</div>
  <div id="ghost" style="${PANEL}left:200px;top:380px;z-index:10;pointer-events:none">Chat with us</div>
  <div id="ghost-ref" style="${PANEL}left:560px;top:380px;z-index:10;pointer-events:none">Chat with us</div>
</div>`;

async function samePixels(a: string, b: string): Promise<number> {
  const result = await executeServerCommand<Comparison, unknown>('cobrowse-compare-pixels', {
    a: { selector: a },
    b: { selector: b },
  });
  if (!result || result.error) throw new Error(result?.error ?? 'no comparison');
  return result.differentPixels;
}

const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

describe('hidden-area outlines under page content', () => {
  let areas: HiddenAreas | null = null;
  let layer: HTMLElement | null = null;
  afterEach(() => {
    areas?.destroy();
    areas = null;
    layer?.remove();
    layer = null;
    document.getElementById('outline-page')?.remove();
  });

  it('cut out what covers their field, and show no outline for a field covered everywhere', async () => {
    document.body.insertAdjacentHTML('beforeend', PAGE);
    // As in <cobrowse-session>: the outlines live in our own layer, above the page's.
    layer = document.createElement('div');
    layer.style.cssText = 'position:fixed;inset:0;z-index:2147483000;pointer-events:none';
    document.body.append(layer);
    areas = new HiddenAreas(layer, window, createMaskConfig(), () => 'Hidden from Dana');
    areas.show(60_000);
    await frame();
    await frame();
    const outlines = [...layer.querySelectorAll<HTMLElement>('[data-cobrowse-hidden-outline]')];
    expect(outlines.length).to.equal(3);
    const shown = outlines.filter((box) => box.style.display === 'block').map((box) => box.getBoundingClientRect());
    // The partly covered and the free field keep theirs; the one under the panel has none.
    expect(shown.map((box) => Math.round(box.top))).to.deep.equal([117, 397]);

    expect(await samePixels('#chat', '#chat-ref'), 'outline pixels on the chat panel').to.equal(0);
    // Control: the same comparison sees an outline drawn over a panel hit testing cannot find.
    expect(await samePixels('#ghost', '#ghost-ref'), 'outline pixels on the pointer-events:none panel').to.be.above(0);

    // A panel the page opens later is cut out too, without a scroll or resize.
    const late = document.createElement('div');
    late.id = 'late';
    late.textContent = 'Chat with us';
    late.style.cssText = `${PANEL}left:0;top:300px;z-index:10`;
    document.getElementById('outline-page')?.append(late);
    const lateRef = late.cloneNode(true) as HTMLElement;
    lateRef.id = 'late-ref';
    lateRef.style.left = '560px';
    lateRef.style.top = '0px';
    document.getElementById('outline-page')?.append(lateRef);
    await until(async () => (await samePixels('#late', '#late-ref')) === 0, 'the late panel cut out of the outline');
  });
});
