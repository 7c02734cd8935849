/**
 * A customer site with a strict Content-Security-Policy (no eval, no inline
 * script or style) can embed the element: the README's directives are enough
 * and our code causes no violation, before or during a session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentStatus, mirrorElement, newSession, offer, startHarness, type Harness } from './helpers/harness.js';

/** Exactly the directives README.md tells integrators to add for the co-browsing server. */
export function strictCsp(serverUrl: string): string {
  return [...strictCspWithoutWorkers(serverUrl), `worker-src 'self' blob: ${serverUrl}`].join('; ');
}

/** The README's directives without the optional worker-src: the session compresses on the main thread. */
function strictCspWithoutWorkers(serverUrl: string): string[] {
  const ws = serverUrl.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    `script-src 'self' ${serverUrl}`,
    `connect-src 'self' ${serverUrl} ${ws}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
  ];
}

const RECORD_VIOLATIONS = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
  });
`;

let harness: Harness;
let noWorkers: Harness;
beforeAll(async () => {
  harness = await startHarness({}, {}, { csp: strictCsp });
  noWorkers = await startHarness({}, {}, { csp: (url) => strictCspWithoutWorkers(url).join('; ') });
});
afterAll(async () => {
  await harness?.close();
  await noWorkers?.close();
});

describe('strict CSP on the customer site', () => {
  it('without worker-src blob: the stream is compressed on the main thread; only the worker is refused', async () => {
    const session = await newSession(noWorkers, { agentName: 'Dana' });
    const customer = await noWorkers.customerBrowser.newPage();
    await customer.addInitScript(RECORD_VIOLATIONS);
    await customer.goto(`${noWorkers.shop.url}/checkout`);
    await offer(customer, session.inviteCode);
    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    const agent = await noWorkers.agentBrowser.newPage();
    await agent.goto(session.agentLink);
    await expect.poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 15_000 }).toBe('Checkout');
    await customer.locator('#name').fill('Strict Sam');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Strict Sam');
    const violations = await customer.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.startsWith('worker-src blob'))).toBe(true);
    expect(customer.workers()).toEqual([]);
  });

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
    // The stream was compressed in the session's deflate worker.
    expect(customer.workers().map((worker) => worker.url())).toEqual([expect.stringMatching(/^blob:/)]);
  });
});
