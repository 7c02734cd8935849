/**
 * The tab's resume record is not the only word (review s13 B8, B10).
 *
 * B8: the record is plain JSON in sessionStorage, so the page's own scripts (a tag manager, a widget) can edit it:
 * control the customer never granted, a pause undone. The next page now takes the stricter of the record and what
 * the server recorded. B10: while the tab shows a page without the session, its record says "left", and a copy of
 * it (a window opened with its opener severed) resumed with no prompt. A new window (one page in its history) no
 * longer resumes, and of two windows holding the same record only the first resumes (the server's resume keys).
 *
 * Oracle, outside our code: the agent's console (Live, its Release control button, its mirror's page), the
 * customer's indicator, and an init script counting the page's peer connections and data channel bytes. The
 * record is edited by a listener the test adds after the session's, as a page script would.
 * Controls: control the customer did grant carries over; the tab's own next page resumes.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { agentStatus, indicator, recordingHarness } from './helpers/harness.js';
import { holdSessionBundle, liveOnCheckout, mirrorUrl } from './helpers/resume-pages.js';

const KEY = 'cobrowse:session';
const SHARING = 'Sharing this tab with Dana';
const PAUSED = 'Sharing paused: Dana cannot see this tab';

const harness = recordingHarness();

function counters(page: Page): Promise<{ peers: number; wire: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { __peerConnections: number; __wire: unknown[] };
    return { peers: w.__peerConnections, wire: w.__wire.length };
  });
}

/** The agent's console says "Paused by the customer". */
function pausedShown(agent: Page): Promise<number> {
  return agent.getByText('Paused by the customer').count();
}

/** A page script's pagehide listener, added after the session's: it rewrites the record as the page goes. */
async function editRecordOnLeave(customer: Page, change: Record<string, unknown>): Promise<void> {
  await customer.evaluate(
    ({ key, change }) =>
      addEventListener('pagehide', () => {
        const record = JSON.parse(sessionStorage.getItem(key) ?? 'null') as Record<string, unknown> | null;
        if (record) sessionStorage.setItem(key, JSON.stringify({ ...record, ...change }));
      }),
    { key: KEY, change },
  );
}

describe('the record edited by a page script (B8)', () => {
  it('control the customer never granted is not given on the next page', async () => {
    const { customer, agent } = await liveOnCheckout(harness);
    await editRecordOnLeave(customer, { controlGranted: true });
    await customer.goto(`${harness.shop.url}/shipping`);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/shipping`);
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe(SHARING);
    expect(await agent.getByRole('button', { name: 'Release control' }).count()).toBe(0);
    expect(await agent.getByRole('button', { name: 'Request control' }).count()).toBe(1);
    for (const page of [customer, agent]) await page.close();
  }, 120_000);

  it('control: control the customer granted carries over to the next page', async () => {
    const { customer, agent } = await liveOnCheckout(harness);
    await agent.getByRole('button', { name: 'Request control' }).click();
    await customer.getByRole('button', { name: 'Allow control' }).click();
    await agent.getByRole('button', { name: 'Release control' }).waitFor();
    await customer.goto(`${harness.shop.url}/shipping`);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/shipping`);
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe('Dana is controlling this tab');
    await agent.getByRole('button', { name: 'Release control' }).waitFor();
    for (const page of [customer, agent]) await page.close();
  }, 120_000);

  it('a pause the script undid holds on the next page: nothing is sent', async () => {
    const { customer, agent } = await liveOnCheckout(harness);
    await customer.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe(PAUSED);
    // The server recorded it (the agent is told once it did).
    await expect.poll(() => pausedShown(agent), { timeout: 10_000 }).toBe(1);
    await editRecordOnLeave(customer, { paused: false });
    await customer.goto(`${harness.shop.url}/shipping`);
    await expect.poll(() => indicator(customer), { timeout: 20_000 }).toBe(PAUSED);
    // The next page's session runs (its socket welcomed, the agent's connection up) and stays paused.
    await expect.poll(() => counters(customer), { timeout: 20_000 }).toMatchObject({ peers: 1 });
    await expect.poll(() => agentStatus(agent), { timeout: 20_000 }).toBe('Live');
    expect(await counters(customer)).toMatchObject({ wire: 0 });
    expect(await pausedShown(agent)).toBe(1);
    expect(await mirrorUrl(agent)).toBe(`${harness.shop.url}/checkout`);
    for (const page of [customer, agent]) await page.close();
  }, 120_000);
});

