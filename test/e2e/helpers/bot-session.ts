/**
 * A session started by an automated agent (the Node SDK in the test's process) with the customer in a real
 * Chromium, and the chat system's hand-over to a person: the set-up the hand-over suites share.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { joinSession, type AgentSdkSession } from '../../../sdk/index.js';
import type { TestServer } from '../../node/helpers/server.js';
import { indicator, newSession, offer, type Harness } from './harness.js';

export const BOT = 'Lumen helper';

export interface BotSessionOptions {
  /** Whether the customer ticks the prompt's leave for a person to take over. */
  allowPerson: boolean;
  /** Where the joined bot is kept, for the file to make it leave after the test. */
  bots: AgentSdkSession[];
  /** Runs on the customer's new page before it loads the checkout (init scripts). */
  beforeLoad?: (customer: Page) => unknown;
}

/** The customer on the checkout sees the bot's prompt, answers it (with or without leave for a person), and the bot joins. */
export async function botSession(h: Harness, options: BotSessionOptions) {
  const session = await newSession(h, { agentName: BOT, agentBot: true });
  const customer = await h.customerBrowser.newPage();
  await options.beforeLoad?.(customer);
  await customer.goto(`${h.shop.url}/checkout`);
  await offer(customer, session.inviteCode);
  const prompt = customer.getByRole('dialog');
  await expect
    .poll(() => prompt.getByRole('heading').textContent())
    .toBe('An automated assistant would like to see this page');
  expect(await prompt.textContent()).toContain(`${BOT} (automated assistant) will see this browser tab only`);
  const leave = prompt.getByRole('checkbox', { name: /take over this sharing without asking me again/ });
  expect(await leave.isChecked(), 'the leave for a person is not given by default').toBe(false);
  if (options.allowPerson) await leave.click();
  await prompt.getByRole('button', { name: 'Allow sharing' }).click();
  const bot = await joinSession({ server: h.server.baseUrl, token: session.agentToken, name: BOT, bot: true });
  options.bots.push(bot);
  await expect.poll(() => indicator(customer)).toBe(`Sharing this tab with ${BOT} (automated assistant)`);
  return { session, customer, bot };
}

/** The chat system hands the session over to the person `agentName` (POST .../handover with the API key). */
export function handOver(server: TestServer, sessionId: string, agentName: string): Promise<Response> {
  return fetch(`${server.baseUrl}/api/sessions/${sessionId}/handover`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agentName }),
  });
}
