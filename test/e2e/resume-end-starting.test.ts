/**
 * End pressed while a page says "Starting to share this tab…" (review s13
 * B11): the session's code is still on its way (a resumed page fetches it
 * afresh; Allow may come before it arrived), and End did nothing then, so the
 * page was shared once the code arrived. End must end in every state: the
 * session never starts, the server hears it with the customer's token, the
 * tab's record is gone and the customer sees it ended. The same for End in
 * the wait after Allow while consent-granted is recorded (the consent socket
 * not welcomed yet), and for the element removed by the page while the
 * session's code loads (the removal ends a running session: 'api').
 *
 * The state is made to last: the test holds the page's request for the
 * session bundle, or the consent socket's welcome (Playwright routing, no
 * timing), presses End, then lets the bundle (the welcome) through. Oracle, outside our code: an init script counts the page's
 * peer connections and data channel bytes; the REST API says the session's
 * status; the agent's mirror says which page it shows. Controls: the same
 * hold without End goes live once released (so a start after the release is
 * seen), and the server's status is read the same way for a session left
 * running.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { agentStatus, indicator, mirrorElement, newSession, offer, recordingHarness } from './helpers/harness.js';
import {
  holdSessionBundle,
  liveOnCheckout,
  mirrorUrl,
  type HeldBundle,
  type ResumeSession,
} from './helpers/resume-pages.js';

const KEY = 'cobrowse:session';

const harness = recordingHarness();

/** Holds what the server sends on this page's first signaling socket (the consent socket) until released. */
async function holdConsentWelcome(page: Page): Promise<{ held: () => number; release: () => void }> {
  const held: (string | Buffer)[] = [];
  let holding = true;
  let sockets = 0;
  let toPage: ((message: string | Buffer) => void) | null = null;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    if (sockets++ > 0) return;
    toPage = (message) => ws.send(message);
    server.onMessage((message) => (holding ? held.push(message) : ws.send(message)));
  });
  return {
    held: () => held.length,
    release() {
      holding = false;
      for (const message of held.splice(0)) toPage?.(message);
    },
  };
}

async function status(sessionId: string): Promise<unknown> {
  const res = await fetch(`${harness.server.baseUrl}/api/sessions/${sessionId}`, {
    headers: { authorization: `Bearer ${harness.server.apiKey}` },
  });
  const body = (await res.json()) as { status?: unknown; endedBy?: unknown; endReason?: unknown };
  return { status: body.status, endedBy: body.endedBy, endReason: body.endReason };
}

const ENDED_BY_CUSTOMER = { status: 'ended', endedBy: 'customer', endReason: 'customer-ended' };
/** The page removed the element (cobrowse-session.ts disconnectedCallback). */
const ENDED_BY_REMOVAL = { status: 'ended', endedBy: 'customer', endReason: 'api' };

function counters(page: Page): Promise<{ peers: number; wire: number; record: string | null }> {
  return page.evaluate((key) => {
    const w = window as unknown as { __peerConnections: number; __wire: unknown[] };
    return { peers: w.__peerConnections, wire: w.__wire.length, record: sessionStorage.getItem(key) };
  }, KEY);
}

/** Once the session bundle was let through: the page has loaded and run it (or not), and settled. */
async function bundleSettled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    performance.getEntriesByType('resource').some((e) => e.name.includes('/cobrowse-session.js')),
  );
  await page.evaluate(() => document.querySelector('cobrowse-session')?.updateComplete);
}

async function pressEnd(page: Page): Promise<void> {
  await expect.poll(() => indicator(page), { timeout: 10_000 }).toBe('Starting to share this tab…');
  await page.getByRole('button', { name: 'End sharing' }).click();
}

type Pages = { session: ResumeSession; customer: Page; agent: Page };

/** Live on /checkout, then the tab's next page (/shipping) resumes with its session bundle held. */
async function resumedHeld(): Promise<Pages & { bundle: HeldBundle }> {
  const pages = await liveOnCheckout(harness);
  const bundle = await holdSessionBundle(harness, pages.customer);
  await pages.customer.goto(`${harness.shop.url}/shipping`);
  return { ...pages, bundle };
}

/** The customer's page held by `hold` (installed before /checkout loads), the agent waiting, Allow pressed. */
async function allowHeld<H>(hold: (page: Page) => Promise<H>): Promise<Pages & { hold: H }> {
  const session = await newSession(harness, { agentName: 'Dana' });
  const customer = await harness.customerBrowser.newPage();
  const held = await hold(customer);
  await customer.goto(`${harness.shop.url}/checkout`);
  const agent = await harness.agentBrowser.newPage();
  await agent.goto(session.agentLink);
  await offer(customer, session.inviteCode);
  await customer.getByRole('button', { name: 'Allow sharing' }).click();
  return { session, customer, agent, hold: held };
}

/** After the removed element's bundle was let through: it loaded and evaluated (its updateComplete is not awaited). */
async function removedBundleRan(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    performance.getEntriesByType('resource').some((e) => e.name.includes('/cobrowse-session.js')),
  );
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

/** Nothing was shared from the customer's page, the agent sees the end with an empty mirror; closes both. */
async function endedUnshared({ customer, agent }: Pages): Promise<void> {
  expect(await counters(customer)).toEqual({ peers: 0, wire: 0, record: null });
  await expect.poll(() => agentStatus(agent), { timeout: 10_000 }).toBe('Ended');
  expect(await mirrorElement(agent, '#title')).toBe(null);
  for (const page of [customer, agent]) await page.close();
}

