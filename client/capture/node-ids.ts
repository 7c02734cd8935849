/**
 * Stable numeric node ids for one capture run. Id 0 is the captured top
 * document; every other captured node gets the next integer when first
 * serialized.
 *
 * The id lives on the node itself, under a symbol private to the run, and
 * the reverse map holds nodes strongly, dropping the detached ones now and
 * then. Measured on a 100k-node page (`npm run bench`): a WeakMap plus one
 * WeakRef per node cost ~60 ms of a snapshot, and every WeakRef made the
 * garbage collector's work grow with the page.
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
  readonly #nodes = new Map<number, Node>();
  #next = 1;
  /** New ids plus reported removals since the last sweep. */
  #churn = 0;
  /** How many nodes the last sweep kept: the map's live size, which sets the next sweep's distance. */
  #heldAfterSweep = 0;
  /** The sweep in progress (entries not checked yet), or null. */
  #sweeping: Iterator<[number, Node]> | null = null;

  constructor(topDocument: Document) {
    tagged(topDocument)[this.#key] = TOP_DOCUMENT_ID;
    this.#nodes.set(TOP_DOCUMENT_ID, topDocument);
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
    this.#nodes.set(known, node);
    return known;
  }

  /** Gives the node a new id (the mirror may still hold the old one in a detached subtree). */
  assignFresh(node: Node): number {
    if (this.#next > MAX_NODE_ID) throw new RangeError('node id space exhausted; resync needed');
    const id = this.#next++;
    tagged(node)[this.#key] = id;
    this.#nodes.set(id, node);
    this.#noteChurn(1);
    return id;
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
    const node = this.#nodes.get(id);
    if (node === undefined) return undefined;
    if (isAttached(node)) return node;
    this.#nodes.delete(id);
    return undefined;
  }

  /** How many ids were handed out in this run. */
  get assigned(): number {
    return this.#next - 1;
  }

  /** How many nodes the reverse map holds (detached ones until the next sweep). */
  get held(): number {
    return this.#nodes.size;
  }

  /** Drops every detached node from the reverse map now. */
  sweep(): void {
    this.#churn = 0;
    this.#sweeping = this.#nodes.entries();
    this.#sweepSome(Number.POSITIVE_INFINITY);
  }

  #noteChurn(count: number): void {
    this.#churn += count;
    // Against the live size at the last sweep, not the map's size now: that grows with every new id,
    // so a page that keeps replacing its content would never reach it.
    if (this.#sweeping === null && this.#churn >= Math.max(SWEEP_EVERY, this.#heldAfterSweep)) {
      this.#churn = 0;
      this.#sweeping = this.#nodes.entries();
    }
    if (this.#sweeping !== null) this.#sweepSome(count * SWEEP_STEP);
  }

  /** Checks up to `budget` entries of the sweep in progress (a Map iterator skips entries deleted meanwhile). */
  #sweepSome(budget: number): void {
    const entries = this.#sweeping;
    if (entries === null) return;
    for (let checked = 0; checked < budget; checked++) {
      const next = entries.next();
      if (next.done === true) {
        this.#sweeping = null;
        this.#heldAfterSweep = this.#nodes.size;
        return;
      }
      const [id, node] = next.value;
      if (!isAttached(node)) this.#nodes.delete(id);
    }
  }
}
