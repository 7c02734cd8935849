/**
 * Remote typing and the page's key handlers: the key events a person's keys fire, in order, on the element they go to.
 *
 * Focus moved in keydown (finding T2): PIN boxes without maxlength that
 * move on to the next box on a character key once a box holds two, and back to the previous box on a Backspace in
 * an empty one, as many one-time-code inputs do. Chromium sends the rest of a person's key (keypress, beforeinput,
 * the text, input, keyup) to the element focused by then, so the key lands in the new box. The agent's real keys in
 * the mirror (real WebRTC) against a person's same keys, Playwright's keyboard, on a copy of the page
 * (helpers/typing-oracle.ts: no product code): the boxes' values and the key and input events the page saw (type,
 * target, key or data, in order) must be the person's, at 0, 20 and 80 ms per key.
 * A key the page sends into a password field goes nowhere (the agent never types into a masked field).
 * Right to left (finding F7): a dir=rtl field's ArrowLeft moves forward in the text, for the agent's keys too.
 * Selection keys (finding F8): arrows, Home and End fire keydown and keyup, and a page that cancels an arrow's
 * keydown (a field whose arrows step a value) keeps its caret where it was.
 * Control: a page that moves focus in keyup instead (after the key's text went in) is typed the same way by both,
 * and the event logs of two different key sequences differ (the log can fail).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './helpers/harness.js';
import { typeBoth, typingPages, type Step, type TypingPages } from './helpers/typing-oracle.js';

let harness: Harness;
let pages: TypingPages;

const FIELDS = `
<label for="m-1">Ticket, first part</label><input id="m-1">
<label for="m-2">Ticket, second part</label><input id="m-2">
<label for="m-3">Ticket, third part</label><input id="m-3">
<label for="u-1">Order, first part (moves on in keyup: control)</label><input id="u-1">
<label for="u-2">Order, second part</label><input id="u-2">
<label for="k-plain">Town</label><input id="k-plain">
<label for="k-step">Quantity (arrows step it)</label><input id="k-step">
<label for="r-he">Street (Hebrew, right to left)</label><input id="r-he" dir="rtl">
<label for="s-1">Account name</label><input id="s-1">
<label for="s-pw">Password</label><input id="s-pw" type="password">
`;

const SCRIPT = `
  const $ = (id) => document.getElementById(id);
  for (const [prev, box, next] of [[null, 'm-1', 'm-2'], ['m-1', 'm-2', 'm-3'], ['m-2', 'm-3', null]]) {
    $(box).addEventListener('keydown', (e) => {
      const f = $(box);
      if (e.key.length === 1 && !e.ctrlKey && f.value.length >= 2 && next) $(next).focus();
      if (e.key === 'Backspace' && f.value === '' && prev) $(prev).focus();
    });
  }
  $('s-1').addEventListener('keydown', (e) => { if (e.key.length === 1 && $('s-1').value.length >= 2) $('s-pw').focus(); });
  $('k-step').addEventListener('keydown', (e) => { if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') e.preventDefault(); });
  $('u-1').addEventListener('keyup', (e) => { if (e.key.length === 1 && $('u-1').value.length >= 2) $('u-2').focus(); });
  // What the page saw of the keys: type, target, key or data (the clearing keys and shortcuts left out).
  window.__events = [];
  for (const type of ['keydown', 'keypress', 'beforeinput', 'input', 'keyup', 'change'])
    document.addEventListener(type, (e) => {
      const what = e.key ?? e.data ?? '';
      if (e.ctrlKey || what === 'Control' || what === 'Shift' || what === 'Delete' || e.inputType === 'deleteContentForward') return;
      window.__events.push(type + ':' + e.target.id + ':' + what + (e.inputType ? ':' + e.inputType : ''));
    }, true);
`;

beforeAll(async () => {
  harness = await startHarness();
  pages = await typingPages(harness, FIELDS, SCRIPT);
}, 90_000);

afterAll(async () => {
  await harness?.close();
});

/** The boxes' values and the events the page saw on them since the last call. */
async function seen(page: Page, ids: readonly string[]): Promise<{ values: string; events: string[] }> {
  return page.evaluate((boxes) => {
    const log = window as unknown as { __events: string[] };
    // The boxes' events only (a field of another test left fires its `change` as the agent's click comes).
    const events = log.__events.filter((event) => boxes.includes(event.split(':')[1] ?? ''));
    log.__events = [];
    return { values: boxes.map((id) => (document.getElementById(id) as HTMLInputElement).value).join('/'), events };
  }, ids);
}

