/**
 * The text side of the agent's edits on the customer's page: where a key acts in a field's value (its selection,
 * the agent's positions carried over, the character beside the caret), what maxlength lets through, and how a value
 * is set so frameworks see it.
 */
import { mapPosition } from './splice-map.js';

type TextControl = HTMLInputElement | HTMLTextAreaElement;

/** Input types whose value is free text the agent can type into, key by key. */
const TYPABLE_INPUTS = new Set(['text', 'search', 'email', 'url', 'tel', 'number', '']);

/** True for a text field the agent may type into with edit actions. */
export function isTypableField(el: Element): el is TextControl {
  if (el.localName === 'textarea') return true;
  if (el.localName !== 'input') return false;
  return TYPABLE_INPUTS.has((el.getAttribute('type') ?? '').toLowerCase());
}

/** An Enter's text (a textarea's line break). */
export function isLineBreak(inputType: string): boolean {
  return inputType === 'insertLineBreak' || inputType === 'insertParagraph';
}

/** The end of the field's selection (the caret after a key), or null where it has none. */
export function caretOf(el: TextControl): number | null {
  return selectionIn(el)?.[1] ?? null;
}

/** Whether the field's selection is a caret (a field without a selection API counts as one). */
export function isCollapsed(el: TextControl): boolean {
  const selection = selectionIn(el);
  return selection === null || selection[0] === selection[1];
}

/** The field's selection [start, end], or null where it has none (email and number fields). */
export function selectionIn(el: TextControl): readonly [number, number] | null {
  try {
    const { selectionStart, selectionEnd } = el;
    return selectionStart === null || selectionEnd === null ? null : [selectionStart, selectionEnd];
  } catch {
    return null;
  }
}

/** What a key does at the field's selection: replaces or deletes it, or deletes beside the caret: [start, length]. */
export function keyAtSelection(
  value: string,
  [start, end]: readonly [number, number],
  inputType: string,
): [number, number] {
  if (start !== end) return [start, end - start];
  return inputType.startsWith('deleteContent') ? besideCaret(value, start, inputType) : [start, 0];
}

/** The agent's splice at the same places of the field's text (email and number fields, paste, composition). */
export function spliceCarriedOver(
  agentText: string,
  value: string,
  agentAt: number,
  agentDel: number,
  isKey: boolean,
  inputType: string,
): [number, number] {
  const at = mapPosition(agentText, value, agentAt);
  const del = Math.max(0, mapPosition(agentText, value, agentAt + agentDel) - at);
  // A Backspace or Delete of a character this field never had (its page refused that key): a person's key deletes
  // the character beside the caret here.
  if (isKey && agentDel > 0 && del === 0 && inputType.startsWith('deleteContent'))
    return besideCaret(value, at, inputType);
  return [at, del];
}

/** The character a Backspace (before) or Delete (after) removes at caret `at` of `value`: [start, length]. */
function besideCaret(value: string, at: number, inputType: string): [number, number] {
  if (inputType.endsWith('Backward')) {
    if (at === 0) return [0, 0];
    const width =
      at >= 2 && /[\uDC00-\uDFFF]/.test(value.charAt(at - 1)) && /[\uD800-\uDBFF]/.test(value.charAt(at - 2)) ? 2 : 1;
    return [at - width, width];
  }
  if (at >= value.length) return [at, 0];
  return [at, (value.codePointAt(at) ?? 0) > 0xffff ? 2 : 1];
}

/** `insert` cut to what the field's maxlength lets a person type when `kept` characters of its value remain. */
export function withinMaxLength(el: TextControl, insert: string, kept: number, inputType: string): string {
  const max = el.maxLength;
  if (max < 0 || insert === '' || !inputType.startsWith('insert')) return insert;
  const room = max - kept;
  if (room <= 0) return '';
  if (insert.length <= room) return insert;
  let cut = '';
  for (const char of insert) {
    if (cut.length + char.length > room) break;
    cut += char;
  }
  return cut;
}

/** Set a form control's value through the native setter so frameworks that track it see the change. */
export function setNativeValue(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  const proto = Object.getPrototypeOf(el) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(el, value);
  else el.value = value;
}
