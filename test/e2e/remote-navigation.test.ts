/**
 * Remote navigation between two real browsers: the customer's page refuses
 * every scheme but http(s) and every origin but its own and the integrator's
 * `navigation-origins`, says why (action-refused, shown in the agent's
 * toolbar), and runs nothing. The same path that is refused for javascript:
 * follows a same-origin and an allowlisted address (the control: the URL
 * check does see a navigation when there is one).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mirrorElement, startHarness, type Harness } from './helpers/harness.js';
import { liveWithControl } from './helpers/live-control.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('remote navigation guard', () => {
  it('refuses javascript:, data:, file: and other sites with a reason; follows its own site and the allowlist', async () => {
    // The integrator allows one other origin on every page (here the server's: another port, another origin).
    harness = await startHarness({}, {}, { navigationOrigins: (serverUrl) => serverUrl });
    const h = harness;
    const { customer, agent } = await liveWithControl(h, '/checkout', 'Checkout');
    await agent.evaluate(() => {
      const answers: unknown[] = [];
      (window as unknown as { __answers: unknown[] }).__answers = answers;
      document.querySelector('cobrowse-agent-view')?.session?.on('message', (m) => {
        if (m.t === 'action-refused' || m.t === 'action-ack') answers.push(m);
      });
    });
    const answers = () =>
      agent.evaluate(
        () => (window as unknown as { __answers: { t: string; reason?: string; kind?: string }[] }).__answers,
      );
    const checkoutUrl = customer.url();

    const refused: [string, string, RegExp][] = [
      ['javascript:window.__pwned = 1', 'scheme', /http: or https:/],
      ['JavaScript:window.__pwned = 2', 'scheme', /http: or https:/],
      ['data:text/html,<script>opener.__pwned = 3</script>', 'scheme', /http: or https:/],
      ['file:///etc/passwd', 'scheme', /http: or https:/],
      ['https://evil.example/', 'cross-origin', /another site/],
      ['//evil.example/path', 'cross-origin', /another site/],
    ];
    for (const [to, reason, notice] of refused) {
      const before = (await answers()).length;
      await agent.getByLabel("Go to a page on the customer's site").fill(to);
      await agent.getByRole('button', { name: 'Go' }).click();
      await expect.poll(async () => (await answers()).length).toBe(before + 1);
      expect((await answers()).at(-1), to).toMatchObject({ t: 'action-refused', kind: 'navigate', reason });
      await expect.poll(() => agent.locator('cobrowse-agent-view .toast').textContent()).toMatch(notice);
      expect(customer.url()).toBe(checkoutUrl);
      expect(await customer.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    }

    // The control: the same path follows the page's own site...
    await agent.getByLabel("Go to a page on the customer's site").fill('/shipping');
    await agent.getByRole('button', { name: 'Go' }).click();
    await customer.waitForURL('**/shipping');
    await expect.poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 15_000 }).toBe('Shipping');
    // ...and an origin the integrator allowed.
    await agent.getByLabel("Go to a page on the customer's site").fill(`${h.server.baseUrl}/healthz`);
    await agent.getByRole('button', { name: 'Go' }).click();
    await customer.waitForURL(`${h.server.baseUrl}/healthz`);
  }, 90_000);
});
