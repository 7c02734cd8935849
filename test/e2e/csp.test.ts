/**
 * A customer site with a strict Content-Security-Policy (no eval, no inline
 * script or style) can embed the element: the README's directives are enough
 * and our code causes no violation, before or during a session (remote control's
 * chunk, fetched when the agent asks for control, included).
 */
import { describe, expect, it } from 'vitest';
import { fileHarness, mirrorElement, mirrorFrame, type Harness } from './helpers/harness.js';
import { drained, grantControl, liveSession } from './helpers/live-control.js';

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

const harness = fileHarness({}, {}, { csp: strictCsp });
const noWorkers = fileHarness({}, {}, { csp: (url) => strictCspWithoutWorkers(url).join('; ') });

/** The checkout live with Dana, the page's CSP violations recorded from its start. */
const liveRecordingViolations = (h: Harness) =>
  liveSession(h, '/checkout', 'Checkout', { beforeLoad: (customer) => customer.addInitScript(RECORD_VIOLATIONS) });

describe('strict CSP on the customer site', () => {
  it('without worker-src blob: the stream is compressed on the main thread; only the worker is refused', async () => {
    const { customer, agent } = await liveRecordingViolations(noWorkers);
    await customer.locator('#name').fill('Strict Sam');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Strict Sam');
    const violations = await customer.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.startsWith('worker-src blob'))).toBe(true);
    expect(customer.workers()).toEqual([]);
  });

  it('runs the consent prompt and a live session without a single violation', async () => {
    const { customer, agent } = await liveRecordingViolations(harness);
    await customer.locator('#name').fill('Strict Sam');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Strict Sam');
    // The guidance overlay draws under the same policy.
    await agent.getByRole('button', { name: 'Highlight' }).click();
    // Remote control, its code a chunk fetched when the agent asks (client/session/remote-control.ts), types under it too.
    await grantControl({ customer, agent });
    await (await mirrorFrame(agent)).locator('#name').click();
    await agent.keyboard.press('End');
    await agent.keyboard.type(' Jr', { delay: 15 });
    await drained(agent);
    expect(await customer.locator('#name').inputValue()).toBe('Strict Sam Jr');
    expect(await customer.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    // The stream was compressed in the session's deflate worker.
    expect(customer.workers().map((worker) => worker.url())).toEqual([expect.stringMatching(/^blob:/)]);
  });
});
