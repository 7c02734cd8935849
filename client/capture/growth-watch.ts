/**
 * What went out before the current flush, so a number a page assembles in
 * steps (shared/number-growth.ts) is recognised at the step that makes it
 * long enough: the text each text node went out with, the run text last
 * sent under each run anchor (text-runs.ts runAnchor: when a script replaces
 * a text or the <span>s that held it, the nodes are new and only the anchor
 * remembers; when the block itself is replaced, its parent), the value
 * each form control went out with, and each text attribute with a digit
 * (title, alt, aria-*, data-*...), in snapshots too. The first snapshot is
 * the agent's first view: nothing in it grew; a resync's snapshot is
 * compared with what went out before it (the watch lives as long as the
 * capture engine). Steps sent within one flush are one change (a page
 * renders a phone number over several text nodes).
 */
import { grewFrom, mayHaveGrown } from '../../shared/number-growth.js';
import { READER_DIGIT } from '../../shared/number-tokens.js';
import { nodeTypeOf, parentNodeOf } from './dom-read.js';
import { runAnchor, runText, type RunNeighbours } from './text-runs.js';

const ELEMENT_NODE = 1;
/** A digit as a reader sees it, superscript and circled too (review s15 M3). */
const ANY_DIGIT = new RegExp(READER_DIGIT, 'u');
const ANY_DIGITS = new RegExp(READER_DIGIT, 'gu');

/**
 * Ancestors of a run anchor that remember the runs sent under them (#outerKey): its parent, and the two
 * above it, so a block replaced together with its parent or grandparent (innerHTML of the container a
 * script renders into) is still compared.
 */
const OUTER_LEVELS = 3;

/**
 * Runs kept per ancestor at most (#outerKey): a block re-rendered beside blocks with more digits (a phone
 * number) is still compared with what went out in it; past this, the runs with the fewest digits go.
 */
const OUTER_RUNS = 4;

/** What went out last under one key, and what had gone out before the flush it went out in. */
interface SentMemory {
  sent: string;
  flush: number;
  /** Undefined when nothing had (a memory made in that flush: a new anchor, a control first sent). */
  before: string | undefined;
}

/** What went out under a key: a plain string when in the first snapshot (no allocation per key there), else a SentMemory. */
type Held = SentMemory | string;

/** What went out under an ancestor: one Held, or several (runs of different blocks, OUTER_RUNS at most). */
type HeldRuns = Held | Held[];

function sentOf(held: Held): string {
  return typeof held === 'string' ? held : held.sent;
}

/** A run's text before its first digit (its label: "Saved card: "). */
function labelOf(run: string): string {
  const at = run.search(ANY_DIGIT);
  return at < 0 ? run : run.slice(0, at);
}

/**
 * Whether two runs are the same but for the digits of each number in them: a block whose digits changed (a
 * clock). A number in one where the other has none is not the same shape: a label's own run ("2 cards saved.
 * Saved card: ", its text cut at its edge) is not the block's run with the card after it. No allocation.
 */
function sameShape(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    const digitA = i < a.length && isAsciiDigit(a.charCodeAt(i));
    if (digitA !== (j < b.length && isAsciiDigit(b.charCodeAt(j)))) return false;
    if (digitA) {
      while (i < a.length && isAsciiDigit(a.charCodeAt(i))) i++;
      while (j < b.length && isAsciiDigit(b.charCodeAt(j))) j++;
      continue;
    }
    if (i === a.length || j === b.length) return i === a.length && j === b.length;
    if (a.charCodeAt(i++) !== b.charCodeAt(j++)) return false;
  }
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The serializer's record of what each text node went out with (serialize.ts). */
export interface SentTexts {
  sentText(node: CharacterData): string | undefined;
}

function digitsIn(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return unicodeDigitsIn(text); // in the first snapshot, per text: ASCII without a regex
    if (code >= 48 && code <= 57) count++;
  }
  return count;
}

function unicodeDigitsIn(text: string): number {
  let count = 0;
  for (const _ of text.matchAll(ANY_DIGITS)) count++;
  return count;
}

function fresh(sent: string, flush: number): SentMemory {
  return { sent, flush, before: undefined };
}

