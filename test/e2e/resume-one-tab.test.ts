/**
 * The consent is for one tab ("Dana sees this tab only"), but sessionStorage,
 * where a live session leaves what the next page resumes, is copied into a
 * window the page opens (window.open; Duplicate tab does the same). Red team
 * s12 F2: such a popup resumed the session with no prompt, and took the
 * customer seat once the allowed tab closed.
 *
 * Oracle, outside our code: an init script counts the signaling sockets, peer
 * connections and data channel bytes each page makes, and the agent's mirror
 * says which page it shows. The element decides whether to resume when it is
 * defined (connectedCallback), so once it is defined and has finished its
 * update, a resumed session has shown its indicator: no waiting on time.
 * Control: the allowed tab's own next page resumes, by the same oracle.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RECORD_CHANNEL_BYTES,
  agentStatus,
  mirrorElement,
  newSession,
  offer,
  startHarness,
  type Harness,
} from './helpers/harness.js';

const COUNT_SOCKETS = `
  (() => {
    window.__sockets = 0;
    const WS = window.WebSocket;
    window.WebSocket = function (...args) { window.__sockets += 1; return new WS(...args); };
    window.WebSocket.prototype = WS.prototype;
    Object.setPrototypeOf(window.WebSocket, WS);
  })();
`;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
  await harness.customerBrowser.context.addInitScript(RECORD_CHANNEL_BYTES);
  await harness.customerBrowser.context.addInitScript(COUNT_SOCKETS);
});
afterAll(async () => {
  await harness?.close();
});

interface Settled {
  indicator: string;
  dialogs: number;
  sockets: number;
  peers: number;
  wire: number;
  record: boolean;
}

/** What a page's element shows once it is defined and its update (the view included) is complete. */
async function settled(page: Page): Promise<Settled> {
  await page.waitForFunction(() => customElements.get('cobrowse-session') !== undefined);
  return page.evaluate(async () => {
    const element = document.querySelector('cobrowse-session');
    await element?.updateComplete;
    const counters = window as unknown as { __sockets: number; __peerConnections: number; __wire: unknown[] };
    return {
      indicator: element?.shadowRoot?.querySelector('.indicator .label')?.textContent?.trim() ?? '',
      dialogs: element?.shadowRoot?.querySelectorAll('[role="dialog"]').length ?? -1,
      sockets: counters.__sockets,
      peers: counters.__peerConnections,
      wire: counters.__wire.length,
      record: sessionStorage.getItem('cobrowse:session') !== null,
    };
  });
}

function mirrorUrl(agent: Page): Promise<string> {
  return agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.mirror?.page.url ?? '');
}

const NOTHING = { indicator: '', dialogs: 0, sockets: 0, peers: 0, wire: 0 };

describe('a session resumes only in the tab the customer allowed', () => {
  it('a window the page opens never resumes it, before or after the allowed tab closes; that tab’s next page does', async () => {
    const session = await newSession(harness, { agentName: 'Dana' });
    const context = harness.customerBrowser.context;
    const customer = await context.newPage();
    await customer.goto(`${harness.shop.url}/checkout`);
    await offer(customer, session.inviteCode);
    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    const agent = await harness.agentBrowser.newPage();
    await agent.goto(session.agentLink);
    await expect.poll(() => agentStatus(agent), { timeout: 20_000 }).toBe('Live');
    await expect.poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 10_000 }).toBe('Checkout');

    // The shop opens a window of its own (help, receipt, print) while the session is live.
    const opened = context.waitForEvent('page');
    await customer.evaluate(
      (url) => void window.open(url, 'second', 'popup,width=600,height=600'),
      `${harness.shop.url}/form`,
    );
    const popup = await opened;
    const inPopup = await settled(popup);
    expect(inPopup.record, 'the popup got a copy of the tab’s record (what the attack needs)').toBe(true);
    expect({ ...inPopup, record: undefined }, 'the popup resumed the session').toEqual({
      ...NOTHING,
      record: undefined,
    });

    // Control: the allowed tab goes on to its next page, which resumes without a prompt; the agent sees it.
    await customer.goto(`${harness.shop.url}/shipping`);
    const nextPage = await settled(customer);
    expect(nextPage.indicator, 'the allowed tab’s next page did not resume').not.toBe('');
    expect(nextPage.dialogs).toBe(0);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/shipping`);
    await expect
      .poll(() => customer.evaluate(() => (window as unknown as { __wire: unknown[] }).__wire.length))
      .toBeGreaterThan(0);

    // The allowed tab closes: the seat is free. The popup's own next page still does not take it.
    await customer.close();
    await expect.poll(() => agentStatus(agent), { timeout: 20_000 }).not.toBe('Live');
    await popup.reload();
    expect({ ...(await settled(popup)), record: undefined }, 'the popup resumed after the tab closed').toEqual({
      ...NOTHING,
      record: undefined,
    });
    expect(await mirrorUrl(agent)).toBe(`${harness.shop.url}/shipping`);
    await popup.close();
    await agent.close();
  }, 90_000);
});
