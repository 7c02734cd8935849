/**
 * Properties of the echo rule against the agent's own text (review s13 R1-R3), in the real DOM with the real
 * echo rule (MaskedEchoes) and the real record of the agent's edits (agent-inserted.ts). The oracles are the
 * test's own: the text the page shows, as the test wrote it, and a model of which characters of a field are the
 * customer's copy of the password and which the agent typed, carried by the test through each splice.
 *
 * - No answer: a page text repeating a word list the agent set in a field (any case, around any page text) goes
 *   out exactly as the page shows it, whether or not the list holds the password.
 * - Control: the same page text without the agent's list (the page's own echo of the password) is bulleted.
 * - Digits are themselves (review s14 E1): a masked code's echo goes out in clear only where it equals, digit for
 *   digit, a text the agent set; any other digits the agent typed leave it bulleted.
 * - Pins: once the customer's copy of the password in a clear field went out bulleted, no sequence of the
 *   agent's splices (Backspace, Delete, a character in the middle, several in one frame) shows one of its
 *   characters in the field's value or in a preview of it, whether the page sets the preview's textContent or
 *   rebuilds it with innerHTML or replaceChildren (review s14 E2); the agent's characters show as typed.
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { MaskedEchoes } from '../../client/capture/masked-echoes.js';
import { maskOutsideAgentText, noteAgentSplice, noteAgentValue } from '../../client/capture/agent-inserted.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const word = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...LETTERS.split('')), minLength: min, maxLength: max });

function setUp(secret: string): { echoes: MaskedEchoes; password: HTMLInputElement; root: HTMLElement } {
  const root = document.createElement('div');
  document.body.append(root);
  const password = Object.assign(document.createElement('input'), { type: 'password' });
  root.append(password);
  password.value = secret;
  const echoes = new MaskedEchoes();
  echoes.add(password);
  return { echoes, password, root };
}

/** The text `text` as it goes out when a text node of a new <p> in `root` holds it. */
function sentText(echoes: MaskedEchoes, root: HTMLElement, text: string): string {
  const p = document.createElement('p');
  p.textContent = text;
  root.append(p);
  const node = p.firstChild as Text;
  return echoes.mask({ text, masked: false }, node).text;
}

const SHOWN = [(t: string) => t, (t: string) => t.toUpperCase(), (t: string) => t.toLowerCase()];

