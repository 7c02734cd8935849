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
 * - a first key the page refused, then the agent leaves the field (review R7):
 *   the customer's field never changed, so no echo of it came; the customer
 *   reports the field after the refused key, and the agent's copy shows it once
 *   the agent has left (control: before leaving, the copy still holds the key).
 * Oracle: the same keys typed into a second copy of the page; for the agent's
 * copy, the customer's field itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers/harness.js';
import { agentCopy, typeBoth, typingPages, type Step, type TypingPages } from './helpers/typing-oracle.js';

let harness: Harness;
/** The customer's and agent's pages, and the oracle's copy of the page (typed into locally). */
let pages: TypingPages;

const FIELDS = `
<label for="a-qty">Quantity</label><input id="a-qty" type="number">
<label for="a-mail">Email</label><input id="a-mail" type="email">
<label for="a-digits">Amount</label><input id="a-digits" inputmode="numeric">
<label for="a-own-back">Code</label><input id="a-own-back">
<label for="a-first">Amount</label><input id="a-first" inputmode="numeric">
<label for="a-chat-up">Message</label><textarea id="a-chat-up"></textarea><ol id="k-sent"></ol>
`;

const SCRIPT = `
  const $ = (id) => document.getElementById(id);
  $('a-qty').addEventListener('keydown', (e) => { if (['e', 'E', '+', '-'].includes(e.key)) e.preventDefault(); });
  $('a-mail').addEventListener('keydown', (e) => { if (e.key === ' ') e.preventDefault(); });
  for (const id of ['a-digits', 'a-first'])
    $(id).addEventListener('keydown', (e) => {
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

beforeAll(async () => {
  harness = await startHarness();
  pages = await typingPages(harness, FIELDS, SCRIPT);
}, 90_000);

afterAll(async () => {
  await harness?.close();
});

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
      const outcome = await typeBoth(pages, id, steps, 30);
      if (JSON.stringify(outcome.customer) !== JSON.stringify(outcome.local))
        differences.push(`${id}: customer ${JSON.stringify(outcome.customer)}, local ${JSON.stringify(outcome.local)}`);
    }
    expect(differences).toEqual([]);
  }, 120_000);
});

describe("the agent's copy of a field after the agent leaves it (review R7)", () => {
  it('control: while the agent is in the field, its copy holds the key the page refused', async () => {
    const outcome = await typeBoth(pages, 'a-first', [{ type: 'x' }], 30);
    expect(outcome.customer.value).toBe('');
    expect(outcome.local.value).toBe('');
    expect(await agentCopy(pages.agent, 'a-first')).toBe('x');
  }, 60_000);

  it("a refused first key, then Tab: the copy shows the customer's field", async () => {
    const outcome = await typeBoth(pages, 'a-first', [{ type: 'x' }, { press: 'Tab' }], 30);
    expect(outcome.customer).toEqual(outcome.local);
    expect(await agentCopy(pages.agent, 'a-first')).toBe(outcome.customer.value);
  }, 60_000);
});
