/**
 * Scroll offsets the customer has, by node id, kept so they can be applied
 * again when late resources (images, fonts) or a first layout change where
 * an offset lands: a frame not rendered yet has no layout to scroll.
 */
import { scrollNodeTo } from './state-frames.js';

export class MirrorScroll {
  #targets = new Map<number, { x: number; y: number }>();
  #window = { x: 0, y: 0 };
  readonly #nodeOf: (id: number) => Node | undefined;

  constructor(nodeOf: (id: number) => Node | undefined) {
    this.#nodeOf = nodeOf;
  }

  /** The customer's window scroll position. */
  get window(): Readonly<{ x: number; y: number }> {
    return { ...this.#window };
  }

  /** Remembers where `id` is scrolled to; applied by scrollTo or reapply. */
  note(id: number, x: number, y: number): void {
    this.#targets.set(id, { x, y });
  }

  /** Scrolls the node now; false when the mirror has no such node. */
  scrollTo(id: number, x: number, y: number): boolean {
    const node = this.#nodeOf(id);
    if (!node) return false;
    if (id === 0) this.#window = { x, y };
    return scrollNodeTo(node, x, y);
  }

  /** Applies every remembered offset again (dropping those whose node is gone). */
  reapply(): void {
    for (const [id, { x, y }] of this.#targets) {
      if (!this.scrollTo(id, x, y)) this.#targets.delete(id);
    }
  }

  forget(id: number): void {
    this.#targets.delete(id);
  }

  reset(): void {
    this.#targets = new Map();
  }

  clear(): void {
    this.#targets.clear();
  }
}
