/**
 * The key events the customer's page gets for the agent's typing
 * (client/session/remote-input.ts, remote-actions.ts), against Chromium's own
 * events for the same keys typed for real (`sendKeys`, the browser's input
 * pipeline on a US layout): the oracle is the platform, not our key table.
 *
 * - A caret move or a click (an edit that changes nothing) is no key: a tag
 *   list that removes its last tag on Backspace in an empty field keeps its tags.
 * - A punctuation or shifted character carries the key code, `code` and
 *   `which` a real key does: the classic "numbers only" filter that lets
 *   keyCode 190 ('.') through keeps the agent's "12.50".
 * - Enter as a key action carries keyCode 13 and fires keypress, so a chat box
 *   testing `keyCode === 13` (or `which` in keypress) sends.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { EditAction, RemoteAction } from '../../shared/protocol.js';
import { RemoteInput } from '../../client/session/remote-input.js';
import { applyRemoteAction, type ActionContext } from '../../client/session/remote-actions.js';
import { createMaskConfig } from '../../client/capture/mask-dom.js';

interface KeySeen {
  type: string;
  key: string;
  code: string;
  keyCode: number;
  which: number;
  charCode: number;
}

/** Every key event `el` gets, as the fields pages read. */
function recordKeys(el: HTMLElement): KeySeen[] {
  const seen: KeySeen[] = [];
  for (const type of ['keydown', 'keypress', 'keyup'])
    el.addEventListener(type, (e) => {
      const k = e as KeyboardEvent;
      seen.push({ type, key: k.key, code: k.code, keyCode: k.keyCode, which: k.which, charCode: k.charCode });
    });
  return seen;
}

/** The agent's edits typing `text` one character at a time at the end of `el`'s value. */
function typeRemotely(remote: RemoteInput, el: HTMLInputElement, text: string): void {
  for (const char of text) {
    const at = el.value.length;
    const action: EditAction = {
      kind: 'edit',
      id: 7,
      chain: 1,
      at,
      deleteCount: 0,
      insert: char,
      inputType: 'insertText',
      selectionStart: at + char.length,
      selectionEnd: at + char.length,
    };
    expect(remote.apply(action, el).ok).to.equal(true);
  }
}

