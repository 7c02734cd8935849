/**
 * The demo as someone trying the product sees it: the shop's checkout in one
 * Chromium, the agent desk in another, a real server and real WebRTC. The desk
 * offers co-browsing from the chat, the customer sees the invite and the
 * consent prompt, allows, and the desk's agent console shows the checkout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { DEMO_INVITE_TEXT } from '../../signaling/demo.js';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { startTestServer, type TestServer } from '../node/helpers/server.js';
import { agentStatus, mirrorElement } from './helpers/harness.js';

let server: TestServer;
let customerBrowser: LaunchedChromium;
let agentBrowser: LaunchedChromium;

beforeAll(async () => {
  server = await startTestServer({ DEMO: 'true' });
  [customerBrowser, agentBrowser] = await Promise.all([launchChromium(), launchChromium()]);
});
afterAll(async () => {
  await Promise.all([customerBrowser?.close(), agentBrowser?.close()]);
  await server?.close();
});

/** The agent console the desk embeds next to the chat. */
async function consoleFrame(desk: Page): Promise<Frame> {
  for (let i = 0; i < 100; i += 1) {
    const frame = desk.frames().find((candidate) => candidate.url().includes('/agent/'));
    if (frame) return frame;
    await desk.waitForTimeout(100);
  }
  throw new Error('the desk shows no agent console');
}

describe('the demo: shop and agent desk', () => {
  it('offers co-browsing from the desk chat; the customer allows; the desk sees the checkout', async () => {
    const conversation = `e2e-${Date.now().toString(36)}`;
    const customer = await customerBrowser.newPage();
    const pageErrors: string[] = [];
    customer.on('pageerror', (error) => pageErrors.push(error.message));
    await customer.goto(`${server.baseUrl}/demo/checkout?conversation=${conversation}`);
    await expect.poll(() => customer.getByRole('heading', { name: 'Checkout' }).isVisible()).toBe(true);

    const desk = await agentBrowser.newPage();
    await desk.goto(`${server.baseUrl}/demo/desk/?conversation=${conversation}`);
    // The customer writes; the desk sees it.
    await customer.getByRole('button', { name: 'Chat with support' }).click();
    await customer.getByLabel('Message to support').fill('My address is not accepted');
    await customer.getByLabel('Message to support').press('Enter');
    await expect
      .poll(() => desk.getByRole('log').textContent(), { timeout: 10_000 })
      .toContain('My address is not accepted');

    await desk.getByRole('button', { name: 'Offer co-browsing' }).click();

    // The invite arrives in the customer's chat and opens the consent prompt.
    const chat = customer.getByRole('log', { name: 'Conversation with support' });
    await expect.poll(() => chat.textContent(), { timeout: 10_000 }).toContain(DEMO_INVITE_TEXT);
    const dialog = customer.getByRole('dialog');
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true);
    const prompt = (await dialog.textContent()) ?? '';
    expect(prompt).toContain('Dana');
    expect(prompt).toContain('this browser tab only');
    expect(prompt).toMatch(/card numbers and other sensitive fields are hidden/);

    // The desk opened the agent console for that session, waiting for consent.
    const agentConsole = await consoleFrame(desk);
    await expect.poll(() => agentStatus(agentConsole), { timeout: 10_000 }).toBe('Waiting for the customer');
    expect(await desk.getByRole('link', { name: /Open co-browsing view/ }).getAttribute('href')).toMatch(
      /\/agent\/#token=/,
    );

    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    await expect.poll(() => agentStatus(agentConsole), { timeout: 15_000 }).toBe('Live');
    await expect
      .poll(async () => (await mirrorElement(agentConsole, '#title'))?.text, { timeout: 10_000 })
      .toBe('Checkout');
    await expect.poll(() => chat.textContent()).toContain('You allowed Dana to see this tab.');
    await expect.poll(() => desk.locator('#session-status').textContent(), { timeout: 10_000 }).toBe('Live');

    // What the customer types reaches the desk; the card number only as a mask.
    await customer.locator('#name').pressSequentially('Ada Lovelace');
    await customer.locator('#card').pressSequentially('4111 1111 1111 1111');
    await expect.poll(async () => (await mirrorElement(agentConsole, '#name'))?.value).toBe('Ada Lovelace');
    await expect.poll(async () => (await mirrorElement(agentConsole, '#card'))?.masked).toBe(true);
    const card = await mirrorElement(agentConsole, '#card');
    expect(`${card?.value ?? ''} ${card?.text ?? ''}`).not.toContain('4111');

    expect(pageErrors).toEqual([]);
    await customer.close();
    await desk.close();
  });
});
