/**
 * After a person took over from the automated agent while the customer was
 * on the page, the next page of the tab resumes with the person: it does not
 * announce the hand-over again (the resume record keeps the agent the page
 * last knew, not the invite's bot). Control: a customer away during the
 * hand-over is told on the next page (handover.test.ts). Oracle: the
 * element's cobrowse-agent-changed events (an init script listens) and what
 * its indicator says once the person's console shows the next page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinSession, type AgentSdkSession } from '../../sdk/index.js';
import {
  agentStatus,
  indicator,
  mirrorElement,
  newSession,
  offer,
  startHarness,
  type Harness,
} from './helpers/harness.js';

const COUNT_AGENT_CHANGES = `
  window.__agentChanged = [];
  document.addEventListener('cobrowse-agent-changed', (event) => window.__agentChanged.push(event.detail.agentName));
`;

let harness: Harness;
const bots: AgentSdkSession[] = [];
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  for (const bot of bots.splice(0)) bot.leave();
  await harness?.close();
});

const BOT = 'Lumen helper';

describe('the next page after a hand-over', () => {
  it('resumes with the person, without announcing the hand-over again', async () => {
    const session = await newSession(harness, { agentName: BOT, agentBot: true });
    const customer = await harness.customerBrowser.newPage();
    await customer.addInitScript(COUNT_AGENT_CHANGES);
    await customer.goto(`${harness.shop.url}/checkout`);
    await offer(customer, session.inviteCode);
    const prompt = customer.getByRole('dialog');
    await prompt.getByRole('checkbox', { name: /take over this sharing without asking me again/ }).click();
    await prompt.getByRole('button', { name: 'Allow sharing' }).click();
    const bot = await joinSession({ server: harness.server.baseUrl, token: session.agentToken, name: BOT, bot: true });
    bots.push(bot);
    await expect.poll(() => indicator(customer)).toBe(`Sharing this tab with ${BOT} (automated assistant)`);

    const res = await fetch(`${harness.server.baseUrl}/api/sessions/${session.sessionId}/handover`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentName: 'Dana' }),
    });
    const { agent } = (await res.json()) as { agent: { link: string } };
    const person = await harness.agentBrowser.newPage();
    await person.goto(agent.link);
    await expect.poll(() => agentStatus(person), { timeout: 15_000 }).toBe('Live');
    await expect
      .poll(() => customer.evaluate(() => (window as unknown as { __agentChanged: string[] }).__agentChanged))
      .toEqual(['Dana']);

    await customer.goto(`${harness.shop.url}/shipping`);
    await expect.poll(async () => (await mirrorElement(person, '#title'))?.text, { timeout: 20_000 }).toBe('Shipping');
    expect(await customer.evaluate(() => (window as unknown as { __agentChanged: string[] }).__agentChanged)).toEqual(
      [],
    );
    expect(await indicator(customer)).toBe('Sharing this tab with Dana');
  }, 90_000);
});
