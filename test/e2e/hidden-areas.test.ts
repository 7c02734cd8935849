/**
 * The customer sees what the agent cannot: on the demo checkout, every
 * masked field is outlined on the customer's own page with "Hidden from
 * Dana" when sharing starts, and again on demand from the indicator. The
 * oracles are a hand-written list of the checkout's card fields and the
 * agent's side (the Node SDK's fields marked masked, by name), compared
 * against boxes measured in the customer's real DOM; control: no outline
 * covers a field the agent does see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { joinSession, type AgentSdkSession } from '../../sdk/index.js';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { createSession, startTestServer, type TestServer } from '../node/helpers/server.js';
import { offer } from './helpers/harness.js';

let server: TestServer;
let browser: LaunchedChromium;
let agent: AgentSdkSession | undefined;

beforeAll(async () => {
  server = await startTestServer({ DEMO: 'true' });
  browser = await launchChromium();
});
afterAll(async () => {
  agent?.leave();
  await browser?.close();
  await server?.close();
});

/** The demo checkout's fields that must never reach the agent, by name, written out here. */
const CARD_FIELDS = ['cardnumber', 'cc-exp', 'cvc'];

/** For each named form field: whether an outline labelled `label` covers it. */
function outlined(page: Page, label: string): Promise<Record<string, boolean>> {
  return page.evaluate((text) => {
    const root = document.querySelector('cobrowse-session')?.shadowRoot;
    const boxes = [...(root?.querySelectorAll<HTMLElement>('[data-cobrowse-hidden-outline]') ?? [])]
      .filter((box) => box.style.display === 'block' && box.textContent === text)
      .map((box) => box.getBoundingClientRect());
    const out: Record<string, boolean> = {};
    for (const field of Array.from(document.querySelectorAll<HTMLInputElement>('#checkout input, #checkout select'))) {
      const r = field.getBoundingClientRect();
      out[field.name] = boxes.some(
        (b) => b.left <= r.left + 1 && b.right >= r.right - 1 && b.top <= r.top + 1 && b.bottom >= r.bottom - 1,
      );
    }
    return out;
  }, label);
}

function outlineCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      document.querySelector('cobrowse-session')?.shadowRoot?.querySelectorAll('[data-cobrowse-hidden-outline]')
        .length ?? 0,
  );
}

describe('what is hidden, shown on the customer’s page', () => {
  it('outlines every masked field of the demo checkout with “Hidden from Dana”, at start and on demand', async () => {
    const created = await createSession(server, { agentName: 'Dana' });
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 1400 });
    await page.goto(`${server.baseUrl}/demo/checkout`);
    await offer(page, (created.raw as { customer: { inviteCode: string } }).customer.inviteCode);
    await page.getByRole('button', { name: 'Allow sharing' }).click();
    agent = await joinSession({ server: server.baseUrl, token: created.agentToken, name: 'Dana' });

    // The agent's side agrees with the hand-written list: these are the fields it cannot read.
    const maskedForAgent = agent.page
      .fields()
      .filter((f) => f.masked)
      .map((f) => f.name)
      .sort();
    expect(maskedForAgent).toEqual([...CARD_FIELDS].sort());

    // Shown when sharing starts.
    await expect.poll(() => outlineCount(page)).toBeGreaterThan(0);
    const atStart = await outlined(page, 'Hidden from Dana');
    for (const name of CARD_FIELDS) expect(atStart[name], `${name} outlined at start`).toBe(true);
    // Control: the fields the agent does see carry no outline.
    for (const name of ['name', 'email', 'address', 'city', 'postcode', 'country'])
      expect(atStart[name], `${name} not outlined`).toBe(false);
    // The README's picture, refreshed on request like the other screenshots.
    if (process.env['UPDATE_SCREENSHOTS'] === '1')
      await page.screenshot({ path: 'test/artifacts/hidden-areas-checkout.png' });

    // They go away on their own, and come back from the indicator.
    await expect.poll(() => outlineCount(page), { timeout: 15_000 }).toBe(0);
    await page.getByRole('button', { name: 'Show what is hidden' }).click();
    await expect.poll(() => outlineCount(page)).toBeGreaterThan(0);
    const onDemand = await outlined(page, 'Hidden from Dana');
    for (const name of CARD_FIELDS) expect(onDemand[name], `${name} outlined on demand`).toBe(true);
    expect(onDemand['email']).toBe(false);
  });
});
