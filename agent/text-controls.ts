/**
 * The mirror's form controls the agent's typing drives, and what the agent's keys in them are: a character, or a
 * key that moves the selection (which the customer's page applies to its own field, formatting included).
 */
import type { SelectionKey } from '../shared/protocol.js';
import { isRightToLeft, selectionAfterKey } from '../shared/selection-keys.js';

export type TextControl = HTMLInputElement | HTMLTextAreaElement;
/** A form control whose whole value is sent (select, date, number, range, color, ...). */
export type ValueControl = HTMLInputElement | HTMLSelectElement;

/** number is here: its value reads '' while what is typed is not yet a number, so its text is followed key by key (typedText). */
const TYPABLE_INPUTS = new Set(['text', 'search', 'email', 'url', 'tel', 'number', '']);

/** True for a mirrored text field that edit actions drive (realm-independent: the mirror is another document). */
export function isTextControl(node: EventTarget | null): node is TextControl {
  if (typeof node !== 'object' || node === null || !('localName' in node)) return false;
  const el = node as Element;
  if (el.localName === 'textarea') return true;
  return el.localName === 'input' && TYPABLE_INPUTS.has((el.getAttribute('type') ?? '').toLowerCase());
}

/** True for a mirrored select or a non-text input whose value changes as a whole (not checkboxes, radios or buttons: those are clicks). */
export function isValueControl(node: EventTarget | null): node is ValueControl {
  if (typeof node !== 'object' || node === null || !('localName' in node)) return false;
  const el = node as Element;
  if (el.localName === 'select') return true;
  if (el.localName !== 'input' || isTextControl(el)) return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'image', 'file', 'hidden', 'password'].includes(
    (el.getAttribute('type') ?? '').toLowerCase(),
  );
}

/** A rich-text editor (contenteditable): its text is not typed remotely. */
export function isRichText(node: EventTarget | null): boolean {
  return (
    typeof node === 'object' &&
    node !== null &&
    'isContentEditable' in node &&
    (node as HTMLElement).isContentEditable === true
  );
}

/** The key a selection-moving keydown is, as an edit carries it; null for others (a word with Ctrl, a line). */
export function selectionKeyOf(event: KeyboardEvent, key: string): SelectionKey | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (key !== 'ArrowLeft' && key !== 'ArrowRight' && key !== 'Home' && key !== 'End') return null;
  return event.shiftKey ? `Shift+${key}` : key;
}

/** Whether `key` types one character (no shortcut). */
export function isCharacterKey(event: KeyboardEvent, key: string): boolean {
  return [...key].length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey;
}

/** A key the agent's copy dropped (its field was re-mounted, or full): a character, or a key that moves the selection. */
export type DroppedKey = { char: string } | { move: SelectionKey };

/** The selection of `el` as [start, end] (a caret at the end where it has none: email and number fields). */
export function caretOf(el: TextControl): [number, number] {
  try {
    const { selectionStart, selectionEnd } = el;
    const end = selectionEnd ?? el.value.length;
    return [selectionStart ?? end, end];
  } catch {
    return [el.value.length, el.value.length];
  }
}

/** Whether a character typed into `el` is one its maxlength drops (full, no selection to replace). */
export function dropsAtMaxLength(el: TextControl): boolean {
  if (el.maxLength < 0 || el.value.length < el.maxLength) return false;
  const [start, end] = caretOf(el);
  return start === end;
}

/** Moves the selection of the agent's copy `el` as a person's `key` moves it (a key its copy never got); false if not. */
export function moveSelectionByKey(el: TextControl, key: SelectionKey): boolean {
  const [start, end] = caretOf(el);
  const backward = el.selectionDirection === 'backward';
  const multiline = el.localName === 'textarea';
  const next = selectionAfterKey(el.value, { start, end, backward }, key, multiline, isRightToLeft(el));
  if (next === null) return false;
  try {
    el.setSelectionRange(next.start, next.end, next.backward ? 'backward' : 'forward');
    return true;
  } catch {
    return false; // no selection API
  }
}
