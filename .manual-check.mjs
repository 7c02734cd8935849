// Manual two-window check (not part of the suite): real server via npm start's code, two Chromium processes.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = process.argv[2] ?? '/tmp/manual';
const port = 18000 + Math.floor(Math.random() * 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'manual-'));
const server = spawn(process.execPath, ['/work/wme/scripts/start.mjs'], {
  env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let log = '';
server.stdout.on('data', (d) => (log += d));
server.stderr.on('data', (d) => (log += d));
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 200; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 200));
}
const launch = () => chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const [cb, ab] = await Promise.all([launch(), launch()]);
const customer = await (await cb.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
const desk = await (await ab.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
const errors = [];
customer.on('pageerror', (e) => errors.push('customer: ' + e.message));
desk.on('pageerror', (e) => errors.push('desk: ' + e.message));
const conv = 'manual-' + Date.now().toString(36);
await customer.goto(`${base}/demo/checkout?conversation=${conv}`);
await desk.goto(`${base}/demo/desk/?conversation=${conv}`);
await customer.getByRole('button', { name: 'Chat with support' }).click();
await customer.getByLabel('Message to support').pressSequentially('Where do I put my card?', { delay: 30 });
await customer.getByLabel('Message to support').press('Enter');
await desk.waitForTimeout(1000);
await desk.getByRole('button', { name: 'Offer co-browsing' }).click();
await customer.getByRole('dialog').waitFor({ timeout: 10000 });
await customer.waitForTimeout(500);
await customer.screenshot({ path: `${out}/1-customer-consent.png` });
await customer.getByRole('button', { name: /Allow/ }).first().click();
await customer.locator('#name').pressSequentially('Ada Lovelace', { delay: 40 });
await customer.locator('#card').pressSequentially('4111 1111 1111 1111', { delay: 40 });
await customer.mouse.wheel(0, 300);
await desk.waitForTimeout(2500);
await desk.screenshot({ path: `${out}/2-desk-live.png` });
await customer.screenshot({ path: `${out}/3-customer-live.png` });
const frame = desk.frames().find((f) => f.url().includes('/agent/'));
if (frame) {
  await frame
    .getByRole('button', { name: 'Request control' })
    .click()
    .catch((e) => errors.push('request: ' + e.message));
  await customer
    .getByRole('button', { name: /Allow control/ })
    .click({ timeout: 5000 })
    .catch((e) => errors.push('allow control: ' + e.message));
  await desk.waitForTimeout(800);
  const mirror = frame.childFrames()[0];
  if (mirror) {
    await mirror
      .locator('#name')
      .click()
      .catch((e) => errors.push('click mirror: ' + e.message));
    await desk.keyboard.press('End');
    await desk.keyboard.type(' Byron', { delay: 35 });
  }
  await desk.waitForTimeout(1500);
  console.log('customer #name value:', await customer.locator('#name').inputValue());
  await desk.screenshot({ path: `${out}/4-desk-control.png` });
  await customer.screenshot({ path: `${out}/5-customer-control.png` });
}
await customer
  .getByRole('button', { name: /End sharing/ })
  .click()
  .catch((e) => errors.push('end: ' + e.message));
await desk.waitForTimeout(2000);
await desk.screenshot({ path: `${out}/6-desk-ended.png` });
await customer.screenshot({ path: `${out}/7-customer-ended.png` });
console.log('errors:', errors);
await Promise.all([cb.close(), ab.close()]);
server.kill();