export class GrowthWatch {
  /** Flushes and snapshots since the first snapshot (0: the first snapshot, the agent's first view). */
  #flush = 0;
  /**
   * Whether anything was remembered as gone out: a snapshot after that is not the first view, even before
   * any flush (a resync); one before is (the engine makes a run, so a TypingMask, before its first snapshot).
   */
  #sentAny = false;
  /** Whether a snapshot is being taken (a resync's compares with what went out before it, not node by node). */
  #snapshot = true;
  /** What the text nodes sent again in this flush had gone out with before it ('' when never sent). */
  readonly #oldTexts = new Map<CharacterData, string>();
  /**
   * Per run anchor, under this watch's own symbol (an expando, as serialize.ts keeps its decisions: a
   * WeakMap entry per anchor cost the 100k-node snapshot GC time): the run last sent under it, a plain
   * string when sent in the snapshot, else a SentMemory.
   */
  readonly #anchorKey = Symbol('cobrowse-growth-anchor');
  /**
   * Per ancestor of a run anchor (OUTER_LEVELS), the runs last sent under it (HeldRuns: one per block
   * shape, OUTER_RUNS with the most digits; in the first snapshot, above the parent, the first one: no
   * digit counting per level): when a script replaces the block itself (innerHTML of its parent or
   * higher, a re-render), the new anchor has no memory.
   */
  readonly #outerKey = Symbol('cobrowse-growth-outer');
  /**
   * Per ancestor of an element (OUTER_LEVELS), by attribute name, the text attribute with the most digits
   * last sent under it (in the first snapshot, the parent only): an element the page
   * replaces (innerHTML, replaceWith, a keyed re-render) is new and has no memory of its own.
   */
  readonly #outerAttributeKey = Symbol('cobrowse-growth-outer-attributes');
  readonly #forms = new WeakMap<Element, SentMemory>();
  /**
   * Per element, under this watch's own symbol (an expando, as for run anchors), its text attributes as
   * they last went out (by name, Held); in snapshots and added elements only those with a digit.
   */
  readonly #attributeKey = Symbol('cobrowse-growth-attributes');

