/**
 * Only the tab's top page resumes (review s13 B9). A same-origin iframe
 * (a help panel, a widget: a page of the site, which carries the loader like
 * every page) shares the tab's sessionStorage, so its element found the
 * record the previous page left and resumed the session too: two sessions on
 * one customer seat, and if the frame won, the agent was shown the frame's
 * document and the top page said "Connection lost".
 *
 * The frame is made to win, without timing: the next page's request for the
 * loader is held (Playwright routing, top frame only) until the iframe's
 * element is defined and its update complete; then it is let through.
 * Oracle, outside our code: an init script counts each document's signaling
 * sockets; the agent's mirror says which page it shows. Control: at the moment
 * the frame settled, the top page's element was not defined yet (the frame
 * went first, as on main where it then resumed), and the top page resumes.
 */
import type { Frame, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentStatus, indicator, newSession, offer, startHarness, type Harness } from './helpers/harness.js';

const FRAME_ON_SHIPPING = `
  window.__sockets = 0;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native { constructor(...a) { super(...a); window.__sockets++; } };
  if (location.pathname === '/shipping' && window === window.top) {
    new MutationObserver((_, o) => {
      if (!document.body) return;
      o.disconnect();
      const f = document.createElement('iframe');
      f.id = 'side';
      f.src = '/controls';
      document.body.append(f);
    }).observe(document, { childList: true, subtree: true });
  }
`;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
  await harness.customerBrowser.context.addInitScript(FRAME_ON_SHIPPING);
});
afterAll(async () => {
  await harness?.close();
});

async function frameState(frame: Frame): Promise<{ indicator: string; sockets: number }> {
  return frame.evaluate(async () => {
    const element = document.querySelector('cobrowse-session');
    await element?.updateComplete;
    return {
      indicator: element?.shadowRoot?.querySelector('.indicator .label')?.textContent?.trim() ?? '',
      sockets: (window as unknown as { __sockets: number }).__sockets,
    };
  });
}

describe('a same-origin frame with the loader', () => {
  it('does not resume the session; the top page does', async () => {
    const session = await newSession(harness, { agentName: 'Dana' });
    const customer = await harness.customerBrowser.newPage();
    await customer.goto(`${harness.shop.url}/checkout`);
    await offer(customer, session.inviteCode);
    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    const agent = await harness.agentBrowser.newPage();
    await agent.goto(session.agentLink);
    await expect.poll(() => agentStatus(agent), { timeout: 20_000 }).toBe('Live');

    // The next page's own loader waits; the frame's does not.
    const held: Route[] = [];
    await customer.route(`${harness.server.baseUrl}/cobrowse.js*`, (route) => {
      if (route.request().frame() === customer.mainFrame()) held.push(route);
      else void route.fallback();
    });
    await customer.goto(`${harness.shop.url}/shipping`, { waitUntil: 'commit' });
    let frame: Frame | undefined;
    await expect
      .poll(() => (frame = customer.frames().find((f) => f.url().endsWith('/controls'))), { timeout: 10_000 })
      .toBeTruthy();
    if (!frame) throw new Error('no frame');
    await frame.waitForFunction(() => customElements.get('cobrowse-session') !== undefined);
    const inFrame = await frameState(frame);
    expect(
      await customer.evaluate(() => customElements.get('cobrowse-session') === undefined),
      'the top page’s element was defined before the frame settled',
    ).toBe(true);
    expect(held.length, 'the top page’s loader was not requested').toBeGreaterThan(0);
    for (const route of held.splice(0)) await route.continue();

    await expect.poll(() => indicator(customer), { timeout: 20_000 }).toBe('Sharing this tab with Dana');
    await expect
      .poll(() => agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.mirror?.page.url ?? ''), {
        timeout: 20_000,
      })
      .toBe(`${harness.shop.url}/shipping`);
    expect(inFrame).toEqual({ indicator: '', sockets: 0 });
    expect((await frameState(frame)).sockets).toBe(0);
    expect(await customer.evaluate(() => (window as unknown as { __sockets: number }).__sockets)).toBe(1);
    for (const page of [customer, agent]) await page.close();
  }, 120_000);
});
