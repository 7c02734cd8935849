/**
 * The mirror's id ↔ node map for one snapshot run, and the ids whose value
 * or text the customer's capture masked. Forgetting a subtree follows shadow
 * roots and frame documents, so no id keeps a removed node alive.
 */
import { isElement } from './dom-nodes.js';
import { MASKED_ATTRIBUTE } from './masked-style.js';

export class MirrorNodes {
  #nodes = new Map<number, Node>();
  #ids = new WeakMap<Node, number>();
  #masked = new Set<number>();
  readonly #onForget: (id: number) => void;

  /** `onForget` hears every id that stops naming a node (scroll targets, focus). */
  constructor(onForget: (id: number) => void) {
    this.#onForget = onForget;
  }

  /** Nodes currently mapped to an id. */
  get size(): number {
    return this.#nodes.size;
  }

  get(id: number): Node | undefined {
    return this.#nodes.get(id);
  }

  idOf(node: Node): number | undefined {
    return this.#ids.get(node);
  }

  isMasked(id: number): boolean {
    return this.#masked.has(id);
  }

  /** A new run: every id is forgotten at once. */
  reset(): void {
    this.#nodes = new Map();
    this.#ids = new WeakMap();
    this.#masked = new Set();
  }

  register(id: number, node: Node): void {
    this.#nodes.set(id, node);
    this.#ids.set(node, id);
  }

  /** `node` no longer stands for its id (a stand-in took its place under the same id). */
  unlink(node: Node): void {
    this.#ids.delete(node);
  }

  /** The id's content was masked; `holder` (its element) gets the marker the mirror's CSS shows. */
  markMasked(id: number, holder: Node | null): void {
    this.#masked.add(id);
    if (isElement(holder)) holder.setAttribute(MASKED_ATTRIBUTE, '');
  }

  /**
   * A text node went out again unmasked (digits hidden while the customer
   * typed, sent again once typing ended): its holder loses the masked look
   * unless it is masked itself or holds another masked text.
   */
  unmarkMaskedText(id: number, holder: Node | null): void {
    if (!this.#masked.delete(id) || !isElement(holder)) return;
    const holderId = this.#ids.get(holder);
    if (holderId !== undefined && this.#masked.has(holderId)) return;
    for (let child = holder.firstChild; child !== null; child = child.nextSibling) {
      const childId = this.#ids.get(child);
      if (childId !== undefined && this.#masked.has(childId)) return;
    }
    holder.removeAttribute(MASKED_ATTRIBUTE);
  }

  /** The element itself is masked (its marker came with its attributes). */
  noteMasked(id: number): void {
    this.#masked.add(id);
  }

  forget(node: Node): void {
    const id = this.#ids.get(node);
    if (id === undefined) return;
    this.#ids.delete(node);
    this.#nodes.delete(id);
    this.#masked.delete(id);
    this.#onForget(id);
  }

  /** Forgets the ids of a subtree, through shadow roots and frame documents. */
  forgetSubtree(root: Node): void {
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop();
      if (!node) break;
      this.forget(node);
      for (const child of node.childNodes) stack.push(child);
      if (isElement(node)) {
        if (node.shadowRoot) stack.push(node.shadowRoot);
        if (node.localName === 'iframe') {
          const frameDocument = (node as HTMLIFrameElement).contentDocument;
          if (frameDocument) stack.push(frameDocument);
        }
      }
    }
  }

  clear(): void {
    this.#nodes.clear();
    this.#masked.clear();
  }
}