describe('the echo rule and the agent’s own text', () => {
  it('a page text repeating the agent’s list goes out as the page shows it, password in the list or not', () => {
    fc.assert(
      fc.property(
        word(6, 14),
        fc.array(word(3, 12), { minLength: 2, maxLength: 8 }),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom('|', ' ', ', ', '\n', '1'),
        fc.constantFrom('Hello, ', 'Results for "', '', 'You typed: '),
        fc.constantFrom('', '"', '!', ' and more'),
        fc.integer({ min: 0, max: 2 }),
        (secret, words, at, holds, separator, before, after, shown) => {
          fc.pre(!`${before}${after}`.toLowerCase().includes(secret));
          const list = [...words];
          if (holds) list.splice(at % (list.length + 1), 0, secret.toLowerCase());
          const value = list.join(separator);
          const { echoes, root } = setUp(secret);
          const name = document.createElement('input');
          root.append(name);
          noteAgentValue(name, value);
          name.value = value;
          // The page shows the field's value (an input drops line breaks).
          const page = (SHOWN[shown] ?? ((t: string) => t))(`${before}${name.value}${after}`);
          try {
            expect(sentText(echoes, root, page)).to.equal(page);
          } finally {
            root.remove();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('control: the page’s own echo of the password, in no text of the agent’s, is bulleted', () => {
    fc.assert(
      fc.property(word(6, 14), fc.constantFrom('Card holder: ', 'Hello, ', ''), (secret, before) => {
        fc.pre(!before.toLowerCase().includes(secret));
        const { echoes, root } = setUp(secret);
        try {
          expect(sentText(echoes, root, `${before}${secret.toUpperCase()}.`)).to.equal(
            `${before}${'•'.repeat(secret.length)}.`,
          );
        } finally {
          root.remove();
        }
      }),
      { numRuns: 100 },
    );
  });

  it('digits the agent set exempt a masked code’s echo only when they are the code, digit for digit', () => {
    const digits = (length: number): fc.Arbitrary<string> =>
      fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: length, maxLength: length });
    // Every digit text the agent set in this test (agent-inserted.ts keeps the agent's texts of the page).
    const agentSet = new Set<string>();
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 6 }).chain((length) => fc.tuple(digits(length), digits(length), fc.boolean())),
        fc.constantFrom('CVC: ', 'Code ', ''),
        ([code, typed, same], before) => {
          const agentText = same ? code : typed;
          const root = document.createElement('div');
          document.body.append(root);
          const masked = Object.assign(document.createElement('input'), { autocomplete: 'cc-csc' });
          root.append(masked);
          masked.value = code;
          const echoes = new MaskedEchoes();
          echoes.add(masked);
          const name = document.createElement('input');
          root.append(name);
          noteAgentValue(name, agentText);
          name.value = agentText;
          agentSet.add(agentText);
          try {
            const page = `${before}${code}.`;
            const sent = sentText(echoes, root, page);
            const bulleted = `${before}${'•'.repeat(code.length)}.`;
            if (agentText === code) expect(sent).to.equal(page);
            // The code set by the agent in an earlier run: exempt while the page keeps that text (the 64 latest).
            else if (agentSet.has(code)) expect([page, bulleted]).to.include(sent);
            else expect(sent).to.equal(bulleted);
          } finally {
            root.remove();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the agent’s splices never show a character of the customer’s bulleted copy, in the field or its preview', () => {
    const splice = fc.record({
      at: fc.nat(),
      removed: fc.integer({ min: 0, max: 3 }),
      inserted: fc.string({ unit: fc.constantFrom('X', 'q', 'a', 'm', 'y', ' '), maxLength: 2 }),
      flush: fc.boolean(),
    });
    fc.assert(
      fc.property(
        word(6, 14),
        fc.array(splice, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('textContent', 'innerHTML', 'replaceChildren'),
        (secret, splices, render) => {
          const { echoes, root } = setUp(secret);
          const field = document.createElement('input');
          root.append(field);
          field.value = secret.toLowerCase();
          const preview = document.createElement('p');
          root.append(preview);
          const echoFree = (text: string): string => echoes.mask({ text, masked: false }).text;
          // The page rebuilds its preview: one text, or a new <b> (innerHTML) or a new text (replaceChildren) beside
          // 'Hello, ' (review s14 E2); every text of it goes out in order, as a new subtree's do.
          const previewSent = (): string => {
            if (render === 'textContent') preview.textContent = `Hello, ${field.value}`;
            else if (render === 'innerHTML') preview.innerHTML = `Hello, <b>${field.value}</b>`;
            else preview.replaceChildren('Hello, ', field.value);
            let shown = '';
            const walker = document.createTreeWalker(preview, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
              const text = node as Text;
              shown += echoes.mask({ text: text.data, masked: false }, text).text;
            }
            return shown.slice('Hello, '.length);
          };
          // Before the agent's edit: the copy goes out bulleted in both (the case the echo rule exists for).
          expect(echoFree(field.value)).to.equal('•'.repeat(secret.length));
          expect(previewSent()).to.equal('•'.repeat(secret.length));
          // The model: per character of the field, true when it is the customer's.
          let customer = Array.from(field.value, () => true);
          try {
            for (const { at: rawAt, removed: rawRemoved, inserted, flush } of splices) {
              const before = field.value;
              const at = rawAt % (before.length + 1);
              const removed = Math.min(rawRemoved, before.length - at);
              noteAgentSplice(field, before, at, removed, inserted);
              field.value = before.slice(0, at) + inserted + before.slice(at + removed);
              customer = [
                ...customer.slice(0, at),
                ...Array.from(inserted, () => false),
                ...customer.slice(at + removed),
              ];
              if (!flush) continue;
              const value = field.value;
              const sent = maskOutsideAgentText(field, value, value, echoFree);
              const shown = previewSent();
              for (let i = 0; i < value.length; i++) {
                if (customer[i] === true) {
                  expect(sent[i], `field ${JSON.stringify(sent)}`).to.equal('•');
                  expect(shown[i], `preview ${JSON.stringify(shown)}`).to.equal('•');
                } else {
                  expect(sent[i], `field ${JSON.stringify(sent)}`).to.equal(value[i]);
                }
              }
            }
          } finally {
            root.remove();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
