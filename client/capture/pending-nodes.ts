/**
 * Nodes still to walk, as three parallel stacks rather than one object per
 * node: a 300k-node page made 300k short-lived objects here, and young-
 * generation GCs were among the longest pauses inside snapshot slices. The
 * serializer pushes a node's capture children straight onto it, last first,
 * so they pop in document order (no array of children per element).
 */
export class PendingNodes {
  readonly nodes: Node[] = [];
  /** The capture parent each node was read under. */
  readonly parents: Node[] = [];
  readonly parentIds: number[] = [];

  get length(): number {
    return this.nodes.length;
  }

  push(node: Node, parent: Node, parentId: number): void {
    this.nodes.push(node);
    this.parents.push(parent);
    this.parentIds.push(parentId);
  }
}
