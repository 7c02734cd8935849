/**
 * Remote typing where the agent's copy of the field (which runs no page
 * script) holds other text than the customer's field; each field must end as
 * a person typing the same keys there leaves it:
 * - a number field whose page refuses e, +, - in keydown: its value reads ''
 *   while the text is not yet a number, so the console follows the typed text
 *   key by key (typedText) and sends keys, not whole values;
 * - an email field whose page refuses spaces in keydown: its value drops a
 *   trailing space, so the console follows the typed text and " b" goes as
 *   two keys, not one two-character splice;
 * - a key the page refused, then Backspace: the agent's copy still holds the
 *   refused character; the customer's Backspace of a character its field
 *   never had deletes the one beside the caret, as a person's does;
 * - Backspace over a 2-character selection where the page handles a Backspace
 *   at a caret itself (review R3): the console sends the selection before the
 *   key, so the page's keydown reads a selection, not a caret;
 * - a chat box that sends on Enter in keyup (review R4): the Enter's keyup
 *   comes after its line break, as a person's does, so the message goes with
 *   it and no line break is left behind.
 * Oracle: the same keys typed into a second copy of the page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorFrame, startHarness, type Harness } from './helpers/harness.js';
import { drained, liveWithControl } from './helpers/live-control.js';

let harness: Harness;
let customer: Page;
let agent: Page;
/** The oracle's copy of the page: same markup and script, typed into locally. */
let local: Page;

const FIELDS = `
<label for="a-qty">Quantity</label><input id="a-qty" type="number">
<label for="a-mail">Email</label><input id="a-mail" type="email">
<label for="a-digits">Amount</label><input id="a-digits" inputmode="numeric">
<label for="a-own-back">Code</label><input id="a-own-back">
<label for="a-chat-up">Message</label><textarea id="a-chat-up"></textarea><ol id="k-sent"></ol>
`;

const SCRIPT = `
  const $ = (id) => document.getElementById(id);
  $('a-qty').addEventListener('keydown', (e) => { if (['e', 'E', '+', '-'].includes(e.key)) e.preventDefault(); });
  $('a-mail').addEventListener('keydown', (e) => { if (e.key === ' ') e.preventDefault(); });
  $('a-digits').addEventListener('keydown', (e) => {
    if (e.key.length === 1 && !/[0-9]/.test(e.key) && !e.ctrlKey) e.preventDefault();
  });
  // A page's own Backspace at a caret (a selection is left to the browser).
  $('a-own-back').addEventListener('keydown', (e) => {
    const f = $('a-own-back');
    if (e.key !== 'Backspace' || f.selectionStart !== f.selectionEnd || f.selectionStart === 0) return;
    e.preventDefault();
    f.setRangeText('', f.selectionStart - 1, f.selectionStart, 'end');
    f.dispatchEvent(new Event('input', { bubbles: true }));
  });
  $('a-chat-up').addEventListener('keyup', (e) => {
    if (e.key !== 'Enter' || e.shiftKey) return;
    $('k-sent').append(Object.assign(document.createElement('li'), { textContent: $('a-chat-up').value }));
    $('a-chat-up').value = '';
  });
`;

async function addFields(page: Page): Promise<void> {
  await page.evaluate((html) => {
    document.querySelector('main')?.insertAdjacentHTML('afterbegin', `<section id="keys">${html}</section>`);
  }, FIELDS);
  await page.addScriptTag({ content: SCRIPT });
}

beforeAll(async () => {
  harness = await startHarness();
  ({ customer, agent } = await liveWithControl(harness, '/form', 'Delivery details'));
  await addFields(customer);
  local = await harness.customerBrowser.newPage();
  await local.goto(`${harness.shop.url}/form`);
  await addFields(local);
}, 90_000);

afterAll(async () => {
  await harness?.close();
});

type Step = { type: string } | { press: string; times?: number } | { commit: string };

/** Real keys at `delay` ms each; `commit` is text an input method commits (no key events for its characters). */
async function keys(page: Page, steps: readonly Step[], delay: number): Promise<void> {
  for (const step of steps) {
    if ('type' in step) await page.keyboard.type(step.type, { delay });
    else if ('commit' in step) await page.keyboard.insertText(step.commit);
    else
      for (let i = 0; i < (step.times ?? 1); i++) {
        await page.keyboard.press(step.press, { delay: Math.min(delay, 30) });
        if (delay > 0) await page.waitForTimeout(delay);
      }
  }
}

interface Held {
  value: string;
  sent: string[];
}

async function held(page: Page, id: string): Promise<Held> {
  return page.evaluate(
    (fieldId) => ({
      value: (document.getElementById(fieldId) as HTMLInputElement).value,
      sent: [...document.querySelectorAll('#k-sent li')].map((li) => li.textContent ?? ''),
    }),
    id,
  );
}

async function clear(page: Page, id: string): Promise<void> {
  await page.evaluate((fieldId) => {
    (document.getElementById(fieldId) as HTMLInputElement).value = '';
    document.getElementById('k-sent')?.replaceChildren();
  }, id);
}

/** The same keys into `id` by the agent (through the mirror) and by a person on the oracle's copy. */
async function typeBoth(id: string, steps: readonly Step[], delay: number): Promise<{ customer: Held; local: Held }> {
  await clear(customer, id);
  await clear(local, id);
  await (await mirrorFrame(agent)).locator(`#${id}`).click();
  await keys(agent, [{ press: 'Control+A' }, { press: 'Delete' }, ...steps], delay);
  await drained(agent);
  // The oracle's keys at full speed: nothing on the page waits for time, and the suite stays short.
  await local.locator(`#${id}`).click();
  await keys(local, [{ press: 'Control+A' }, { press: 'Delete' }, ...steps], 0);
  return { customer: await held(customer, id), local: await held(local, id) };
}

const SCRIPTS: [string, Step[]][] = [
  ['a-qty', [{ type: '12e3-4+5' }]],
  ['a-mail', [{ type: 'a b@c .de' }]],
  ['a-digits', [{ type: '12x' }, { press: 'Backspace' }, { type: '3' }]],
  [
    'a-own-back',
    [{ type: 'abcd' }, { press: 'ArrowLeft' }, { press: 'Shift+ArrowLeft', times: 2 }, { press: 'Backspace' }],
  ],
  ['a-chat-up', [{ type: 'hi' }, { press: 'Enter' }, { type: 'ok' }, { press: 'Enter' }]],
];

describe("remote typing where the agent's copy holds other text than the customer's field", () => {
  it('each field holds what a person typing the same keys there gets', async () => {
    const differences: string[] = [];
    for (const [id, steps] of SCRIPTS) {
      const outcome = await typeBoth(id, steps, 30);
      if (JSON.stringify(outcome.customer) !== JSON.stringify(outcome.local))
        differences.push(`${id}: customer ${JSON.stringify(outcome.customer)}, local ${JSON.stringify(outcome.local)}`);
    }
    expect(differences).toEqual([]);
  }, 120_000);
});
