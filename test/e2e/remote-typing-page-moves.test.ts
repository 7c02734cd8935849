/**
 * Remote typing where the page itself moves the caret or the focus (review
 * s12 T1, T3): the agent's real keys in the mirror (real WebRTC) against a
 * person's same keys, Playwright's keyboard, on a copy of the page
 * (helpers/typing-oracle.ts: no product code). The customer's fields must end
 * as the person's do, at 20 and 80 ms per key.
 *
 * T1: an inline-autocomplete combobox (WAI-ARIA "both") completes the typed
 * prefix and selects the completion; a person's next key replaces it.
 * T3: split fields that move focus on once a group is full (a product key in
 * groups of five): a person's next key goes to the next box.
 * Control: a plain field; and a split field whose page does not move focus
 * keeps only what fits, for the agent as for a person.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './helpers/harness.js';
import { typeBoth, typingPages, type Step, type TypingPages } from './helpers/typing-oracle.js';

let harness: Harness;
let pages: TypingPages;

const FIELDS = `
<label for="t-auto">State (inline autocomplete)</label><input id="t-auto" role="combobox" aria-autocomplete="both">
<label for="t-g1">Key, first group</label><input id="t-g1" maxlength="5">
<label for="t-g2">Key, second group</label><input id="t-g2" maxlength="5">
<label for="t-g3">Key, third group</label><input id="t-g3" maxlength="5">
<label for="t-stay">Five characters, focus stays</label><input id="t-stay" maxlength="5">
<label for="t-plain">Plain (control)</label><input id="t-plain">
`;

const SCRIPT = `
  const $ = (id) => document.getElementById(id);
  // WAI-ARIA APG "both" combobox: the first match completes inline, the completion selected.
  const states = ['california', 'colorado', 'connecticut'];
  $('t-auto').addEventListener('input', (e) => {
    const f = e.target;
    if (e.inputType !== 'insertText') return;
    const typed = f.value.toLowerCase();
    const match = states.find((s) => s.startsWith(typed));
    if (!match || typed === '') return;
    f.value = match;
    f.setSelectionRange(typed.length, match.length);
  });
  // Split product key (groups of five): a full group moves focus to the next.
  for (const [from, to] of [['t-g1', 't-g2'], ['t-g2', 't-g3']])
    $(from).addEventListener('input', () => { if ($(from).value.length === 5) $(to).focus(); });
`;

beforeAll(async () => {
  harness = await startHarness();
  pages = await typingPages(harness, FIELDS, SCRIPT);
}, 90_000);

afterAll(async () => {
  await harness?.close();
});

async function groups(page: Page): Promise<string> {
  return page.evaluate(() =>
    ['t-g1', 't-g2', 't-g3'].map((id) => (document.getElementById(id) as HTMLInputElement).value).join('/'),
  );
}

async function clearGroups(): Promise<void> {
  for (const page of [pages.customer, pages.local])
    await page.evaluate(() => {
      for (const id of ['t-g2', 't-g3']) (document.getElementById(id) as HTMLInputElement).value = '';
    });
}

describe('remote typing where the page moves the caret or the focus', () => {
  for (const delay of [20, 80]) {
    it(`control: a plain field, and a full field whose page keeps focus, end as the person’s (${delay} ms per key)`, async () => {
      const plain = await typeBoth(pages, 't-plain', [{ type: 'hello world' }], delay);
      expect(plain.customer.value).toBe(plain.local.value);
      const stay = await typeBoth(pages, 't-stay', [{ type: 'GIFTSXMAS' }], delay);
      expect({ customer: stay.customer.value, local: stay.local.value }).toEqual({ customer: 'GIFTS', local: 'GIFTS' });
    }, 120_000);

    it(`T1: an inline-autocomplete combobox ends as the person’s (${delay} ms per key)`, async () => {
      for (const steps of [[{ type: 'cal' }], [{ type: 'co' }, { press: 'Backspace' }, { type: 'onn' }]] as Step[][]) {
        const r = await typeBoth(pages, 't-auto', steps, delay);
        expect(r.customer.value).toBe(r.local.value);
      }
    }, 120_000);

    it(`T3: split fields whose page moves focus on end as the person’s (${delay} ms per key)`, async () => {
      await clearGroups();
      await typeBoth(pages, 't-g1', [{ type: 'GIFTSXMASSTREE1' }], delay);
      await expect.poll(() => groups(pages.customer), { timeout: 10_000 }).toBe(await groups(pages.local));
      expect(await groups(pages.local)).toBe('GIFTS/XMASS/TREE1');
    }, 120_000);
  }

  it('T3 at full speed (0 ms per key: the keys after a full group reach the mirror before the customer’s focus frame)', async () => {
    await clearGroups();
    await typeBoth(pages, 't-g1', [{ type: 'GIFTSXMASSTREE1' }], 0);
    await expect.poll(() => groups(pages.customer), { timeout: 10_000 }).toBe('GIFTS/XMASS/TREE1');
  }, 120_000);
});
