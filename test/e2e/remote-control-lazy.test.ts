/**
 * Remote control's code is a chunk of its own (issue #18, client/session/remote-control.ts): a fresh session
 * fetches none of it until the agent asks for control, and the agent's click and real keystrokes sent while the
 * chunk is still loading all land, in order, once it has. A chunk that cannot load (404) ends control cleanly:
 * the agent's waiting actions are refused, both sides are told why, and the audit says granted then revoked;
 * the next request fetches it again.
 * Real Chromium for each side, real WebRTC, the real build (dist/browser) served cross-origin by the server.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { auditEvents, fileHarness, indicator, mirrorElement, mirrorFrame } from './helpers/harness.js';
import { expectedValue, type KeyStep } from './helpers/keyboard-model.js';
import { drained, liveSession } from './helpers/live-control.js';
import { keys } from './helpers/typing-oracle.js';

const h = fileHarness();

const CHUNK = /\/cobrowse-remote-control-chunk-[A-Z0-9]+\.js$/;

/**
 * The customer's page with its requests for the remote-control chunk recorded and held until `release`, which
 * then lets the chunk through or answers 404.
 */
async function holdChunk(page: Page, answer: 'load' | '404') {
  const requested: string[] = [];
  const errors: string[] = [];
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  page.on('request', (request) => {
    if (CHUNK.test(new URL(request.url()).pathname)) requested.push(request.url());
  });
  await page.route(CHUNK, async (route) => {
    await released;
    if (answer === 'load') await route.continue();
    else await route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' });
  });
  await page.exposeFunction('__cobrowseError', (message: string) => errors.push(message));
  await page.addInitScript(() =>
    document.addEventListener('cobrowse-error', (event) =>
      (window as unknown as { __cobrowseError(m: string): void }).__cobrowseError(
        (event as CustomEvent<{ message: string }>).detail.message,
      ),
    ),
  );
  return { requested, errors, release };
}

/** The agent asks, the customer allows: resolves once the agent's toolbar says it has control. */
async function askAndAllow(customer: Page, agent: Page, chunk: { requested: string[] }): Promise<void> {
  await agent.getByRole('button', { name: 'Request control' }).click();
  await customer.getByRole('button', { name: 'Allow control' }).waitFor();
  // Fetched while the customer reads the prompt.
  await expect.poll(() => chunk.requested.length).toBe(1);
  await customer.getByRole('button', { name: 'Allow control' }).click();
  await agent.getByRole('button', { name: 'Release control' }).waitFor();
}

describe('remote control loaded lazily', () => {
  it('a fresh session fetches it only once the agent asks; keys typed while it loads all land, in order', async () => {
    let chunk: Awaited<ReturnType<typeof holdChunk>> | undefined;
    const { customer, agent } = await liveSession(h, '/form', 'Delivery details', {
      beforeLoad: async (page) => (chunk = await holdChunk(page, 'load')),
    });
    if (!chunk) throw new Error('no chunk hold');
    // Live, the page in the mirror: no remote-control code fetched.
    expect(chunk.requested).toEqual([]);
    await askAndAllow(customer, agent, chunk);
    // The chunk is still held: the agent's click and keys wait on the customer's side.
    const steps: KeyStep[] = [
      { type: 'Ada Lovelass' },
      { press: 'Backspace', times: 2 },
      { type: 'ce' },
      { press: 'Home' },
      { type: 'Lady ' },
      { press: 'End' },
      { type: ', Countess' },
    ];
    await (await mirrorFrame(agent)).locator('#fullname').click();
    await keys(agent, steps, 15);
    expect(await customer.locator('#fullname').inputValue()).toBe('');
    chunk.release();
    // The protocol's acknowledgement: every action sent has been applied (or refused) by the customer.
    await drained(agent);
    const expected = expectedValue(steps);
    expect(expected).toBe('Lady Ada Lovelace, Countess');
    expect(await customer.locator('#fullname').inputValue()).toBe(expected);
    await expect.poll(async () => (await mirrorElement(agent, '#fullname'))?.value).toBe(expected);
    expect(chunk.requested).toHaveLength(1);
    expect(chunk.errors).toEqual([]);
  });

  it('a chunk that answers 404: control ends, the waiting keys are refused, both sides are told; asked again, it loads', async () => {
    let chunk: Awaited<ReturnType<typeof holdChunk>> | undefined;
    const { customer, agent, session } = await liveSession(h, '/form', 'Delivery details', {
      beforeLoad: async (page) => (chunk = await holdChunk(page, '404')),
    });
    if (!chunk) throw new Error('no chunk hold');
    await askAndAllow(customer, agent, chunk);
    await (await mirrorFrame(agent)).locator('#fullname').click();
    await agent.keyboard.type('abc', { delay: 15 });
    chunk.release();
    // The agent: control is gone, with the reason in its alert; every action it sent was answered.
    await agent.getByRole('button', { name: 'Request control' }).waitFor();
    await expect
      .poll(() => agent.locator('cobrowse-agent-view [role="alert"]').textContent())
      .toContain('Remote control could not start');
    await drained(agent);
    // The customer: nothing typed, the indicator says why, no control to take back; the integrator's event.
    expect(await customer.locator('#fullname').inputValue()).toBe('');
    await expect.poll(() => indicator(customer)).toBe('Dana could not take control: it failed to load');
    expect(await customer.getByRole('button', { name: 'Take back control' }).count()).toBe(0);
    expect(chunk.errors).toEqual(['Dana could not take control: it failed to load']);
    // The audit: granted, then revoked; no remote action.
    const types = (await auditEvents(h.server, session.sessionId)).map((event) => event.type);
    expect(types.filter((type) => type.startsWith('control-') || type === 'remote-action')).toEqual([
      'control-requested',
      'control-granted',
      'control-revoked',
    ]);
    // Asked again once the chunk is there: it is fetched again, and the agent's keys land.
    await customer.unroute(CHUNK);
    await agent.getByRole('button', { name: 'Request control' }).click();
    await customer.getByRole('button', { name: 'Allow control' }).click();
    await agent.getByRole('button', { name: 'Release control' }).waitFor();
    await (await mirrorFrame(agent)).locator('#fullname').click();
    await agent.keyboard.type('xyz', { delay: 15 });
    await drained(agent);
    expect(await customer.locator('#fullname').inputValue()).toBe('xyz');
    expect(await indicator(customer)).toBe('Dana is controlling this tab');
    expect(chunk.requested).toHaveLength(2);
  });
});
