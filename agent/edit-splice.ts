/**
 * The text side of the agent's typing in the mirror: the splice a key made in a field of the agent's copy (what
 * changed between the value before the key and after it), the text a number or email field's key typed, and
 * whether the customer's echo is the agent's text with its masking.
 */

type TextControl = HTMLInputElement | HTMLTextAreaElement;

const BULLET = '•';

/** The same text, allowing the customer's masking: a • where the agent's text has a digit. */
export function sameTextAllowingMask(echo: string, typed: string): boolean {
  if (echo === typed) return true;
  const a = [...echo];
  const b = [...typed];
  if (a.length !== b.length) return false;
  return a.every((char, i) => char === b[i] || (char === BULLET && /\p{Nd}/u.test(b[i] ?? '')));
}

/**
 * The text a number or email field of the agent's copy holds after a key: its value hides what was typed (a
 * number reads '' until it is a number, an email drops its outer spaces), and the customer's page must see the
 * same keys a person's typing fires. Keys at the end are followed (these fields have no caret to read); any
 * other change takes the value.
 */
export function typedText(
  type: string,
  typed: string,
  value: string,
  inputType: string,
  data: string | null,
  badInput: boolean,
): string {
  const candidate =
    inputType === 'insertText' && data
      ? typed + data
      : inputType === 'deleteContentBackward'
        ? [...typed].slice(0, -1).join('')
        : null;
  if (candidate === null) return value;
  if (type === 'number') return candidate === value || (value === '' && badInput) ? candidate : value;
  if (type === 'email') return candidate.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '') === value ? candidate : value;
  return value;
}

/** The splice that turns `before` into `after`; the common prefix never reaches past the caret. */
export function spliceBetween(
  before: string,
  after: string,
  caret: number | null,
): { at: number; deleteCount: number; insert: string } {
  const limit = Math.min(before.length, after.length, caret ?? Number.POSITIVE_INFINITY);
  let at = 0;
  while (at < limit && before.charCodeAt(at) === after.charCodeAt(at)) at++;
  let tail = 0;
  const tailLimit = Math.min(before.length, after.length) - at;
  while (tail < tailLimit && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail))
    tail++;
  return { at, deleteCount: before.length - at - tail, insert: after.slice(at, after.length - tail) };
}

export type FieldSelection = { selectionStart?: number; selectionEnd?: number };

/**
 * The splice of a key made at the selection it had (`selection`, before the key): what replaced it, or null when
 * `after` is not `before` with that selection replaced, or the key deleted at a caret (spliceBetween finds it).
 */
export function spliceOfSelection(
  before: string,
  after: string,
  { selectionStart: start, selectionEnd: end }: FieldSelection,
  inputType: string,
): { at: number; deleteCount: number; insert: string } | null {
  if (start === undefined || end === undefined || end < start || end > before.length) return null;
  if (start === end && !inputType.startsWith('insert')) return null;
  const tail = before.length - end;
  const inserted = after.length - start - tail;
  if (inserted < 0 || !after.startsWith(before.slice(0, start)) || !after.endsWith(before.slice(end))) return null;
  return { at: start, deleteCount: end - start, insert: after.slice(start, start + inserted) };
}

export function selectionOf(el: TextControl): FieldSelection {
  try {
    const { selectionStart, selectionEnd } = el;
    return selectionStart === null || selectionEnd === null ? {} : { selectionStart, selectionEnd };
  } catch {
    return {};
  }
}
