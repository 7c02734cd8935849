/**
 * Table cells of one row that render one number's groups: a card written a
 * group per cell (`<td>4532</td><td>0196</td>…`, or two groups per cell) or
 * an SSN (`<td>123</td><td>45</td><td>6789</td>`). A cell ends a run of
 * text (text-runs.ts), so each group was judged alone and the number went
 * out whole, also when the page filled the cells in one by one. Cells are
 * joined into one run only when the row's neighbouring cells hold nothing
 * but digit groups of those shapes: groups of 4 (the first and last may be
 * shorter: a step cuts them; 4-6-5 as American Express writes it) or an
 * SSN's 3-2-4, and not when the cells count up or down (years as column
 * heads: 2023 2024 2025). Cards join as lines (LINE_BREAK_MARK: a whole card
 * must pass Luhn, as over <br>), SSN groups as words (a space). Other tables
 * (dates, phone numbers, prices, order numbers, pagination in cells) stay
 * cell by cell.
 */
import { READER_DIGIT } from '../../shared/number-tokens.js';
import { LINE_BREAK_MARK } from '../../shared/sensitive-numbers.js';
import { localNameOf, nodeTypeOf } from './dom-read.js';
import { flatParent, flatSibling } from './flat-tree.js';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
/** Cells of a row looked at on each side of a cell: a card's 19 digits in groups of 4 take 5. */
const MAX_CELLS = 6;
/** A cell longer than this holds more than a number's groups. */
const MAX_CELL_TEXT = 32;
/** A cell's text: digit groups, one space or dash between two. */
const GROUPS = new RegExp(`^\\s*${READER_DIGIT}+(?:[ \\-\\u00a0]${READER_DIGIT}+)*\\s*$`, 'u');
const DIGITS = new RegExp(`${READER_DIGIT}+`, 'gu');

/** The cell next to `cell` in `direction` and the text between their groups, when the row writes one number across them. */
export interface CellJoin {
  cell: Element;
  boundary: string;
}

function isCell(node: Node | null): node is Element {
  if (node === null || nodeTypeOf(node) !== ELEMENT_NODE) return false;
  const tag = localNameOf(node as Element);
  return tag === 'td' || tag === 'th';
}

/** The cell next to `cell` in `direction` (only whitespace between), or null. */
function nextCell(cell: Element, direction: -1 | 1): Element | null {
  let node = flatSibling(cell, direction);
  while (node !== null && nodeTypeOf(node) === TEXT_NODE && (node as CharacterData).data.trim() === '')
    node = flatSibling(node, direction);
  return isCell(node) ? node : null;
}

/** A cell's digit groups' lengths, or null when it holds anything else (or nothing). */
function groupsOf(cell: Element): number[] | null {
  const text = cell.textContent ?? '';
  if (text.length > MAX_CELL_TEXT || !GROUPS.test(text)) return null;
  return Array.from(text.matchAll(DIGITS), (match) => match[0].length);
}

/** Whether group lengths are a card's, or part of one: 4s (the first and last may be shorter), 19 digits at most, or 4-6-5. */
function cardShaped(sizes: readonly number[]): boolean {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > 19) return false;
  const last = sizes.length - 1;
  if (sizes.every((size, i) => (i === 0 || i === last ? size <= 4 : size === 4))) return true;
  const amex = [4, 6, 5];
  return sizes.length <= 3 && sizes.every((size, i) => (i === last ? size <= (amex[i] ?? 0) : size === amex[i]));
}

/** Whether group lengths are an SSN's 3-2-4, or its first or last two groups (a step cuts the last one). */
function ssnShaped(sizes: readonly number[]): boolean {
  const shape = sizes.join(',');
  return /^3,2(?:,[1-4])?$/.test(shape) || shape === '2,4';
}

/** Whether the cells' values count up or down one by one (years as column heads). */
function counting(cells: readonly Element[]): boolean {
  if (cells.length < 2) return false;
  const values = cells.map((cell) => Number((cell.textContent ?? '').replace(/\s/g, '')));
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  return (step === 1 || step === -1) && values.every((v, i) => i === 0 || v - (values[i - 1] ?? 0) === step);
}

/**
 * Whether the run of `cell` (a <td> or <th> its text's run reached the edge of) continues into the cell next
 * to it in `direction`, and with what between: null for other elements, and for rows not writing one number.
 */
export function cellJoin(cell: Element, direction: -1 | 1): CellJoin | null {
  const row = isCell(cell) ? flatParent(cell) : null;
  if (row === null || nodeTypeOf(row) !== ELEMENT_NODE || localNameOf(row as Element) !== 'tr') return null;
  const next = nextCell(cell, direction);
  if (next === null) return null;
  const own = groupsOf(cell);
  const theirs = own === null ? null : groupsOf(next);
  if (own === null || theirs === null) return null;
  // The row's block of number cells around the two, in order.
  const cells = [cell];
  const sizes = [own];
  for (const side of [-1, 1] as const) {
    let at = cell;
    for (let i = 0; i < MAX_CELLS; i++) {
      const other = nextCell(at, side);
      const groups = other === null ? null : groupsOf(other);
      if (other === null || groups === null) break;
      if (side < 0) {
        cells.unshift(other);
        sizes.unshift(groups);
      } else {
        cells.push(other);
        sizes.push(groups);
      }
      at = other;
    }
  }
  if (counting(cells)) return null;
  const flat = sizes.flat();
  if (ssnShaped(flat) && sizes.every((groups) => groups.length === 1)) return { cell: next, boundary: ' ' };
  return cardShaped(flat) ? { cell: next, boundary: LINE_BREAK_MARK } : null;
}
