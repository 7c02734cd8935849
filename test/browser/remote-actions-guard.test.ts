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
