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
  /**
   * Per character of `value`: 1 when it went out bulleted as an echo of a masked value (or was about to when the
   * agent's edit began). It stays bulleted while it stays in the value (review s13 R3): one remote Backspace in
   * the customer's bulleted copy of their password made the rest of it unequal to the password, and it went out.
   */
  pinned: Uint8Array;
}

const followed = new WeakMap<Element, Origins>();
const PIN_CHAR = '•';

/**
 * The fields the agent's input wrote in, most recent last, each with its origins as last seen (kept when the
 * field leaves the page: a framework re-mounts it with the same value, review s13 R2b). Bounded: the oldest go.
 */
interface AgentField {
  ref: WeakRef<Element>;
  origins: Origins;
}
const MAX_AGENT_FIELDS = 64;
const MAX_AGENT_CHARS = 2_000_000;
const agentFields: AgentField[] = [];
const agentFieldOf = new WeakMap<Element, AgentField>();
/** Changes when a field's origins change: agentTexts() is read again. */
let agentVersion = 0;
let agentTextsRead: { version: number; texts: string[] } | null = null;
/** Agent texts shorter than this are not returned (an echo is 3 characters or more: masked-echoes.ts). */
const MIN_AGENT_TEXT = 3;

/** A capture's echo rule (masked-echoes.ts): `text` as it would go out now. */
export interface EchoCheck {
  echoFree(text: string): string;
}

/** The captures' echo rules (one per capture run: a resync, a viewer), to pin what shows bulleted when an edit begins. */
const echoChecks: WeakRef<EchoCheck>[] = [];
/** Whether the agent's remote input has edited a field on this page (echo-pins.ts keeps echoes' bullets from then). */
let agentEdited = false;

/** Registers a capture's echo rule: a field's value bulleted by any of them when the agent edits it stays so. */
export function useEchoCheck(check: EchoCheck): void {
  for (let i = echoChecks.length - 1; i >= 0; i--) if (echoChecks[i]?.deref() === undefined) echoChecks.splice(i, 1);
  echoChecks.push(new WeakRef(check));
}

/** Whether the agent's remote input has put or removed text in a field of this page. */
export function agentHasEdited(): boolean {
  return agentEdited;
}

