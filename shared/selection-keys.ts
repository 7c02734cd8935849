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

/** Letters written right to left (Hebrew, Arabic and the scripts written like them); their digits go left to right. */
const RIGHT_TO_LEFT =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]/u;
/** Letters and digits: what sets the direction of the text around it (spaces and punctuation take their neighbours'). */
const STRONG = /[\p{L}\p{Nd}]/u;

/** 'rtl', 'ltr', or null for a character with no direction of its own (a space, punctuation, an emoji). */
function directionOf(char: string | undefined): 'rtl' | 'ltr' | null {
  if (char === undefined || !STRONG.test(char)) return null;
  return RIGHT_TO_LEFT.test(char) && !/\p{Nd}/u.test(char) ? 'rtl' : 'ltr';
}

/**
 * Whether a selection of `value` from `start` to `end` reads right to left, as Chromium decides where ArrowLeft
 * collapses it (finding F7): by its first and last letters when they agree, else by the field's direction (`rtl`).
 */
function selectionIsRightToLeft(value: string, start: number, end: number, rtl: boolean): boolean {
  const strong = [...value.slice(start, end)].map(directionOf).filter((direction) => direction !== null);
  const [first, last] = [strong[0], strong[strong.length - 1]];
  return first !== undefined && first === last ? first === 'rtl' : rtl;
}

/**
 * Where a person's key leaves a field's selection, as Chromium moves it (Linux and Windows): an arrow collapses a
 * selection to its left or right end on the screen, else moves the caret by one character, forward on ArrowRight
 * in a left-to-right field and on ArrowLeft in a right-to-left one (`rtl`: finding F7); Home and End go to the ends;
 * with Shift the moving end (`backward`: the start) moves and the other stays. Null for Home/End in a textarea (they
 * go by line, as the page lays the lines out).
 */
export function selectionAfterKey(
  value: string,
  { start, end, backward }: KeyedSelection,
  key: SelectionKey,
  multiline: boolean,
  rtl = false,
): KeyedSelection | null {
  const shift = key.startsWith('Shift+');
  const name = shift ? key.slice('Shift+'.length) : key;
  if (multiline && (name === 'Home' || name === 'End')) return null;
  const collapsed = start === end;
  const moving = collapsed || !backward ? end : start;
  const anchor = collapsed || !backward ? start : end;
  // A caret moves by the field's direction, whatever its text (ArrowLeft is forward in a right-to-left field); a
  // selection collapses to the end on its left on the screen, as its text reads (measured: remote-selection-keys).
  const left = name === 'ArrowLeft';
  const moved =
    name === 'Home'
      ? 0
      : name === 'End'
        ? value.length
        : !shift && !collapsed
          ? left === selectionIsRightToLeft(value, start, end, rtl)
            ? end
            : start
          : step(value, moving, left === rtl);
  if (!shift) return { start: moved, end: moved, backward: false };
  return { start: Math.min(anchor, moved), end: Math.max(anchor, moved), backward: moved < anchor };
}

/** Whether a field lays its text out right to left (dir=rtl, or dir=auto with right-to-left text): selectionAfterKey. */
export function isRightToLeft(field: Element): boolean {
  return field.ownerDocument.defaultView?.getComputedStyle(field).direction === 'rtl';
}
