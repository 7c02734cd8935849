/**
 * Set-ups the resume e2e suites share: a customer who offered and allowed sharing on a shop page, the agent's
 * console live with its mirror on that page, and what the mirror says it shows. Real server, shop and Chromium.
 */
import type { Page, Route } from 'playwright-core';
import { expect } from 'vitest';
import { agentStatus, newSession, offer, type Harness } from './harness.js';

export type ResumeSession = Awaited<ReturnType<typeof newSession>>;

/** The URL of the page the agent's mirror shows ('' before it shows one). */
export function mirrorUrl(agent: Page): Promise<string> {
  return agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.mirror?.page.url ?? '');
}

/** A session for Dana; the customer's new page on `path` offers it and allows sharing (no agent yet). */
export async function allowedOn(harness: Harness, path: string): Promise<{ session: ResumeSession; customer: Page }> {
  const session = await newSession(harness, { agentName: 'Dana' });
  const customer = await harness.customerBrowser.newPage();
  await customer.goto(`${harness.shop.url}${path}`);
  await offer(customer, session.inviteCode);
  await customer.getByRole('button', { name: 'Allow sharing' }).click();
  return { session, customer };
}

/** Live on /checkout: the customer allowed sharing, the agent's console is live and its mirror shows /checkout. */
export async function liveOnCheckout(
  harness: Harness,
): Promise<{ session: ResumeSession; customer: Page; agent: Page }> {
  const { session, customer } = await allowedOn(harness, '/checkout');
  const agent = await harness.agentBrowser.newPage();
  await agent.goto(session.agentLink);
  await expect.poll(() => agentStatus(agent), { timeout: 20_000 }).toBe('Live');
  await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/checkout`);
  return { session, customer, agent };
}

export interface HeldBundle {
  /** The page's requests for the session bundle held so far. */
  held: Route[];
  /** Lets the held requests (and any later one) through. */
  release: () => Promise<void>;
}

/** Holds this page's requests for the session bundle until released: the session's code cannot run meanwhile. */
export async function holdSessionBundle(harness: Harness, page: Page): Promise<HeldBundle> {
  const held: Route[] = [];
  let holding = true;
  await page.route(`${harness.server.baseUrl}/cobrowse-session.js*`, (route) => {
    if (holding) held.push(route);
    else void route.fallback();
  });
  return {
    held,
    async release() {
      holding = false;
      for (const route of held.splice(0)) await route.continue().catch(() => undefined);
    },
  };
}
