/**
 * The rest of the agent's key after the page moved focus in its keydown or keypress handler (finding T2: a PIN box
 * that moves on to the next box, or back on a Backspace in an empty one). Chromium sends the rest of a person's key
 * (keypress, beforeinput, the text, input, keyup) to the element focused by then, so the key acts there, at that
 * field's selection; the agent's does the same. Never into a masked field: the agent does not type there.
 */
import { noteAgentSplice } from '../capture/agent-inserted.js';
import type { KeyOfEdit } from './key-table.js';
import { select } from './field-selection.js';
import { isTypableField, keyAtSelection, selectionIn, setNativeValue, withinMaxLength } from './field-splice.js';
import type { MaskedRule } from './typing-focus.js';

type View = Window & typeof globalThis;

/** What the key is: its key events, and the text it makes. */
export interface KeyRest {
  key: KeyOfEdit;
  inputType: string;
  insert: string;
  /** keypress fired already (the page moved focus in it). */
  pressed: boolean;
}

/**
 * Fires the rest of the key on `to` (null: focus left for the page's body) and applies its text there; 'masked' when
 * `to` is a masked field (nothing fired there).
 */
export function keyGoesOn(
  to: Element | null,
  doc: Document,
  rest: KeyRest,
  masked: MaskedRule,
  view: View,
): 'masked' | 'done' {
  if (to !== null && masked(to)) return 'masked';
  const target = to ?? doc.body;
  const { key, inputType } = rest;
  const keyup = (): 'done' => {
    target.dispatchEvent(new view.KeyboardEvent('keyup', key.init));
    return 'done';
  };
  if (!rest.pressed && key.printable && !target.dispatchEvent(new view.KeyboardEvent('keypress', key.press)))
    return keyup();
  if (to === null || !isTypableField(to) || to.disabled || to.readOnly) return keyup();
  const current = to.value;
  const [at, del] = keyAtSelection(current, selectionIn(to) ?? [current.length, current.length], inputType);
  const insert = withinMaxLength(to, rest.insert, current.length - del, inputType);
  if (insert === '' && del === 0) return keyup();
  const init = { bubbles: true, cancelable: true, composed: true, inputType, data: insert === '' ? null : insert };
  if (!to.dispatchEvent(new view.InputEvent('beforeinput', init))) return keyup();
  noteAgentSplice(to, current, at, del, insert);
  setNativeValue(to, current.slice(0, at) + insert + current.slice(at + del));
  select(to, at + insert.length, at + insert.length);
  to.dispatchEvent(new view.InputEvent('input', { ...init, cancelable: false }));
  return keyup();
}
