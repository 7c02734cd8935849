/** A live session on a shop page, with or without control granted: the starting point of most end-to-end tests. */
import type { Page } from 'playwright-core';
import { agentStatus, mirrorElement, newSession, offer, type Harness } from './harness.js';

export interface LiveControl {
  customer: Page;
  agent: Page;
  /** The session as the API created it (ids, tokens, invite code, agent link). */
  session: Awaited<ReturnType<typeof newSession>>;
}

export interface LiveSessionOptions {
  /** The body the session is created with; default `{ agentName: 'Dana' }`. */
  session?: Record<string, unknown>;
  /** Runs on the customer's new page before it loads `path` (routes, init scripts). */
  beforeLoad?: (customer: Page) => unknown;
  /** Runs on the loaded page before co-browsing is offered. */
  beforeOffer?: (customer: Page) => unknown;
  /** Runs on the agent's new page before it opens the session's link (signing the console in). */
  beforeJoin?: (agent: Page) => unknown;
  /** How long each wait (live, then the mirror's title) may take; default 15 s. */
  timeoutMs?: number;
}

/** Polls `check` (usable outside a test, where expect.poll is not). */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Customer on `path`, offered co-browsing and allowing it; agent on the session's link, live with the mirror's
 * #title showing `title`. The set-up most end-to-end tests start from.
 */
export async function liveSession(
  h: Harness,
  path: string,
  title: string,
  options: LiveSessionOptions = {},
): Promise<LiveControl> {
  const session = await newSession(h, options.session ?? { agentName: 'Dana' });
  const customer = await h.customerBrowser.newPage();
  await options.beforeLoad?.(customer);
  await customer.goto(`${h.shop.url}${path}`);
  await options.beforeOffer?.(customer);
  await offer(customer, session.inviteCode);
  await customer.getByRole('button', { name: 'Allow sharing' }).click();
  const agent = await h.agentBrowser.newPage();
  await options.beforeJoin?.(agent);
  await agent.goto(session.agentLink);
  await untilMirrorShows(agent, title, options.timeoutMs);
  return { customer, agent, session };
}

/** Resolves once the agent is live with the mirror's #title showing `title`; if not, says what the mirror holds. */
export async function untilMirrorShows(agent: Page, title: string, timeoutMs?: number): Promise<void> {
  await until(async () => (await agentStatus(agent)) === 'Live', 'the agent to be live', timeoutMs);
  await until(
    async () => (await mirrorElement(agent, '#title'))?.text === title,
    `the mirror to show "${title}"`,
    timeoutMs,
  ).catch(async (error: unknown) => {
    const stats = await agent.evaluate(() =>
      JSON.stringify(document.querySelector('cobrowse-agent-view')?.mirror?.stats),
    );
    throw new Error(`mirror never showed "${title}"; mirror stats ${stats}`, { cause: error });
  });
}

/** The agent asks for control and the customer allows it; resolves once the agent's toolbar shows it. */
export async function grantControl({ customer, agent }: Pick<LiveControl, 'customer' | 'agent'>): Promise<void> {
  await agent.getByRole('button', { name: 'Request control' }).click();
  await customer.getByRole('button', { name: 'Allow control' }).click();
  await agent.getByRole('button', { name: 'Release control' }).waitFor();
}

/** `liveSession`, then control granted. */
export async function liveWithControl(h: Harness, path: string, title: string): Promise<LiveControl> {
  const live = await liveSession(h, path, title);
  await grantControl(live);
  return live;
}

/** Resolves once the customer has answered every action the agent sent (the protocol's acknowledgement). */
export async function drained(agent: Page): Promise<void> {
  await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
}
