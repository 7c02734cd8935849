/**
 * Where a person's key that moves a text field's selection (an arrow, Home/End, with Shift) leaves it, as Chromium
 * moves it: the customer's page moves its field's by the agent's key (client/session/field-selection.ts), and the
 * agent's console moves its copy's by a key it could not give its copy (a field the page re-mounted). The oracle is
 * Chromium's own move for real keys (test/browser/remote-selection-keys.test.ts).
 */
import type { SelectionKey } from './protocol.js';

/** The field's selection and whether its moving end is its start (Shift+ArrowLeft from a caret). */
export interface KeyedSelection {
  start: number;
  end: number;
  backward: boolean;
}

/** Grapheme boundaries, as a person's arrows step over an emoji or an accented letter in one press. */
const graphemes =
  typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
/** Characters read around the caret to find the next grapheme boundary (a cluster is never this long in practice). */
const GRAPHEME_WINDOW = 64;

/** The position one character (grapheme) from `at` in `value`, forward or back. */
function step(value: string, at: number, forward: boolean): number {
  if (forward ? at >= value.length : at <= 0) return at;
  const from = Math.max(0, at - GRAPHEME_WINDOW);
  const window = value.slice(from, at + GRAPHEME_WINDOW);
  const bounds: number[] = [];
  if (graphemes !== null) for (const { index } of graphemes.segment(window)) bounds.push(from + index);
  else for (let i = 0; i < window.length; i += (window.codePointAt(i) ?? 0) > 0xffff ? 2 : 1) bounds.push(from + i);
  bounds.push(from + window.length);
  if (forward) return bounds.find((bound) => bound > at) ?? value.length;
  return bounds.findLast((bound) => bound < at) ?? 0;
}

/**
 * Where a person's key leaves a field's selection, as Chromium moves it (Linux and Windows): an arrow collapses a
 * selection to its start or end, else moves the caret by one character; Home and End go to the ends; with Shift the
 * moving end (`backward`: the start) moves and the other stays. Null for Home/End in a textarea (they go by line,
 * as the page lays the lines out).
 */
export function selectionAfterKey(
  value: string,
  { start, end, backward }: KeyedSelection,
  key: SelectionKey,
  multiline: boolean,
): KeyedSelection | null {
  const shift = key.startsWith('Shift+');
  const name = shift ? key.slice('Shift+'.length) : key;
  if (multiline && (name === 'Home' || name === 'End')) return null;
  const collapsed = start === end;
  const moving = collapsed || !backward ? end : start;
  const anchor = collapsed || !backward ? start : end;
  const moved =
    name === 'Home'
      ? 0
      : name === 'End'
        ? value.length
        : !shift && !collapsed
          ? name === 'ArrowLeft'
            ? start
            : end
          : step(value, moving, name === 'ArrowRight');
  if (!shift) return { start: moved, end: moved, backward: false };
  return { start: Math.min(anchor, moved), end: Math.max(anchor, moved), backward: moved < anchor };
}
