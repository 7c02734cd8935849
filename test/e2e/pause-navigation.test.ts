/**
 * Pause holds until the customer resumes, on every page of the tab (red team
 * s12 F3). The resume record kept the invite and control, not the pause: after
 * "Sharing paused", the next same-origin page was shared at once, a fresh
 * snapshot to the agent, and the page visited reported.
 *
 * Oracle, outside our code: every byte each customer page hands a data channel
 * (an init script), decoded in order; the agent's mirror; the audit. The new
 * page's own 'connected' in the audit (sent once its channel to the agent is
 * open) says its connection is up, so "nothing went out" is read after a
 * point where anything shared would have gone. Control: the same navigation
 * without the pause shares the next page.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RECORD_CHANNEL_BYTES, auditEvents, fileHarness, indicator, type AuditEvent } from './helpers/harness.js';
import { liveSession } from './helpers/live-control.js';
import { decodeWire } from './helpers/wire.js';

const harness = fileHarness();
beforeAll(async () => {
  await harness.customerBrowser.context.addInitScript(RECORD_CHANNEL_BYTES);
});

const PAUSED = 'Sharing paused: Dana cannot see this tab';
const SHARING = 'Sharing this tab with Dana';

/** The customer's page says 'connected' once its channel to the agent is open (the agent's console says it too). */
async function connectedCount(sessionId: string): Promise<number> {
  return (await auditEvents(harness.server, sessionId)).filter((e) => e.type === 'connected' && e.actor === 'customer')
    .length;
}

/** The audit from index `from` on, without the sockets' and connections' comings and goings. */
async function eventsFrom(sessionId: string, from: number): Promise<AuditEvent[]> {
  return (await auditEvents(harness.server, sessionId))
    .slice(from)
    .filter((e) => e.type !== 'connected' && e.type !== 'disconnected');
}

function wireLength(customer: Page): Promise<number> {
  return customer.evaluate(() => (window as unknown as { __wire: unknown[] }).__wire.length);
}

function mirrorUrl(agent: Page): Promise<string> {
  return agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.mirror?.page.url ?? '');
}

async function liveOnCheckout(): Promise<{ sessionId: string; customer: Page; agent: Page }> {
  const { session, customer, agent } = await liveSession(harness, '/checkout', 'Checkout', { timeoutMs: 20_000 });
  return { sessionId: session.sessionId, customer, agent };
}

/** A new page of the tab (goto or reload) whose connection to the agent is open: one more 'connected'. */
async function nextPageConnected(sessionId: string, before: number): Promise<void> {
  await expect.poll(() => connectedCount(sessionId), { timeout: 20_000 }).toBe(before + 1);
}

describe('pause across the pages of the tab', () => {
  it('the next page and a reload stay paused, send nothing and report no page until Resume', async () => {
    const { sessionId, customer, agent } = await liveOnCheckout();
    await customer.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => indicator(customer)).toBe(PAUSED);
    await expect.poll(async () => (await auditEvents(harness.server, sessionId)).at(-1)?.type).toBe('paused');
    const pausedAt = (await auditEvents(harness.server, sessionId)).length;

    // The customer, paused, goes on to the next page of the site, then reloads it.
    for (const step of ['goto', 'reload'] as const) {
      const connected = await connectedCount(sessionId);
      if (step === 'goto') await customer.goto(`${harness.shop.url}/shipping`);
      else await customer.reload();
      await expect.poll(() => indicator(customer), { timeout: 20_000 }).toBe(PAUSED);
      await nextPageConnected(sessionId, connected);
      expect(await wireLength(customer), `bytes on the data channel after ${step}, paused`).toBe(0);
    }
    expect(await eventsFrom(sessionId, pausedAt), 'audit while paused (no page visited)').toEqual([]);
    expect(await mirrorUrl(agent)).toBe(`${harness.shop.url}/checkout`);

    // Resume: the agent gets this page, from a fresh snapshot, the first thing on this page's channel.
    await customer.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => indicator(customer)).toBe(SHARING);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/shipping`);
    const first = (await decodeWire(customer))[0];
    expect(first?.t === 'snapshot' && first.part).toBe(0);
    const afterResume = await eventsFrom(sessionId, pausedAt);
    expect(afterResume.map((e) => e.type)).toEqual(['resumed', 'page-visited']);
    expect(afterResume[1]?.data['url']).toBe(`${harness.shop.url}/shipping`);
    await customer.close();
    await agent.close();
  }, 120_000);

  it('control: without the pause, the next page is shared at once', async () => {
    const { sessionId, customer, agent } = await liveOnCheckout();
    const connected = await connectedCount(sessionId);
    await customer.goto(`${harness.shop.url}/shipping`);
    await nextPageConnected(sessionId, connected);
    await expect.poll(() => wireLength(customer)).toBeGreaterThan(0);
    await expect.poll(() => mirrorUrl(agent), { timeout: 20_000 }).toBe(`${harness.shop.url}/shipping`);
    expect(await indicator(customer)).toBe(SHARING);
    await customer.close();
    await agent.close();
  }, 90_000);
});
