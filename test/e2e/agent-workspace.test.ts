/**
 * The signed-in agent's workspace in real Chromium against a real server: the
 * agent's waiting and live sessions (joined with one keystroke from the
 * keyboard) and the recent ones with their summary; axe-core finds no
 * violation (control: it does find one on a broken copy); at 360 px and at
 * 200 % zoom (a 1280 px window is 640 CSS px wide) nothing needs horizontal
 * scrolling. Screenshots go to test/artifacts/ to be looked at.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { createSession, startTestServer, type TestServer } from '../node/helpers/server.js';
import { connect } from '../node/helpers/ws-client.js';
import { signedInConsoleLink, signInFromLink } from './helpers/harness.js';
import { saveScreenshot } from './helpers/screenshots.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DANA = { agentId: 'agent-dana', name: 'Dana' };

let server: TestServer | undefined;
let browser: LaunchedChromium | undefined;
afterEach(async () => {
  await browser?.close();
  await server?.close();
  browser = undefined;
  server = undefined;
});

/** Dana's sessions: one waiting, one live, one ended after two pages with control; and Bob's, never shown to her. */
async function seed(s: TestServer): Promise<() => void> {
  const base = { agentId: DANA.agentId, agentName: DANA.name };
  await createSession(s, { ...base, conversationId: 'conv-waiting' });
  await createSession(s, { agentId: 'agent-bob', agentName: 'Bob', conversationId: 'conv-bob' });
  const live = await createSession(s, { ...base, conversationId: 'conv-live' });
  const liveCustomer = await connect(s.wsUrl);
  await liveCustomer.hello(live.customerToken);
  liveCustomer.send({ t: 'event', event: { kind: 'consent-granted' } });
  liveCustomer.send({ t: 'event', event: { kind: 'connected' } });
  liveCustomer.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/cart?id=1' } });
  const ended = await createSession(s, { ...base, conversationId: 'conv-ended' });
  const customer = await connect(s.wsUrl);
  await customer.hello(ended.customerToken);
  for (const event of [
    { kind: 'consent-granted' },
    { kind: 'page-visited', url: 'https://shop.example/cart' },
    { kind: 'page-visited', url: 'https://shop.example/checkout' },
    { kind: 'control-granted' },
  ] as const)
    customer.send({ t: 'event', event });
  customer.send({ t: 'end' });
  await customer.next('ended');
  // The live one is live once the server has applied its events.
  await expectStatus(s, live.sessionId, 'live');
  return () => liveCustomer.close();
}

async function expectStatus(s: TestServer, sessionId: string, status: string): Promise<void> {
  await expect
    .poll(async () => {
      const res = await fetch(`${s.baseUrl}/api/sessions/${sessionId}`, {
        headers: { authorization: `Bearer ${s.apiKey}` },
      });
      return ((await res.json()) as { status: string }).status;
    })
    .toBe(status);
}

async function openWorkspace(page: Page, s: TestServer): Promise<void> {
  await signInFromLink(page, await signedInConsoleLink(s, DANA));
  await page.getByText('conv-ended').waitFor();
}

