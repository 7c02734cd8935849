/**
 * The agent's selection on the customer's field. The agent's copy does not show the page's formatting (the spaces
 * of a card number grouped in fours), so several positions of the field stand for one of the copy's: both sides of
 * a formatting space stand for the caret after the character before it (positionSpans). The field's selection
 * stands for the agent's while each of its ends is among those positions; the page left it there (a formatter that
 * keeps the caret after the same character) as it would a person's, so it stays. A key that moves the selection
 * (an arrow, Home/End, with Shift) moves the field's over the field's own text, formatting included, as it moves a
 * person's: a Shift+ArrowRight before a grouping space selects the space, not the digit after it.
 */
import type { SelectionKey } from '../../shared/protocol.js';
import { isRightToLeft, selectionAfterKey } from '../../shared/selection-keys.js';
import { mapPosition, positionSpans } from './splice-map.js';
import { selectionIn } from './field-splice.js';

type TextControl = HTMLInputElement | HTMLTextAreaElement;
export type Range = readonly [number, number];

/** Whether the field's selection `live` (in `value`) stands for the agent's `agent` (in `agentText`). */
export function standsFor(agentText: string, value: string, agent: Range, live: Range): boolean {
  const span = positionSpans(agentText, value);
  const within = (at: number, position: number): boolean => {
    const [first, last] = span(position);
    return first <= at && at <= last;
  };
  return within(live[0], agent[0]) && within(live[1], agent[1]);
}

/** Sets the field's selection (email and number fields have no selection API: nothing then). */
export function select(el: TextControl, start: number, end: number, direction?: 'forward' | 'backward'): void {
  try {
    el.setSelectionRange(start, end, direction);
  } catch {
    // no selection API
  }
}

/**
 * Moves the field's selection from `from` (its own, or where the agent's stood: `backward` its moving end) by the
 * agent's key, over the field's text; null when this key is not moved here (a textarea's Home/End).
 */
export function moveByKey(el: TextControl, from: Range, backward: boolean, key: SelectionKey): Range | null {
  const next = selectionAfterKey(
    el.value,
    { start: from[0], end: from[1], backward },
    key,
    el.localName === 'textarea',
    isRightToLeft(el),
  );
  if (next === null) return null;
  select(el, next.start, next.end, next.backward ? 'backward' : 'forward');
  return [next.start, next.end];
}

/**
 * The customer's selection where the agent's was before the key, so the page's key handlers read the right place.
 * Left as it is when it already stands for it (`kept`).
 */
export function selectAsBefore(
  el: TextControl,
  agentText: string,
  inputType: string,
  at: number,
  deleted: number,
  collapsed?: boolean,
): void {
  const value = el.value;
  // A key that deletes from a caret (a character, a word); anything else replaced or cut a selection. Whether the
  // agent had a caret is known when its console said where its selection was; else 1-2 characters (an emoji) are.
  const caretOnly =
    inputType.startsWith('deleteWord') || (inputType.startsWith('deleteContent') && (collapsed ?? deleted <= 2));
  const from = inputType.endsWith('Backward') && caretOnly ? at + deleted : at;
  const to = caretOnly ? from : at + deleted;
  const live = selectionIn(el);
  if (live !== null && standsFor(agentText, value, [from, to], live)) return;
  select(el, mapPosition(agentText, value, from), mapPosition(agentText, value, to));
}

/**
 * After a refused key: the agent's caret or selection moved from `from` to `to` in its copy (of `agentLength`
 * characters) with no key the field can follow (a word by Ctrl+arrow, a line); the field's moves by as many
 * characters from where it is, as a person's arrows move it (an end that stayed stays; the start and the end of the
 * agent's copy are the field's).
 */
export function moveBy(el: TextControl, from: Range, to: Range, agentLength: number): void {
  const live = selectionIn(el);
  if (live === null) return;
  const length = el.value.length;
  const moved = (end: number): number => {
    const target = to[end] ?? 0;
    if (target === from[0]) return live[0];
    if (target === from[1]) return live[1];
    return Math.max(0, Math.min(length, (live[end] ?? 0) + target - (from[end] ?? 0)));
  };
  const ends = (end: number): number => (to[end] === 0 ? 0 : to[end] === agentLength ? length : moved(end));
  const [start, end] = [ends(0), ends(1)];
  select(el, Math.min(start, end), Math.max(start, end));
}

/**
 * The field's caret or selection after the agent's edit: `target` (the agent's, carried over to the field's text
 * `shown` from `agentText`), unless the page left it at a position that stands for it (a formatter keeping the caret
 * after the same character, before its space), as it leaves a person's.
 */
export function settleSelection(el: TextControl, agentText: string, target: Range): void {
  const shown = el.value;
  const live = selectionIn(el);
  if (live !== null && standsFor(agentText, shown, target, live)) return;
  select(el, mapPosition(agentText, shown, target[0]), mapPosition(agentText, shown, target[1]));
}
