/**
 * An agent with control must not read what the customer typed into a masked
 * field (review s12 F1, F2). Real Chromium, real WebRTC; the customer types
 * with real keys. The oracle is the text the test itself sent and typed,
 * written out here, never the product's masking code.
 *
 * F1: the echo rule bullets a masked field's value wherever clear text repeats
 * it; run on the agent's own typing, it answered guesses (a word list typed
 * into the name field came back with the password bulleted). The agent's text
 * must come back as it typed it, by the SDK's `input` action and by the
 * console's real keys; control: the customer's own copy of the password typed
 * after it into the same field is still bulleted, and so is the same text
 * typed by the customer in a clear field the agent never touched.
 *
 * F2: a remote click between two of the customer's keys took focus out of the
 * password field, and the rest of the password went to a clear field.
 */
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSdkSuite, type SharedWithControl } from './helpers/demo-sdk.js';
import { mirrorElement, mirrorFrame, startHarness, type Harness } from './helpers/harness.js';
import { drained, liveWithControl, until } from './helpers/live-control.js';

const SECRET = 'MarmaladeSky';
const WORDS = ['password', 'letmein', 'dragon', 'sunshine', 'marmaladesky', 'monkey', 'football', 'iloveyou'];
const GUESSES = `|${WORDS.join('|')}|`;
const BULLETS = '•'.repeat(SECRET.length);

describe('an agent with control reads nothing of a masked field (SDK on the demo)', () => {
  const suite = demoSdkSuite();
  const shared = (path: string): Promise<SharedWithControl> => suite.shareWithControl(path);

  const nameSeen = (session: SharedWithControl['session']): string => session.page.field(/^name$/i)?.value ?? '';

  it('F1: a word list the agent types into a clear field comes back as typed; the customer’s own copy of the password does not', async () => {
    const { page, session } = await shared('/demo/account');
    await page.locator('#password').pressSequentially(SECRET, { delay: 40 });
    await page.locator('h1').first().click();
    const name = await session.field(/^name$/i);
    session.type(name.id, GUESSES);
    await expect.poll(() => page.locator('#account-name').inputValue()).toBe(GUESSES);
    await session.until((view) => view.field(/^name$/i)?.value.length === GUESSES.length, { timeoutMs: 15_000 });
    expect(nameSeen(session)).toBe(GUESSES);

    // Control: the customer types the password into the same field after the agent's text: that part is masked.
    await page.locator('#account-name').press('End');
    await page.keyboard.type(SECRET, { delay: 40 });
    await page.locator('h1').first().click();
    await session.until((view) => view.field(/^name$/i)?.value.length === GUESSES.length + SECRET.length, {
      timeoutMs: 15_000,
    });
    await session.until((view) => !(view.field(/^name$/i)?.value ?? '').endsWith('y'), { timeoutMs: 15_000 });
    expect(nameSeen(session)).toBe(GUESSES + BULLETS);

    // Control: the same in a clear field the agent never typed in (the echo rule as before).
    await page.locator('#account-email').click();
    await page.keyboard.type(`${SECRET.toLowerCase()}@example.org`, { delay: 40 });
    await page.locator('h1').first().click();
    await session.until((view) => (view.field(/email/i)?.value ?? '').endsWith('example.org'), { timeoutMs: 15_000 });
    expect(session.page.field(/email/i)?.value).toBe(`${BULLETS}@example.org`);
  }, 120_000);

  it('F2: a remote click while the customer types a password leaves their focus, and their keys, in the password field', async () => {
    const { page, session } = await shared('/demo/account');
    const name = await session.field(/^name$/i);
    const clicks = (): Promise<number> => page.evaluate(() => (window as unknown as { __clicks: number }).__clicks);
    await page.evaluate(() => {
      (window as unknown as { __clicks: number }).__clicks = 0;
      document.getElementById('account-name')?.addEventListener('click', () => {
        (window as unknown as { __clicks: number }).__clicks++;
      });
    });
    await page.locator('#password').click();
    await page.keyboard.type('hunt', { delay: 40 });
    session.click(name.id); // between two of the customer's keys
    await expect.poll(clicks).toBe(1);
    await page.keyboard.type('erSecretPass', { delay: 40 });
    expect(await page.locator('#password').inputValue()).toBe('hunterSecretPass');
    expect(await page.locator('#account-name').inputValue()).toBe('');
    // Control: with the customer's focus on no text field, the same click puts focus in the name field.
    await page.locator('h1').first().click();
    session.click(name.id);
    await expect.poll(clicks).toBe(2);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('account-name');
  }, 120_000);
});

/** A React controlled field: React writes its value into the `value` attribute too, which goes out as an attribute. */
const REACT_APP = `
import { createElement as e, useState } from 'react';
import { createRoot } from 'react-dom/client';
function Field() {
  const [value, setValue] = useState('');
  return e('div', null, e('label', { htmlFor: 'r-name' }, 'Name on the parcel'),
    e('input', { id: 'r-name', value, onChange: (event) => setValue(event.target.value) }));
}
createRoot(document.getElementById('react-root')).render(e(Field));
`;

async function bundleReact(): Promise<string> {
  const result = await esbuild.build({
    stdin: { contents: REACT_APP, resolveDir: join(import.meta.dirname, '..', '..'), loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  return result.outputFiles[0]?.text ?? '';
}

describe('the console’s real keys into a clear field (F1)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  }, 90_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('guesses typed key by key come back as typed, after the agent’s hold on the field ends', async () => {
    const { customer, agent } = await liveWithControl(harness, '/checkout', 'Checkout');
    await customer.locator('#password').click();
    await customer.keyboard.type(SECRET, { delay: 30 });
    await customer.locator('#title').click();
    const mirror = await mirrorFrame(agent);
    await mirror.locator('#address').click();
    await agent.keyboard.type(GUESSES, { delay: 20 });
    await drained(agent);
    expect(await customer.locator('#address').inputValue()).toBe(GUESSES);
    // The agent leaves the field: its copy then shows what the customer's page sent.
    await mirror.locator('#title').click();
    await until(
      async () => (await mirrorElement(agent, '#address'))?.value === GUESSES,
      'the agent’s copy',
      5_000,
    ).catch(() => undefined);
    expect((await mirrorElement(agent, '#address'))?.value).toBe(GUESSES);
  }, 120_000);

  it('in a React field, whose value attribute React keeps equal to the value, the attribute comes back as typed too', async () => {
    const { customer, agent } = await liveWithControl(harness, '/checkout', 'Checkout');
    await customer.evaluate(() => {
      document.querySelector('main')?.prepend(Object.assign(document.createElement('div'), { id: 'react-root' }));
    });
    await customer.addScriptTag({ content: await bundleReact(), type: 'module' });
    await customer.locator('#r-name').waitFor();
    await customer.locator('#password').click();
    await customer.keyboard.type(SECRET, { delay: 30 });
    await customer.locator('#title').click();
    const mirror = await mirrorFrame(agent);
    await mirror.locator('#r-name').click();
    await agent.keyboard.type(GUESSES, { delay: 20 });
    await drained(agent);
    // React did write the attribute (else this case tests nothing).
    expect(await customer.locator('#r-name').getAttribute('value')).toBe(GUESSES);
    await mirror.locator('#title').click();
    await until(
      async () => (await mirror.locator('#r-name').getAttribute('value')) === GUESSES,
      'the attribute',
      5_000,
    ).catch(() => undefined);
    expect(await mirror.locator('#r-name').getAttribute('value')).toBe(GUESSES);
    expect((await mirrorElement(agent, '#r-name'))?.value).toBe(GUESSES);
  }, 120_000);
});
