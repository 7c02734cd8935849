/**
 * Which characters of a field's value the agent's remote input put there
 * (review s12 F1). The echo rule (masked-echoes.ts) bullets a masked field's
 * value wherever clear text repeats it; applied to text the agent typed, it
 * answered the agent's guesses: a word list typed into the name field came
 * back with the password bulleted. The agent knows what it typed, so that
 * text is left out of the echo check, and only that text: what the customer
 * or the page put in the same field is checked as before, each run of it on
 * its own (so the agent's characters beside it change nothing either way).
 *
 * Positions are carried from one value to the next: the agent's splices are
 * exact (remote-input.ts); the customer's keys are placed by the caret after
 * their `input` event; any other change (the page's script, a formatter) is a
 * difference whose every possible place counts as not the agent's, so an
 * ambiguity never turns the customer's text into the agent's.
 */

/** A value longer than this is not followed (its echoes are all checked, as before). */
export const MAX_FOLLOWED_VALUE = 1_000_000;

interface Origins {
  /** The value as last seen. */
  value: string;
  /** Per character of `value`: 1 when the agent's remote input put it there. */
  agent: Uint8Array;
}

const followed = new WeakMap<Element, Origins>();

function sameChar(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** Flags of `next` from `old`'s for the change made at `at` (kept `before` characters at the start, `after` at the end). */
function carried(old: Origins, next: string, before: number, after: number): Uint8Array {
  const flags = new Uint8Array(next.length);
  flags.set(old.agent.subarray(0, before), 0);
  if (after > 0) flags.set(old.agent.subarray(old.value.length - after), next.length - after);
  return flags;
}

/** Whether `next` is `old` with `removed` characters at `at` replaced by `next.slice(at, at + added)`. */
function fits(old: string, next: string, at: number, removed: number, added: number): boolean {
  if (at < 0 || at + removed > old.length || at + added > next.length) return false;
  if (old.length - removed + added !== next.length) return false;
  return old.startsWith(next.slice(0, at)) && old.slice(at + removed) === next.slice(at + added);
}

/**
 * `old`'s flags carried to `next` by a difference placed nowhere in particular. Every reading of the change is
 * considered (a common start of p characters, a common end of the rest, p anywhere it fits): a character is the
 * agent's only when it is the agent's under every reading, and never when some reading has it changed. So an
 * ambiguity (the customer's text repeating the agent's beside it) never turns the customer's text into the agent's.
 */
function carriedByDifference(old: Origins, next: string): Uint8Array {
  const a = old.value;
  const n = a.length;
  const m = next.length;
  const shorter = Math.min(n, m);
  let start = 0;
  while (start < shorter && sameChar(a[start] ?? '', next[start] ?? '')) start++;
  let end = 0;
  while (end < shorter && sameChar(a[n - 1 - end] ?? '', next[m - 1 - end] ?? '')) end++;
  // Characters kept by a reading (p at the start, total - p at the end), between p2 and p1; the changed part of
  // `next` is `width` characters from p.
  const total = Math.min(shorter, start + end);
  const p1 = Math.min(start, total);
  const p2 = total - Math.min(end, total);
  const width = m - total;
  const flags = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    const changed = width > 0 && Math.max(p2, i - width + 1) <= Math.min(p1, i);
    if (changed) continue;
    const left = i < p1 ? old.agent[i] === 1 : true;
    const right = i >= p2 + width ? old.agent[i - (m - n)] === 1 : true;
    if (left && right) flags[i] = 1;
  }
  return flags;
}

function follow(el: Element, value: string, agent: Uint8Array): void {
  if (value.length > MAX_FOLLOWED_VALUE) followed.delete(el);
  else followed.set(el, { value, agent });
}

/** Brings `el`'s record to `value` (a change nobody announced: the page's); nothing when `el` is not followed. */
function sync(el: Element, value: string): Origins | undefined {
  const old = followed.get(el);
  if (old === undefined || old.value === value) return old;
  follow(el, value, carriedByDifference(old, value));
  return followed.get(el);
}

/**
 * The agent's splice of `el`'s value `before` (already through the page's hands up to now): `removed` characters
 * at `at` replaced with `inserted`. Call with the value before the splice is applied.
 */
export function noteAgentSplice(el: Element, before: string, at: number, removed: number, inserted: string): void {
  const old = sync(el, before) ?? { value: before, agent: new Uint8Array(before.length) };
  const next = before.slice(0, at) + inserted + before.slice(at + removed);
  const flags = carried(old, next, at, before.length - at - removed);
  flags.fill(1, at, at + inserted.length);
  follow(el, next, flags);
}

/** The agent set `el`'s whole value (the `input` action). */
export function noteAgentValue(el: Element, value: string): void {
  follow(el, value, new Uint8Array(value.length).fill(1));
}

/**
 * The customer's own `input` event on `el` (trusted, seen before the page's handlers): the change is placed by
 * the caret after it (after the text put in, or where text was deleted); when the caret does not explain it, it is
 * placed nowhere in particular.
 */
export function noteCustomerInput(el: Element, value: string, caret: number | null): void {
  const old = followed.get(el);
  if (old === undefined || old.value === value) return;
  const grew = value.length - old.value.length;
  if (caret !== null && grew > 0 && fits(old.value, value, caret - grew, 0, grew)) {
    follow(el, value, carried(old, value, caret - grew, old.value.length - (caret - grew)));
  } else if (caret !== null && grew < 0 && fits(old.value, value, caret, -grew, 0)) {
    follow(el, value, carried(old, value, caret, old.value.length - caret + grew));
  } else {
    follow(el, value, carriedByDifference(old, value));
  }
}

/** Whether the agent's remote input has put text in `el` (its value is then checked part by part). */
export function isFollowed(el: Element): boolean {
  return followed.has(el);
}

/**
 * `text` (the value `value` of `el` as it goes out, the same length) with `maskRun` applied to each run of
 * characters the agent did not put there, and the agent's characters as they are. Not followed, or a text of
 * another length than the value: `maskRun` of the whole.
 */
export function maskOutsideAgentText(
  el: Element,
  value: string,
  text: string,
  maskRun: (run: string) => string,
): string {
  const origins = sync(el, value);
  if (origins === undefined || text.length !== value.length) return maskRun(text);
  const flags = origins.agent;
  let out = '';
  for (let i = 0; i < text.length;) {
    const agent = flags[i] === 1;
    let j = i + 1;
    while (j < text.length && (flags[j] === 1) === agent) j++;
    const run = text.slice(i, j);
    out += agent ? run : maskRun(run);
    i = j;
  }
  return out;
}
