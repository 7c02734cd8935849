/**
 * The live console on a narrow screen: at 360 px and at 200 % zoom (a 1280 px
 * window is 640 CSS px) the toolbar wraps instead of pushing the page
 * sideways, and the zoom controls work there. Real customer and agent in two
 * Chromium processes; screenshots go to test/artifacts/diff/ to be looked at.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers/harness.js';
import { liveSession } from './helpers/live-control.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('the live console on a narrow screen', () => {
  for (const [name, width, height, scale] of [
    ['360', 360, 740, 1],
    ['zoom200', 640, 400, 2],
  ] as const) {
    it(`${name === '360' ? 'at 360 px' : 'at 200 % zoom'}: nothing scrolls sideways and the zoom buttons work`, async () => {
      harness = await startHarness();
      const { agent } = await liveSession(harness, '/checkout', 'Checkout');
      await agent.setViewportSize({ width, height });
      if (scale !== 1) {
        const cdp = await harness.agentBrowser.context.newCDPSession(agent);
        await cdp.send('Emulation.setDeviceMetricsOverride', {
          width,
          height,
          deviceScaleFactor: scale,
          mobile: false,
        });
      }
      const overflow = await agent.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      for (const label of ['Zoom out', 'Zoom in', 'End session']) {
        const box = await agent.getByRole('button', { name: label }).boundingBox();
        expect(box, label).not.toBeNull();
        expect((box?.x ?? 0) + (box?.width ?? 0), label).toBeLessThanOrEqual(width);
      }
      await agent.getByRole('button', { name: 'Zoom in' }).click();
      await expect.poll(() => agent.locator('cobrowse-agent-view .zoom-level').textContent()).toMatch(/^\s*\d+ %\s*$/);
      await agent.screenshot({ path: `test/artifacts/diff/agent-console-${name}.png` });
    });
  }
});