async function clearBoxes(ids: readonly string[]): Promise<void> {
  for (const page of [pages.customer, pages.local])
    await page.evaluate((boxes) => {
      for (const id of boxes) (document.getElementById(id) as HTMLInputElement).value = '';
      (window as unknown as { __events: string[] }).__events = [];
    }, ids);
}

const PIN = ['m-1', 'm-2', 'm-3'];
const PIN_KEYS: Step[] = [{ type: 'abcdef' }, { press: 'Backspace', times: 3 }, { type: 'x' }];

describe('remote typing where the page moves focus in keydown (oracle: a person’s same keys)', () => {
  for (const delay of [0, 20, 80])
    it(`T2: the key goes on in the box focused in its keydown, as a person’s (${delay} ms per key)`, async () => {
      await clearBoxes(PIN);
      await typeBoth(pages, 'm-1', PIN_KEYS, delay);
      const [customer, local] = [await seen(pages.customer, PIN), await seen(pages.local, PIN)];
      expect(local.values).toBe('ab/cx/');
      expect(customer.values).toBe(local.values);
      expect(customer.events).toEqual(local.events);
    }, 120_000);

  for (const [id, steps, expected] of [
    [
      'k-plain',
      [
        { type: 'abc' },
        { press: 'ArrowLeft' },
        { press: 'Shift+Home' },
        { press: 'End' },
        { press: 'ArrowLeft', times: 2 },
        { press: 'Shift+ArrowRight' },
        { type: 'X' },
      ],
      'aXc',
    ],
    [
      'k-step',
      [{ type: 'abc' }, { press: 'ArrowLeft', times: 2 }, { type: 'X' }, { press: 'Home' }, { type: 'Y' }],
      'YabcX',
    ],
  ] as const)
    it(`F8: arrows, Home and End fire their keydown and keyup on the page, which may cancel them (${id})`, async () => {
      await clearBoxes([id]);
      await typeBoth(pages, id, steps, 20);
      const [customer, local] = [await seen(pages.customer, [id]), await seen(pages.local, [id])];
      expect(local.values).toBe(expected);
      expect(customer.values).toBe(local.values);
      expect(customer.events).toEqual(local.events);
    }, 120_000);

  it('F7: arrows in a right-to-left field move as a person’s (ArrowLeft forward in the text)', async () => {
    await clearBoxes(['r-he']);
    const steps: Step[] = [{ type: 'שלום' }, { press: 'Home' }, { press: 'ArrowLeft', times: 2 }, { type: 'X' }];
    await typeBoth(pages, 'r-he', steps, 20);
    const [customer, local] = [await seen(pages.customer, ['r-he']), await seen(pages.local, ['r-he'])];
    expect(local.values).toBe('שלXום');
    expect(customer.values).toBe(local.values);
  }, 120_000);

  it('control: a page that moves focus in keyup is typed the same; the event log tells two key sequences apart', async () => {
    await clearBoxes(['u-1', 'u-2']);
    await typeBoth(pages, 'u-1', [{ type: 'abcd' }], 20);
    const [customer, local] = [await seen(pages.customer, ['u-1', 'u-2']), await seen(pages.local, ['u-1', 'u-2'])];
    expect(local.values).toBe('ab/cd');
    expect(customer).toEqual(local);
    await clearBoxes(['u-1', 'u-2']);
    await typeBoth(pages, 'u-1', [{ type: 'abdc' }], 20);
    expect((await seen(pages.local, ['u-1', 'u-2'])).events).not.toEqual(local.events);
  }, 120_000);

  // Last: focus left in the password field is the customer's from then on (the masked-field hold, focus-hold.ts).
  it('a key the page sends into a password field in keydown is not typed there, nor are the keys after it', async () => {
    await clearBoxes(['s-1', 's-pw']);
    await typeBoth(pages, 's-1', [{ type: 'abcd' }], 20);
    // A person's keys go on into the password; the agent never types into a masked field.
    expect((await seen(pages.local, ['s-1', 's-pw'])).values).toBe('ab/cd');
    expect((await seen(pages.customer, ['s-1', 's-pw'])).values).toBe('ab/');
  }, 120_000);
});
