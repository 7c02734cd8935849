/**
 * Echo bullets that stay (review s13 R3). Once the agent's remote input has
 * edited a field of the page, a text whose echo of a masked value went out
 * bulleted keeps those characters bulleted while they stay in it, whatever
 * the change: one remote Backspace in the customer's copy of their password
 * (or in the field a preview repeats) made the copy unequal to the password,
 * and the echo rule, which looks only for the whole value, let the rest go.
 * The agent saw those bullets already, so keeping them tells it nothing;
 * which characters stay bulleted depends on where the pinned ones were and
 * on the text around them, never on their values (see carried()). Before any agent edit, bullets are only noted.
 * A field's value has its own pins, carried with the agent's splices
 * (agent-inserted.ts); these are for text nodes, noted on the node and on
 * the element its line is read in (echo-runs.ts echoLineOf): a page that
 * rebuilds its preview (textContent, innerHTML, replaceChildren beside other
 * text) replaces the node, and a text new to a line takes the line's pins
 * carried to the line's new text (review s14 E2). A line is also noted by
 * its place (the element's tag and index under each of a few ancestors): a
 * page that replaces the line's element (replaceWith, a keyed re-render that
 * makes a new <p>) puts a new element there, whose first text takes the
 * pins of the line that stood in its place (review s15 F4). One set per
 * page, not per capture run: a new snapshot (the agent's console reloads, a
 * reconnect, a second viewer) keeps them (review s14 E3).
 */
import { agentHasEdited } from './agent-inserted.js';
import { getAttr, localNameOf, nextSiblingOf, nodeTypeOf, parentNodeOf, previousSiblingOf } from './dom-read.js';
import { echoLineHolderOf, echoLineOf, type EchoRun } from './echo-runs.js';

const MASK_CHAR = '•';
/** Ancestors a line is noted at by its place: a page re-renders the line's element, or the block around it. */
const PLACE_LEVELS = 3;
/** Siblings counted for an element's place at most: a line further down a long list has no place. */
const MAX_PLACE_SIBLINGS = 256;

interface Pins {
  /** The text's data (or its line's text) as it went out. */
  data: string;
  /** Per character of `data`: 1 when it went out bulleted by the echo rule (or pinned). */
  pinned: Uint8Array;
}

/** Text nodes' echo bullets, kept across changes once the agent has edited. */
export class EchoPins {
  readonly #byNode = new WeakMap<Node, Pins>();
  readonly #byLine = new WeakMap<Element, Pins>();
  /** Per ancestor (element or shadow root) of a line with pins: its place there (placeSteps), its element and pins. */
  readonly #byPlace = new WeakMap<Node, Map<string, { holder: WeakRef<Element>; pins: Pins }>>();
  /** Whether bullets were noted on this page (until then a text needs no look-up). */
  noted = false;

  /**
   * `masked` (the node's text as it goes out, the echo rule applied to `before`, both as long as `data`) with
   * the characters pinned before still bulleted, once the agent has edited; notes what is bulleted now.
   */
  settle<T extends { text: string; masked: boolean }>(node: CharacterData, before: string, masked: T): T {
    const data = node.data;
    if (masked.text.length !== data.length || before.length !== data.length) return masked;
    const own = this.#byNode.get(node);
    const holder = echoLineHolderOf(node);
    const carry = agentHasEdited();
    // A line element new in the place of one with pins (the page replaced it) takes that line's pins.
    const lineOld =
      holder === null
        ? undefined
        : (this.#byLine.get(holder) ?? (carry && own === undefined ? this.#replaced(holder) : undefined));
    // The line is read only where it has pins (most texts of a page have none).
    const line = holder !== null && lineOld !== undefined ? echoLineOf(holder, node) : null;
    let pinned: Uint8Array = new Uint8Array(data.length);
    if (carry && own !== undefined) pinned = carried(own, data);
    else if (carry && lineOld !== undefined) {
      // A text new to the line (or never bulleted): the line's pins carried to its text, or all of it pinned
      // when the line cannot be read (too large).
      if (line === null) pinned.fill(1);
      else pinned = carried(lineOld, line.text).slice(line.offset, line.offset + data.length);
    }
    let any = false;
    let added = false;
    const chars = masked.text.split('');
    for (let i = 0; i < chars.length; i++) {
      if (chars[i] === MASK_CHAR && before[i] !== MASK_CHAR) pinned[i] = 1;
      if (pinned[i] !== 1) continue;
      any = true;
      if (chars[i] !== MASK_CHAR) {
        chars[i] = MASK_CHAR;
        added = true;
      }
    }
    if (any) {
      this.noted = true;
      this.#byNode.set(node, { data, pinned });
    } else if (own !== undefined) {
      this.#byNode.delete(node);
    }
    if (holder !== null && (any || lineOld !== undefined)) this.#noteLine(holder, node, line, lineOld, pinned);
    return added ? { ...masked, text: chars.join(''), masked: true } : masked;
  }

  /** The line's pins now: as carried to its text, with this node's part as it went out. */
  #noteLine(
    holder: Element,
    node: CharacterData,
    read: EchoRun | null,
    old: Pins | undefined,
    pinned: Uint8Array,
  ): void {
    const line = read ?? echoLineOf(holder, node);
    if (line === null) {
      this.#byLine.delete(holder);
      this.#place(holder, null);
      return;
    }
    const pins = old === undefined ? new Uint8Array(line.text.length) : carried(old, line.text);
    pins.set(pinned, line.offset);
    const kept = pins.includes(1) ? { data: line.text, pinned: pins } : null;
    if (kept !== null) this.#byLine.set(holder, kept);
    else this.#byLine.delete(holder);
    this.#place(holder, kept);
  }

