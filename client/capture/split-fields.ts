/**
 * Numbers entered in several short boxes: a card number in four boxes of
 * 4 digits, an SSN in boxes of 3, 2 and 4, a one-time code in six boxes of
 * one. Each box alone holds too few digits to be recognised as a card
 * number or SSN, and a box's value goes out by the normal rule as soon as
 * focus moves to the next box, before the number is whole, so the boxes
 * are recognised by their shape instead: a text-like input limited to at
 * most 4 characters (`maxlength` or `size`) with another such input
 * beside it (same parent, or each in a wrapper of the same grandparent).
 * Boxes a script limits (no `maxlength` or `size`) are recognised by how
 * they look: a field for digits (`inputmode` numeric, decimal or tel,
 * `type` tel or number, or a `pattern` of digits) drawn at most
 * NARROW_BOX_EMS font sizes wide.
 * Known collateral, accepted (a masked box costs the agent a question):
 * phone numbers and dates typed in split boxes, narrow number fields side
 * by side (adults and children counts).
 */
import { childNodesOf, getAttr, localNameOf, nodeTypeOf, parentNodeOf } from './dom-read.js';
import { UNTYPED_INPUTS } from './typing.js';

const ELEMENT_NODE = 1;
const SHORTEST_BOX = 1;
const LONGEST_BOX = 4;

function shortLimit(el: Element, attribute: string): boolean {
  const raw = getAttr(el, attribute);
  if (raw === null) return false;
  const limit = Number.parseInt(raw.trim(), 10);
  return limit >= SHORTEST_BOX && limit <= LONGEST_BOX;
}

/**
 * Widest box, in font sizes, a script-limited box may be: a digit is about half a font size wide, so
 * 4 digits and the box's padding and border fit in 4; an ordinary field (20 characters by default) is
 * about 10 wide.
 */
const NARROW_BOX_EMS = 4;
const DIGIT_INPUT_MODES: ReadonlySet<string> = new Set(['numeric', 'decimal', 'tel']);
const DIGIT_PATTERN = /\\d|\[0-9|0-9\]/;

/** Whether `el` asks for digits: its keyboard, type or pattern. */
function asksForDigits(el: Element, type: string): boolean {
  if (type === 'tel' || type === 'number') return true;
  if (DIGIT_INPUT_MODES.has((getAttr(el, 'inputmode') ?? '').trim().toLowerCase())) return true;
  return DIGIT_PATTERN.test(getAttr(el, 'pattern') ?? '');
}

/** Whether `el` is drawn at most NARROW_BOX_EMS font sizes wide (and drawn at all). */
function isNarrow(el: Element): boolean {
  const width = el.getBoundingClientRect().width;
  if (width <= 0) return false;
  const fontSize = Number.parseFloat(el.ownerDocument.defaultView?.getComputedStyle(el).fontSize ?? '');
  return Number.isFinite(fontSize) && fontSize > 0 && width <= NARROW_BOX_EMS * fontSize;
}

/** Whether `el` is a text-like input limited to a few characters (by attribute, or drawn so for digits). */
function isShortBox(el: Element): boolean {
  if (localNameOf(el).toLowerCase() !== 'input') return false;
  const type = (getAttr(el, 'type') ?? 'text').trim().toLowerCase();
  if (UNTYPED_INPUTS.has(type)) return false; // a group of short checkboxes is no number
  if (getAttr(el, 'maxlength') !== null || getAttr(el, 'size') !== null)
    return shortLimit(el, 'maxlength') || shortLimit(el, 'size');
  return asksForDigits(el, type) && isNarrow(el);
}

/** Short boxes among `node`'s children and grandchildren, counted up to 2. */
function shortBoxesUnder(node: Node, depth: number, found = 0): number {
  const children = childNodesOf(node);
  for (let i = 0; i < children.length && found < 2; i++) {
    const child = children[i];
    if (child === undefined || nodeTypeOf(child) !== ELEMENT_NODE) continue;
    if (isShortBox(child as Element)) found++;
    else if (depth > 1) found = shortBoxesUnder(child, depth - 1, found);
  }
  return found;
}

/** Whether `input` is one box of a number entered in several short boxes (see the module comment). */
export function isSplitNumberBox(input: Element): boolean {
  if (!isShortBox(input)) return false;
  const parent = parentNodeOf(input);
  if (parent === null) return false;
  if (shortBoxesUnder(parent, 1) >= 2) return true;
  const grandparent = parentNodeOf(parent);
  return grandparent !== null && shortBoxesUnder(grandparent, 2) >= 2;
}
