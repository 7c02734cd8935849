/**
 * The customer's hover chain in the mirror: the element under the customer's
 * pointer and every ancestor across shadow roots and nested frames carry
 * HOVER_ATTRIBUTE, which the rewritten `:hover` rules match
 * (interaction-css.ts). The element is found in the mirror's own layout,
 * which equals the customer's, at the customer's page coordinates.
 *
 * A pointer that stays still while the page moves beneath it (content
 * inserted above, a scroll, an animation's end) hovers something else: the
 * customer's browser updates `:hover` after such a layout change without
 * any pointer event, so the mirror looks again at the same point once the
 * frames that moved the page are applied (at most once per animation frame).
 */
import { ACTIVE_ATTRIBUTE, HOVER_ATTRIBUTE } from './interaction-css.js';

const MAX_DEPTH = 32;

export class HoverChain {
  #marked: Element[] = [];
  #pressed: Element[] = [];
  /** Where the pointer rests (client point of the mirror's top document), to look again after layout changes. */
  #resting: { doc: Document; x: number; y: number; down: boolean } | null = null;
  #lookAgain: { view: Window; handle: number } | null = null;

  /** Marks the chain under client point (x, y) of `doc` (the mirror's top document); `down`: pressed (`:active`). */
  moveTo(doc: Document, x: number, y: number, down = false): void {
    this.#resting = { doc, x, y, down };
    const chain = hoverChainAt(doc, x, y);
    this.#marked = mark(this.#marked, chain, HOVER_ATTRIBUTE);
    // :active stays on what was pressed while the button is held, as in a browser.
    this.#pressed = mark(
      this.#pressed,
      down ? (this.#pressed.length > 0 ? this.#pressed : chain) : [],
      ACTIVE_ATTRIBUTE,
    );
  }

  /** The page moved under a resting pointer: find what is under it again, in the next animation frame. */
  layoutChanged(view: Window | null): void {
    if (this.#resting === null || this.#lookAgain !== null || view === null) return;
    const handle = view.requestAnimationFrame(() => {
      this.#lookAgain = null;
      const resting = this.#resting;
      if (resting === null || resting.doc.defaultView === null) return;
      try {
        this.moveTo(resting.doc, resting.x, resting.y, resting.down);
      } catch {
        this.clear();
      }
    });
    this.#lookAgain = { view, handle };
  }

  /** The pointer left the page. */
  clear(): void {
    this.#resting = null;
    if (this.#lookAgain !== null) this.#lookAgain.view.cancelAnimationFrame(this.#lookAgain.handle);
    this.#lookAgain = null;
    this.#marked = mark(this.#marked, [], HOVER_ATTRIBUTE);
    this.#pressed = mark(this.#pressed, [], ACTIVE_ATTRIBUTE);
  }
}

/** Moves `attribute` from the elements of `before` to those of `after`; returns `after`. */
function mark(before: Element[], after: Element[], attribute: string): Element[] {
  const keep = new Set(after);
  for (const el of before) if (!keep.has(el)) el.removeAttribute(attribute);
  for (const el of after) if (!el.hasAttribute(attribute)) el.setAttribute(attribute, '');
  return after;
}

/** The hovered element and its flat-tree ancestors, innermost first, entering open shadow roots and same-origin frames. */
function hoverChainAt(doc: Document, x: number, y: number): Element[] {
  let target: Element | null = null;
  let scope: Document | ShadowRoot = doc;
  let px = x;
  let py = y;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const hit: Element | null = scope.elementFromPoint(px, py);
    if (hit === null || hit === target) break;
    target = hit;
    if (hit.shadowRoot !== null) {
      scope = hit.shadowRoot;
      continue;
    }
    const tag = hit.localName;
    if (tag === 'iframe' || tag === 'frame') {
      const inner: Document | null = (hit as HTMLIFrameElement).contentDocument;
      if (inner === null) break;
      const box = hit.getBoundingClientRect();
      px -= box.left + hit.clientLeft;
      py -= box.top + hit.clientTop;
      scope = inner;
      continue;
    }
    break;
  }
  const chain: Element[] = [];
  for (let node: Node | null = target; node !== null && chain.length < 4_096;) {
    if (node.nodeType === 1) chain.push(node as Element);
    if (node.parentNode !== null && node.parentNode.nodeType === 11 && 'host' in node.parentNode)
      node = (node.parentNode as ShadowRoot).host;
    else if (node.parentNode === doc) node = null;
    else if (node.parentNode !== null && node.parentNode.nodeType === 9)
      node = (node.parentNode as Document).defaultView?.frameElement ?? null;
    else node = node.parentNode;
  }
  return chain;
}