  /** Notes `holder`'s line pins at its place under each of its PLACE_LEVELS ancestors (null: forgets them). */
  #place(holder: Element, pins: Pins | null): void {
    const placed = pins === null ? null : { holder: new WeakRef(holder), pins };
    for (const [anchor, keys] of placeSteps(holder)) {
      let places = this.#byPlace.get(anchor);
      if (placed !== null && places === undefined) this.#byPlace.set(anchor, (places = new Map()));
      for (const key of keys) {
        if (placed !== null) places?.set(key, placed);
        else if (places?.get(key)?.holder.deref() === holder) places.delete(key);
      }
    }
  }

  /**
   * The pins of a line whose element stood where `holder` stands and is gone from the page (the page replaced it).
   * One still on the page was moved: its pins stay with it (a line put before it in a list takes none).
   */
  #replaced(holder: Element): Pins | undefined {
    // Most texts have no ancestor with a line gone from under it: the places (sibling counts) are read only when
    // one has.
    let anchor: Node | null = holder;
    let any = false;
    for (let level = 0; level < PLACE_LEVELS && anchor !== null && !any; level++) {
      anchor = parentNodeOf(anchor);
      const places = anchor === null ? undefined : this.#byPlace.get(anchor);
      if (places !== undefined)
        for (const { holder: ref } of places.values()) any ||= ref.deref()?.isConnected !== true;
    }
    if (!any) return undefined;
    for (const [at, keys] of placeSteps(holder)) {
      const places = this.#byPlace.get(at);
      for (const key of places === undefined ? [] : keys) {
        const placed = places?.get(key);
        const old = placed?.holder.deref();
        if (placed !== undefined && old !== holder && old?.isConnected !== true) return placed.pins;
      }
    }
    return undefined;
  }
}

/**
 * `el`'s place under each of its PLACE_LEVELS ancestors (a shadow root the last), nearest first: the ancestor, and
 * the ways of naming each element from it down to `el` (`div:1/p:0`). An element is named by its id, and by its
 * tag and its element index counted from the first and from the last (`p:0`, `p:-2`): a message the page puts
 * before or after the line as it replaces it moves one index only, a framework's new id per render none. Fewer
 * when an ancestor is missing or a sibling list is too long.
 */
function* placeSteps(el: Element): Generator<[Node, string[]]> {
  let keys = [''];
  let at: Element = el;
  for (let level = 0; level < PLACE_LEVELS; level++) {
    const anchor = parentNodeOf(at);
    const names = anchor === null ? [] : namesOf(at);
    if (anchor === null || names.length === 0) return;
    keys = level === 0 ? names : names.flatMap((name) => keys.map((key) => `${name}/${key}`));
    yield [anchor, keys];
    // A shadow root (or the document) is the last anchor: its host's place is another tree's.
    if (nodeTypeOf(anchor) !== 1) return;
    at = anchor as Element;
  }
}

/** An element's names in its parent: by its id, and by tag and index from the start and from the end. */
function namesOf(el: Element): string[] {
  const tag = localNameOf(el);
  const id = getAttr(el, 'id');
  const names = id === null || id === '' ? [] : [`${tag}#${id}`];
  const before = elementsBeside(el, previousSiblingOf);
  if (before >= 0) names.push(`${tag}:${before}`);
  const after = elementsBeside(el, nextSiblingOf);
  if (after >= 0) names.push(`${tag}:-${after + 1}`);
  return names;
}

/** How many elements are beside `el` on one side (`next` steps); -1 past MAX_PLACE_SIBLINGS siblings. */
function elementsBeside(el: Element, next: (node: Node) => ChildNode | null): number {
  let count = 0;
  let walked = 0;
  for (let node = next(el); node !== null; node = next(node)) {
    if (++walked > MAX_PLACE_SIBLINGS) return -1;
    if (nodeTypeOf(node) === 1) count++;
  }
  return count;
}

/** The page's echo pins: one for every capture run, so a new snapshot keeps them (review s14 E3). */
export const pageEchoPins = new EchoPins();

/**
 * `old`'s pins carried to `data`. A pinned character is compared as unknown, never by its value: the agent chose
 * the characters around it, and reading one of them as the same as a pinned character would answer whether it
 * is (a guess typed next to the customer's copy). So the common start and end stop at the first and last pinned
 * characters, and everything the change put between them is pinned when a pinned character was there: the
 * agent's own characters inside a preview of the copy included (its field shows them: agent-inserted.ts).
 */
function carried(old: Pins, data: string): Uint8Array {
  const a = old.data;
  if (a === data) return old.pinned.slice();
  const n = a.length;
  const m = data.length;
  const shorter = Math.min(n, m);
  let start = 0;
  while (start < shorter && old.pinned[start] !== 1 && a[start] === data[start]) start++;
  let end = 0;
  while (end < shorter - start && old.pinned[n - 1 - end] !== 1 && a[n - 1 - end] === data[m - 1 - end]) end++;
  const pinned = new Uint8Array(m);
  if (old.pinned.subarray(start, n - end).includes(1)) pinned.fill(1, start, m - end);
  return pinned;
}
