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
 * - Key actions are the customer's allow-list only (review R6), whatever the
 *   agent sends: Enter, Tab, Escape, arrows, Home/End, Page Up/Down, Space,
 *   Backspace, Delete; with Ctrl or Meta only a, c, v, x, z, y and the
 *   arrows, Home/End, Backspace, Delete; Alt never. A page's own shortcut
 *   (Ctrl+S, Ctrl+P, Ctrl+Enter, Alt+ArrowLeft) never sees the refused ones.
 *   The allowed ones carry the key code and `code` Chromium gives real keys.
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
    expect(remote.apply(action, el, () => false).ok).to.equal(true);
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
    expect(remote.apply(caret, input, () => false).ok).to.equal(true);
    expect(remote.apply({ ...caret, chain: 2 }, input, () => false).ok).to.equal(true);
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
      expect(remote.apply(lineBreak, area, () => false).ok).to.equal(true);
    }
    expect(sent).to.deep.equal(['down:hi', 'press:hi', 'down:ok', 'press:ok']);
    expect([down.value, press.value]).to.deep.equal(['', '']);
  });

  it('key actions: the allow-list only, with the codes of real keys; a page shortcut never sees a refused key', async () => {
    const field = await fixture<HTMLInputElement>(html`<input id="shortcuts" value="abc" />`);
    const seen: string[] = [];
    const codes: string[] = [];
    field.addEventListener('keydown', (e) => {
      const mods = `${e.ctrlKey ? 'C' : ''}${e.metaKey ? 'M' : ''}${e.altKey ? 'A' : ''}${e.shiftKey ? 'S' : ''}`;
      seen.push(`${mods}+${e.key}`);
      codes.push(`${e.key}:${e.code}:${e.keyCode}`);
    });
    const remote = new RemoteInput(() => undefined);
    const context: ActionContext = {
      window: window as Window & typeof globalThis,
      nodeById: (id) => (id === 1 ? field : undefined),
      maskConfig: createMaskConfig({}),
      isOwnUi: () => false,
      remoteInput: remote,
      navigationOrigins: [],
    };
    type Key = { key: string; code?: string; shift?: boolean; ctrl?: boolean; alt?: boolean; meta?: boolean };
    const outcome = (key: Key): string => {
      const result = applyRemoteAction({ kind: 'key', id: 1, ...key }, true, context);
      return result.ok ? 'ok' : result.reason;
    };
    const allowed: Key[] = [
      { key: 'Enter' },
      { key: 'Tab', shift: true },
      { key: 'Escape' },
      { key: 'ArrowDown' },
      { key: 'PageUp' },
      { key: 'Home', shift: true },
      { key: ' ' },
      { key: 'a', ctrl: true },
      { key: 'c', meta: true },
      { key: 'Z', ctrl: true, shift: true },
      { key: 'ArrowLeft', ctrl: true, shift: true },
      { key: 'Backspace', ctrl: true },
      { key: 'v', ctrl: true, code: 'KeyS' },
    ];
    const refused: Key[] = [
      { key: 's', ctrl: true },
      { key: 'p', meta: true },
      { key: 'Enter', ctrl: true },
      { key: 'ArrowLeft', alt: true },
      { key: 'F4', alt: true },
      { key: 'i', ctrl: true, shift: true },
      { key: 'w', ctrl: true, code: 'KeyA' },
      { key: 'a', ctrl: true, alt: true },
      { key: 'F5' },
      { key: 'x' },
      { key: 'Unidentified' },
    ];
    expect(allowed.map(outcome)).to.deep.equal(allowed.map(() => 'ok'));
    expect(refused.map(outcome)).to.deep.equal(refused.map(() => 'unsupported'));
    // Control: the allowed keys did reach the page, with their modifiers.
    expect(seen).to.deep.equal([
      '+Enter',
      'S+Tab',
      '+Escape',
      '+ArrowDown',
      '+PageUp',
      'S+Home',
      '+ ',
      'C+a',
      'M+c',
      'CS+Z',
      'CS+ArrowLeft',
      'C+Backspace',
      'C+v',
    ]);
    // The key's own code, not the one the agent claimed (a page's Ctrl+S handler may test e.code === 'KeyS').
    expect(codes.at(-1)).to.equal('v:KeyV:86');
    // The oracle for codes: Chromium's own events for the same keys.
    const real = await fixture<HTMLInputElement>(html`<input id="real-keys" value="abc" />`);
    const realCodes: string[] = [];
    real.addEventListener('keydown', (e) => {
      realCodes.push(`${e.key}:${e.code}:${e.keyCode}`);
      e.preventDefault();
    });
    real.focus();
    for (const press of ['Escape', 'ArrowDown', 'PageUp', 'Home', 'Space', 'Control+a', 'Backspace'])
      await sendKeys({ press });
    const ours = codes.filter((code) => /^(ArrowDown|PageUp|Home| |a|Backspace|Escape):/.test(code));
    expect(ours).to.deep.equal(realCodes.filter((code) => !code.startsWith('Control')));
  });
});
