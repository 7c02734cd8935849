/**
 * The agent's side between two real browsers: reload and reconnect, control
 * revoked mid-action, ending from the agent, the agent leaving, and the live
 * view surviving the signaling server going away.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  agentStatus,
  mirrorElement,
  mirrorFrame,
  signedInConsoleLink,
  signInFromLink,
  startHarness,
  type Harness,
} from './helpers/harness.js';
import { grantControl, liveSession, untilMirrorShows } from './helpers/live-control.js';
import { signInAgent } from '../node/helpers/server.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Customer on the checkout page, consented; agent live with the page mirrored. */
const liveOnCheckout = (h: Harness) => liveSession(h, '/checkout', 'Checkout');

describe('agent console', () => {
  it('reconnects after the agent reloads the console, and the view comes back', async () => {
    harness = await startHarness();
    const { customer, agent } = await liveOnCheckout(harness);
    await customer.locator('#name').fill('Grace Hopper');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Grace Hopper');
    await agent.reload();
    await untilMirrorShows(agent, 'Checkout');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Grace Hopper');
    // And it is live again, not a frozen copy.
    await customer.locator('#email').fill('grace@example.com');
    await expect.poll(async () => (await mirrorElement(agent, '#email'))?.value).toBe('grace@example.com');
  });

  it('stops remote actions the moment the customer takes control back', async () => {
    harness = await startHarness();
    const { customer, agent } = await liveOnCheckout(harness);
    await grantControl({ customer, agent });
    const frame = await mirrorFrame(agent);
    await frame.locator('#address').fill('221B Baker Street');
    await expect.poll(() => customer.locator('#address').inputValue()).toBe('221B Baker Street');

    await customer.getByRole('button', { name: 'Take back control' }).click();
    await expect.poll(() => agent.getByRole('button', { name: 'Request control' }).isVisible()).toBe(true);
    // Not a silent change: the toolbar says who took control.
    await expect
      .poll(() => agent.locator('cobrowse-agent-view .control-note').textContent())
      .toBe('The customer took back control.');
    // An action already on its way, or sent by a console that has not caught up, is refused by the customer.
    const answer = await agent.evaluate(
      () =>
        new Promise<unknown>((resolve) => {
          const view = document.querySelector('cobrowse-agent-view');
          const doc = view?.mirror?.iframe.contentDocument;
          const id = view?.mirror?.idOf(doc!.querySelector('#address')!);
          view?.session?.on('message', (message) => {
            if (message.t === 'action-refused' || message.t === 'action-ack') resolve(message);
          });
          view?.session?.send({
            t: 'action',
            serial: 1_000,
            action: { kind: 'edit', id: id!, chain: 1_000, at: 0, deleteCount: 0, insert: 'sneaky ' },
          });
        }),
    );
    // The customer's answer is the acknowledgement to wait for: refused, numbered, nothing applied.
    expect(answer).toEqual({ t: 'action-refused', kind: 'edit', reason: 'no-control', serial: 1_000 });
    expect(await customer.locator('#address').inputValue()).toBe('221B Baker Street');
    expect(await customer.locator('.indicator, .toast').getByText('Sharing this tab with Dana').isVisible()).toBe(true);
  });

  it('with control, scrolls and navigates the customer’s tab; without it, cannot', async () => {
    harness = await startHarness();
    const { customer, agent } = await liveOnCheckout(harness);
    const frame = await mirrorFrame(agent);
    // Without control, the wheel over the mirror does not move the customer's page.
    await frame.locator('#title').hover();
    await agent.mouse.wheel(0, 400);
    // Anything sent would be answered (refused) by the customer: wait for that, not for time.
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
    expect(await customer.evaluate(() => window.scrollY)).toBe(0);

    await grantControl({ customer, agent });
    await frame.locator('#title').hover();
    await agent.mouse.wheel(0, 400);
    await expect.poll(() => customer.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    // ...and the mirror follows the customer's scroll.
    await expect
      .poll(async () => {
        const [mirrorY, customerY] = await Promise.all([
          agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.mirror?.scroll.y ?? -1),
          customer.evaluate(() => window.scrollY),
        ]);
        return mirrorY === customerY;
      })
      .toBe(true);

    // Navigate to another page of the same site from the console.
    await agent.getByLabel("Go to a page on the customer's site").fill('/shipping');
    await agent.getByRole('button', { name: 'Go' }).click();
    await customer.waitForURL('**/shipping');
    await untilMirrorShows(agent, 'Shipping');
    // Control carries over to the next page until the customer revokes it.
    await expect.poll(() => agent.getByRole('button', { name: 'Release control' }).isVisible()).toBe(true);
    await expect
      .poll(() => customer.locator('.indicator, .toast').getByText('Dana is controlling this tab').isVisible())
      .toBe(true);
    await agent.getByRole('button', { name: 'Back' }).click();
    await customer.waitForURL('**/checkout');
    await untilMirrorShows(agent, 'Checkout');
  });

  it('ends from the agent: both sides and the audit log agree who ended it', async () => {
    harness = await startHarness();
    const { session, customer, agent } = await liveOnCheckout(harness);
    await agent.getByRole('button', { name: 'End session' }).click();
    await expect.poll(() => agentStatus(agent)).toBe('Ended');
    await expect
      .poll(
        () => customer.locator('.indicator, .toast').getByText('The support agent ended the session.').isVisible(),
        { timeout: 3_000 },
      )
      .toBe(true);
    const res = await fetch(`${harness.server.baseUrl}/api/sessions/${session.sessionId}`, {
      headers: { authorization: `Bearer ${harness.server.apiKey}` },
    });
    expect(await res.json()).toMatchObject({ status: 'ended', endedBy: 'agent', endReason: 'agent-ended' });
  });

  it('tells the customer when the agent closes the tab', async () => {
    harness = await startHarness();
    const { customer, agent } = await liveOnCheckout(harness);
    await agent.close();
    await expect
      .poll(
        () =>
          customer
            .locator('.indicator, .toast')
            .getByText(/Waiting for Dana to connect/)
            .isVisible(),
        { timeout: 10_000 },
      )
      .toBe(true);
  });

  it('keeps the live view working when the signaling server goes away', async () => {
    harness = await startHarness();
    const { customer, agent } = await liveOnCheckout(harness);
    await harness.server.app.close();
    await customer.locator('#name').fill('Still here');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value, { timeout: 10_000 }).toBe('Still here');
    expect(await agentStatus(agent)).toBe('Live');
  });
});

