/**
 * What the agent's remote actions may do on the customer's page, and what
 * not (review s12): real Chromium, the customer's keys real (sendKeys), the
 * actions applied as the customer's session applies them (applyRemoteAction).
 * Each case states what the customer permitted, written out here; each has a
 * control that shows the same path does act when it may.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { RemoteAction } from '../../shared/protocol.js';
import { RemoteInput } from '../../client/session/remote-input.js';
import { applyRemoteAction, type ActionContext } from '../../client/session/remote-actions.js';
import { createMaskConfig } from '../../client/capture/mask-dom.js';

function contextFor(
  root: Element,
  remoteInput = new RemoteInput(() => undefined),
): {
  context: ActionContext;
  id: (el: Element | null) => number;
} {
  const ids = new Map<number, Node>();
  const idOf = new Map<Node, number>();
  let next = 1;
  const walk = (n: Node): void => {
    ids.set(next, n);
    idOf.set(n, next++);
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(root);
  const context: ActionContext = {
    window,
    nodeById: (id) => ids.get(id),
    maskConfig: createMaskConfig({}),
    isOwnUi: () => false,
    remoteInput,
    navigationOrigins: [],
  };
  return { context, id: (el) => (el === null ? 0 : (idOf.get(el) ?? 0)) };
}

function act(context: ActionContext, action: RemoteAction): string {
  const outcome = applyRemoteAction(action, true, context);
  return outcome.ok ? 'ok' : outcome.reason;
}

describe('remote actions and the customer’s focus (F2)', () => {
  const onInput = (event: Event): void => remote.noteInputEvent(event);
  let remote: RemoteInput;
  beforeEach(() => {
    remote = new RemoteInput(() => undefined);
    window.addEventListener('input', onInput, true);
  });
  afterEach(() => window.removeEventListener('input', onInput, true));

  it('a click or an input action between two of the customer’s keys leaves their keys in the password field', async () => {
    const box = await fixture<HTMLDivElement>(
      html`<div>
        <input id="pw" type="password" autocomplete="current-password" /><input id="notes" />
        <label for="name">Name</label><input id="name" /><button id="go">Go</button>
      </div>`,
    );
    const pw = box.querySelector<HTMLInputElement>('#pw')!;
    const notes = box.querySelector<HTMLInputElement>('#notes')!;
    const name = box.querySelector<HTMLInputElement>('#name')!;
    // A page whose button puts focus in a field (a "search" button opening its box): the page's reaction counts too.
    box.querySelector('#go')!.addEventListener('click', () => notes.focus());
    const { context, id } = contextFor(box, remote);
    pw.focus();
    await sendKeys({ type: 'hu' });
    expect(act(context, { kind: 'click', id: id(notes) })).to.equal('ok');
    await sendKeys({ type: 'nt' });
    expect(act(context, { kind: 'input', id: id(name), value: 'Jane' })).to.equal('ok');
    await sendKeys({ type: 'er' });
    expect(act(context, { kind: 'click', id: id(box.querySelector('label')) })).to.equal('ok');
    await sendKeys({ type: '2s' });
    expect(act(context, { kind: 'click', id: id(box.querySelector('#go')) })).to.equal('ok');
    await sendKeys({ type: 'ecret' });
    expect({ pw: pw.value, notes: notes.value, name: name.value }).to.deep.equal({
      pw: 'hunter2secret',
      notes: '',
      name: 'Jane',
    });
    expect(document.activeElement).to.equal(pw);
  });

  it('control: with the customer’s focus on no text field, the click focuses its target and the keys go there', async () => {
    const box = await fixture<HTMLDivElement>(html`<div><button id="b">b</button><input id="notes" /></div>`);
    const notes = box.querySelector<HTMLInputElement>('#notes')!;
    const { context, id } = contextFor(box, remote);
    box.querySelector<HTMLButtonElement>('#b')!.focus();
    expect(act(context, { kind: 'click', id: id(notes) })).to.equal('ok');
    await sendKeys({ type: 'abc' });
    expect(notes.value).to.equal('abc');
  });
});

describe('masked checkboxes and radios through their label (F3)', () => {
  it('a click on a label (wrapping or for=) of a masked control, or inside it, is refused and changes nothing', async () => {
    const box = await fixture<HTMLDivElement>(
      html`<div>
        <label id="l1"><input id="consent" type="checkbox" data-cobrowse-mask /> <span id="s1">Share my data</span></label>
        <label id="l2" for="keep">Remember this card</label><input id="keep" type="checkbox" autocomplete="cc-number" />
        <label id="l3"><input id="plan" type="radio" name="p" data-cobrowse-mask /> Premium</label>
        <label id="l4"><input id="gift" type="checkbox" /> <b id="b4">Gift wrap</b></label>
      </div>`,
    );
    const get = (sel: string): HTMLInputElement => box.querySelector<HTMLInputElement>(sel)!;
    let changes = 0;
    box.addEventListener('change', () => changes++);
    const { context, id } = contextFor(box);
    const outcomes = ['#l1', '#s1', '#l2', '#l3', '#consent'].map((sel) =>
      act(context, { kind: 'click', id: id(box.querySelector(sel)) }),
    );
    expect({
      outcomes,
      consent: get('#consent').checked,
      keep: get('#keep').checked,
      plan: get('#plan').checked,
      changes,
    }).to.deep.equal({
      outcomes: ['masked', 'masked', 'masked', 'masked', 'masked'],
      consent: false,
      keep: false,
      plan: false,
      changes: 0,
    });
    // Control: a clear checkbox's label (and text inside it) toggles it, as a person's click does.
    expect(act(context, { kind: 'click', id: id(box.querySelector('#l4')) })).to.equal('ok');
    expect(get('#gift').checked).to.equal(true);
    expect(act(context, { kind: 'click', id: id(box.querySelector('#b4')) })).to.equal('ok');
    expect(get('#gift').checked).to.equal(false);
  });
});

describe('what the input action and an edit may claim (F4, F5)', () => {
  it('the input action refuses a disabled option, an option not there and a file input, and sets an allowed option', async () => {
    const box = await fixture<HTMLDivElement>(
      html`<div>
        <select id="ship">
          <option value="std">Standard</option>
          <option value="free" disabled>Free express (staff only)</option>
          <optgroup label="Staff" disabled><option value="staff">Staff pickup</option></optgroup>
          <option value="next">Next day</option>
        </select>
        <input id="f" type="file" />
      </div>`,
    );
    const select = box.querySelector<HTMLSelectElement>('#ship')!;
    const { context, id } = contextFor(box);
    const outcomes = ['free', 'staff', 'nope'].map((value) => act(context, { kind: 'input', id: id(select), value }));
    let file: string;
    try {
      file = act(context, { kind: 'input', id: id(box.querySelector('#f')), value: 'C:\\x' });
    } catch (error) {
      file = `threw ${(error as Error).name}`;
    }
    expect({ outcomes, file, value: select.value }).to.deep.equal({
      outcomes: ['invalid', 'invalid', 'invalid'],
      file: 'invalid',
      value: 'std',
    });
    // Control: an option a person can choose is set.
    expect(act(context, { kind: 'input', id: id(select), value: 'next' })).to.equal('ok');
    expect(select.value).to.equal('next');
  });

  it('an edit claiming a drop the page refuses, or an input type no text field sees, changes nothing', async () => {
    const field = await fixture<HTMLInputElement>(html`<input id="digits" inputmode="numeric" />`);
    // The page's guards, one per way a person can put text in: keys, paste, drop.
    field.addEventListener('keydown', (e) => {
      if (e.key.length === 1 && !/[0-9]/.test(e.key)) e.preventDefault();
    });
    field.addEventListener('paste', (e) => e.preventDefault());
    field.addEventListener('drop', (e) => e.preventDefault());
    const { context, id } = contextFor(field);
    const edit = (insert: string, extra: object): string =>
      act(context, {
        kind: 'edit',
        id: id(field),
        chain: 1,
        at: field.value.length,
        deleteCount: 0,
        insert,
        ...extra,
      } as RemoteAction);
    // Controls: the page refuses the letter as a key and as a paste; a digit as a key goes in.
    edit('x', { inputType: 'insertText' });
    edit('x', { inputType: 'insertFromPaste' });
    expect(edit('1', { inputType: 'insertText' })).to.equal('ok');
    expect(field.value).to.equal('1');
    const outcomes = [
      edit('y', { inputType: 'insertFromDrop' }),
      edit('z', { inputType: 'formatBold' }),
      edit('w', { inputType: 'insertFromPaste', keyless: true }),
    ];
    expect({ outcomes, value: field.value }).to.deep.equal({
      outcomes: ['ok', 'unsupported', 'unsupported'],
      value: '1',
    });
  });
});

describe('bounds on the agent’s edits (F6)', () => {
  it('60 edits of 100,000 characters do not grow a field past 100,000 characters; the rest are refused as limit', async () => {
    const area = await fixture<HTMLTextAreaElement>(html`<textarea id="big"></textarea>`);
    const { context, id } = contextFor(area);
    const chunk = 'a'.repeat(100_000);
    const outcomes = new Set<string>();
    for (let i = 0; i < 60; i++)
      outcomes.add(
        act(context, {
          kind: 'edit',
          id: id(area),
          chain: 1,
          at: area.value.length,
          deleteCount: 0,
          insert: i === 0 ? chunk.slice(0, 99_990) : chunk,
          inputType: 'insertFromPaste',
        }),
      );
    expect({ length: area.value.length, outcomes: [...outcomes] }).to.deep.equal({
      length: 99_990,
      outcomes: ['ok', 'limit'],
    });
    // Control: a key that fits still goes in (up to the bound), and the customer's own typing is not limited.
    expect(
      act(context, {
        kind: 'edit',
        id: id(area),
        chain: 1,
        at: 99_990,
        deleteCount: 0,
        insert: 'b',
        inputType: 'insertText',
      }),
    ).to.equal('ok');
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
    await sendKeys({ type: 'customer' });
    expect(area.value.length).to.equal(99_991 + 'customer'.length);
  });
});
