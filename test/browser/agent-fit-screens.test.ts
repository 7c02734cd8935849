/**
 * The live view on the screens agents use (1366×768 and 1920×1080): fit
 * scales the customer's 800×600 viewport up as well as down until it fills
 * the stage on one side, and the view at fit and at 200 % looks like its
 * committed screenshot. The fill oracle reads the boxes Chromium lays out,
 * not the view's own scale arithmetic; its control is the 100 % view on the
 * large screen, which does not fill the stage.
 */
import { expect } from '@open-wc/testing';
import { liveAgentHooks } from './helpers/agent-live.js';
import { agentShadow, mirrorScale, settle, zoomLabel, zoomTo, type CobrowseAgentView } from './helpers/agent-view.js';
import { VIEWPORT } from './helpers/agent-frames.js';
import { expectScreenshot } from './helpers/screenshots.js';

/** How much of the stage's width and height the drawn customer viewport takes. */
function filled(view: CobrowseAgentView): { width: number; height: number; aspect: number } {
  const frame = agentShadow(view).querySelector('.frame')?.getBoundingClientRect();
  const stage = agentShadow(view).querySelector('.stage')?.getBoundingClientRect();
  if (!frame || !stage) throw new Error('no frame or stage');
  return { width: frame.width / stage.width, height: frame.height / stage.height, aspect: frame.width / frame.height };
}

/** Fills the stage on one side (less a margin) and keeps the customer's aspect ratio. */
function fillsTheStage(view: CobrowseAgentView): boolean {
  const { width, height, aspect } = filled(view);
  return (
    Math.max(width, height) >= 0.9 &&
    Math.max(width, height) <= 1.001 &&
    Math.abs(aspect - VIEWPORT.w / VIEWPORT.h) < 0.01
  );
}

for (const screen of [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
]) {
  const size = `${screen.width}x${screen.height}`;
  describe(`agent view at ${size}`, () => {
    const startLive = liveAgentHooks({ viewport: screen, fullWindow: true });

    it('fits the customer’s viewport to the stage (scaling up), and looks as committed at fit and at 200 %', async () => {
      const live = await startLive();
      const view = live.view;
      await settle(view);
      expect(zoomLabel(view)).to.match(/^Fit \(\d+ %\)$/);
      expect(fillsTheStage(view), JSON.stringify(filled(view))).to.equal(true);
      // An 800×600 viewport on these stages is drawn larger than 1:1.
      expect(mirrorScale(view)).to.be.greaterThan(1);
      await expectScreenshot(`test/artifacts/agent-fit-${size}.png`, { selector: 'cobrowse-agent-view' });

      await zoomTo(view, '200 %');
      expect(mirrorScale(view)).to.be.closeTo(2, 0.005);
      await expectScreenshot(`test/artifacts/agent-zoom200-${size}.png`, { selector: 'cobrowse-agent-view' });
    });

    if (screen.width === 1920) {
      it('control: at 100 % on this screen the viewport does not fill the stage, and the oracle says so', async () => {
        const live = await startLive();
        const view = live.view;
        await settle(view);
        await zoomTo(view, '100 %');
        expect(fillsTheStage(view), JSON.stringify(filled(view))).to.equal(false);
      });
    }
  });
}
