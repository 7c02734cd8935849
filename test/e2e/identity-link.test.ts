/**
 * A sign-in link (`/agent/#identity=…`) is a bearer credential for one agent:
 * passed on to a colleague, it must not silently make the colleague's console
 * work in the sender's name, nor replace whoever is signed in there. The
 * console asks "Sign in as …?" before the exchange. Real server, real
 * Chromium; the oracle is the server's own /api/me for the page's cookie.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { startTestServer, type TestServer } from '../node/helpers/server.js';
import { signedInConsoleLink, signInFromLink } from './helpers/harness.js';

let server: TestServer | undefined;
let browser: LaunchedChromium | undefined;
afterEach(async () => {
  await browser?.close();
  await server?.close();
  browser = server = undefined;
});

const VERA = { agentId: 'agent-vera', name: 'Vera' };
const MARK = { agentId: 'agent-mark', name: 'Mark' };

/** Who the server says this page's cookie belongs to. */
function signedInAs(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    const res = await fetch('/api/me', { cache: 'no-store' });
    const body = (await res.json()) as { agent: { name: string } | null };
    return body.agent?.name ?? null;
  });
}

describe('sign-in links ask before signing in', () => {
  it('a link opened by someone else asks first, and never silently replaces the agent signed in', async () => {
    server = await startTestServer();
    browser = await launchChromium();
    const page = await browser.newPage();

    // Nobody signed in: the question comes before any cookie.
    await page.goto(await signedInConsoleLink(server, VERA));
    const question = page.getByRole('heading', { name: 'Sign in as Vera?' });
    await question.waitFor();
    expect(await question.evaluate((h) => h === document.activeElement)).toBe(true);
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(await signedInAs(page)).toBeNull();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => signedInAs(page)).toBe('Vera');

    // Mark's link, passed on to Vera: she is asked, and staying keeps her signed in.
    await page.goto(await signedInConsoleLink(server, MARK));
    await page.getByRole('heading', { name: 'Sign in as Mark?' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('This console is signed in as Vera');
    expect(await signedInAs(page)).toBe('Vera');
    await page.getByRole('button', { name: 'Stay signed in as Vera' }).click();
    await page.getByRole('button', { name: /Sign out/ }).waitFor();
    expect(await signedInAs(page)).toBe('Vera');

    // Only her explicit choice switches.
    await signInFromLink(page, await signedInConsoleLink(server, MARK));
    await expect.poll(() => signedInAs(page)).toBe('Mark');
  });
});
