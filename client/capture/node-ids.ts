/**
 * Stable numeric node ids for one capture run. Id 0 is the captured top
 * document; every other captured node gets the next integer when first
 * serialized. Lookups both ways; the reverse map holds weak references so a
 * removed node can still be collected.
 */

export const TOP_DOCUMENT_ID = 0;
/** The protocol's largest node id (protocol.ts `nodeId`). */
const MAX_NODE_ID = 2 ** 31;
/** Reverse-map entries of collected nodes are swept after this many new ids, so churn cannot grow it without bound. */
const SWEEP_EVERY = 50_000;

export class NodeIds {
  readonly #ids = new WeakMap<Node, number>();
  readonly #nodes = new Map<number, WeakRef<Node>>();
  #next = 1;
  #nextSweep = SWEEP_EVERY;

  constructor(topDocument: Document) {
    this.#ids.set(topDocument, TOP_DOCUMENT_ID);
    this.#nodes.set(TOP_DOCUMENT_ID, new WeakRef(topDocument));
  }

  /** The id of a captured node, or undefined when it was never serialized in this run. */
  idOf(node: Node): number | undefined {
    return this.#ids.get(node);
  }

  has(node: Node): boolean {
    return this.#ids.has(node);
  }

  /** The node's id, assigning the next one if it has none. */
  ensure(node: Node): number {
    const known = this.#ids.get(node);
    return known ?? this.assignFresh(node);
  }

  /** Gives the node a new id (the mirror may still hold the old one in a detached subtree). */
  assignFresh(node: Node): number {
    if (this.#next > MAX_NODE_ID) throw new RangeError('node id space exhausted; resync needed');
    const id = this.#next++;
    this.#ids.set(node, id);
    this.#nodes.set(id, new WeakRef(node));
    if (id >= this.#nextSweep) {
      this.#nextSweep = id + Math.max(SWEEP_EVERY, this.#nodes.size);
      for (const [knownId, ref] of this.#nodes) if (ref.deref() === undefined) this.#nodes.delete(knownId);
    }
    return id;
  }

  /** The live node behind an id (for remote actions and highlights), if it still exists. */
  nodeOf(id: number): Node | undefined {
    const node = this.#nodes.get(id)?.deref();
    if (node === undefined) this.#nodes.delete(id);
    return node;
  }

  /** How many ids were handed out in this run. */
  get assigned(): number {
    return this.#next - 1;
  }
}
