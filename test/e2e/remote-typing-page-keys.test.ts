/**
 * Remote typing into fields whose page reacts to keys, not only to input:
 * a digits-only filter in keydown, an old-style filter in keypress reading
 * `which`, a voucher formatted with dashes under a maxlength, a phone field
 * whose keydown handler deletes a formatting space with the digit before it,
 * a keyup handler that upper-cases, a chat box that sends on Enter (Shift+Enter
 * a new line), a textarea driven with Home/End/arrows, and a plain field with
 * accents, emoji, text committed as an input method commits it, selection
 * replace and paste. Two real Chromium processes, real WebRTC, the agent's
 * real keystrokes at 0 and 40 ms per key.
 *
 * The oracle is a second copy of the same page, in its own tab, given the
 * same keys by Playwright's keyboard: the customer's field must end exactly as
 * a person typing there would have it (no product code involved). Before the
 * fix the customer's page got no key events for the agent's keys (filters let
 * letters through, the chat box put a line break in after sending, keyup
 * formatting never ran, paste and cut fired no clipboard event) and maxlength held only the agent's copy, which does
 * not see the page's formatting (the voucher got 16 characters for 14).
 *
 * Control: a field whose formatter sends the caret to the end of the value on
 * every key (a common naive formatter), with the agent moving its caret into
 * the middle: there the agent's keys go where the agent's copy has its caret
 * (deliberately: remote-typing-frameworks.test.ts, the phone field), which a
 * local typist would not, and the oracle reports the difference.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers/harness.js';
import { held, typeBoth, typingPages, type Step, type TypingPages } from './helpers/typing-oracle.js';

let harness: Harness;
let customer: Page;
let pages: TypingPages;
/** The oracle's copy of the page: same markup and script, typed into locally. */
let local: Page;

const FIELDS = `
<label for="k-digits">Amount (digits only, keydown)</label><input id="k-digits" inputmode="numeric">
<label for="k-press">Quantity (digits only, keypress)</label><input id="k-press">
<label for="k-voucher">Voucher</label><input id="k-voucher" maxlength="14">
<label for="k-short">Initials</label><input id="k-short" maxlength="6">
<label for="k-phone">Phone</label><input id="k-phone" type="tel">
<label for="k-chat">Message</label><textarea id="k-chat"></textarea><ol id="k-sent"></ol>
<label for="k-upper">Reference (upper-cased on keyup)</label><input id="k-upper">
<label for="k-notes">Notes</label><textarea id="k-notes" rows="4"></textarea>
<label for="k-plain">Name</label><input id="k-plain">
<label for="k-confirm">Confirm email (no pasting)</label><input id="k-confirm">
<label for="k-digits-paste">Parcel reference (pastes digits only)</label><input id="k-digits-paste">
<label for="k-jumpy">Account (formatter that moves the caret: the control)</label><input id="k-jumpy">
`;

const SCRIPT = `
  const $ = (id) => document.getElementById(id);
  $('k-digits').addEventListener('keydown', (e) => {
    if (e.key.length === 1 && !/[0-9]/.test(e.key) && !e.ctrlKey) e.preventDefault();
  });
  $('k-press').addEventListener('keypress', (e) => { if (e.which < 48 || e.which > 57) e.preventDefault(); });
  $('k-voucher').addEventListener('input', () => {
    const f = $('k-voucher');
    f.value = f.value.replace(/[^A-Za-z0-9]/g, '').toUpperCase().replace(/(.{4})(?=.)/g, '$1-');
  });
  // Groups of 3, 3, 4 with the caret kept after the same digit; Backspace right after a space takes the digit before it.
  const phone = $('k-phone');
  const formatPhone = (digits) => [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6, 10)].filter(Boolean).join(' ');
  phone.addEventListener('keydown', (e) => {
    const at = phone.selectionStart;
    if (e.key !== 'Backspace' || at !== phone.selectionEnd || at < 2 || phone.value[at - 1] !== ' ') return;
    e.preventDefault();
    const digitsBefore = phone.value.slice(0, at - 2).replace(/[^0-9]/g, '').length;
    phone.value = formatPhone(phone.value.slice(0, at - 2).replace(/[^0-9]/g, '') + phone.value.slice(at).replace(/[^0-9]/g, ''));
    let caret = 0;
    for (let seen = 0; caret < phone.value.length && seen < digitsBefore; caret++) if (/[0-9]/.test(phone.value[caret])) seen++;
    phone.setSelectionRange(caret, caret);
  });
  phone.addEventListener('input', () => {
    const digitsBefore = phone.value.slice(0, phone.selectionStart).replace(/[^0-9]/g, '').length;
    phone.value = formatPhone(phone.value.replace(/[^0-9]/g, ''));
    let caret = 0;
    for (let seen = 0; caret < phone.value.length && seen < digitsBefore; caret++) if (/[0-9]/.test(phone.value[caret])) seen++;
    phone.setSelectionRange(caret, caret);
  });
  $('k-chat').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.shiftKey) return;
    e.preventDefault();
    $('k-sent').append(Object.assign(document.createElement('li'), { textContent: $('k-chat').value }));
    $('k-chat').value = '';
  });
  $('k-upper').addEventListener('keyup', () => {
    const f = $('k-upper');
    const at = f.selectionStart;
    f.value = f.value.toUpperCase();
    f.setSelectionRange(at, at);
  });
  $('k-confirm').addEventListener('paste', (e) => e.preventDefault());
  $('k-confirm').addEventListener('cut', (e) => e.preventDefault());
  $('k-digits-paste').addEventListener('paste', (e) => {
    e.preventDefault();
    const f = $('k-digits-paste');
    f.setRangeText(e.clipboardData.getData('text/plain').replace(/[^0-9]/g, ''), f.selectionStart, f.selectionEnd, 'end');
    f.dispatchEvent(new Event('input', { bubbles: true }));
  });
  $('k-jumpy').addEventListener('input', () => {
    const f = $('k-jumpy');
    f.value = f.value.replace(/[^0-9]/g, '').replace(/(.{4})(?=.)/g, '$1 ');
  });
`;

