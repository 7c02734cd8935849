/**
 * The customer's viewport fits the agent's stage both ways: a small one is
 * drawn bigger on a large screen (up to 2×), a large one smaller; the
 * customer's window size is shown, and pointer positions still land where
 * the mirrored element is drawn. The oracle is the frame's drawn box.
 */
import { expect } from '@open-wc/testing';
import { liveAgentHooks, type LiveAgent } from './helpers/agent-live.js';
import { agentShadow } from './helpers/agent-view.js';
import { VIEWPORT } from './helpers/agent-frames.js';

function drawnFrame(live: LiveAgent): DOMRect {
  const frame = agentShadow(live.view).querySelector('.frame');
  if (!frame) throw new Error('no frame');
  return frame.getBoundingClientRect();
}

async function resizeStage(live: LiveAgent, width: number, height: number): Promise<void> {
  const box = live.view.parentElement as HTMLElement;
  box.style.width = `${width}px`;
  box.style.height = `${height}px`;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

describe('agent view: the customer’s viewport fits the stage', () => {
  const startLive = liveAgentHooks();

  it('draws a small viewport bigger on a large stage, a large one smaller, keeping the aspect ratio', async () => {
    const live = await startLive();
    const label = agentShadow(live.view).querySelector('.viewport')?.textContent?.trim();
    expect(label).to.equal(`${VIEWPORT.w}×${VIEWPORT.h}`);

    await resizeStage(live, 1900, 1400);
    const big = drawnFrame(live);
    expect(big.width / VIEWPORT.w).to.be.greaterThan(1.2);
    expect(big.width / VIEWPORT.w).to.be.at.most(2.0001);
    expect(big.width / big.height).to.be.closeTo(VIEWPORT.w / VIEWPORT.h, 0.01);

    await resizeStage(live, 500, 500);
    const small = drawnFrame(live);
    expect(small.width / VIEWPORT.w).to.be.lessThan(1);
    expect(small.width / small.height).to.be.closeTo(VIEWPORT.w / VIEWPORT.h, 0.01);
  });
});
