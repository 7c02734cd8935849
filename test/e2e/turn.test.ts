/**
 * The TURN path: a real coturn (Debian's package, started here on loopback
 * with the server's shared secret), both browsers forced to relay-only ICE,
 * and the session must still work over the relayed candidate pair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORCE_RELAY, selectedPairs, startCoturn, type Coturn } from '../node/helpers/coturn.js';
import { agentStatus, mirrorElement, newSession, offer, startHarness, type Harness } from './helpers/harness.js';

const SECRET = 'turnsecret0123456789abcdef';

let coturn: Coturn | undefined;
let harness: Harness | undefined;

beforeAll(async () => {
  coturn = await startCoturn(SECRET);
  harness = await startHarness({
    TURN_SECRET: SECRET,
    TURN_URLS: `turn:127.0.0.1:${coturn.port}?transport=udp`,
    TURN_TTL: '600',
  });
});

afterAll(async () => {
  await harness?.close();
  coturn?.close();
});

describe('TURN relay', () => {
  it('connects customer and agent through coturn when only relayed candidates are allowed', async () => {
    const h = harness!;
    const session = await newSession(h, { agentName: 'Dana' });
    const customer = await h.customerBrowser.newPage();
    await customer.addInitScript(FORCE_RELAY);
    await customer.goto(`${h.shop.url}/checkout`);
    const agent = await h.agentBrowser.newPage();
    await agent.addInitScript(FORCE_RELAY);
    await agent.goto(session.agentLink);
    await offer(customer, session.inviteCode);
    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    await expect
      .poll(() => agentStatus(agent), { timeout: 20_000 })
      .toBe('Live')
      .catch((error: unknown) => {
        throw new Error(`no relayed connection; coturn said:\n${coturn!.log().slice(-3000)}`, { cause: error });
      });
    await expect.poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 15_000 }).toBe('Checkout');
    await customer.locator('#name').fill('Relayed Rita');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Relayed Rita');

    for (const page of [customer, agent]) {
      const pairs = await selectedPairs(page);
      expect(pairs.length).toBeGreaterThan(0);
      for (const pair of pairs) expect(pair.local).toBe('relay');
    }
    // coturn saw our time-limited REST-API credentials.
    expect(coturn!.log()).toMatch(new RegExp(`${session.sessionId}-(customer|agent)`));
  });
});
