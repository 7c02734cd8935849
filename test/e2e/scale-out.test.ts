/**
 * The journey over real WebRTC with the customer on one instance and the
 * agent on another, both on one PostgreSQL and one Redis (issue 14): the
 * customer's invite names instance A, the agent opens the console on
 * instance B; signals cross through Redis, the mirror goes live, End reaches
 * the other side, and either instance reports one valid audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { backendsAvailable, instanceEnv, startBackends, type Backends } from '../node/helpers/scale-out.js';
import { createSession, startTestServer, type TestServer } from '../node/helpers/server.js';
import { agentStatus, mirrorElement, offer } from './helpers/harness.js';
import { startShop, type Shop } from './helpers/shop.js';

const bins = backendsAvailable();

describe.skipIf(!bins)('scale-out in two browsers', () => {
  let backends: Backends;
  let a: TestServer;
  let b: TestServer;
  let shop: Shop;
  let customerBrowser: LaunchedChromium;
  let agentBrowser: LaunchedChromium;

  beforeAll(async () => {
    backends = await startBackends(bins ?? { pgBin: '', redisBin: '' });
    const env = instanceEnv(await backends.postgres.createDatabase(), backends.redis.url);
    a = await startTestServer(env);
    b = await startTestServer(env);
    shop = await startShop(a.baseUrl);
    [customerBrowser, agentBrowser] = await Promise.all([launchChromium(), launchChromium()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([customerBrowser?.close(), agentBrowser?.close()]);
    await shop?.close();
    await a?.close();
    await b?.close();
    await backends?.stop();
  });

  it('customer on instance A, agent on instance B: consent, live mirror, typing, End, one valid audit', async () => {
    const session = await createSession(a, { agentName: 'Dana' });
    const inviteCode = (session.raw as { customer: { inviteCode: string } }).customer.inviteCode;
    const customer = await customerBrowser.newPage();
    await customer.goto(`${shop.url}/checkout`);
    await offer(customer, inviteCode);

    const agent = await agentBrowser.newPage();
    await agent.goto(`${b.baseUrl}/agent/#token=${session.agentToken}`);
    await expect.poll(() => agentStatus(agent), { timeout: 15_000 }).toBe('Waiting for the customer');

    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    await expect.poll(() => agentStatus(agent), { timeout: 20_000 }).toBe('Live');
    await expect.poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 15_000 }).toBe('Checkout');
    await customer.locator('#name').pressSequentially('Ada Lovelace');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Ada Lovelace');

    await customer.getByRole('button', { name: 'End sharing' }).click();
    await expect.poll(() => agentStatus(agent), { timeout: 10_000 }).toBe('Ended');

    for (const server of [a, b]) {
      const res = await fetch(`${server.baseUrl}/api/sessions/${session.sessionId}/audit`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      });
      const audit = (await res.json()) as {
        events: { type: string; actor: string }[];
        verification: { valid: boolean; events: number };
      };
      expect(audit.verification).toEqual({ valid: true, events: audit.events.length });
      expect(audit.events.map((e) => e.type)).toEqual(
        expect.arrayContaining([
          'session-created',
          'consent-shown',
          'consent-granted',
          'connected',
          'page-visited',
          'ended',
        ]),
      );
      expect(audit.events.at(-1)).toMatchObject({ type: 'ended', actor: 'customer' });
    }
    await customer.close();
    await agent.close();
  });
});