beforeAll(async () => {
  harness = await startHarness();
  pages = await typingPages(harness, FIELDS, SCRIPT);
  ({ customer, local } = pages);
}, 90_000);

afterAll(async () => {
  await harness?.close();
});

const SCRIPTS: [string, Step[]][] = [
  ['k-digits', [{ type: '12ab3-4 5' }, { press: 'Home' }, { type: 'x9' }, { press: 'End' }, { type: '0' }]],
  ['k-press', [{ type: '7 of 9' }, { press: 'Backspace' }, { type: '8 & 1' }]],
  ['k-voucher', [{ type: 'gift2026xmasdeal77' }]],
  ['k-short', [{ type: 'A.D.L.B.Z.' }, { press: 'Home' }, { type: 'q' }]],
  ['k-phone', [{ type: '5551234567' }, { press: 'ArrowLeft', times: 4 }, { press: 'Backspace' }, { type: '9' }]],
  ['k-chat', [{ type: 'hello' }, { press: 'Enter' }, { type: 'two' }, { press: 'Shift+Enter' }, { type: 'lines' }]],
  ['k-upper', [{ type: 'ab-c' }, { press: 'ArrowLeft', times: 2 }, { type: 'z' }, { press: 'End' }, { type: 'q' }]],
  [
    'k-notes',
    [
      { type: 'first line\nsecond' },
      { press: 'Home' },
      { type: '> ' },
      { press: 'ArrowUp' },
      { press: 'End' },
      { type: '!' },
      { press: 'Control+Home' },
      { press: 'Delete' },
    ],
  ],
  [
    'k-plain',
    [
      { type: 'Zoë 😀 Ångström' },
      { press: 'Shift+ArrowLeft', times: 8 },
      { type: 'Ω' },
      { commit: 'ñandú' },
      { press: 'Control+A' },
      { press: 'Control+C' },
      { press: 'End' },
      { press: 'Control+V' },
    ],
  ],
  [
    'k-confirm',
    [
      { type: 'ada@example.org' },
      { press: 'Control+A' },
      { press: 'Control+C' },
      { press: 'End' },
      { press: 'Control+V' },
      { type: '!' },
      { press: 'Shift+Home' },
      { press: 'Control+X' },
    ],
  ],
  [
    'k-digits-paste',
    [
      { type: 'ref 12-34 x' },
      { press: 'Control+A' },
      { press: 'Control+C' },
      { press: 'Delete' },
      { type: '0' },
      { press: 'Control+V' },
      { press: 'Control+V' },
    ],
  ],
];

describe('remote typing into fields whose page handles keys (the oracle: the same keys typed into a copy of the page)', () => {
  for (const delay of [0, 40]) {
    it(`${delay} ms per key: each field holds what a person typing the same keys there gets`, async () => {
      const differences: string[] = [];
      for (const [id, steps] of SCRIPTS) {
        const outcome = await typeBoth(pages, id, steps, delay);
        if (JSON.stringify(outcome.customer) !== JSON.stringify(outcome.local))
          differences.push(
            `${id}: customer ${JSON.stringify(outcome.customer)}, local ${JSON.stringify(outcome.local)}`,
          );
      }
      expect(differences).toEqual([]);
      // What the fields hold, so the page's handlers did run on both sides (not two unfiltered fields alike).
      expect(await held(customer, 'k-plain')).toEqual(await held(local, 'k-plain'));
      expect((await held(customer, 'k-voucher')).value).toBe('GIFT-2026-XMAS');
      expect((await held(customer, 'k-digits')).value).toBe('9123450');
    }, 120_000);
  }

  it('a chat box that sends on Enter: the message is sent once and no line break is left behind', async () => {
    const outcome = await typeBoth(
      pages,
      'k-chat',
      [{ type: 'hi' }, { press: 'Enter' }, { type: 'ok' }, { press: 'Enter' }],
      30,
    );
    expect(outcome.customer).toEqual({ value: '', sent: ['hi', 'ok'] });
    expect(outcome.local).toEqual(outcome.customer);
  }, 60_000);

  it('control: a formatter that sends the caret to the end, the agent typing in the middle, is reported by the oracle', async () => {
    const steps: Step[] = [{ type: '12345678' }, { press: 'ArrowLeft', times: 3 }, { type: '01' }];
    const outcome = await typeBoth(pages, 'k-jumpy', steps, 30);
    // The 0 makes the page rewrite the value, which sends the caret to the end: a person's 1 goes there, the
    // agent's after its 0 (where its copy has its caret).
    expect(outcome.local.value).toBe('1234 5067 81');
    expect(outcome.customer.value).not.toBe(outcome.local.value);
  }, 60_000);
});
