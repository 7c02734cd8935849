/** A live session on a shop page, with or without control granted: the starting point of most end-to-end tests. */
import type { Page } from 'playwright-core';
import { agentStatus, mirrorElement, newSession, offer, type Harness } from './harness.js';

export interface LiveControl {
  customer: Page;
  agent: Page;
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

/** Customer on `path`, sharing with Dana; agent live with the mirror's #title showing `title`. */
export async function liveSession(h: Harness, path: string, title: string): Promise<LiveControl> {
  const session = await newSession(h, { agentName: 'Dana' });
  const customer = await h.customerBrowser.newPage();
  await customer.goto(`${h.shop.url}${path}`);
  await offer(customer, session.inviteCode);
  await customer.getByRole('button', { name: 'Allow sharing' }).click();
  const agent = await h.agentBrowser.newPage();
  await agent.goto(session.agentLink);
  await until(async () => (await agentStatus(agent)) === 'Live', 'the agent to be live');
  await until(async () => (await mirrorElement(agent, '#title'))?.text === title, `the mirror to show "${title}"`);
  return { customer, agent };
}

/** The agent asks for control and the customer allows it; resolves once the agent's toolbar shows it. */
export async function grantControl({ customer, agent }: LiveControl): Promise<void> {
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
