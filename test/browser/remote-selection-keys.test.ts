/**
 * The keys that move a text field's selection, as the customer's page applies the agent's (shared/selection-keys.ts
 * selectionAfterKey), against Chromium's own: the oracle is the platform moving a real field's
 * selection for the same key pressed for real (`sendKeys`), from every caret and a spread of selections (forward
 * and backward) over a text with a grouping space, an accent made of two code points and an emoji with a skin tone
 * (one step each for a person's arrow). Control: stepping by UTF-16 code units instead of characters is caught.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { SELECTION_KEYS, type SelectionKey } from '../../shared/protocol.js';
import { selectionAfterKey, type KeyedSelection } from '../../shared/selection-keys.js';

const VALUE = 'ab 12 e\u0301\u{1F44D}\u{1F3FD}x';
/** The grapheme boundaries of VALUE: where a person's caret can be. */
const BOUNDS = [0, 1, 2, 3, 4, 5, 6, 8, 12, 13];

function states(): KeyedSelection[] {
  const all: KeyedSelection[] = BOUNDS.map((at) => ({ start: at, end: at, backward: false }));
  for (const [start, end] of [
    [0, 2],
    [2, 3],
    [3, 6],
    [6, 8],
    [5, 12],
    [0, 13],
  ] as const)
    for (const backward of [false, true]) all.push({ start, end, backward });
  return all;
}

async function pressed(field: HTMLInputElement, from: KeyedSelection, key: SelectionKey): Promise<KeyedSelection> {
  field.focus();
  field.setSelectionRange(from.start, from.end, from.backward ? 'backward' : 'forward');
  await sendKeys({ press: key });
  const { selectionStart, selectionEnd, selectionDirection } = field;
  const start = selectionStart ?? -1;
  const end = selectionEnd ?? -1;
  return { start, end, backward: start !== end && selectionDirection === 'backward' };
}

/** The same result without the direction of a caret (Chromium keeps the last one; it means nothing there). */
function comparable(selection: KeyedSelection | null): KeyedSelection | null {
  if (selection === null) return null;
  return { ...selection, backward: selection.start !== selection.end && selection.backward };
}

type Model = (value: string, from: KeyedSelection, key: SelectionKey) => KeyedSelection | null;

/** Each key from each of `from`, by a person (real keys) and by `model`: the cases where they differ. */
async function mismatches(model: Model, from: readonly KeyedSelection[], field?: HTMLInputElement): Promise<string[]> {
  const input = field ?? (await fixture<HTMLInputElement>(html`<input .value=${VALUE} />`));
  const value = input.value;
  const wrong: string[] = [];
  for (const selection of from)
    for (const key of SELECTION_KEYS) {
      const person = await pressed(input, selection, key);
      const ours = comparable(model(value, selection, key));
      if (JSON.stringify(ours) !== JSON.stringify(person))
        wrong.push(
          `${key} from ${JSON.stringify(selection)}: ${JSON.stringify(ours)}, a person's ${JSON.stringify(person)}`,
        );
    }
  return wrong;
}

describe("selection keys: the customer's field moves as Chromium moves a person's (oracle: real keys)", () => {
  it('every key from every caret and from forward and backward selections', async () => {
    expect(await mismatches((value, from, key) => selectionAfterKey(value, from, key, false), states())).to.deep.equal(
      [],
    );
  });

  // Finding F7: in right-to-left text a person's ArrowLeft moves left on the screen, which is forward in the text.
  for (const [name, value, dir] of [
    ['Hebrew in a dir=rtl field', 'שלום עולם', 'rtl'],
    ['Arabic in a dir=auto field', 'مرحبا بك', 'auto'],
    ['Hebrew in a field with no dir', 'שלום עולם', ''],
    ['Latin in a dir=rtl field', 'hello world', 'rtl'],
    ['Hebrew, Latin and digits in a dir=rtl field', 'שלום abc 12', 'rtl'],
  ] as const)
    it(`right to left: ${name}, every key from every caret and from selections`, async () => {
      const field = await fixture<HTMLInputElement>(html`<input dir=${dir || 'ltr'} .value=${value} />`);
      if (dir === '') field.removeAttribute('dir');
      const carets = Array.from({ length: value.length + 1 }, (_, at) => ({ start: at, end: at, backward: false }));
      const selections = [
        [0, 3],
        [2, 6],
        [1, value.length],
      ].flatMap(([start = 0, end = 0]) => [true, false].map((backward) => ({ start, end, backward })));
      const rtl = getComputedStyle(field).direction === 'rtl';
      const model: Model = (text, from, key) => selectionAfterKey(text, from, key, false, rtl);
      expect(await mismatches(model, [...carets, ...selections], field)).to.deep.equal([]);
    });

  it("a textarea's Home and End go by line: not moved here (the agent's offsets place them)", () => {
    const from = { start: 3, end: 3, backward: false };
    expect(selectionAfterKey('ab\ncd', from, 'Home', true)).to.equal(null);
    expect(selectionAfterKey('ab\ncd', from, 'Shift+End', true)).to.equal(null);
    expect(selectionAfterKey('ab\ncd', from, 'ArrowLeft', true)).to.deep.equal({ start: 2, end: 2, backward: false });
  });

  it('control: moving by the text’s order, not the field’s direction (as before F7), is caught in a dir=rtl field', async () => {
    const field = await fixture<HTMLInputElement>(html`<input dir="rtl" .value=${'שלום עולם'} />`);
    const carets = [0, 2, 5, 9].map((at) => ({ start: at, end: at, backward: false }));
    const byTextOrder: Model = (text, from, key) => selectionAfterKey(text, from, key, false, false);
    expect(await mismatches(byTextOrder, carets, field)).not.to.deep.equal([]);
  });

  it('control: a caret stepped by UTF-16 code units (over the accent and the emoji) is caught', async () => {
    const byCodeUnit: Model = (value, from, key) => {
      const moved = selectionAfterKey(value, from, key, false);
      if (from.start !== from.end || (key !== 'ArrowLeft' && key !== 'ArrowRight')) return moved;
      const at = Math.max(0, Math.min(value.length, from.start + (key === 'ArrowRight' ? 1 : -1)));
      return { start: at, end: at, backward: false };
    };
    const carets = BOUNDS.map((at) => ({ start: at, end: at, backward: false }));
    expect(await mismatches(byCodeUnit, carets)).not.to.deep.equal([]);
  });
});
