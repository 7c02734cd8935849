/**
 * Remote typing where the page replaces the field or moves focus on by script
 * (review s12 T2, and T3 for boxes without maxlength): the agent's real keys
 * in the mirror (real WebRTC) against a person's same keys, Playwright's
 * keyboard, on a copy of the page (helpers/typing-oracle.ts: no product code).
 * A person's keys go to the focused element, whatever replaced it; the
 * customer's fields must end as the person's do, at 0, 20 and 80 ms per key.
 *
 * T2: a framework re-mounts the input (a new element with the same value and
 * focus) on its first character, or on every key.
 * T3: key boxes without maxlength whose page moves focus on after four
 * characters (a product key in groups, as split date or code boxes do).
 * T1 (finding of the 2026-12-06 session): arrows, Home/End and Shift+arrows
 * between the characters typed into a field re-mounted on every key (its
 * caret sent to the end, or kept): the value and the selection must end as
 * the person's (the moves were dropped while the agent's copy had lost its
 * field, and the customer's field took the copy's caret, not its own).
 * Controls: a re-mount that does not keep focus loses the person's later keys,
 * and the agent's too (the keys follow focus, not whatever replaced the
 * field); and a re-mount that drops the text on the customer's page only is
 * caught by the oracle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mirrorFrame, type Harness, startHarness } from './helpers/harness.js';
import { agentCopy, typeBoth, typingPages, type Step, type TypingPages } from './helpers/typing-oracle.js';

let harness: Harness;
let pages: TypingPages;

const FIELDS = `
<label for="t-swap">Search (re-mounted on its first character)</label><input id="t-swap">
<label for="t-each">Name (re-mounted on every key)</label><input id="t-each">
<label for="t-kept">City (re-mounted on every key, caret kept)</label><input id="t-kept">
<label for="t-k1">Key, first group</label><input id="t-k1">
<label for="t-k2">Key, second group</label><input id="t-k2">
<label for="t-k3">Key, third group</label><input id="t-k3">
<label for="t-blur">Code (re-mounted without focus)</label><input id="t-blur">
<label for="t-lossy">Note (re-mounted without its text on the customer's page: control)</label><input id="t-lossy">
`;

const SCRIPT = `
  const $ = (id) => document.getElementById(id);
  // A framework re-mounts the field: a new element with the value, focus and caret of the old one.
  const remount = (old, focus) => {
    const next = old.cloneNode();
    const [start, end] = [old.selectionStart, old.selectionEnd];
    next.value = window.__lossy === true && old.id === 't-lossy' ? '' : old.value;
    old.replaceWith(next);
    if (!focus) return;
    next.focus();
    if (old.id === 't-kept') next.setSelectionRange(start, end);
    else next.setSelectionRange(next.value.length, next.value.length);
  };
  document.addEventListener('input', (e) => {
    const f = e.target;
    // The empty-state input swapped for the "has text" one on the first character; a keyed row on every key.
    if ((f.id === 't-swap' || f.id === 't-lossy') && f.value.length === 1) remount(f, true);
    else if (f.id === 't-each' || f.id === 't-kept') remount(f, true);
    else if (f.id === 't-blur' && f.value.length === 1) remount(f, false);
  }, true);
  // Key boxes without maxlength: the page moves focus on once a box has its four characters.
  for (const [from, to] of [['t-k1', 't-k2'], ['t-k2', 't-k3']])
    $(from).addEventListener('input', () => { if ($(from).value.length === 4) $(to).focus(); });
`;

beforeAll(async () => {
  harness = await startHarness();
  pages = await typingPages(harness, FIELDS, SCRIPT);
}, 90_000);

afterAll(async () => {
  await harness?.close();
});

const GROUPS = ['t-k1', 't-k2', 't-k3'];

async function groups(page: Page): Promise<string> {
  return page.evaluate(
    (ids) => ids.map((id) => (document.getElementById(id) as HTMLInputElement).value).join('/'),
    GROUPS,
  );
}

async function clearGroups(): Promise<void> {
  for (const page of [pages.customer, pages.local])
    await page.evaluate((ids) => {
      for (const id of ids) (document.getElementById(id) as HTMLInputElement).value = '';
    }, GROUPS);
}

/** The field's value and selection, as a person's keys or the agent's left them. */
async function fieldState(page: Page, id: string): Promise<string> {
  return page.evaluate((fieldId) => {
    const f = document.getElementById(fieldId) as HTMLInputElement;
    return `${f.value} [${f.selectionStart}, ${f.selectionEnd}]`;
  }, id);
}

