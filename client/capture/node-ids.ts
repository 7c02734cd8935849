/**
 * Stable numeric node ids for one capture run. Id 0 is the captured top
 * document; every other captured node gets the next integer when first
 * serialized.
 *
 * The id lives on the node itself, under a symbol private to the run, and
 * the reverse map holds nodes strongly, dropping the detached ones now and
 * then. Measured on a 100k-node page (`npm run bench`): a WeakMap plus one
 * WeakRef per node cost ~60 ms of a snapshot, and every WeakRef made the
 * garbage collector's work grow with the page. The reverse map is a list of
 * fixed-size arrays indexed by id (ids are handed out in order), not a Map:
 * a Map rehashes every entry when it doubles, and at 262,144 entries (a
 * 300k-node page) that one insertion took tens of ms inside a snapshot slice.
 */

export const TOP_DOCUMENT_ID = 0;
import { nodeTypeOf } from './dom-read.js';
/** The protocol's largest node id (shared/protocol/fields.ts `nodeId`). */
const MAX_NODE_ID = 2 ** 31;
/** Detached nodes are dropped from the reverse map after this many new ids or reported removals. */
const SWEEP_EVERY = 50_000;
/**
 * A sweep checks this many entries per new id or reported removal, so it is spread over the
 * calls that follow instead of running at once: in one go it took a 300k-node snapshot's
 * slice (all of whose nodes are attached) past 16 ms, checking the 200k nodes held so far.
 */
const SWEEP_STEP = 8;
/** Ids per array of the reverse map. */
const CHUNK_BITS = 14;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

/** A node seen as a bag of symbol-keyed ids (set by this module only). */
type Tagged = Record<symbol, number | undefined>;
const tagged = (node: Node): Tagged => node as unknown as Tagged;

/** Whether the node still belongs to a live document (a removed iframe's document has no window). */
function isAttached(node: Node): boolean {
  if (nodeTypeOf(node) === 9) return (node as Document).defaultView !== null;
  return node.isConnected && node.ownerDocument?.defaultView !== null;
}

export class NodeIds {
  /** Private to this run: a new run never sees the ids of an earlier one. */
  readonly #key = Symbol('cobrowse-node-id');
  /**
   * The reverse map: node of id i at #chunks[i >> CHUNK_BITS][i & CHUNK_MASK]. Ids are never
   * reused, so a chunk whose nodes were all dropped is freed (undefined), and ranges never held
   * (reserved ids) get no chunk: the map's memory follows the live nodes, not the ids handed out.
   */
  readonly #chunks: Array<Array<Node | undefined> | undefined> = [];
  /** How many nodes each chunk holds. */
  readonly #chunkHeld: number[] = [];
  /** How many ids the reverse map holds a node for. */
  #held = 0;
  #next = 1;
  /** New ids plus reported removals since the last sweep. */
  #churn = 0;
  /** How many nodes the last sweep kept: the map's live size, which sets the next sweep's distance. */
  #heldAfterSweep = 0;
  /** The next id the sweep in progress checks, or -1 when no sweep is in progress. */
  #sweepAt = -1;
  /** A snapshot walk is under way (walking()): its new ids are not churn. */
  #walking = false;

