/**
 * Numbers entered in several short boxes: a card number in four boxes of
 * 4 digits, an SSN in boxes of 3, 2 and 4, a one-time code in six boxes of
 * one. Each box alone holds too few digits to be recognised as a card
 * number or SSN, and a box's value goes out by the normal rule as soon as
 * focus moves to the next box, before the number is whole, so the boxes
 * are recognised by their shape instead: a text-like input limited to at
 * most 4 characters (`maxlength` or `size`) with another such input
 * beside it (same parent, or each in a wrapper of the same grandparent).
 * Known collateral, accepted (a masked box costs the agent a question):
 * phone numbers and dates typed in split boxes.
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

/** Whether `el` is a text-like input limited to a few characters. */
function isShortBox(el: Element): boolean {
  if (localNameOf(el).toLowerCase() !== 'input') return false;
  const type = (getAttr(el, 'type') ?? 'text').trim().toLowerCase();
  if (UNTYPED_INPUTS.has(type)) return false; // a group of short checkboxes is no number
  return shortLimit(el, 'maxlength') || shortLimit(el, 'size');
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