/** The accessible name of the focused element, through shadow roots. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.getAttribute('aria-label') ?? active?.textContent?.trim() ?? '';
  });
}

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the console's CSP (script-src 'self') would refuse a script tag.
  await page.evaluate(readFileSync(axePath, 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe;
    return (await axe.run()).violations.map((v) => v.id);
  });
}

describe('the agent workspace: sessions list', () => {
  it('shows the agent own waiting, live and recent sessions with their summary; joins from the keyboard', async () => {
    server = await startTestServer();
    const stopLive = await seed(server);
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await openWorkspace(page, server);

    const open = page.locator('cobrowse-session-list li.session[data-status]');
    expect(await open.count()).toBe(2);
    expect(await page.getByText('conv-bob').count()).toBe(0);
    const liveRow = page.locator('li.session', { hasText: 'conv-live' });
    expect(await liveRow.locator('.badge').textContent()).toBe('Live');
    // Origin and path only, as the audit keeps it.
    expect(await liveRow.textContent()).toContain('on /cart');
    expect(await liveRow.textContent()).not.toContain('id=1');
    const recent = page.locator('li.session', { hasText: 'conv-ended' });
    const summary = (await recent.textContent())?.replace(/\s+/g, ' ') ?? '';
    expect(summary).toMatch(/ended by the customer/);
    // (The colons after the terms are drawn by CSS.)
    expect(summary).toMatch(/Duration ?\d+ s/);
    expect(summary).toMatch(/Pages ?2 \(last: \/checkout\)/);
    expect(summary).toMatch(/Control ?granted/);
    await saveScreenshot(page, 'test/artifacts/agent-workspace-1280.png', { fullPage: true });

    expect(await axeViolations(page), 'axe violations').toEqual([]);

    // From the code field, Tab reaches the live session's Join; Enter opens it.
    await page.getByLabel('Support code or link').focus();
    for (let i = 0; i < 8 && !(await focusedName(page)).startsWith('Join: Conversation conv-live'); i += 1)
      await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Join: Conversation conv-live, live');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toMatch(/#token=jt\./);
    await page.locator('cobrowse-agent-view').waitFor();
    stopLive();
  });

  it('control: axe reports a Join button without a name', async () => {
    server = await startTestServer();
    await createSession(server, { agentId: DANA.agentId, agentName: DANA.name, conversationId: 'conv-x' });
    browser = await launchChromium();
    const page = await browser.newPage();
    await signInFromLink(page, await signedInConsoleLink(server, DANA));
    const join = page.getByRole('button', { name: /^Join: Conversation conv-x/ });
    await join.waitFor();
    await join.evaluate((button) => {
      button.removeAttribute('aria-label');
      button.textContent = '';
    });
    expect(await axeViolations(page)).toContain('button-name');
  });

  for (const [name, width, height, scale] of [
    ['360', 360, 740, 1],
    ['zoom200', 640, 400, 2],
  ] as const) {
    it(`fits ${name === '360' ? 'a 360 px screen' : '200 % zoom'} without horizontal scrolling`, async () => {
      server = await startTestServer();
      const stopLive = await seed(server);
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.setViewportSize({ width, height });
      if (scale !== 1) {
        const cdp = await browser.context.newCDPSession(page);
        await cdp.send('Emulation.setDeviceMetricsOverride', {
          width,
          height,
          deviceScaleFactor: scale,
          mobile: false,
        });
      }
      await openWorkspace(page, server);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // Every Join button is on screen horizontally.
      for (const box of await page
        .getByRole('button', { name: /^Join: / })
        .evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().right)))
        expect(box).toBeLessThanOrEqual(width);
      await saveScreenshot(page, `test/artifacts/agent-workspace-${name}.png`, { fullPage: true });
      stopLive();
    });
  }

  it('pages through the history with Show more and filters it by conversation, status and days', async () => {
    server = await startTestServer();
    const s = server;
    const base = { agentId: DANA.agentId, agentName: DANA.name };
    const ids = Array.from({ length: 25 }, (_, i) => `conv-h-${String(i).padStart(2, '0')}`);
    for (const conversationId of ids) {
      const created = await createSession(s, { ...base, conversationId });
      await fetch(`${s.baseUrl}/api/sessions/${created.sessionId}/end`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.apiKey}` },
      });
    }
    await createSession(s, { ...base, conversationId: 'conv-waiting' });
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInFromLink(page, await signedInConsoleLink(s, DANA));
    const history = page.locator('cobrowse-session-history');
    const rows = history.locator('li.session');
    const conversations = async () =>
      (await rows.locator('strong').allTextContents()).map((text) => text.replace('Conversation ', ''));

    // First page: the newest 20 ended sessions; Show more brings the other 5, none twice, none missing.
    await expect.poll(() => rows.count()).toBe(20);
    expect(await conversations()).toEqual([...ids].reverse().slice(0, 20));
    await history.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => rows.count()).toBe(25);
    expect(await conversations()).toEqual([...ids].reverse());
    expect(await history.getByRole('button', { name: 'Show more' }).count()).toBe(0);
    // Focus moved to the first new row.
    const focusedText = await page.evaluate(() => {
      let active: Element | null = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return active?.textContent ?? '';
    });
    expect(focusedText).toContain('conv-h-04');

    // One conversation, typed key by key.
    const conversation = history.getByLabel('Conversation');
    await conversation.click();
    await page.keyboard.type('conv-h-07', { delay: 10 });
    await page.keyboard.press('Enter');
    await expect.poll(conversations).toEqual(['conv-h-07']);

    // Status: the one waiting for the customer (the conversation filter cleared).
    await conversation.fill('');
    await history.getByLabel('Status').selectOption('pending');
    await history.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(conversations).toEqual(['conv-waiting']);

    // Days: from tomorrow nothing; from today (control) everything again.
    const local = (offset: number) =>
      page.evaluate((days) => {
        const d = new Date();
        d.setDate(d.getDate() + days);
        return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      }, offset);
    await history.getByLabel('Status').selectOption('any');
    await history.getByLabel('From').fill(await local(1));
    await history.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => history.getByText('No session matches these filters.').isVisible()).toBe(true);
    await history.getByLabel('From').fill(await local(0));
    await history.getByLabel('To').fill(await local(0));
    await history.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => rows.count()).toBe(20);

    // An end before the start: said, marked, and what was typed is kept.
    await history.getByLabel('From').fill(await local(1));
    await history.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => history.getByRole('alert').textContent()).toBe('The end date is before the start date.');
    expect(await history.getByLabel('To').getAttribute('aria-invalid')).toBe('true');
    expect(await history.getByLabel('From').inputValue()).toBe(await local(1));
    expect(await rows.count()).toBe(20);
    await saveScreenshot(page, 'test/artifacts/agent-workspace-history.png', { fullPage: true });
  });
});
