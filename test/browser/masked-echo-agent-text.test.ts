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
 *   rebuilds it with innerHTML or replaceChildren (review s14 E2) or replaces its line element (replaceWith, a keyed
 *   re-render, the block around it, with a message put beside it: review s15 F4); the agent's characters show as
 *   typed.
 * - Places: a new line takes the pins of a line gone from its place (directly in a shadow root too); a line put
 *   there while the old one is still on the page goes out as it is (control).
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { MaskedEchoes } from '../../client/capture/masked-echoes.js';
import { maskOutsideAgentText, noteAgentSplice, noteAgentValue } from '../../client/capture/agent-inserted.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const word = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...LETTERS.split('')), minLength: min, maxLength: max });

/**
 * A new block for one run, three levels down in new elements. The runs share the page's echo pins
 * (echo-pins.ts), and a line put where an earlier run's line with pins stood would take them as a replaced line
 * does (review s15 F4): each run's lines are in a place of their own. Removed with removeRoot.
 */
function newRoot(): HTMLElement {
  const root = document.createElement('div');
  const block = document.createElement('div');
  block.append(root);
  const outer = document.createElement('div');
  outer.append(block);
  document.body.append(outer);
  return root;
}

function removeRoot(root: HTMLElement): void {
  root.parentElement?.parentElement?.remove();
}

function setUp(secret: string): { echoes: MaskedEchoes; password: HTMLInputElement; root: HTMLElement } {
  const root = newRoot();
  const password = Object.assign(document.createElement('input'), { type: 'password' });
  root.append(password);
  password.value = secret;
  const echoes = new MaskedEchoes();
  echoes.add(password);
  return { echoes, password, root };
}

/** The texts under `el` as they go out, in order (as a new subtree's go). */
function sentIn(echoes: MaskedEchoes, el: Node): string {
  let sent = '';
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const text = node as Text;
    sent += echoes.mask({ text: text.data, masked: false }, text).text;
  }
  return sent;
}

/** The text `text` as it goes out when a text node of a new <p> in `root` holds it. */
function sentText(echoes: MaskedEchoes, root: HTMLElement, text: string): string {
  const p = document.createElement('p');
  p.textContent = text;
  root.append(p);
  return sentIn(echoes, p);
}

function line(text: string): HTMLParagraphElement {
  return Object.assign(document.createElement('p'), { textContent: text });
}

/**
 * The customer's copy of a password in a clear field, and a 'Ship to: …' line of it put in `place(root)`, which
 * goes out bulleted; then the agent's Backspace at the copy's end (the field holds `edited`).
 */
function editedCopyLine(place: (root: HTMLElement) => ParentNode): {
  echoes: MaskedEchoes;
  root: HTMLElement;
  preview: HTMLParagraphElement;
  edited: string;
} {
  const secret = 'marmaladesky';
  const { echoes, root } = setUp(secret);
  const field = document.createElement('input');
  root.append(field);
  field.value = secret;
  const preview = line(`Ship to: ${secret}`);
  place(root).append(preview);
  expect(sentIn(echoes, preview)).to.equal(`Ship to: ${'•'.repeat(secret.length)}`);
  const edited = secret.slice(0, -1);
  noteAgentSplice(field, secret, edited.length, 1, '');
  field.value = edited;
  return { echoes, root, preview, edited };
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
            removeRoot(root);
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
          removeRoot(root);
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
          const root = newRoot();
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
            removeRoot(root);
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
        fc.constantFrom('textContent', 'innerHTML', 'replaceChildren', 'replaceWith', 'keyed', 'block'),
        fc.constantFrom('none', 'before', 'after'),
        fc.boolean(),
        (secret, splices, render, message, withId) => {
          const { echoes, root } = setUp(secret);
          const field = document.createElement('input');
          root.append(field);
          field.value = secret.toLowerCase();
          let preview = document.createElement('p');
          // The summary the preview is a line of, between two other lines.
          const summary = (line: HTMLElement): HTMLElement => {
            const box = document.createElement('div');
            box.append(Object.assign(document.createElement('p'), { textContent: 'Summary' }), line);
            box.append(Object.assign(document.createElement('p'), { textContent: 'Total: 3 items' }));
            return box;
          };
          root.append(summary(preview));
          const echoFree = (text: string): string => echoes.mask({ text, masked: false }).text;
          // The page rebuilds its preview: one text, or a new <b> (innerHTML) or a new text (replaceChildren) beside
          // 'Hello, ' (review s14 E2), or a new line element: replaceWith, a keyed re-render removing the old <p> and
          // putting a new one where it was, or the whole summary made anew (review s15 F4); every text of it goes
          // out in order, as a new subtree's do. A new line may have an id, and after the agent's edit come with a
          // message put before or after it (once), so its index changes as it is replaced.
          let edited = false;
          const NOTE = 'Check the address';
          const previewSent = (): string => {
            if (render === 'textContent') preview.textContent = `Hello, ${field.value}`;
            else if (render === 'innerHTML') preview.innerHTML = `Hello, <b>${field.value}</b>`;
            else if (render === 'replaceChildren') preview.replaceChildren('Hello, ', field.value);
            else {
              const next = Object.assign(document.createElement('p'), withId ? { id: 'preview' } : {});
              next.append('Hello, ', Object.assign(document.createElement('span'), { textContent: field.value }));
              const box = preview.parentElement;
              if (render === 'replaceWith') preview.replaceWith(next);
              else if (render === 'block') box?.replaceWith(summary(next));
              else {
                const after = preview.nextSibling;
                preview.remove();
                box?.insertBefore(next, after);
              }
              const beside = message === 'before' ? next.previousElementSibling : next.nextElementSibling;
              if (edited && message !== 'none' && beside?.textContent !== NOTE) {
                const note = Object.assign(document.createElement('p'), { textContent: NOTE });
                if (message === 'before') next.before(note);
                else next.after(note);
              }
              preview = next;
            }
            return sentIn(echoes, preview).slice('Hello, '.length);
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
              edited = true;
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
            removeRoot(root);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a new line takes the pins of a line gone from its place, never of one still on the page', () => {
    const box = document.createElement('div');
    const { echoes, root, preview, edited } = editedCopyLine((into) => into.appendChild(box));
    try {
      // Control: a line put where the preview was, with the preview still on the page after it, takes none.
      const gift = line('Gift wrap: yes');
      box.prepend(gift);
      expect(sentIn(echoes, gift)).to.equal('Gift wrap: yes');
      // The preview replaced (its index from the start moved with the line put before it; from the end it did not).
      const next = line(`Ship to: ${edited}`);
      preview.replaceWith(next);
      expect(sentIn(echoes, next)).to.equal(`Ship to: ${'•'.repeat(edited.length)}`);
    } finally {
      removeRoot(root);
    }
  });

  it('a line replaced directly in a shadow root takes the pins of the line it replaced', () => {
    const { echoes, root, preview, edited } = editedCopyLine((into) =>
      into.appendChild(document.createElement('div')).attachShadow({ mode: 'open' }),
    );
    try {
      // A component's keyed template: a new <p> in the shadow root where the old one was.
      const next = line(`Ship to: ${edited}`);
      preview.replaceWith(next);
      expect(sentIn(echoes, next)).to.equal(`Ship to: ${'•'.repeat(edited.length)}`);
    } finally {
      removeRoot(root);
    }
  });
});