  constructor(topDocument: Document) {
    tagged(topDocument)[this.#key] = TOP_DOCUMENT_ID;
    this.#hold(TOP_DOCUMENT_ID, topDocument);
  }

  /** The id of a captured node, or undefined when it was never serialized in this run. */
  idOf(node: Node): number | undefined {
    return tagged(node)[this.#key];
  }

  has(node: Node): boolean {
    return tagged(node)[this.#key] !== undefined;
  }

  /** The node's id, assigning the next one if it has none. */
  ensure(node: Node): number {
    const known = tagged(node)[this.#key];
    if (known === undefined) return this.assignFresh(node);
    // A re-added node keeps its id; a sweep may have dropped it while it was detached.
    this.#hold(known, node);
    return known;
  }

  /** Gives the node a new id (the mirror may still hold the old one in a detached subtree). */
  assignFresh(node: Node): number {
    if (this.#next > MAX_NODE_ID) throw new RangeError('node id space exhausted; resync needed');
    const id = this.#next++;
    tagged(node)[this.#key] = id;
    this.#hold(id, node);
    if (!this.#walking) this.#noteChurn(1);
    return id;
  }

  /**
   * A snapshot walk starts (true) or ends: the ids it hands out start no sweep. Its nodes are attached when
   * reached, so a sweep in the walk found next to nothing to drop, yet checked every node held so far (8 per
   * new id from the 50,000th: 1.4 % of a profiled 100k-node snapshot; 350k checks at 300k). Removals still
   * count, and the first sweep after the walk checks its nodes.
   */
  walking(on: boolean): void {
    this.#walking = on;
  }

  /** An id for a node the page does not hold (a cross-origin frame's node, frame-translate.ts): nodeOf() never finds it. */
  reserve(): number {
    if (this.#next > MAX_NODE_ID) throw new RangeError('node id space exhausted; resync needed');
    return this.#next++;
  }

  /** Nodes were removed from the page: counts towards the next sweep of the reverse map. */
  noteRemoved(count: number): void {
    this.#noteChurn(count);
  }

  /** The live node behind an id (for remote actions and highlights), if it is still in the page. */
  nodeOf(id: number): Node | undefined {
    const node = this.#heldNode(id);
    if (node === undefined) return undefined;
    if (isAttached(node)) return node;
    this.#drop(id);
    return undefined;
  }

  /** How many ids were handed out in this run. */
  get assigned(): number {
    return this.#next - 1;
  }

  /** How many nodes the reverse map holds (detached ones until the next sweep). */
  get held(): number {
    return this.#held;
  }

  /** How many arrays the reverse map has allocated (its memory, CHUNK_SIZE slots each). */
  get chunks(): number {
    return this.#chunks.reduce((n, chunk) => n + (chunk === undefined ? 0 : 1), 0);
  }

  /** Drops every detached node from the reverse map now. */
  sweep(): void {
    this.#churn = 0;
    this.#sweepAt = 0;
    this.#sweepSome(Number.POSITIVE_INFINITY);
  }

  #heldNode(id: number): Node | undefined {
    if (!Number.isInteger(id) || id < 0 || id >= this.#next) return undefined;
    return this.#chunks[id >>> CHUNK_BITS]?.[id & CHUNK_MASK];
  }

  #hold(id: number, node: Node): void {
    const c = id >>> CHUNK_BITS;
    let chunk = this.#chunks[c];
    if (chunk === undefined) {
      while (this.#chunks.length < c) {
        this.#chunks.push(undefined);
        this.#chunkHeld.push(0);
      }
      chunk = new Array<Node | undefined>(CHUNK_SIZE).fill(undefined);
      this.#chunks[c] = chunk;
      this.#chunkHeld[c] = 0;
    }
    if (chunk[id & CHUNK_MASK] === undefined) {
      this.#held++;
      this.#chunkHeld[c] = (this.#chunkHeld[c] ?? 0) + 1;
    }
    chunk[id & CHUNK_MASK] = node;
  }

  #drop(id: number): void {
    const c = id >>> CHUNK_BITS;
    const chunk = this.#chunks[c];
    if (chunk === undefined || chunk[id & CHUNK_MASK] === undefined) return;
    chunk[id & CHUNK_MASK] = undefined;
    this.#held--;
    const left = (this.#chunkHeld[c] ?? 1) - 1;
    this.#chunkHeld[c] = left;
    if (left === 0) this.#chunks[c] = undefined;
  }

  #noteChurn(count: number): void {
    this.#churn += count;
    // Against the live size at the last sweep, not the map's size now: that grows with every new id,
    // so a page that keeps replacing its content would never reach it.
    if (this.#sweepAt < 0 && this.#churn >= Math.max(SWEEP_EVERY, this.#heldAfterSweep)) {
      this.#churn = 0;
      this.#sweepAt = 0;
    }
    if (this.#sweepAt >= 0) this.#sweepSome(count * SWEEP_STEP);
  }

  /** Checks up to `budget` held nodes of the sweep in progress, in id order (empty ids cost nothing). */
  #sweepSome(budget: number): void {
    if (this.#sweepAt < 0) return;
    let checked = 0;
    for (let id = this.#sweepAt; id < this.#next; id++) {
      if (checked >= budget) {
        this.#sweepAt = id;
        return;
      }
      const chunk = this.#chunks[id >>> CHUNK_BITS];
      if (chunk === undefined) {
        id = ((id >>> CHUNK_BITS) + 1) * CHUNK_SIZE - 1; // a whole chunk of reserved ids
        continue;
      }
      const node = chunk[id & CHUNK_MASK];
      if (node === undefined) continue;
      checked++;
      if (!isAttached(node)) this.#drop(id);
    }
    this.#sweepAt = -1;
    this.#heldAfterSweep = this.#held;
  }
}
