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

const WORD_CHAR = /[\p{L}\p{N}]/u;
const DIGIT = /\p{Nd}/u;
const BULLET = '•';

function sameChar(agent: string, customer: string): boolean {
  return (
    agent === customer || agent.toLowerCase() === customer.toLowerCase() || (agent === BULLET && DIGIT.test(customer))
  );
}

/** For each position 0..agent.length in `agent`, the position in `customer` it stands for. */
export function alignPositions(agent: string, customer: string): number[] {
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
  // The end: after the page's trailing formatting too, unless the page has text of its own there.
  map[agent.length] = WORD_CHAR.test(customer.slice(j)) ? j : customer.length;
  return map;
}

/** `position` (in `agent`) carried over to `customer`. */
export function mapPosition(agent: string, customer: string, position: number): number {
  if (agent === customer) return position;
  const map = alignPositions(agent, customer);
  return map[Math.max(0, Math.min(position, agent.length))] ?? customer.length;
}