describe('the key events of the agent’s typing, against real keys', () => {
  it('a caret move or a click fires no key: a tag list that drops its last tag on Backspace keeps both', async () => {
    const box = await fixture<HTMLDivElement>(
      html`<div><span class="tag">red</span><span class="tag">blue</span><input id="tags" /></div>`,
    );
    const input = box.querySelector('input') as HTMLInputElement;
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Backspace' && input.value === '') box.querySelector('.tag:last-of-type')?.remove();
    });
    const seen = recordKeys(input);
    const remote = new RemoteInput(() => undefined);
    // What the console sends for a click into the field or an arrow key: no text changed, only the caret.
    const caret: EditAction = {
      kind: 'edit',
      id: 7,
      chain: 1,
      at: 0,
      deleteCount: 0,
      insert: '',
      selectionStart: 0,
      selectionEnd: 0,
    };
    expect(remote.apply(caret, input).ok).to.equal(true);
    expect(remote.apply({ ...caret, chain: 2 }, input).ok).to.equal(true);
    expect(seen).to.deep.equal([]);
    expect(box.querySelectorAll('.tag').length).to.equal(2);
    // Control: a real Backspace in the empty field does drop a tag.
    input.focus();
    await sendKeys({ press: 'Backspace' });
    expect(box.querySelectorAll('.tag').length).to.equal(1);
  });

  it('punctuation and shifted characters carry the key code, code and which of the real key', async () => {
    const chars = '.,-=;/`[]\\\'!@#$%^&*()_+:<>?~{}|"aZ5 ';
    const real = await fixture<HTMLInputElement>(html`<input id="real" />`);
    const realSeen = recordKeys(real);
    real.focus();
    for (const char of chars) await sendKeys({ type: char });
    expect(real.value).to.equal(chars);
    const remoteField = await fixture<HTMLInputElement>(html`<input id="remote" />`);
    const remoteSeen = recordKeys(remoteField);
    typeRemotely(new RemoteInput(() => undefined), remoteField, chars);
    expect(remoteField.value).to.equal(chars);
    expect(remoteSeen.length).to.equal(realSeen.length);
    const differences = realSeen
      .map((event, i) => [event, remoteSeen[i]] as const)
      .filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b))
      .map(([a, b]) => `real ${JSON.stringify(a)} agent ${JSON.stringify(b)}`);
    expect(differences).to.deep.equal([]);
  });

  it('the classic keyCode "numbers only" filter keeps the agent’s decimal point, as it does a person’s', async () => {
    const allowed = [8, 9, 13, 27, 46, 110, 190];
    const filter = (e: KeyboardEvent): void => {
      if (allowed.includes(e.keyCode) || (e.keyCode >= 48 && e.keyCode <= 57 && !e.shiftKey)) return;
      e.preventDefault();
    };
    const real = await fixture<HTMLInputElement>(html`<input id="real-amount" />`);
    real.addEventListener('keydown', filter);
    real.focus();
    await sendKeys({ type: '12.5x0' });
    const remoteField = await fixture<HTMLInputElement>(html`<input id="amount" />`);
    remoteField.addEventListener('keydown', filter);
    typeRemotely(new RemoteInput(() => undefined), remoteField, '12.5x0');
    expect(real.value).to.equal('12.50');
    expect(remoteField.value).to.equal(real.value);
  });

  it('Enter as a key action carries keyCode 13 and fires keypress: chat boxes that test either send', async () => {
    const box = await fixture<HTMLDivElement>(
      html`<div><textarea data-k="down"></textarea><textarea data-k="press"></textarea><ol></ol></div>`,
    );
    const sent: string[] = [];
    const send = (e: KeyboardEvent, test: boolean): void => {
      if (!test) return;
      e.preventDefault();
      const area = e.target as HTMLTextAreaElement;
      sent.push(`${area.dataset.k ?? ''}:${area.value}`);
      area.value = '';
    };
    const down = box.querySelector('[data-k="down"]') as HTMLTextAreaElement;
    const press = box.querySelector('[data-k="press"]') as HTMLTextAreaElement;
    down.addEventListener('keydown', (e) => send(e, e.keyCode === 13 && !e.shiftKey));
    press.addEventListener('keypress', (e) => send(e, e.which === 13));
    // The oracle: a person's Enter in each.
    for (const area of [down, press]) {
      area.value = 'hi';
      area.focus();
      await sendKeys({ press: 'Enter' });
    }
    expect(sent).to.deep.equal(['down:hi', 'press:hi']);
    expect([down.value, press.value]).to.deep.equal(['', '']);

    const ids = ['down', 'press'];
    const remote = new RemoteInput(() => undefined);
    const context: ActionContext = {
      window: window as Window & typeof globalThis,
      nodeById: (id) => box.querySelector(`[data-k="${ids[id - 1] ?? ''}"]`) ?? undefined,
      maskConfig: createMaskConfig({}),
      isOwnUi: () => false,
      remoteInput: remote,
      navigationOrigins: [],
    };
    const act = (action: RemoteAction): boolean => applyRemoteAction(action, true, context).ok;
    for (const [index, area] of [down, press].entries()) {
      area.value = 'ok';
      expect(act({ kind: 'key', id: index + 1, key: 'Enter', code: 'Enter' })).to.equal(true);
      // The console's line-break edit after the Enter: none goes in, the page took the key.
      const lineBreak: EditAction = {
        kind: 'edit',
        id: index + 1,
        chain: index + 1,
        at: 2,
        deleteCount: 0,
        insert: '\n',
        inputType: 'insertLineBreak',
      };
      expect(remote.apply(lineBreak, area).ok).to.equal(true);
    }
    expect(sent).to.deep.equal(['down:hi', 'press:hi', 'down:ok', 'press:ok']);
    expect([down.value, press.value]).to.deep.equal(['', '']);
  });
});
