/**
 * The agent's copy of a field the customer's page re-mounted (review s12 T2; the e2e oracle is
 * test/e2e/remote-typing-remount.test.ts, whose 0 ms case this reproduces without timing): the keys the agent typed
 * into its copy of the old field before the mirror removed it went on to the new field on the customer's page, and
 * the customer's echoes of the new field lag them. When the copy follows the customer's focus to the new field, that
 * field takes the old copy's text and holds the echoes from there, so the agent's next caret and keys are at the
 * places of the customer's text. Without: 'hello world' ended 'helldo worl' and 'helo worldl' at 0 ms per key.
 * Real Chromium; the controller is driven as the agent's view drives it (its events, focus frames, echoes).
 */
import { expect, fixture, html } from '@open-wc/testing';
import { RemoteInputController } from '../../agent/remote-input-controller.js';
import type { RemoteAction } from '../../shared/protocol.js';
import type { InputFrame } from '../../agent/mirror/mirror.js';

interface Setup {
  controller: RemoteInputController;
  actions: RemoteAction[];
  ids: Map<Node, number>;
  apply: (frame: InputFrame) => void;
}

function setUp(root: HTMLElement): Setup {
  const actions: RemoteAction[] = [];
  const ids = new Map<Node, number>();
  const byId = (id: number): HTMLInputElement | undefined =>
    [...ids.entries()].find(([, v]) => v === id)?.[0] as HTMLInputElement | undefined;
  const apply = (frame: InputFrame): void => {
    const el = byId(frame.id);
    if (el && frame.value !== undefined) el.value = frame.value;
  };
  const controller = new RemoteInputController(
    {
      addController: () => undefined,
      removeController: () => undefined,
      requestUpdate: () => undefined,
      updateComplete: Promise.resolve(true),
    },
    {
      act: (action) => (actions.push(action), true),
      canType: () => true,
      idOf: (node) => ids.get(node),
      isMasked: () => false,
      applyEcho: apply,
      // The customer has not answered yet: the keys are in flight.
      drained: () => new Promise(() => undefined),
      notify: () => undefined,
    },
  );
  for (const [type, handler] of [
    ['beforeinput', (e: Event) => controller.onBeforeInput(e)],
    ['input', (e: Event) => controller.onInput(e)],
    ['keydown', (e: Event) => controller.onKeyDown(e)],
  ] as const)
    root.addEventListener(type, handler, true);
  return { controller, actions, ids, apply };
}

/** One key typed in `el` as Chromium fires it (keydown, beforeinput, the text, input). */
function typeKey(el: HTMLInputElement, key: string): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
  el.dispatchEvent(
    new InputEvent('beforeinput', { inputType: 'insertText', data: key, bubbles: true, composed: true }),
  );
  el.setRangeText(key, el.selectionStart ?? el.value.length, el.selectionEnd ?? el.value.length, 'end');
  el.dispatchEvent(new InputEvent('input', { inputType: 'insertText', data: key, bubbles: true, composed: true }));
}

describe('the agent’s copy of a field the customer’s page re-mounted', () => {
  it('takes the old copy’s text and holds the lagging echoes of the new field', async () => {
    const root = await fixture<HTMLElement>(html`<div><input id="old" /></div>`);
    const { controller, ids, apply } = setUp(root);
    const old = root.querySelector('input') as HTMLInputElement;
    ids.set(old, 10);
    old.focus();
    controller.onCustomerFocus(old);
    for (const key of 'hel') typeKey(old, key);
    // The mirror applies the page's re-mount (on the first character: the new field has 'h'), then an echo of it
    // that lags the agent's keys, then the focus frame.
    const next = document.createElement('input');
    next.value = 'h';
    ids.set(next, 11);
    old.replaceWith(next);
    const early: InputFrame = { t: 'input', seq: 1, id: 11, value: 'he' };
    if (controller.acceptEcho(early)) apply(early);
    controller.onCustomerFocus(next);
    expect(next.value).to.equal('hel');
    expect(document.activeElement).to.equal(next);
    expect([next.selectionStart, next.selectionEnd]).to.deep.equal([3, 3]);
    // An echo after the focus frame, still behind the agent's keys, is held.
    const late: InputFrame = { t: 'input', seq: 2, id: 11, value: 'he' };
    expect(controller.acceptEcho(late)).to.equal(false);
    expect(next.value).to.equal('hel');
    expect(controller.ownedId).to.equal(11);
  });

  it('control: a field that was not re-mounted (the customer moved focus) is not taken over', async () => {
    const root = await fixture<HTMLElement>(html`<div><input id="a" /><input id="b" /></div>`);
    const { controller, ids } = setUp(root);
    const [a, b] = [...root.querySelectorAll('input')] as [HTMLInputElement, HTMLInputElement];
    ids.set(a, 20);
    ids.set(b, 21);
    a.focus();
    controller.onCustomerFocus(a);
    for (const key of 'hel') typeKey(a, key);
    b.value = 'x';
    controller.onCustomerFocus(b);
    expect(b.value).to.equal('x');
    expect(controller.ownedId).to.equal(20);
  });
});
