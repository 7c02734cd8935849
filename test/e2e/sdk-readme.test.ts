/**
 * The README's "Automated agents" example, exactly as written there, run as
 * its own Node process (importing the package entry `peer-cobrowse/sdk` from
 * the build) against a real server and a real Chromium customer on the demo
 * checkout. The oracle is the customer's page: its city field and its overlay.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { createSession, startTestServer, type TestServer } from '../node/helpers/server.js';
import { offer } from './helpers/harness.js';

const root = join(import.meta.dirname, '..', '..');
// Inside the package, so `peer-cobrowse/sdk` resolves through package.json "exports".
const script = join(root, 'dist', 'readme-example.mjs');

let server: TestServer;
let browser: LaunchedChromium;
beforeAll(async () => {
  server = await startTestServer({ DEMO: 'true' });
  browser = await launchChromium();
});
afterAll(async () => {
  rmSync(script, { force: true });
  await browser?.close();
  await server?.close();
});

/** The first js code block after the "Automated agents" heading. */
function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Automated agents'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('README has no js example under "Automated agents"');
  return match[1];
}

describe('README: Automated agents', () => {
  it('runs the example as written: it reads the masked checkout, highlights the postcode and types the city with permission', async () => {
    const example = readmeExample();
    expect(example.split('\n').length).toBeLessThanOrEqual(25);
    expect(existsSync(join(root, 'dist', 'node', 'sdk', 'index.js')), 'run `npm run build` first').toBe(true);
    writeFileSync(script, example);

    const created = await createSession(server, { agentName: 'Lumen helper', agentBot: true });
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/demo/checkout`);
    await offer(page, (created.raw as { customer: { inviteCode: string } }).customer.inviteCode);
    await page.getByRole('button', { name: 'Allow sharing' }).click();
    await page.locator('#card').pressSequentially('4929 1234 5678 9012');

    const child = spawn(process.execPath, [script], {
      cwd: root,
      env: { ...process.env, COBROWSE_SERVER: server.baseUrl, AGENT_TOKEN: created.agentToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    // The example highlights the postcode, then asks for control; the customer allows.
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const box = document
              .querySelector('cobrowse-session')
              ?.shadowRoot?.querySelector<HTMLElement>('[data-cobrowse-highlight]');
            return box?.style.display ?? 'missing';
          }),
        { timeout: 20_000 },
      )
      .toBe('block');
    await page.getByRole('button', { name: 'Allow control' }).click();

    const code = await exited;
    expect(await page.locator('#city').inputValue()).toBe('London');
    expect(code, `${stderr}\n${stdout}`).toBe(0);
    expect(stdout).toContain('Checkout');
    expect(stdout).toContain('Postcode: ""');
    expect(stdout).toContain('Card number: (masked)');
    expect(stdout.replace(/\D/g, '')).not.toContain('49291234');
    await page.close();
  });
});