describe('a copy of the record while the tab is away from the session (B10)', () => {
  it('a window opened with its opener severed does not resume; the tab resumes', async () => {
    const { customer, agent } = await liveOnCheckout(harness);
    await customer.goto(`${harness.shop.url}/shop.css`);
    const [popup] = await Promise.all([
      customer.context().waitForEvent('page'),
      customer.evaluate(() => {
        const w = window.open('/form');
        if (w) w.opener = null;
      }),
    ]);
    await popup.waitForLoadState('load');
    await popup.waitForFunction(() => customElements.get('cobrowse-session') !== undefined);
    await popup.evaluate(() => document.querySelector('cobrowse-session')?.updateComplete);
    expect(await popup.evaluate(() => window.opener)).toBe(null);
    expect(await indicator(popup)).toBe('');
    expect(await counters(popup)).toEqual({ peers: 0, wire: 0 });
    expect(await mirrorUrl(agent)).toBe(`${harness.shop.url}/checkout`);
    // Control: the tab's own next page resumes.
    await customer.goto(`${harness.shop.url}/shipping`);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/shipping`);
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe(SHARING);
    for (const page of [customer, popup, agent]) await page.close();
  }, 120_000);

  it('of two windows with the same record, the one that resumes second is refused', async () => {
    const { customer, agent } = await liveOnCheckout(harness);
    await customer.goto(`${harness.shop.url}/shop.css`);
    // A copy of the left record, in a window that then goes on to a page of the site (two pages in its history).
    const [popup] = await Promise.all([
      customer.context().waitForEvent('page'),
      customer.evaluate(() => {
        const w = window.open('/shop.css');
        if (w) w.opener = null;
      }),
    ]);
    await popup.waitForLoadState('load');
    // The tab's own next page resumes first.
    await customer.goto(`${harness.shop.url}/shipping`);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/shipping`);
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe(SHARING);
    await popup.goto(`${harness.shop.url}/form`);
    expect(await popup.evaluate(() => history.length)).toBe(2);
    await expect
      .poll(() => popup.evaluate(() => sessionStorage.getItem('cobrowse:session')), { timeout: 20_000 })
      .toBe(null);
    expect(await counters(popup)).toEqual({ peers: 0, wire: 0 });
    expect(await indicator(customer)).toBe(SHARING);
    expect(await mirrorUrl(agent)).toBe(`${harness.shop.url}/shipping`);
    expect(await agentStatus(agent)).toBe('Live');
    for (const page of [customer, popup, agent]) await page.close();
  }, 120_000);
});

/**
 * Review K1/F5: the record kept the keys of the tab's last 3 pages, also of pages whose session never reached the
 * server (the customer clicked on before its code ran), so after 3 of them the key the server held was gone and the
 * tab's next page was refused (RESUME_REFUSED). Pages here go before their session's code runs: its request is held.
 */
describe('the tab clicks through pages faster than their sessions connect (K1/F5)', () => {
  /** Live on /shipping (its own socket named its key, the server confirmed it), then `paths` that never connect. */
  async function throughUnconnected(
    paths: string[],
  ): Promise<{ customer: Page; agent: Page; release: () => Promise<void> }> {
    const { customer, agent } = await liveOnCheckout(harness);
    await customer.goto(`${harness.shop.url}/shipping`);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/shipping`);
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe(SHARING);
    const hold = await holdSessionBundle(harness, customer);
    for (const path of paths) {
      await customer.goto(`${harness.shop.url}${path}`);
      await expect.poll(() => hold.held.length, { timeout: 10_000 }).toBeGreaterThan(0);
      hold.held.splice(0);
    }
    return { customer, agent, release: hold.release };
  }

  it('the tab resumes on the page after three that never connected', async () => {
    const { customer, agent, release } = await throughUnconnected(['/form', '/controls', '/basket']);
    await customer.goto(`${harness.shop.url}/delivery`);
    await release();
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/delivery`);
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe(SHARING);
    expect(await agentStatus(agent)).toBe('Live');
    for (const page of [customer, agent]) await page.close();
  }, 120_000);

  it('control: a record without the key the server holds is refused after the same pages', async () => {
    const { customer, agent, release } = await throughUnconnected(['/form', '/controls']);
    // As a copy made before the tab's last resume would hold: keys the server never saw.
    await editRecordOnLeave(customer, { keys: ['a'.repeat(32)] });
    await customer.goto(`${harness.shop.url}/delivery`);
    await release();
    await expect
      .poll(() => customer.evaluate((key) => sessionStorage.getItem(key), KEY), { timeout: 20_000 })
      .toBe(null);
    expect(await indicator(customer)).not.toBe(SHARING);
    expect(await mirrorUrl(agent)).toBe(`${harness.shop.url}/shipping`);
    for (const page of [customer, agent]) await page.close();
  }, 120_000);
});
