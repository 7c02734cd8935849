/**
 * Remote `navigate: back / forward` obeys the navigation rule (review s12 F7):
 * the customer's tab never leaves the site for the one it came from. Real
 * Chromium and WebRTC, the Node SDK as the agent, the demo shop served on two
 * origins (127.0.0.1 and localhost, the same server). Control: a step back
 * within the site is taken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { joinSession, type ActionError, type AgentSdkSession } from '../../sdk/index.js';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { createSession, startTestServer, type TestServer } from '../node/helpers/server.js';
import { offer } from './helpers/harness.js';

let server: TestServer;
let browser: LaunchedChromium;
const opened: AgentSdkSession[] = [];

beforeAll(async () => {
  server = await startTestServer({ DEMO: 'true' });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const session of opened) session.leave();
  await browser?.close();
  await server?.close();
});

/** The customer's tab went to each of `before`, then to `path` on the server's origin, and shares it with control. */
async function shared(before: string[], path: string): Promise<{ page: Page; session: AgentSdkSession }> {
  const created = await createSession(server, { agentName: 'Helper', agentBot: true });
  const raw = created.raw as { customer: { inviteCode: string } };
  const page = await browser.newPage();
  for (const url of before) await page.goto(url);
  await page.goto(`${server.baseUrl}${path}`);
  await offer(page, raw.customer.inviteCode);
  await page.getByRole('button', { name: 'Allow sharing' }).click();
  const session = await joinSession({ server: server.baseUrl, token: created.agentToken, name: 'Helper', bot: true });
  opened.push(session);
  const granted = session.requestControl();
  await page.getByRole('button', { name: 'Allow control' }).click();
  expect(await granted).toBe(true);
  return { page, session };
}

function refusal(session: AgentSdkSession): Promise<string> {
  return new Promise((resolve) => {
    const off = session.on('error', (error: ActionError) => {
      off();
      resolve(error.code);
    });
  });
}

describe('remote history navigation', () => {
  it('back from the site’s first page (the customer came from another site) is refused; the tab stays', async () => {
    const elsewhere = server.baseUrl.replace('127.0.0.1', 'localhost') + '/demo/';
    const { page, session } = await shared([elsewhere], '/demo/checkout');
    const refused = refusal(session);
    session.navigate('back');
    expect(await refused).toBe('cross-origin');
    expect(page.url()).toBe(`${server.baseUrl}/demo/checkout`);
    // Forward from the last entry: nothing there, refused too.
    const again = refusal(session);
    session.navigate('forward');
    expect(await again).toBe('cross-origin');
  }, 90_000);

  it('control: back within the site is taken', async () => {
    const { page, session } = await shared([`${server.baseUrl}/demo/`], '/demo/checkout');
    session.navigate('back');
    await page.waitForURL(`${server.baseUrl}/demo/`);
  }, 90_000);
});
