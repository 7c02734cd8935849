/**
 * Back to a page from the back/forward cache (review s13 B4, B6). Playwright
 * launches Chromium with the cache disabled; a customer's Chrome has it, so
 * the customer's browser here keeps it (harness option). Chromium caches a
 * page without a peer connection (the agent not there yet, or away for a
 * moment) and, before this fix, kept its signaling socket open in the cache:
 * the tab's next page was refused the customer's seat (B4). Back to such a
 * page, its stale state was written over the record the later pages left as
 * it reloaded (its pagehide): control the customer took back was given again,
 * a pause undone (B6).
 *
 * Oracle, outside our code: an init script notes in sessionStorage each
 * pageshow with `persisted` (the page came from the cache, as Chromium says);
 * the agent's console (Live, holding control: its Release control button);
 * the agent's mirror; every data channel byte each customer page hands over.
 * Controls: the same Back without taking control back gives the agent control
 * again (the oracle sees control), and without the pause the page is shared.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_CHANNEL_BYTES, agentStatus, indicator, startHarness, type Harness } from './helpers/harness.js';
import { allowedOn, mirrorUrl, type ResumeSession } from './helpers/resume-pages.js';

const FROM_CACHE = `addEventListener('pageshow', (e) => { if (e.persisted) sessionStorage.setItem('__fromCache', location.pathname); });`;
const SHARING = 'Sharing this tab with Dana';
const PAUSED = 'Sharing paused: Dana cannot see this tab';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({}, {}, {}, { backForwardCache: true });
  await harness.customerBrowser.context.addInitScript(RECORD_CHANNEL_BYTES);
  await harness.customerBrowser.context.addInitScript(FROM_CACHE);
});
afterAll(async () => {
  await harness?.close();
});

function fromCache(customer: Page): Promise<string | null> {
  return customer.evaluate(() => sessionStorage.getItem('__fromCache'));
}

function wire(customer: Page): Promise<number> {
  return customer.evaluate(() => (window as unknown as { __wire: unknown[] }).__wire.length);
}

/** The customer's page says 'connected' in the audit once its channel to the agent is open. */
async function connectedCount(sessionId: string): Promise<number> {
  const res = await fetch(`${harness.server.baseUrl}/api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${harness.server.apiKey}` },
  });
  const { events } = (await res.json()) as { events: { type: string; actor: string }[] };
  return events.filter((e) => e.type === 'connected' && e.actor === 'customer').length;
}

async function openConsole(link: string): Promise<Page> {
  const agent = await harness.agentBrowser.newPage();
  await agent.goto(link);
  await expect.poll(() => agentStatus(agent), { timeout: 20_000 }).toBe('Live');
  return agent;
}

/** Live with control on /checkout; the agent's console goes away for a moment (the page can then be cached). */
async function controlThenAway(): Promise<{ customer: Page; link: string }> {
  const { session, customer } = await allowedOn(harness, '/checkout');
  const agent = await openConsole(session.agentLink);
  await agent.getByRole('button', { name: 'Request control' }).click();
  await customer.getByRole('button', { name: 'Allow control' }).click();
  await agent.getByRole('button', { name: 'Release control' }).waitFor();
  await agent.close();
  await expect.poll(() => indicator(customer), { timeout: 20_000 }).toMatch(/^Waiting/);
  return { customer, link: session.agentLink };
}

/** Sharing allowed on /checkout, the customer goes on to /shipping before the agent opens the link, which shows it. */
async function awayBeforeAgent(): Promise<{ session: ResumeSession; customer: Page; agent: Page }> {
  const { session, customer } = await allowedOn(harness, '/checkout');
  await expect.poll(() => indicator(customer), { timeout: 20_000 }).toMatch(/^Waiting/);
  await customer.goto(`${harness.shop.url}/shipping`);
  const agent = await openConsole(session.agentLink);
  await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/shipping`);
  return { session, customer, agent };
}

/** Back to /checkout, which must come from the cache; it loads again and resumes. */
async function backFromCache(customer: Page): Promise<void> {
  await customer.goBack({ waitUntil: 'commit' });
  await expect.poll(() => fromCache(customer), { timeout: 10_000 }).toBe('/checkout');
  // The page restored from the cache loads again (its session's connections closed as it went in).
  await customer.waitForFunction(
    () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.type === 'reload',
  );
}

describe('back to a page from the back/forward cache', () => {
  it('the next page gets the seat while the previous page is in the cache (B4)', async () => {
    // The customer goes on before the agent opens the link.
    const { customer, agent } = await awayBeforeAgent();
    expect(await indicator(customer)).toBe(SHARING);
    // /checkout was in the cache meanwhile (oracle: it comes back from it), and resumes there.
    await backFromCache(customer);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/checkout`);
    await expect.poll(() => indicator(customer), { timeout: 20_000 }).toBe(SHARING);
    for (const page of [customer, agent]) await page.close();
  }, 120_000);

  it('control taken back on a later page stays taken back (B6)', async () => {
    const { customer, link } = await controlThenAway();
    await customer.goto(`${harness.shop.url}/shipping`);
    await customer.getByRole('button', { name: 'Take back control' }).click();
    await expect.poll(() => customer.getByRole('button', { name: 'Take back control' }).count()).toBe(0);
    await backFromCache(customer);
    const agent = await openConsole(link);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/checkout`);
    await expect.poll(() => indicator(customer), { timeout: 20_000 }).toBe(SHARING);
    expect(await agent.getByRole('button', { name: 'Release control' }).count()).toBe(0);
    expect(await agent.getByRole('button', { name: 'Request control' }).count()).toBe(1);
    for (const page of [customer, agent]) await page.close();
  }, 120_000);

  it('control: without taking it back, control carries over to the page back from the cache', async () => {
    const { customer, link } = await controlThenAway();
    await customer.goto(`${harness.shop.url}/shipping`);
    await backFromCache(customer);
    const agent = await openConsole(link);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/checkout`);
    await agent.getByRole('button', { name: 'Release control' }).waitFor({ timeout: 20_000 });
    for (const page of [customer, agent]) await page.close();
  }, 120_000);

  it('a pause on a later page holds on the page back from the cache (B6)', async () => {
    const { session, customer, agent } = await awayBeforeAgent();
    await customer.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe(PAUSED);
    const connected = await connectedCount(session.sessionId);
    await backFromCache(customer);
    await expect.poll(() => indicator(customer), { timeout: 20_000 }).toBe(PAUSED);
    // Its connection to the agent is open again, and still nothing of this page went out.
    await expect.poll(() => connectedCount(session.sessionId), { timeout: 20_000 }).toBe(connected + 1);
    expect(await wire(customer)).toBe(0);
    expect(await mirrorUrl(agent)).toBe(`${harness.shop.url}/shipping`);
    // Control: Resume shares this page.
    await customer.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/checkout`);
    for (const page of [customer, agent]) await page.close();
  }, 120_000);
});