/** Characters with arrows, Home/End and a Shift selection between them (T1: the moves were dropped at 0 ms). */
const MOVES: Step[] = [
  { type: 'abc' },
  { press: 'ArrowLeft', times: 2 },
  { type: 'X' },
  { press: 'End' },
  { type: 'Y' },
  { press: 'Home' },
  { type: 'Z' },
  { press: 'ArrowRight' },
  { press: 'Shift+ArrowRight' },
  { type: 'W' },
  { press: 'ArrowLeft' },
];

/** The agent clicks away, so its copy shows the customer's text once every key is answered. */
async function leave(): Promise<void> {
  await (await mirrorFrame(pages.agent)).locator('#title').click();
}

describe('remote typing into a field the page re-mounts or moves focus from', () => {
  for (const delay of [0, 20, 80]) {
    it(`T2: a field re-mounted on its first character, and one re-mounted on every key, end as the person’s (${delay} ms per key)`, async () => {
      for (const id of ['t-swap', 't-each']) {
        const r = await typeBoth(pages, id, [{ type: 'hello world' }], delay);
        expect({ id, customer: r.customer.value }).toEqual({ id, customer: r.local.value });
        expect(r.local.value).toBe('hello world');
        await leave();
        await expect.poll(() => agentCopy(pages.agent, id), { timeout: 10_000 }).toBe(r.customer.value);
      }
    }, 120_000);

    it(`T3: key boxes whose page moves focus on after four characters (no maxlength) end as the person’s (${delay} ms per key)`, async () => {
      await clearGroups();
      await typeBoth(pages, 't-k1', [{ type: 'GIFTXMASTREE' }], delay);
      expect(await groups(pages.local)).toBe('GIFT/XMAS/TREE');
      await expect.poll(() => groups(pages.customer), { timeout: 10_000 }).toBe('GIFT/XMAS/TREE');
      await leave();
      const copies = async (): Promise<string> =>
        (await Promise.all(GROUPS.map((id) => agentCopy(pages.agent, id)))).join('/');
      await expect.poll(copies, { timeout: 10_000 }).toBe('GIFT/XMAS/TREE');
    }, 120_000);
  }

  for (const delay of [0, 20, 80])
    it(`T1: arrows, Home and End between the keys in a field re-mounted on every key land in order, as a person’s (${delay} ms per key)`, async () => {
      for (const id of ['t-each', 't-kept']) {
        await typeBoth(pages, id, MOVES, delay);
        const [customer, local] = [await fieldState(pages.customer, id), await fieldState(pages.local, id)];
        expect({ id, customer }).toEqual({ id, customer: local });
        await leave();
        const value = customer.slice(0, customer.lastIndexOf(' ['));
        await expect.poll(() => agentCopy(pages.agent, id), { timeout: 10_000 }).toBe(value);
      }
      // The oracle tells the moves apart: without them the keys would end 'ZaWcXY' here.
      expect(await fieldState(pages.local, 't-kept')).toBe('ZaWbcY [2, 2]');
    }, 120_000);

  it('control: a re-mount that drops focus loses the person’s later keys, and the agent’s (keys follow focus)', async () => {
    const r = await typeBoth(pages, 't-blur', [{ type: 'hello' }], 20);
    expect(r.local.value).toBe('h');
    expect(r.customer.value).toBe(r.local.value);
  }, 120_000);

  it('control: the oracle catches a re-mount that drops the text on the customer’s page only', async () => {
    await pages.customer.evaluate(() => {
      (window as unknown as { __lossy: boolean }).__lossy = true;
    });
    const r = await typeBoth(pages, 't-lossy', [{ type: 'hello' }], 20);
    expect(r.local.value).toBe('hello');
    expect(r.customer.value).not.toBe(r.local.value);
  }, 120_000);
});
