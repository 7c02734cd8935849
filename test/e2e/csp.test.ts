/**
 * A customer site with a strict Content-Security-Policy (no eval, no inline
 * script or style) can embed the element: the README's directives are enough
 * and our code causes no violation, before or during a session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentStatus, mirrorElement, newSession, offer, startHarness, type Harness } from './helpers/harness.js';

/** Exactly the directives README.md tells integrators to add for the co-browsing server. */
export function strictCsp(serverUrl: string): string {
  const ws = serverUrl.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    `script-src 'self' ${serverUrl}`,
    `connect-src 'self' ${serverUrl} ${ws}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
  ].join('; ');
}

const RECORD_VIOLATIONS = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
  });
`;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({}, {}, { csp: strictCsp });
});
afterAll(async () => {
  await harness?.close();
});

describe('strict CSP on the customer site', () => {
  it('runs the consent prompt and a live session without a single violation', async () => {
    const session = await newSession(harness, { agentName: 'Dana' });
    const customer = await harness.customerBrowser.newPage();
    await customer.addInitScript(RECORD_VIOLATIONS);
    await customer.goto(`${harness.shop.url}/checkout`);
    await offer(customer, session.inviteCode);
    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    const agent = await harness.agentBrowser.newPage();
    await agent.goto(session.agentLink);
    await expect.poll(() => agentStatus(agent), { timeout: 15_000 }).toBe('Live');
    await expect.poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 15_000 }).toBe('Checkout');
    await customer.locator('#name').fill('Strict Sam');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Strict Sam');
    // The guidance overlay draws under the same policy.
    await agent.getByRole('button', { name: 'Highlight' }).click();
    expect(await customer.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  });
});
