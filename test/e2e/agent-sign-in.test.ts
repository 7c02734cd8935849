/**
 * An agent signs in to the console through a real OpenID Connect provider
 * (oidc-provider on a free loopback port, its own login and consent pages) in
 * real Chromium, then claims a support code and joins a session from the
 * list; signed out, the console asks for sign-in again. Nothing is mocked.
 */
import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { freePort } from '../node/helpers/free-port.js';
import { startTestServer, type TestServer } from '../node/helpers/server.js';

const CLIENT_ID = 'cobrowse-console';
const CLIENT_SECRET = 'cobrowse-console-secret-0123456789';

let server: TestServer | undefined;
let idp: Server | undefined;
let browser: LaunchedChromium | undefined;
afterEach(async () => {
  await browser?.close();
  await server?.close();
  idp?.closeAllConnections();
  idp?.close();
  browser = undefined;
  server = undefined;
  idp = undefined;
});

/** A real provider whose every account is named after its login ("grace" → "Grace Hopper" style). */
async function startProvider(port: number, redirectUri: string): Promise<Server> {
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['name'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, name: `${sub[0]?.toUpperCase() ?? ''}${sub.slice(1)} Hopper` }),
    }),
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
  });
  const listening = provider.listen(port, '127.0.0.1');
  await once(listening, 'listening');
  return listening;
}

describe('agent sign-in through OpenID Connect', () => {
  it('signs in at the provider, claims a code, joins from the list, signs out', async () => {
    const idpPort = await freePort();
    const logLines: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    server = await startTestServer(
      {
        OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
      },
      { logStream },
    );
    idp = await startProvider(idpPort, `${server.baseUrl}/auth/callback`);
    browser = await launchChromium();
    const page = await browser.newPage();

    await page.goto(`${server.baseUrl}/agent/`);
    await page.getByRole('heading', { name: 'Sign in to the agent console' }).waitFor();
    // Signed out, a support code is refused in the console itself, with the reason.
    const issued = (await (await fetch(`${server.baseUrl}/api/support-codes`, { method: 'POST' })).json()) as {
      code: string;
    };
    await page.getByLabel('Support code or link').fill(issued.code);
    await page.getByRole('button', { name: 'Join' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/Sign in first/);

    await page.getByRole('link', { name: 'Sign in with your company account' }).click();
    // The provider's own pages: login (any password), then consent.
    await page.locator('input[name="login"]').fill('grace');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Signed in as').waitFor();
    expect(await page.locator('.who strong').textContent()).toBe('Grace Hopper');
    expect(new URL(page.url()).pathname).toBe('/agent/');

    const cookies = await browser.context.cookies(server.baseUrl);
    const session = cookies.find((c) => c.name === 'cobrowse_agent');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // The PKCE round-trip cookie is gone once used.
    expect(cookies.find((c) => c.name === 'cobrowse_oidc')).toBeUndefined();

    // The code the customer read out: claimed by Grace, the session is hers.
    await page.getByLabel('Support code or link').fill(issued.code);
    await page.getByRole('button', { name: 'Join' }).click();
    await expect.poll(() => page.url()).toMatch(/#token=/);
    await page.locator('cobrowse-agent-view').waitFor();

    // Back in the workspace, the session is in her list; one click joins it.
    await page.goto(`${server.baseUrl}/agent/`);
    const join = page.getByRole('button', { name: /^Join: Session/ });
    await join.waitFor();
    await join.click();
    await expect.poll(() => page.url()).toMatch(/#token=jt\./);
    await expect.poll(() => page.locator('cobrowse-agent-view .status').textContent()).toBe('Waiting for the customer');

    const audit = (await (
      await fetch(`${server.baseUrl}/api/sessions?limit=1`, { headers: { authorization: `Bearer ${server.apiKey}` } })
    ).json()) as { sessions: { sessionId: string; agentName: string }[] };
    expect(audit.sessions[0]?.agentName).toBe('Grace Hopper');

    // Signing out brings back the sign-in page, and the list is refused.
    await page.goto(`${server.baseUrl}/agent/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the agent console' }).waitFor();
    const list = await page.evaluate(async () => (await fetch('/api/sessions')).status);
    expect(list).toBe(401);

    // The provider's one-time code and the cookies never reach the logs; the callback itself is logged.
    const logs = logLines.join('');
    expect(logs).toContain('/auth/callback');
    expect(logs).not.toMatch(/[?&]code=/);
    expect(logs).not.toContain(session?.value ?? 'no cookie');
  });

  it('explains a refused sign-in at the provider and a console without single sign-on', async () => {
    server = await startTestServer();
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/agent/`);
    await page.getByText('Open the console from your chat system to sign in.').waitFor();
    await page.goto(`${server.baseUrl}/auth/callback?error=access_denied`);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/Single sign-on is not configured/);
    expect(new URL(page.url()).hash).toBe('');
  });

  it('shows only its own words for a sign-in error in the address, never text someone put in a link', async () => {
    server = await startTestServer();
    browser = await launchChromium();
    const page = await browser.newPage();
    const spoof = 'Your account is locked. Call +1 555 0100 and read out your password.';
    await page.goto(`${server.baseUrl}/agent/#signin-error=${encodeURIComponent(spoof)}`);
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toBe('The sign-in did not work. Sign in again.');
    expect(await page.locator('body').innerText()).not.toContain('locked');
    expect(new URL(page.url()).hash).toBe('');
    // Control: a code the server sends shows its message.
    await page.goto(`${server.baseUrl}/auth/callback?error=access_denied`);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/Single sign-on is not configured/);
    await page.goto(`${server.baseUrl}/`);
    await page.goto(`${server.baseUrl}/agent/#signin-error=expired`);
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toBe('The sign-in took too long or was started elsewhere. Sign in again.');
  });
});
