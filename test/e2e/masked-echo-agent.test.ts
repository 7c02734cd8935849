/**
 * The echo rule must not answer the agent's guesses wherever the page puts the agent's text (review s13 R1-R3,
 * after review s12 F1). The customer types a password with real keys; an agent with control types a word list
 * (SDK `input` action, or the console's real keys) and the page repeats it: a React textarea's text child, a
 * "Hello, …" preview, a re-mounted field, a letters-only formatter. The oracle is every string the customer's
 * page put on the data channel, decoded (helpers/wire.ts), read by this file's own check: a string that shows the
 * guess list with the right guess bulleted and its neighbours in clear answers the list. For R3 (the agent edits
 * the customer's bulleted copy of the password in a clear field), the oracle is that no sent string holds 5
 * characters of the password in clear from the agent's edit on. The page's behaviour (React, the preview, the re-mount, the formatter) is
 * installed with `page.evaluate`, standing in for the site's own script (the demo's CSP refuses inline scripts).
 * Controls: the customer's own copy of the password still goes out bulleted (the rule still runs), and the same
 * checks fail on the tree before the fix (commit message).
 */
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoSdkSuite, type SharedWithControl } from './helpers/demo-sdk.js';
import { RECORD_CHANNEL_BYTES, mirrorElement, mirrorFrame, recordingHarness } from './helpers/harness.js';
import { drained, liveWithControl, until } from './helpers/live-control.js';
import { decodeWire } from './helpers/wire.js';
import { BULLETS, SECRET, sent, typeBulletedCopy, untilCopyBulleted } from './helpers/masked-copy.js';

const WORDS = ['password', 'letmein', 'dragon', 'sunshine', 'marmaladesky', 'monkey', 'football', 'iloveyou'];
const GUESSES = `|${WORDS.join('|')}|`;

/**
 * The guesses a sent string answers: a word shown as bullets of its length between its two neighbours in clear
 * (`separator` between words as the page shows them).
 */
function answered(strings: readonly string[], separator: string): string[] {
  const found = new Set<string>();
  for (const text of strings) {
    const lower = text.toLowerCase();
    for (let i = 1; i + 1 < WORDS.length; i++) {
      const word = WORDS[i] ?? '';
      const probe = `${WORDS[i - 1]}${separator}${'•'.repeat(word.length)}${separator}${WORDS[i + 1]}`;
      if (lower.includes(probe)) found.add(word);
    }
  }
  return [...found];
}

/** Strings holding 5 characters in a row of the password (ignoring case). */
function holdingSecret(strings: readonly string[]): string[] {
  const secret = SECRET.toLowerCase();
  const parts: string[] = [];
  for (let i = 0; i + 5 <= secret.length; i++) parts.push(secret.slice(i, i + 5));
  return strings.filter((text) => parts.some((part) => text.toLowerCase().includes(part)));
}

const REACT_TEXTAREA = `
import { createElement as e, useState } from 'react';
import { createRoot } from 'react-dom/client';
function Notes() {
  const [value, setValue] = useState('');
  return e('div', null, e('label', { htmlFor: 'r-notes' }, 'Delivery notes'),
    e('textarea', { id: 'r-notes', value, onChange: (event) => setValue(event.target.value) }));
}
createRoot(document.getElementById('react-root')).render(e(Notes));
`;

