/**
 * Zoom from 50 to 200 % beside fit, with buttons and keys, announced; at every
 * zoom the overlays stay on what they point at. Oracles come from the
 * browser, not from the view's own arithmetic: where Chromium draws the
 * mirrored element (its box through the frame's transform), and what the
 * simulated customer decodes off the real data channel (the click's node id).
 */
import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { liveAgentHooks, grantControl } from './helpers/agent-live.js';
import { until } from './helpers/agent-server.js';
import {
  agentShadow,
  buttonNamed,
  mirrorElement,
  mirrorScale,
  pageCentreOf,
  screenPointOfPage,
  type CobrowseAgentView,
  settle,
  zoomLabel,
  zoomTo,
} from './helpers/agent-view.js';
import { VIEWPORT } from './helpers/agent-frames.js';

function announced(view: CobrowseAgentView): string {
  return agentShadow(view).querySelector('.zoom [role="status"]')?.textContent?.trim() ?? '';
}

/** Scroll the stage so the mirrored element's centre is on screen; returns where it is drawn. */
async function bringIntoView(view: CobrowseAgentView, selector: string): Promise<{ x: number; y: number }> {
  const stage = agentShadow(view).querySelector<HTMLElement>('.stage');
  if (!stage) throw new Error('no stage');
  const centre = pageCentreOf(view, selector);
  let at = screenPointOfPage(view, centre.x, centre.y);
  const box = stage.getBoundingClientRect();
  stage.scrollLeft += at.x - (box.left + box.width / 2);
  stage.scrollTop += at.y - (box.top + box.height / 2);
  await settle(view);
  at = screenPointOfPage(view, centre.x, centre.y);
  expect(at.x).to.be.within(box.left, box.right);
  expect(at.y).to.be.within(box.top, box.bottom);
  return at;
}

