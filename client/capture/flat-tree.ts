/**
 * Steps through the flat tree, the tree as it renders: a shadow host shows
 * its shadow root's content, a <slot> shows the nodes assigned to it (or its
 * own children when none are), and a slotted node sits among the slot's
 * assigned nodes, inside the shadow tree. text-runs.ts reads a number's
 * neighbours this way, so "4532 0196 <slot>" in a shadow root and
 * "7315 8241" slotted into it are one number on screen and one to the rule.
 *
 * Closed shadow roots: a host's closed root is entered when the loader saw it
 * attached (dom-read.ts capturedShadowRoot); a node slotted into one has no
 * `assignedSlot` (the platform hides it), so its slot is found among that
 * root's slots.
 */
import { domPristine } from './dom-pristine.js';
import { isShadowRoot } from './dom-nodes.js';
import { capturedShadowRoot, localNameOf, nodeTypeOf, parentNodeOf } from './dom-read.js';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** The platform's own `assignedSlot` getters and `assignedNodes`, taken when the session bundle loads. */
const textAssignedSlot = Object.getOwnPropertyDescriptor(Text.prototype, 'assignedSlot')?.get;
const elementAssignedSlot = Object.getOwnPropertyDescriptor(Element.prototype, 'assignedSlot')?.get;
const slotAssignedNodes = HTMLSlotElement.prototype.assignedNodes;

/** The slot `node` is rendered in, or null. */
function assignedSlotOf(node: Node): HTMLSlotElement | null {
  const type = nodeTypeOf(node);
  const get = type === TEXT_NODE ? textAssignedSlot : type === ELEMENT_NODE ? elementAssignedSlot : undefined;
  if (get === undefined) return null;
  try {
    const slot = get.call(node) as HTMLSlotElement | null | undefined;
    if (slot) return slot;
  } catch {
    return null;
  }
  // A closed root the loader saw: the platform does not say which of its slots shows `node`.
  const parent = parentNodeOf(node);
  if (parent === null || nodeTypeOf(parent) !== ELEMENT_NODE) return null;
  const root = capturedShadowRoot(parent as Element);
  if (root === null || root.mode === 'open') return null;
  for (const slot of root.querySelectorAll('slot')) if (assignedNodesOf(slot).includes(node)) return slot;
  return null;
}

/** Whether the slot's nodes are assigned by script (`slotAssignment: 'manual'`), so not in tree order. */
function manuallyAssigned(slot: HTMLSlotElement): boolean {
  const root = slot.getRootNode();
  return isShadowRoot(root) && root.slotAssignment === 'manual';
}

function assignedNodesOf(slot: HTMLSlotElement): Node[] {
  try {
    return slotAssignedNodes.call(slot);
  } catch {
    return [];
  }
}

/** The node rendered right before (`direction` -1) or after (+1) `node` under the same flat-tree parent, or null. */
export function flatSibling(node: Node, direction: -1 | 1): Node | null {
  const slot = assignedSlotOf(node);
  const step = (from: Node): Node | null =>
    direction < 0 ? domPristine.previousSibling.call(from) : domPristine.nextSibling.call(from);
  if (slot === null) return step(node);
  if (manuallyAssigned(slot)) {
    const assigned = assignedNodesOf(slot);
    const at = assigned.indexOf(node);
    return at < 0 ? null : (assigned[at + direction] ?? null);
  }
  // Named slots take the host's children in tree order: the next light sibling shown by the same slot.
  let sibling = step(node);
  while (sibling !== null && assignedSlotOf(sibling) !== slot) sibling = step(sibling);
  return sibling;
}

/** The flat-tree parent: the slot `node` is assigned to, the host of the shadow root it is in, or its parent. */
export function flatParent(node: Node): Node | null {
  const slot = assignedSlotOf(node);
  if (slot !== null) return slot;
  const parent = parentNodeOf(node);
  if (parent !== null && isShadowRoot(parent)) return parent.host;
  return parent;
}

/** The first (`direction` 1) or last (-1) flat-tree child of `el`, or null. */
export function flatEdgeChild(el: Element, direction: -1 | 1): Node | null {
  const root = capturedShadowRoot(el);
  if (root === null && localNameOf(el) === 'slot') {
    const assigned = assignedNodesOf(el as HTMLSlotElement);
    if (assigned.length > 0) return (direction < 0 ? assigned[assigned.length - 1] : assigned[0]) ?? null;
  }
  const container: Node = root ?? el;
  return direction < 0 ? domPristine.lastChild.call(container) : domPristine.firstChild.call(container);
}

/**
 * Up to `limit` text nodes `el` renders (its light text, or for a slot the text of the nodes assigned to
 * it): the first and the last half of them, since a number joins its neighbours only at the edges.
 */
export function renderedTexts(el: Element, limit: number): CharacterData[] {
  const texts = new Set<CharacterData>();
  for (const direction of [1, -1] as const) {
    const roots: Node[] = localNameOf(el) === 'slot' ? [...assignedNodesOf(el as HTMLSlotElement)] : [el];
    const stack = direction > 0 ? roots.reverse() : roots;
    // Children pushed farthest first, so that the next one popped is the nearest in `direction`.
    const farthest = direction > 0 ? domPristine.lastChild : domPristine.firstChild;
    const nearer = direction > 0 ? domPristine.previousSibling : domPristine.nextSibling;
    let taken = 0;
    while (stack.length > 0 && taken < limit / 2) {
      const node = stack.pop() as Node;
      if (nodeTypeOf(node) === TEXT_NODE) {
        texts.add(node as CharacterData);
        taken++;
        continue;
      }
      for (let c = farthest.call(node); c !== null; c = nearer.call(c)) stack.push(c);
    }
  }
  return [...texts];
}