describe('support code', () => {
  it('the customer reads a code, the agent enters it in the console, the customer allows, the agent sees the page', async () => {
    harness = await startHarness();
    const h = harness;
    const customer = await h.customerBrowser.newPage();
    await customer.goto(`${h.shop.url}/checkout`);
    await customer.evaluate(() => document.querySelector('cobrowse-session')?.setAttribute('support-button', ''));
    await customer.getByRole('button', { name: 'Share this page with support' }).click();
    const codeText = ((await customer.locator('cobrowse-session .code').textContent()) ?? '').trim();
    expect(codeText).toMatch(/^\d{4} \d{4}$/);
    // Nothing is asked or shared before the agent joins.
    expect(await customer.getByRole('button', { name: 'Allow sharing' }).count()).toBe(0);

    const agent = await h.agentBrowser.newPage();
    await signInFromLink(agent, await signedInConsoleLink(h.server));
    await agent.getByLabel('Support code or link').fill(codeText);
    await agent.getByRole('button', { name: 'Join' }).click();
    await expect.poll(() => agentStatus(agent)).toBe('Waiting for the customer');

    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    await untilMirrorShows(agent, 'Checkout');

    // The code was single-use.
    const { cookie } = await signInAgent(h.server);
    const again = await fetch(`${h.server.baseUrl}/api/support-codes/claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ code: codeText }),
    });
    expect(again.status).toBe(404);
  });

  it('a wrong code gets a clear message in the console', async () => {
    harness = await startHarness();
    const agent = await harness.agentBrowser.newPage();
    await signInFromLink(agent, await signedInConsoleLink(harness.server));
    await agent.getByLabel('Support code or link').fill('1234 5678');
    await agent.getByRole('button', { name: 'Join' }).click();
    await expect.poll(() => agent.getByRole('alert').textContent()).toMatch(/not valid or has expired/);
  });
});
