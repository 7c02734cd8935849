/**
 * Positions in the agent's copy of a field mapped onto the customer's field.
 * While the agent types, its copy holds what it typed (the customer's echoes
 * are held back), but the customer's page may rewrite the value after each
 * key: a phone number formatted as "(555) 123-4567", letters upper-cased.
 * A splice at the agent's positions then lands at the wrong place ("(555)
 * 456-7321" for 5551234567 typed at 60 ms per key, measured in a React
 * field), so each position is carried over by aligning the two texts: equal
 * characters (ignoring case, a • in the agent's copy standing for a masked
 * digit) match, punctuation and spaces only the page has are its formatting,
 * and characters the page dropped map to where they would have been.
 */

import { READER_DIGIT } from '../../shared/number-tokens.js';

const WORD_CHAR = /[\p{L}\p{N}]/u;
const DIGIT = new RegExp(READER_DIGIT, 'u');
const BULLET = '•';

function sameChar(agent: string, customer: string): boolean {
  return (
    agent === customer || agent.toLowerCase() === customer.toLowerCase() || (agent === BULLET && DIGIT.test(customer))
  );
}

/** Above this many character pairs the alignment is greedy (a long text the page rewrote whole). */
const MAX_ALIGNED_PAIRS = 1_000_000;

/**
 * For each position 0..agent.length in `agent`, the position in `customer` it stands for: the texts are aligned
 * on a longest common subsequence of equal characters, each matched as late as the alignment allows, so a
 * prefix the page adds ("USD ", "+1 ", even with letters and digits) is skipped rather than matched.
 */
export function alignPositions(agent: string, customer: string): number[] {
  const n = agent.length;
  const m = customer.length;
  if ((n + 1) * (m + 1) > MAX_ALIGNED_PAIRS) return greedyPositions(agent, customer);
  // lcs[i * (m + 1) + j]: the longest common subsequence of agent.slice(i) and customer.slice(j).
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * width + j] = sameChar(agent[i] ?? '', customer[j] ?? '')
        ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
        : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
  const at = (i: number, j: number): number => lcs[i * width + j] ?? 0;
  const map = new Array<number>(n + 1);
  let lastMatched = -1;
  let i = 0;
  let j = 0;
  while (i < n) {
    if (j < m && at(i, j + 1) === at(i, j)) {
      j++; // the page's own character (formatting, a prefix), or an equal one matched later
    } else if (j < m && sameChar(agent[i] ?? '', customer[j] ?? '')) {
      lastMatched = j;
      map[i++] = j++;
    } else {
      map[i++] = j; // a character the page dropped or changed
    }
  }
  // The end: after the page's trailing formatting too, unless the page has text of its own there.
  const end = Math.max(lastMatched + 1, n > 0 ? (map[n - 1] ?? 0) : 0);
  map[n] = WORD_CHAR.test(customer.slice(end)) ? end : m;
  return map;
}

/** The alignment for long texts: one pass, page formatting recognised as punctuation and spaces only. */
function greedyPositions(agent: string, customer: string): number[] {
  const map = new Array<number>(agent.length + 1);
  let j = 0;
  for (let i = 0; i < agent.length;) {
    const a = agent[i] ?? '';
    const c = customer[j];
    if (c !== undefined && sameChar(a, c)) {
      map[i++] = j++;
    } else if (c !== undefined && !WORD_CHAR.test(c) && (a === BULLET || WORD_CHAR.test(a))) {
      j++; // formatting the page added
    } else {
      map[i++] = j; // a character the page dropped or changed
    }
  }
  map[agent.length] = WORD_CHAR.test(customer.slice(j)) ? j : customer.length;
  return map;
}

/** `position` (in `agent`) carried over to `customer`. */
export function mapPosition(agent: string, customer: string, position: number): number {
  if (agent === customer) return position;
  const map = alignPositions(agent, customer);
  return map[Math.max(0, Math.min(position, agent.length))] ?? customer.length;
}

/**
 * For each position of `agent`, the positions of `customer` that stand for it: [first, last], the page's formatting
 * between them (in '7a12 2' for the agent's '7a122', both sides of the space stand for the caret after '7a12').
 */
export function positionSpans(agent: string, customer: string): (position: number) => readonly [number, number] {
  if (agent === customer) return (position) => [position, position];
  const map = alignPositions(agent, customer);
  return (position) => {
    const p = Math.max(0, Math.min(position, agent.length));
    const last = map[p] ?? customer.length;
    return [p === 0 ? 0 : Math.min(last, (map[p - 1] ?? 0) + 1), last];
  };
}
