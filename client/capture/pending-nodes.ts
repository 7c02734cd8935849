/**
 * Nodes still to walk, as parallel stacks rather than one object per
 * node: a 300k-node page made 300k short-lived objects here, and young-
 * generation GCs were among the longest pauses inside snapshot slices. The
 * serializer pushes a node's capture children straight onto it, last first,
 * so they pop in document order (no array of children per element).
 */
import type { MaskAncestry } from './mask-dom.js';

/**
 * Where a node to walk was found, known when its capture parent was serialized, so an element does not ask
 * the DOM again (`getRootNode()` walks up to the root, and a shadow host check is a WeakMap lookup: ~4 ms of
 * the 10k-node page's ~38 ms node loop for the scroll candidate test in all).
 */
export const Where = {
  /** Not known (a subtree's root): asked of the DOM. */
  unknown: -1,
  /** In its owner document's own tree, under a parent without a shadow root. */
  plain: 0,
  /** In a shadow tree (its root node is not its owner document). */
  inShadow: 1,
  /** Its capture parent is a shadow host (it may be slotted). */
  hostChild: 2,
} as const;
export class PendingNodes {
  readonly nodes: Node[] = [];
  /** The capture parent each node was read under. */
  readonly parents: Node[] = [];
  readonly parentIds: number[] = [];
  /** Where each node was found (Where flags), as its capture parent knew it. */
  readonly wheres: number[] = [];
  /**
   * The masking ancestry of each node's capture parent (mask-dom.ts maskAncestry), when it was known. It holds
   * only while no page script runs: entries below `#passFrom` were pushed before the current pass (newPass()).
   */
  readonly #ancestries: Array<MaskAncestry | undefined> = [];
  #passFrom = 0;

  get length(): number {
    return this.nodes.length;
  }

  push(node: Node, parent: Node, parentId: number, where: number, ancestry?: MaskAncestry): void {
    this.nodes.push(node);
    this.parents.push(parent);
    this.parentIds.push(parentId);
    this.wheres.push(where);
    this.#ancestries.push(ancestry);
  }

  /**
   * Takes the top entry's parent ancestry off the stack (call with the pops of the other arrays): undefined
   * when it was pushed before the current pass, or not known.
   */
  popAncestry(): MaskAncestry | undefined {
    const ancestry = this.#ancestries.pop();
    const at = this.#ancestries.length;
    if (at >= this.#passFrom) return ancestry;
    this.#passFrom = at;
    return undefined;
  }

  /** A new synchronous pass starts (page scripts may have run): the ancestries pushed so far no longer hold. */
  newPass(): void {
    this.#passFrom = this.#ancestries.length;
  }
}