async function bundleReact(): Promise<string> {
  const result = await esbuild.build({
    stdin: { contents: REACT_TEXTAREA, resolveDir: join(import.meta.dirname, '..', '..'), loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  return result.outputFiles[0]?.text ?? '';
}

describe('the page repeats the agent’s word list (SDK on the demo account page)', () => {
  const suite = demoSdkSuite();

  /** The account page shared with control granted, its bytes recorded; `setup` installs the page's behaviour. */
  async function shared(setup: (page: Page) => Promise<void>): Promise<SharedWithControl> {
    const { page, session } = await suite.shareWithControl('/demo/account', {
      beforeLoad: (p) => p.addInitScript(RECORD_CHANNEL_BYTES),
      beforeOffer: setup,
    });
    await page.locator('#password').pressSequentially(SECRET, { delay: 40 });
    await page.locator('h1').first().click();
    return { page, session };
  }

  it('R1: a React controlled textarea (its text child copies the value) sends the list as typed', async () => {
    const { page, session } = await shared(async (p) => {
      await p.evaluate(() => {
        document.querySelector('main')?.prepend(Object.assign(document.createElement('div'), { id: 'react-root' }));
      });
      await p.evaluate(await bundleReact());
      await p.locator('#r-notes').waitFor();
    });
    await session.until((view) => view.field(/delivery notes/i) !== undefined, { timeoutMs: 15_000 });
    const notes = session.page.field(/delivery notes/i);
    if (notes === undefined) throw new Error('no notes field');
    session.type(notes.id, GUESSES);
    await expect.poll(() => page.locator('#r-notes').inputValue()).toBe(GUESSES);
    // React wrote the text child (else this case tests nothing).
    expect(await page.locator('#r-notes').evaluate((t) => t.textContent)).toBe(GUESSES);
    await session.until((view) => view.textOf(notes.id).length === GUESSES.length, { timeoutMs: 15_000 });
    expect(answered(await sent(page), '|')).toEqual([]);
    expect(session.page.textOf(notes.id)).toBe(GUESSES);
  }, 120_000);

  it('R2: a "Hello, …" preview of the name field sends the list as typed; the customer’s own copy stays bulleted', async () => {
    const { page, session } = await shared(async (p) => {
      await p.evaluate(() => {
        const out = Object.assign(document.createElement('p'), { id: 'hello' });
        document.querySelector('#account')?.append(out);
        document.querySelector('#account-name')?.addEventListener('input', (e) => {
          out.textContent = `Hello, ${(e.target as HTMLInputElement).value}`;
        });
      });
    });
    const name = await session.field(/^name$/i);
    session.type(name.id, GUESSES);
    await expect.poll(() => page.locator('#hello').textContent()).toBe(`Hello, ${GUESSES}`);
    await session.until((view) => view.text().includes('|iloveyou|'), { timeoutMs: 15_000 });
    expect(answered(await sent(page), '|')).toEqual([]);

    // Control: the customer types the password into the name field: the field and its preview go out bulleted.
    await page.locator('#account-name').fill('');
    await page.locator('#account-name').pressSequentially(SECRET.toLowerCase(), { delay: 40 });
    await page.locator('h1').first().click();
    await session.until((view) => view.text().includes(`Hello, ${BULLETS}`), { timeoutMs: 15_000 });
    expect(await sent(page)).toContain(`Hello, ${BULLETS}`);
  }, 120_000);

  it('R2b: a field re-mounted with its value (a framework re-render) sends the list as typed', async () => {
    const { page, session } = await shared(async (p) => {
      await p.evaluate(() => {
        const again = Object.assign(document.createElement('button'), {
          type: 'button',
          id: 'again',
          textContent: 'Edit name',
        });
        document.querySelector('#account')?.append(again);
        again.addEventListener('click', () => {
          const old = document.querySelector<HTMLInputElement>('#account-name');
          if (old === null) return;
          const fresh = old.cloneNode() as HTMLInputElement;
          fresh.value = old.value;
          old.replaceWith(fresh);
        });
      });
    });
    const name = await session.field(/^name$/i);
    session.type(name.id, GUESSES);
    await session.until((view) => view.field(/^name$/i)?.value === GUESSES, { timeoutMs: 15_000 });
    const again = session.page.getByRole('button', { name: 'Edit name' })[0];
    if (again === undefined) throw new Error('no Edit name button');
    session.click(again.id);
    await session.until((view) => (view.field(/^name$/i)?.id ?? name.id) !== name.id, { timeoutMs: 15_000 });
    expect(answered(await sent(page), '|')).toEqual([]);
    expect(session.page.field(/^name$/i)?.value).toBe(GUESSES);
  }, 120_000);

  it('R2c: a letters-only formatter on the field keeps the agent’s letters the agent’s', async () => {
    const { page, session } = await shared(async (p) => {
      await p.evaluate(() => {
        const name = document.querySelector<HTMLInputElement>('#account-name');
        name?.addEventListener('input', () => {
          const clean = name.value.replace(/[^\p{L} '-]/gu, '');
          if (clean !== name.value) name.value = clean;
        });
      });
    });
    const name = await session.field(/^name$/i);
    const shown = WORDS.join('');
    session.type(name.id, WORDS.join('1'));
    await expect.poll(() => page.locator('#account-name').inputValue()).toBe(shown);
    await session.until((view) => view.field(/^name$/i)?.value.length === shown.length, { timeoutMs: 15_000 });
    expect(answered(await sent(page), '')).toEqual([]);
    expect(session.page.field(/^name$/i)?.value).toBe(shown);
  }, 120_000);
});

describe('the agent edits the customer’s bulleted copy of the password (console real keys, R3)', () => {
  const harness = recordingHarness(90_000);

  for (const how of ['backspace', 'insert', 'delete'] as const) {
    it(`R3 ${how}: the rest of the copy stays bulleted`, async () => {
      const { customer, agent } = await liveWithControl(harness, '/checkout', 'Checkout');
      await typeBulletedCopy(customer);
      // Control: the customer's copy reaches the agent bulleted (its prefixes went out as typed, as any clear
      // field's: only what is sent from the agent's edit on is checked).
      await untilCopyBulleted(agent);
      const before = (await decodeWire(customer)).length;
      const mirror = await mirrorFrame(agent);
      await mirror.locator('#address').click();
      if (how === 'delete') {
        await agent.keyboard.press('Home');
        await agent.keyboard.press('Delete');
      } else {
        await agent.keyboard.press('End');
        if (how === 'backspace') await agent.keyboard.press('Backspace');
        else {
          for (let i = 0; i < 7; i++) await agent.keyboard.press('ArrowLeft');
          await agent.keyboard.type('X');
        }
      }
      await drained(agent);
      await mirror.locator('#title').click();
      const edited = { backspace: 'marmaladesk', insert: 'marmaXladesky', delete: 'armaladesky' }[how];
      expect(await customer.locator('#address').inputValue()).toBe(edited);
      await until(async () => (await mirrorElement(agent, '#address'))?.value?.length === edited.length, 'the edit');
      const after = await sent(customer, before);
      expect(holdingSecret(after)).toEqual([]);
      // What went out instead: the customer's characters bulleted, the agent's X as typed.
      const bulleted = {
        backspace: '•'.repeat(11),
        insert: `${'•'.repeat(5)}X${'•'.repeat(7)}`,
        delete: '•'.repeat(11),
      };
      expect(after).toContain(bulleted[how]);
    }, 120_000);
  }
});