describe('End while the session starts', () => {
  it('on a resumed page: the session never starts there, the server ends it, the mirror stays', async () => {
    const { session, customer, agent, bundle } = await resumedHeld();
    await pressEnd(customer);
    await expect.poll(() => status(session.sessionId), { timeout: 10_000 }).toEqual(ENDED_BY_CUSTOMER);
    expect(bundle.held.length, 'the session bundle was not requested').toBeGreaterThan(0);
    await bundle.release();
    await bundleSettled(customer);
    expect(await counters(customer)).toEqual({ peers: 0, wire: 0, record: null });
    expect(await indicator(customer)).toBe('');
    await expect.poll(() => agentStatus(agent), { timeout: 10_000 }).toBe('Ended');
    expect(await mirrorUrl(agent)).toBe(`${harness.shop.url}/checkout`);
    // The tab's next page has nothing to resume.
    await customer.goto(`${harness.shop.url}/form`);
    await customer.evaluate(() => document.querySelector('cobrowse-session')?.updateComplete);
    expect(await counters(customer)).toEqual({ peers: 0, wire: 0, record: null });
    for (const page of [customer, agent]) await page.close();
  }, 120_000);

  it('after Allow, before the session bundle arrived: nothing is shared, the server ends it', async () => {
    const pages = await allowHeld((page) => holdSessionBundle(harness, page));
    const { session, customer, hold: bundle } = pages;
    await pressEnd(customer);
    await expect.poll(() => status(session.sessionId), { timeout: 10_000 }).toEqual(ENDED_BY_CUSTOMER);
    expect(bundle.held.length, 'the session bundle was not requested').toBeGreaterThan(0);
    await bundle.release();
    await bundleSettled(customer);
    await endedUnshared(pages);
  }, 120_000);

  it('after Allow, while consent-granted waits for the socket: End ends it, nothing is shared', async () => {
    const pages = await allowHeld(holdConsentWelcome);
    const { session, customer, hold: welcome } = pages;
    await expect.poll(() => welcome.held(), { timeout: 10_000 }).toBeGreaterThan(0);
    // The public end() is the End button's (the prompt may still be on screen in this wait).
    await customer.evaluate(() => document.querySelector('cobrowse-session')?.end());
    welcome.release();
    await expect.poll(() => status(session.sessionId), { timeout: 10_000 }).toEqual(ENDED_BY_CUSTOMER);
    await customer.evaluate(() => document.querySelector('cobrowse-session')?.updateComplete);
    await endedUnshared(pages);
  }, 120_000);

  it('control: the same welcome hold without End goes live once released', async () => {
    const { session, customer, agent, hold: welcome } = await allowHeld(holdConsentWelcome);
    await expect.poll(() => welcome.held(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await status(session.sessionId)).toMatchObject({ status: 'pending' });
    welcome.release();
    await expect.poll(() => agentStatus(agent), { timeout: 20_000 }).toBe('Live');
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/checkout`);
    expect((await counters(customer)).wire).toBeGreaterThan(0);
    for (const page of [customer, agent]) await page.close();
  }, 120_000);

  it('the element removed while the session bundle loads (resumed page): it never starts, the server ends it', async () => {
    const { session, customer, agent, bundle } = await resumedHeld();
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe('Starting to share this tab…');
    await customer.evaluate(() => document.querySelector('cobrowse-session')?.remove());
    await expect.poll(() => status(session.sessionId), { timeout: 10_000 }).toEqual(ENDED_BY_REMOVAL);
    expect(bundle.held.length, 'the session bundle was not requested').toBeGreaterThan(0);
    await bundle.release();
    // The bundle evaluated and nothing started from it.
    await removedBundleRan(customer);
    expect(await counters(customer)).toEqual({ peers: 0, wire: 0, record: null });
    await expect.poll(() => agentStatus(agent), { timeout: 10_000 }).toBe('Ended');
    expect(await mirrorUrl(agent)).toBe(`${harness.shop.url}/checkout`);
    for (const page of [customer, agent]) await page.close();
  }, 120_000);

  it('the element removed after Allow, before the session bundle arrived: nothing is shared', async () => {
    const pages = await allowHeld((page) => holdSessionBundle(harness, page));
    const { session, customer, hold: bundle } = pages;
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe('Starting to share this tab…');
    await customer.evaluate(() => document.querySelector('cobrowse-session')?.remove());
    await expect.poll(() => status(session.sessionId), { timeout: 10_000 }).toEqual(ENDED_BY_REMOVAL);
    await bundle.release();
    await removedBundleRan(customer);
    await endedUnshared(pages);
  }, 120_000);

  it('control: the same hold without End goes live once released, and the session stays live', async () => {
    const { session, customer, agent, hold: bundle } = await allowHeld((page) => holdSessionBundle(harness, page));
    await expect.poll(() => indicator(customer), { timeout: 10_000 }).toBe('Starting to share this tab…');
    await bundle.release();
    await expect.poll(() => agentStatus(agent), { timeout: 20_000 }).toBe('Live');
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/checkout`);
    const now = await counters(customer);
    expect(now.peers).toBeGreaterThan(0);
    expect(now.wire).toBeGreaterThan(0);
    expect(await status(session.sessionId)).toMatchObject({ status: 'live' });
    for (const page of [customer, agent]) await page.close();
  }, 120_000);
});
