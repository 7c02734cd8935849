/**
 * Scrolling the customer's page from the mirror, with control: the wheel or
 * the scrolling keys move the innermost box that can still scroll that way,
 * else the page, as in a browser. Positions sent are remembered until the
 * customer's scroll frame shows them, so keys or wheel turns faster than the
 * round trip add up instead of each starting from the stale position the
 * mirror still shows. A scroll frame that left the customer before our
 * actions ran (the customer scrolling, or an older step) does not end that:
 * only a frame at the position sent, or any frame once the customer has
 * answered every action (its position then is the outcome, clamped or not).
 */
import type { RemoteAction } from '../shared/protocol.js';
import { innermostTarget } from './innermost-target.js';

export interface RemoteScrollOptions {
  act(action: RemoteAction): boolean;
  /** The customer's id of a mirrored node. */
  idOf(node: Node): number | undefined;
  /** The customer's window scroll and viewport height, as the mirror last heard. */
  page(): { x: number; y: number; h: number; height: number };
}

const LINE = 40;
/** Keys that never scroll from inside these (they edit, choose or press). */
const INTERACTIVE = 'input, textarea, select, button, [contenteditable]:not([contenteditable="false"])';

export class RemoteScroll {
  readonly #options: RemoteScrollOptions;
  readonly #sent = new Map<number, { x: number; y: number }>();

  constructor(options: RemoteScrollOptions) {
    this.#options = options;
  }

  /**
   * A scroll frame from the customer for `id` at (x, y). `settled`: the
   * customer had answered every action sent when this frame was applied.
   */
  confirmed(id: number, x: number, y: number, settled: boolean): void {
    const sent = this.#sent.get(id);
    if (!sent) return;
    if (settled || (Math.abs(sent.x - x) < 1 && Math.abs(sent.y - y) < 1)) this.#sent.delete(id);
  }

  /** A new snapshot: nothing sent is pending any more. */
  reset(): void {
    this.#sent.clear();
  }

  wheel(event: WheelEvent): void {
    event.preventDefault();
    this.#scrollBy(innermostTarget(event), event.deltaX, event.deltaY);
  }

  /** Scrolling keys outside fields; true when the key was a scroll. */
  key(event: KeyboardEvent): boolean {
    const target = innermostTarget(event) as Element | null;
    if (!target || event.ctrlKey || event.metaKey || event.altKey) return false;
    if (typeof target.closest !== 'function' || target.closest(INTERACTIVE)) return false;
    const page = this.#options.page().h * 0.875;
    const steps: Record<string, [number, number]> = {
      ArrowDown: [0, LINE],
      ArrowUp: [0, -LINE],
      ArrowRight: [LINE, 0],
      ArrowLeft: [-LINE, 0],
      PageDown: [0, page],
      PageUp: [0, -page],
      ' ': [0, event.shiftKey ? -page : page],
      Home: [0, -Number.MAX_SAFE_INTEGER],
      End: [0, Number.MAX_SAFE_INTEGER],
    };
    const step = steps[event.key];
    if (!step) return false;
    event.preventDefault();
    this.#scrollBy(target, step[0], step[1]);
    return true;
  }

  #scrollBy(target: EventTarget | null, dx: number, dy: number): void {
    const box = scrollableAncestor(target, dx, dy);
    const boxId = box ? this.#options.idOf(box) : undefined;
    if (box && boxId !== undefined) {
      const from = this.#sent.get(boxId) ?? { x: box.scrollLeft, y: box.scrollTop };
      // Clamped to the furthest position (not the content's size): a position past it never shows in a
      // frame, so it would stay pending and the keys back up would first have to undo the excess.
      const maxX = box.scrollWidth - box.clientWidth;
      const maxY = box.scrollHeight - box.clientHeight;
      this.#scrollTo(boxId, clamp(from.x + dx, maxX), clamp(from.y + dy, maxY));
      return;
    }
    const page = this.#options.page();
    const from = this.#sent.get(0) ?? page;
    this.#scrollTo(0, Math.max(0, from.x + dx), clamp(from.y + dy, page.height - page.h));
  }

  #scrollTo(id: number, x: number, y: number): void {
    if (this.#options.act({ kind: 'scroll', id, x, y })) this.#sent.set(id, { x, y });
  }
}

function clamp(value: number, max: number): number {
  return Math.max(0, Math.min(max, value));
}

/** The nearest element at or above `target` (in the mirror's realm) that can scroll further by (dx, dy). */
export function scrollableAncestor(target: EventTarget | null, dx: number, dy: number): Element | null {
  let el: Element | null =
    typeof target === 'object' && target !== null && 'nodeType' in target && (target as Node).nodeType === 1
      ? (target as Element)
      : null;
  while (el && el !== el.ownerDocument.documentElement && el !== el.ownerDocument.body) {
    const style = el.ownerDocument.defaultView?.getComputedStyle(el);
    const scrollsY = style && /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight;
    const scrollsX = style && /(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth;
    const roomY = dy > 0 ? el.scrollTop + el.clientHeight < el.scrollHeight : dy < 0 && el.scrollTop > 0;
    const roomX = dx > 0 ? el.scrollLeft + el.clientWidth < el.scrollWidth : dx < 0 && el.scrollLeft > 0;
    if ((scrollsY && roomY) || (scrollsX && roomX)) return el;
    el = el.parentElement;
  }
  return null;
}
