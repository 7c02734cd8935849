/**
 * The US keyboard layout, as pages read it from key events: for a character
 * or a named key, its `code`, legacy `keyCode` and whether Shift types it;
 * and the key a person presses to make an edit of the agent's.
 * The agent's keys reach the customer's page as a person's on this layout
 * (remote-input.ts for typed characters, remote-actions.ts for key actions);
 * test/browser/remote-keys.test.ts compares them with Chromium's own events.
 */
import type { SelectionKey } from '../../shared/protocol.js';

/**
 * The US layout's punctuation keys: for each `code`, its key code, the character it types and with Shift.
 * Pages read `keyCode` ('.' is 190 in the classic "numbers only" filters) and `shiftKey` ('!' is Shift+1).
 */
const PUNCTUATION: readonly (readonly [code: string, keyCode: number, plain: string, shifted: string])[] = [
  ['Period', 190, '.', '>'],
  ['Comma', 188, ',', '<'],
  ['Minus', 189, '-', '_'],
  ['Equal', 187, '=', '+'],
  ['Semicolon', 186, ';', ':'],
  ['Slash', 191, '/', '?'],
  ['Backquote', 192, '`', '~'],
  ['BracketLeft', 219, '[', '{'],
  ['Backslash', 220, '\\', '|'],
  ['BracketRight', 221, ']', '}'],
  ['Quote', 222, "'", '"'],
];
/** Shift with a digit key, from 0 to 9. */
const SHIFTED_DIGITS = ')!@#$%^&*(';

/** The named keys the agent's keys and key actions use: their `code` is their name, and their key code. */
const NAMED_KEYS: ReadonlyMap<string, number> = new Map([
  ['Backspace', 8],
  ['Tab', 9],
  ['Enter', 13],
  ['Escape', 27],
  ['PageUp', 33],
  ['PageDown', 34],
  ['End', 35],
  ['Home', 36],
  ['ArrowLeft', 37],
  ['ArrowUp', 38],
  ['ArrowRight', 39],
  ['ArrowDown', 40],
  ['Delete', 46],
]);

/** The key a US keyboard types `key` with (a character or a named key): its `code`, key code and whether Shift is held. */
export function physicalKeyOf(key: string): { code: string; keyCode: number; shift: boolean } {
  const named = NAMED_KEYS.get(key);
  if (named !== undefined) return { code: key, keyCode: named, shift: false };
  if (key === ' ') return { code: 'Space', keyCode: 32, shift: false };
  if (/^[0-9]$/.test(key)) return { code: `Digit${key}`, keyCode: key.charCodeAt(0), shift: false };
  if (/^[a-z]$/i.test(key))
    return {
      code: `Key${key.toUpperCase()}`,
      keyCode: key.toUpperCase().charCodeAt(0),
      shift: key !== key.toLowerCase(),
    };
  const digit = SHIFTED_DIGITS.indexOf(key);
  if (digit >= 0) return { code: `Digit${digit}`, keyCode: 48 + digit, shift: true };
  for (const [code, keyCode, plain, shifted] of PUNCTUATION) {
    if (key === plain || key === shifted) return { code, keyCode, shift: key === shifted };
  }
  return { code: '', keyCode: 0, shift: key !== key.toLowerCase() };
}

/** The key events of an edit a single key makes. */
export interface KeyOfEdit {
  /** keydown and keyup. */
  init: KeyboardEventInit;
  /** keypress (its key codes are the character's). */
  press: KeyboardEventInit;
  /** A character key (keypress fires for it). */
  printable: boolean;
}

/**
 * The key a person presses to make this edit: a typed character, Backspace or Delete (Ctrl with them for a
 * word); null for edits no single key makes (paste, cut, drop, composition, undo).
 */
export function keyOf(inputType: string, insert: string, view: Window & typeof globalThis): KeyOfEdit | null {
  let key: string;
  let ctrl = false;
  if (inputType === 'insertText' && insert !== '' && [...insert].length === 1) key = insert;
  else if (inputType === 'deleteContentBackward' || inputType === 'deleteWordBackward') key = 'Backspace';
  else if (inputType === 'deleteContentForward' || inputType === 'deleteWordForward') key = 'Delete';
  else return null;
  if (inputType.startsWith('deleteWord')) ctrl = true;
  const printable = key.length <= 2 && key !== 'Backspace';
  const init = keyInit(key, physicalKeyOf(key).shift, ctrl, view);
  const charCode = key.codePointAt(0) ?? 0;
  return { init, press: { ...init, keyCode: charCode, which: charCode, charCode }, printable };
}

/** The keydown and keyup of a key that moves the selection (an arrow, Home, End; with Shift), as a person's fire. */
export function selectionKeyInit(press: SelectionKey, view: Window & typeof globalThis): KeyboardEventInit {
  const shift = press.startsWith('Shift+');
  return keyInit(shift ? press.slice('Shift+'.length) : press, shift, false, view);
}

/** A key's keydown/keyup init on the US layout, with the legacy codes pages still read. */
function keyInit(
  key: string,
  shift: boolean,
  ctrl: boolean,
  view: Window & typeof globalThis,
): KeyboardEventInit & { keyCode: number; which: number; charCode: number } {
  const { code, keyCode } = physicalKeyOf(key);
  return {
    key,
    code,
    ctrlKey: ctrl,
    shiftKey: shift,
    bubbles: true,
    cancelable: true,
    composed: true,
    view,
    keyCode,
    which: keyCode,
    charCode: 0,
  };
}