  /**
   * A snapshot starts (a run's serializer is made). The watch lives as long as the capture engine, so a
   * resync's snapshot is compared with what went out before it: the agent already saw that.
   */
  snapshotStarted(): void {
    this.#snapshot = true;
    if (this.#sentAny) this.#flush++;
    this.#oldTexts.clear();
  }

  /** A flush (a mutations frame and its input frames) starts. */
  flushStarted(): void {
    this.#snapshot = false;
    this.#flush++;
    this.#oldTexts.clear();
  }

  /** `node` is about to be sent (again): keep what it had gone out with before this flush (not in a snapshot). */
  noteOldText(node: CharacterData, sent: SentTexts): void {
    if (this.#snapshot || this.#oldTexts.has(node)) return;
    this.#oldTexts.set(node, sent.sentText(node) ?? '');
  }

  /**
   * Whether `node`'s text `data`, with the text its run neighbours render (`before`, `after`), is a
   * number that grew since the last flush: compared with the same run as it went out before (each
   * neighbour's text as it went out), or else with the run last sent under the same anchor.
   */
  textGrew(
    node: CharacterData,
    data: string,
    before: RunNeighbours | null,
    after: RunNeighbours | null,
    sent: SentTexts,
  ): boolean {
    if (this.#flush === 0) return false;
    const now = runText(data, before, after);
    if (!mayHaveGrown(now)) return false;
    const from = before?.text.length ?? 0;
    const old = this.#oldSide(before, sent) + this.#oldText(node, sent) + this.#oldSide(after, sent);
    if (grewFrom(old, now, from, from + data.length)) return true;
    // Else with the run last sent under the anchor, even when a neighbour had a digit: the node may be
    // new (textContent makes one) or have gone out masked while the customer typed elsewhere.
    const anchor = runAnchor(node);
    if (anchor === null) return false;
    const sentBefore = this.#heldBefore(this.#slot<Held>(anchor)[this.#anchorKey]);
    if (sentBefore !== undefined) return grewFrom(sentBefore, now, from, from + data.length);
    // A new anchor (the block replaced, its memory made in this flush): what went out under its parent.
    // New ancestors too (the block replaced with its container): their memories are made in this flush.
    let outer = parentNodeOf(anchor);
    for (let level = 0; level < OUTER_LEVELS; level++) {
      if (outer === null || nodeTypeOf(outer) !== ELEMENT_NODE) break;
      const runs = this.#slot<HeldRuns>(outer)[this.#outerKey];
      let found = false;
      // Of several blocks' runs, only those with the same label: another block's number is not this one's
      // first step (a date "2026-01-12" would read as "Qty 2" revealed from the back).
      const label = Array.isArray(runs) ? labelOf(now) : undefined;
      for (const held of Array.isArray(runs) ? runs : [runs]) {
        const old = this.#heldBefore(held);
        if (old === undefined) continue;
        found = true;
        if ((label === undefined || labelOf(old) === label) && grewFrom(old, now, from, from + data.length))
          return true;
      }
      if (found) return false;
      outer = parentNodeOf(outer);
    }
    return false;
  }

  /** What `held` says went out before this flush (a first snapshot's string: that). */
  #heldBefore(held: Held | undefined): string | undefined {
    return held === undefined || typeof held === 'string' ? held : this.#sentBefore(held);
  }

  /** What went out last under `held` in this flush, undefined when nothing did. */
  #heldNow(held: Held | undefined): string | undefined {
    if (typeof held === 'string') return this.#flush === 0 ? held : undefined;
    return held?.flush === this.#flush ? held.sent : undefined;
  }

  /** `held` with `sent` noted as what went out now: a string in the first snapshot, else a SentMemory. */
  #noted(held: Held | undefined, sent: string): Held {
    if (this.#flush === 0) return sent;
    if (held === undefined) return fresh(sent, this.#flush);
    if (typeof held === 'string') return { sent, flush: this.#flush, before: held };
    this.#remember(held, sent);
    return held;
  }

  /** A node's expando slots under this watch's symbols. */
  #slot<T>(node: Node): Record<symbol, T | undefined> {
    return node as unknown as Record<symbol, T | undefined>;
  }

  /** `node`'s text went out as `text` (masked), with its run neighbours: the anchor remembers the run. */
  noteSentRun(node: CharacterData, text: string, before: RunNeighbours | null, after: RunNeighbours | null): void {
    const anchor = runAnchor(node);
    if (anchor === null) return;
    this.#sentAny = true;
    const run = runText(text, before, after);
    const slot = this.#slot<Held>(anchor);
    const held = slot[this.#anchorKey];
    // A neighbour's shorter view of a run sent in this flush (cut at its own edge) does not replace it.
    if (this.#heldNow(held)?.includes(run) === true) return;
    // In the snapshot only the string: no allocation per anchor on a page of 100k nodes.
    slot[this.#anchorKey] = this.#noted(held, run);
    let digits = -1;
    let outer = parentNodeOf(anchor);
    for (let level = 0; level < OUTER_LEVELS && outer !== null && nodeTypeOf(outer) === ELEMENT_NODE; level++) {
      const outerSlot = this.#slot<HeldRuns>(outer);
      const last = outerSlot[this.#outerKey];
      if (last === undefined) outerSlot[this.#outerKey] = this.#noted(last, run);
      else if (level === 0 || this.#flush > 0) {
        if (digits < 0) digits = digitsIn(run);
        outerSlot[this.#outerKey] = this.#notedRuns(last, run, digits);
      } else if (typeof last === 'string' && run.length > last.length && run.includes(last)) {
        // The first snapshot, above the parent: the first run, but not a neighbour's cut view of it (a label
        // with a digit, '2 cards saved. Saved card: ', before the card's run that holds it).
        outerSlot[this.#outerKey] = run;
      }
      outer = parentNodeOf(outer);
    }
  }

  /**
   * `runs` with `run` (`digits` digits) noted: in place of a run of its block (the same text but digits, a
   * run it holds, one with no digit); not when a run sent in this flush holds it (a neighbour's text cut at
   * its edge); else beside them, dropping the one with the fewest digits past OUTER_RUNS.
   */
  #notedRuns(runs: HeldRuns, run: string, digits: number): HeldRuns {
    if (!Array.isArray(runs)) {
      const last = sentOf(runs);
      const lastDigits = digitsIn(last);
      // The common case (one block, or no digit): as one Held, no array.
      if (lastDigits === 0) return this.#noted(runs, run);
      if (digits === 0 || this.#heldNow(runs)?.includes(run) === true) return runs;
      if (run.includes(last) || sameShape(run, last)) return this.#noted(runs, run);
      runs = [runs];
    } else if (digits === 0) return runs;
    const list = runs;
    if (list.some((held) => this.#heldNow(held)?.includes(run) === true)) return list;
    const same = list.findIndex((held) => run.includes(sentOf(held)) || sameShape(sentOf(held), run));
    if (same >= 0) {
      list[same] = this.#noted(list[same], run);
      return list;
    }
    list.push(this.#noted(undefined, run));
    if (list.length > OUTER_RUNS) {
      let fewest = 0;
      for (let i = 1; i < list.length; i++)
        if (digitsIn(sentOf(list[i] as Held)) < digitsIn(sentOf(list[fewest] as Held))) fewest = i;
      list.splice(fewest, 1);
    }
    return list;
  }

  /** Whether a form control's value grew into a number since it last went out (as `sent`). */
  valueGrew(el: Element, value: string): boolean {
    return this.#grewSince(this.#forms.get(el), value);
  }

  /** A form control's value went out as `sent`. */
  noteSentValue(el: Element, sent: string): void {
    this.#sentAny = true;
    const memory = this.#forms.get(el);
    if (memory === undefined) this.#forms.set(el, fresh(sent, this.#flush));
    else this.#remember(memory, sent);
  }

  /**
   * Whether a text attribute grew into a number since it last went out (a `value` attribute not sent
   * before: since the control's value went out; React writes both).
   */
  attributeGrew(el: Element, name: string, value: string): boolean {
    if (this.#flush === 0) return false;
    const byName = this.#slot<Map<string, Held>>(el)[this.#attributeKey];
    const held = byName?.get(name) ?? (name === 'value' ? this.#forms.get(el) : undefined);
    if (held !== undefined) return this.#grewSince(held, value);
    // A name with no memory: a step moved to another attribute (Bootstrap's tooltip moves title to
    // data-bs-original-title), or a new element in place of one the page replaced.
    if (byName !== undefined) for (const other of byName.values()) if (this.#grewSince(other, value)) return true;
    let outer = parentNodeOf(el);
    for (let level = 0; level < OUTER_LEVELS; level++) {
      if (outer === null || nodeTypeOf(outer) !== ELEMENT_NODE) break;
      const old = this.#heldBefore(this.#slot<Map<string, Held>>(outer)[this.#outerAttributeKey]?.get(name));
      if (old !== undefined) return grewFrom(old, value);
      outer = parentNodeOf(outer);
    }
    return false;
  }

  /** Whether a text attribute went out as `value` in this flush already (noteSentAttribute). */
  attributeSentNow(el: Element, name: string, value: string): boolean {
    return this.#heldNow(this.#slot<Map<string, Held>>(el)[this.#attributeKey]?.get(name)) === value;
  }

  /** A text attribute went out as `sent`. */
  noteSentAttribute(el: Element, name: string, sent: string): void {
    this.#sentAny = true;
    const slot = this.#slot<Map<string, Held>>(el);
    let byName = slot[this.#attributeKey];
    if (byName === undefined) slot[this.#attributeKey] = byName = new Map();
    byName.set(name, this.#noted(byName.get(name), sent));
    const digits = digitsIn(sent);
    if (digits === 0) return;
    // In the first snapshot the parent only (a Map per ancestor level of each element with one cost CPU).
    const levels = this.#flush === 0 ? 1 : OUTER_LEVELS;
    let outer = parentNodeOf(el);
    for (let level = 0; level < levels && outer !== null && nodeTypeOf(outer) === ELEMENT_NODE; level++) {
      const outerSlot = this.#slot<Map<string, Held>>(outer);
      let outerByName = outerSlot[this.#outerAttributeKey];
      if (outerByName === undefined) outerSlot[this.#outerAttributeKey] = outerByName = new Map();
      const last = outerByName.get(name);
      // Not replaced by a value with fewer digits (another element's under the same ancestor).
      if (last === undefined || digits >= digitsIn(sentOf(last))) outerByName.set(name, this.#noted(last, sent));
      outer = parentNodeOf(outer);
    }
  }

  /** Whether `value` grew from what `held` says went out before this flush (never in the first snapshot). */
  #grewSince(held: Held | undefined, value: string): boolean {
    return this.#flush > 0 && held !== undefined && grewFrom(this.#heldBefore(held) ?? '', value);
  }

  #remember(memory: SentMemory, sent: string): void {
    if (memory.flush !== this.#flush) {
      memory.before = memory.sent;
      memory.flush = this.#flush;
    }
    memory.sent = sent;
  }

  #sentBefore(memory: SentMemory): string | undefined {
    return memory.flush === this.#flush ? memory.before : memory.sent;
  }

  #oldText(node: CharacterData, sent: SentTexts): string {
    return this.#oldTexts.get(node) ?? sent.sentText(node) ?? '';
  }

  /** A neighbours' text with each node's part as it went out before this flush. */
  #oldSide(side: RunNeighbours | null, sent: SentTexts): string {
    if (side === null || side.nodes.length === 0) return side?.text ?? '';
    const order = side.nodes.map((node, i) => ({ node, start: side.starts[i] ?? 0 }));
    order.sort((a, b) => a.start - b.start);
    let old = '';
    let at = 0;
    for (const { node, start } of order) {
      old += side.text.slice(at, start) + this.#oldText(node, sent);
      at = start + node.data.length;
    }
    return old + side.text.slice(at);
  }
}
