/**
 * Where the agent's keys go when the page moves focus from the field they name
 * (review s12 T2, T3; the e2e oracle is test/e2e/remote-typing-remount.test.ts):
 * to the field the page put focus on, as a person's keys, but never into a
 * masked field, and not once the customer moved focus or typed there. Real
 * Chromium, the customer's keys real (sendKeys), the actions applied as the
 * customer's session applies them (applyRemoteAction).
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { RemoteInput } from '../../client/session/remote-input.js';
import { applyRemoteAction, type ActionContext } from '../../client/session/remote-actions.js';
import { createMaskConfig } from '../../client/capture/mask-dom.js';

/** Ids for the nodes under `root`; a node no longer in the page is not found, as the capture's ids do. */
function contextFor(root: Element, remoteInput: RemoteInput): { context: ActionContext; id: (el: Element) => number } {
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
    nodeById: (id) => {
      const node = ids.get(id);
      return node?.isConnected === true ? node : undefined;
    },
    maskConfig: createMaskConfig({}),
    isOwnUi: () => false,
    remoteInput,
    navigationOrigins: [],
  };
  return { context, id: (el) => idOf.get(el) ?? 0 };
}

/** The agent's keys `text` into the field `id` names, one edit each, as its console sends them; the outcomes. */
function typeInto(context: ActionContext, id: number, text: string, from = 0): string[] {
  return [...text].map((char, i) => {
    const at = from + i;
    const outcome = applyRemoteAction(
      {
        kind: 'edit',
        id,
        chain: 1,
        at,
        deleteCount: 0,
        insert: char,
        inputType: 'insertText',
        selectionStart: at + 1,
        selectionEnd: at + 1,
      },
      true,
      context,
    );
    return outcome.ok ? 'ok' : outcome.reason;
  });
}

describe('the agent’s keys where the page moved focus', () => {
  let remote: RemoteInput;
  const onInput = (event: Event): void => remote.noteInputEvent(event);
  beforeEach(() => {
    remote = new RemoteInput(() => undefined);
    window.addEventListener('input', onInput, true);
  });
  afterEach(() => window.removeEventListener('input', onInput, true));

  it('go on to the clear box the page moved focus to, and not into a masked one', async () => {
    const box = await fixture<HTMLDivElement>(
      html`<div>
        <input id="user" /><input id="next" />
        <input id="login" /><input id="pin" type="password" autocomplete="current-password" />
      </div>`,
    );
    const $ = (sel: string): HTMLInputElement => box.querySelector<HTMLInputElement>(sel)!;
    for (const [from, to] of [
      ['#user', '#next'],
      ['#login', '#pin'],
    ] as const)
      $(from).addEventListener('input', () => {
        if ($(from).value.length === 4) $(to).focus();
      });
    const { context, id } = contextFor(box, remote);
    // Control: a clear box takes the keys after the fourth, as a person's go there.
    expect(typeInto(context, id($('#user')), 'GIFTXMAS')).to.deep.equal(Array(8).fill('ok'));
    expect([$('#user').value, $('#next').value]).to.deep.equal(['GIFT', 'XMAS']);
    // A masked box: the keys that would go on are refused, nothing is typed into it.
    const outcomes = typeInto(context, id($('#login')), 'dana1234');
    expect(outcomes).to.deep.equal(['ok', 'ok', 'ok', 'ok', 'masked', 'masked', 'masked', 'masked']);
    expect([$('#login').value, $('#pin').value]).to.deep.equal(['dana', '']);
  });

  it('stay in the agent’s field once the customer moved focus, or typed where the page put it', async () => {
    const box = await fixture<HTMLDivElement>(html`<div><input id="a" /><input id="b" /><input id="c" /></div>`);
    const $ = (sel: string): HTMLInputElement => box.querySelector<HTMLInputElement>(sel)!;
    $('#a').addEventListener('input', () => {
      if ($('#a').value.length === 2) $('#b').focus();
    });
    const { context, id } = contextFor(box, remote);
    // The page moves focus on to #b; the customer then clicks into #c: the agent's next key names #a and goes there.
    typeInto(context, id($('#a')), 'ab');
    expect(document.activeElement).to.equal($('#b'));
    $('#c').focus();
    expect(typeInto(context, id($('#a')), 'x', 2)).to.deep.equal(['ok']);
    expect([$('#a').value, $('#b').value, $('#c').value]).to.deep.equal(['abx', '', '']);
    // Again to #b, where the customer now types: the agent's key does not land among theirs.
    $('#a').value = '';
    typeInto(context, id($('#a')), 'ab');
    expect(document.activeElement).to.equal($('#b'));
    await sendKeys({ type: 'zz' });
    expect(typeInto(context, id($('#a')), 'y', 2)).to.deep.equal(['ok']);
    expect([$('#a').value, $('#b').value]).to.deep.equal(['aby', 'zz']);
  });
});