describe('agent view: zoom 50-200 %', () => {
  const startLive = liveAgentHooks({ viewport: { width: 1000, height: 720 } });

  it('zooms with the buttons and the + − 0 keys, says so, and draws the viewport at that scale', async () => {
    const live = await startLive();
    const view = live.view;
    await settle(view);
    expect(zoomLabel(view)).to.match(/^Fit \(\d+ %\)$/);
    buttonNamed(view, 'Zoom in').click();
    await settle(view);
    const after = zoomLabel(view);
    expect(after).to.match(/^\d+ %$/);
    expect(announced(view)).to.equal(`Zoom ${after}`);
    expect(mirrorScale(view) * 100).to.be.closeTo(Number.parseInt(after, 10), 0.5);

    // Keys on the focused stage.
    agentShadow(view).querySelector<HTMLElement>('.stage')?.focus();
    await zoomTo(view, '100 %');
    await sendKeys({ press: '-' });
    await settle(view);
    expect(zoomLabel(view)).to.equal('75 %');
    await sendKeys({ press: '-' });
    await sendKeys({ press: '-' });
    await settle(view);
    expect(zoomLabel(view)).to.equal('50 %');
    expect(buttonNamed(view, 'Zoom out').disabled).to.equal(true);
    expect(mirrorScale(view)).to.be.closeTo(0.5, 0.005);
    await sendKeys({ press: '0' });
    await settle(view);
    expect(zoomLabel(view)).to.match(/^Fit/);
    expect(announced(view)).to.match(/^Zoom: fit to the window, \d+ %$/);
    const fitted = agentShadow(view).querySelector('.frame')?.getBoundingClientRect();
    const stage = agentShadow(view).querySelector('.stage')?.getBoundingClientRect();
    // Fitted: the whole viewport is on screen.
    expect(fitted && stage && fitted.right <= stage.right + 0.5 && fitted.bottom <= stage.bottom + 0.5).to.equal(true);
    expect(fitted ? fitted.width / fitted.height : 0).to.be.closeTo(VIEWPORT.w / VIEWPORT.h, 0.01);
  });

  for (const label of ['50 %', '200 %']) {
    it(`at ${label}, a click lands on the element clicked, and the highlight and the customer's pointer sit on theirs`, async () => {
      const live = await startLive();
      const view = live.view;
      await settle(view);
      await zoomTo(view, label);
      expect(mirrorScale(view) * 100).to.be.closeTo(Number.parseInt(label, 10), 0.5);

      // Remote click: the customer receives it on #pay.
      await grantControl(live, buttonNamed(view, 'Request control'));
      await settle(view);
      const pay = await bringIntoView(view, '#pay');
      await sendMouse({ type: 'click', position: [Math.round(pay.x), Math.round(pay.y)] });
      const click = await live.customer.waitFor((m) => m.t === 'action' && m.action.kind === 'click');
      if (click.t !== 'action' || click.action.kind !== 'click') throw new Error('not a click');
      expect(click.action.id).to.equal(live.page.ids.pay);

      // Highlight: the box the agent sees surrounds where Chromium draws #name.
      buttonNamed(view, 'Release control').click();
      await settle(view);
      buttonNamed(view, 'Highlight').click();
      await settle(view);
      const name = await bringIntoView(view, '#name');
      await sendMouse({ type: 'click', position: [Math.round(name.x), Math.round(name.y)] });
      const highlight = agentShadow(view).querySelector<HTMLElement>('.highlight');
      await until(() => highlight?.style.display === 'block', 'the highlight box');
      const drawn = mirrorElement(view, '#name').getBoundingClientRect();
      const frame = view.mirror?.iframe.getBoundingClientRect();
      if (!frame || !highlight) throw new Error('no frame');
      const scale = mirrorScale(view);
      const element = {
        left: frame.left + drawn.left * scale,
        top: frame.top + drawn.top * scale,
        right: frame.left + drawn.right * scale,
        bottom: frame.top + drawn.bottom * scale,
      };
      const box = highlight.getBoundingClientRect();
      expect(box.left).to.be.closeTo(element.left - 4, 1.5);
      expect(box.top).to.be.closeTo(element.top - 4, 1.5);
      expect(box.right).to.be.closeTo(element.right + 4, 1.5);
      expect(box.bottom).to.be.closeTo(element.bottom + 4, 1.5);

      // The customer's pointer at #name's centre is drawn there.
      const centre = pageCentreOf(view, '#name');
      live.customer.send({ t: 'pointer', x: centre.x, y: centre.y });
      const cursor = agentShadow(view).querySelector<SVGElement>('.cursor');
      await until(() => cursor?.style.display === 'block', 'the customer pointer');
      const tip = cursor?.getBoundingClientRect();
      // The arrow's tip is drawn 2 px up and left of its box's corner (margin -2px).
      expect((tip?.left ?? 0) + 2).to.be.closeTo(name.x, 1.5);
      expect((tip?.top ?? 0) + 2).to.be.closeTo(name.y, 1.5);
    });
  }

  it("control: drawn at a scale other than the frame's, the highlight misses its element and the oracle says so", async () => {
    const live = await startLive();
    const view = live.view;
    await settle(view);
    await zoomTo(view, '200 %');
    buttonNamed(view, 'Highlight').click();
    await settle(view);
    const name = await bringIntoView(view, '#name');
    await sendMouse({ type: 'click', position: [Math.round(name.x), Math.round(name.y)] });
    const highlight = agentShadow(view).querySelector<HTMLElement>('.highlight');
    await until(() => highlight?.style.display === 'block', 'the highlight box');
    view.stageView.scale = 1;
    view.overlays.placeHighlight();
    const drawn = mirrorElement(view, '#name').getBoundingClientRect();
    const frame = view.mirror?.iframe.getBoundingClientRect();
    const right = (frame?.left ?? 0) + drawn.right * mirrorScale(view) + 4;
    expect(Math.abs((highlight?.getBoundingClientRect().right ?? 0) - right)).to.be.greaterThan(20);
  });
});