function sameChar(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** `old` flags carried to a value of `length` by a change keeping `before` characters at the start, `after` at the end. */
function carriedFlags(old: Uint8Array, length: number, before: number, after: number): Uint8Array {
  const flags = new Uint8Array(length);
  flags.set(old.subarray(0, before), 0);
  if (after > 0) flags.set(old.subarray(old.length - after), length - after);
  return flags;
}

/** `old`'s origins carried to `next` for the change made at `at` (kept `before` characters at the start, `after` at the end). */
function carried(old: Origins, next: string, before: number, after: number): Origins {
  return {
    value: next,
    agent: carriedFlags(old.agent, next.length, before, after),
    pinned: carriedFlags(old.pinned, next.length, before, after),
  };
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
 * Pinned characters are compared as unknown, so a change that reaches one pins every character it may have put
 * in its place (masking more, never less). One exception keeps
 * the agent's text the agent's: a change that only removed characters other than letters from text that was all
 * the agent's (a formatter stripping digits and signs from a name: review s13 R2c), whatever it removed where.
 */
function carriedByDifference(old: Origins, next: string): Origins {
  const a = old.value;
  const n = a.length;
  const m = next.length;
  const shorter = Math.min(n, m);
  // A pinned character is never read as kept by its value (the agent chose the characters around it: reading one
  // as the same would answer whether it is); a change reaching one pins all it may have put there.
  const kept = (i: number, j: number): boolean => old.pinned[i] !== 1 && sameChar(a[i] ?? '', next[j] ?? '');
  let start = 0;
  while (start < shorter && kept(start, start)) start++;
  let end = 0;
  while (end < shorter && kept(n - 1 - end, m - 1 - end)) end++;
  // Characters kept by a reading (p at the start, total - p at the end), between p2 and p1; the changed part of
  // `next` is `width` characters from p.
  const total = Math.min(shorter, start + end);
  const p1 = Math.min(start, total);
  const p2 = total - Math.min(end, total);
  const width = m - total;
  const flags = new Uint8Array(m);
  const pinned = new Uint8Array(m);
  const removedOnly = width > 0 && m < n && onlyRemovedFromAgent(old, next, p2, p1 + n - total, p1 + width);
  const pinnedChanged = old.pinned.subarray(p2, p1 + n - total).includes(1);
  for (let i = 0; i < m; i++) {
    const changed = width > 0 && Math.max(p2, i - width + 1) <= Math.min(p1, i);
    if (changed) {
      if (removedOnly) flags[i] = 1;
      if (pinnedChanged) pinned[i] = 1;
      continue;
    }
    const left = i < p1 ? old.agent[i] === 1 : true;
    const right = i >= p2 + width ? old.agent[i - (m - n)] === 1 : true;
    if (left && right) flags[i] = 1;
  }
  return { value: next, agent: flags, pinned };
}

const LETTER = /\p{L}/u;

/**
 * Whether `next`'s characters from `from` to `nextEnd` are `old`'s from `from` to `oldEnd` less some that are not
 * letters, and all of `old`'s there are the agent's (a formatter that only strips).
 */
function onlyRemovedFromAgent(old: Origins, next: string, from: number, oldEnd: number, nextEnd: number): boolean {
  for (let i = from; i < oldEnd; i++) if (old.agent[i] !== 1) return false;
  let j = from;
  for (let i = from; i < oldEnd; i++) {
    const char = old.value[i] ?? '';
    if (j < nextEnd && sameChar(char, next[j] ?? '')) j++;
    else if (LETTER.test(char)) return false;
  }
  return j === nextEnd;
}

function follow(el: Element, origins: Origins): void {
  if (origins.value.length > MAX_FOLLOWED_VALUE) followed.delete(el);
  else followed.set(el, origins);
  noteAgentText(el, origins);
}

/** Brings `el`'s record to `value` (a change nobody announced: the page's); nothing when `el` is not followed. */
function sync(el: Element, value: string): Origins | undefined {
  const old = followed.get(el);
  if (old === undefined || old.value === value) return old;
  follow(el, carriedByDifference(old, value));
  return followed.get(el);
}

/** `el`'s origins are now `origins`: the agent's texts of the page change. */
function noteAgentText(el: Element, origins: Origins): void {
  agentVersion++;
  let field = agentFieldOf.get(el);
  if (field === undefined) {
    field = { ref: new WeakRef(el), origins };
    agentFieldOf.set(el, field);
    agentFields.push(field);
    let chars = 0;
    for (const each of agentFields) chars += each.origins.value.length;
    while (agentFields.length > MAX_AGENT_FIELDS || (agentFields.length > 1 && chars > MAX_AGENT_CHARS)) {
      chars -= agentFields.shift()?.origins.value.length ?? 0;
    }
  } else {
    field.origins = origins;
  }
}

/**
 * The texts the agent's remote input wrote on this page: each run of characters it put in a field, as the field
 * holds it now (a field still on the page is read again first), or held it last (a field gone), trimmed; 3
 * characters or more. Empty when the agent has written nothing.
 */
export function agentTexts(): readonly string[] {
  if (agentFields.length === 0) return [];
  for (const field of agentFields) {
    const el = field.ref.deref();
    if (el === undefined || !el.isConnected || !followed.has(el)) continue;
    const value = (el as HTMLInputElement).value;
    if (typeof value === 'string') sync(el, value);
  }
  if (agentTextsRead !== null && agentTextsRead.version === agentVersion) return agentTextsRead.texts;
  const texts = new Set<string>();
  for (const { origins } of agentFields) {
    const { value, agent } = origins;
    for (let i = 0; i < value.length; i++) {
      if (agent[i] !== 1) continue;
      let j = i + 1;
      while (j < value.length && agent[j] === 1) j++;
      const text = value.slice(i, j).trim();
      if (text.length >= MIN_AGENT_TEXT) texts.add(text);
      i = j;
    }
  }
  agentTextsRead = { version: agentVersion, texts: [...texts] };
  return agentTextsRead.texts;
}

/** Marks in `origins.pinned` what the echo rule bullets now in the runs that are not the agent's. */
function pinEchoes(origins: Origins): void {
  const { value, agent, pinned } = origins;
  for (const ref of echoChecks) {
    const check = ref.deref();
    if (check === undefined) continue;
    for (let i = 0; i < value.length;) {
      let j = i + 1;
      while (j < value.length && agent[j] === agent[i]) j++;
      if (agent[i] !== 1) {
        const run = value.slice(i, j);
        const out = check.echoFree(run);
        if (out.length === run.length) for (let k = 0; k < run.length; k++) if (out[k] !== run[k]) pinned[i + k] = 1;
      }
      i = j;
    }
  }
}

/**
 * The agent's splice of `el`'s value `before` (already through the page's hands up to now): `removed` characters
 * at `at` replaced with `inserted`. Call with the value before the splice is applied.
 */
export function noteAgentSplice(el: Element, before: string, at: number, removed: number, inserted: string): void {
  agentEdited = true;
  const old = sync(el, before) ?? {
    value: before,
    agent: new Uint8Array(before.length),
    pinned: new Uint8Array(before.length),
  };
  // What shows bulleted now stays so (the customer's copy of a masked value the agent edits: review s13 R3).
  pinEchoes(old);
  const next = before.slice(0, at) + inserted + before.slice(at + removed);
  const origins = carried(old, next, at, before.length - at - removed);
  origins.agent.fill(1, at, at + inserted.length);
  follow(el, origins);
}

/** The agent set `el`'s whole value (the `input` action). */
export function noteAgentValue(el: Element, value: string): void {
  agentEdited = true;
  follow(el, { value, agent: new Uint8Array(value.length).fill(1), pinned: new Uint8Array(value.length) });
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
    follow(el, carried(old, value, caret - grew, old.value.length - (caret - grew)));
  } else if (caret !== null && grew < 0 && fits(old.value, value, caret, -grew, 0)) {
    follow(el, carried(old, value, caret, old.value.length - caret + grew));
  } else {
    follow(el, carriedByDifference(old, value));
  }
}

/** Whether the agent's remote input has put text in `el` (its value is then checked part by part). */
export function isFollowed(el: Element): boolean {
  return followed.has(el);
}

/**
 * `text` (the value `value` of `el` as it goes out, the same length) with `maskRun` applied to each run of
 * characters the agent did not put there, and the agent's characters as they are; pinned characters bulleted,
 * and what `maskRun` bulleted pinned from now on. Not followed, or a text of another length than the value:
 * `maskRun` of the whole.
 */
export function maskOutsideAgentText(
  el: Element,
  value: string,
  text: string,
  maskRun: (run: string) => string,
): string {
  const origins = sync(el, value);
  if (origins === undefined || text.length !== value.length) return maskRun(text);
  const { agent: flags, pinned } = origins;
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    const agent = flags[i] === 1;
    let j = i + 1;
    while (j < text.length && (flags[j] === 1) === agent) j++;
    const run = text.slice(i, j);
    const masked = agent ? run : maskRun(run);
    for (let k = 0; k < run.length; k++) {
      const char = masked.length === run.length ? (masked[k] ?? '') : PIN_CHAR;
      if (char !== run[k]) pinned[i + k] = 1;
      out.push(pinned[i + k] === 1 ? PIN_CHAR : char);
    }
    i = j;
  }
  return out.join('');
}
