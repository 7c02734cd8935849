/**
 * What the console draws over the mirrored page, in canvas coordinates from
 * the stage view (so it stays on its element at every zoom): the customer's
 * pointer and click ripples, the agent's keyboard pointer, the highlight box,
 * and the toast. Its timers end when the element leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface StageOverlayOptions {
  root(): ShadowRoot | null;
  toStage(x: number, y: number): { x: number; y: number };
  scale(): number;
  scroll(): { x: number; y: number };
  /** The mirrored element with this id, if it exists. */
  nodeById(id: number): Node | undefined;
  /** The toast text changed. */
  toast(message: string): void;
}

const RIPPLE_MS = 700;
const TOAST_MS = 4_000;

export class StageOverlays implements ReactiveController {
  /** The element highlighted for the customer, or null. */
  highlightedId: number | null = null;
  #toastTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #ripples = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    host: ReactiveControllerHost,
    private readonly options: StageOverlayOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    this.#toastTimer = null;
    for (const timer of this.#ripples) clearTimeout(timer);
    this.#ripples.clear();
    this.#find('.canvas')
      ?.querySelectorAll('.ripple')
      .forEach((ripple) => ripple.remove());
  }

  #find<T extends Element = HTMLElement>(selector: string): T | null {
    return this.options.root()?.querySelector<T>(selector) ?? null;
  }

  /** Say something for a few seconds. */
  notify(message: string): void {
    this.options.toast(message);
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => {
      this.#toastTimer = null;
      this.options.toast('');
    }, TOAST_MS);
  }

  customerPointer(x: number, y: number, click: boolean, gone: boolean): void {
    const cursor = this.#find('.cursor');
    if (!cursor) return;
    if (gone) {
      cursor.style.display = 'none';
      return;
    }
    const at = this.options.toStage(x, y);
    cursor.style.display = 'block';
    cursor.style.transform = `translate(${at.x}px, ${at.y}px)`;
    const canvas = this.#find('.canvas');
    if (click && canvas) {
      const ripple = document.createElement('div');
      ripple.className = 'ripple';
      ripple.style.left = `${at.x}px`;
      ripple.style.top = `${at.y}px`;
      canvas.append(ripple);
      const timer = setTimeout(() => {
        this.#ripples.delete(timer);
        ripple.remove();
      }, RIPPLE_MS);
      this.#ripples.add(timer);
    }
  }

  /** The agent's keyboard pointer at page coordinates, or hidden. */
  keyboardPointer(at: { x: number; y: number } | null): void {
    const pointer = this.#find('.kbd-pointer');
    if (!pointer) return;
    if (!at) {
      pointer.style.display = 'none';
      return;
    }
    const stage = this.options.toStage(at.x, at.y);
    Object.assign(pointer.style, { display: 'block', transform: `translate(${stage.x}px, ${stage.y}px)` });
  }

  /** Toggle the highlight on `id`; returns the id now highlighted (null: cleared). */
  toggleHighlight(id: number): number | null {
    this.highlightedId = this.highlightedId === id ? null : id;
    this.placeHighlight();
    return this.highlightedId;
  }

  /** Put the highlight box over its element again (after a frame, a scroll, a zoom). */
  placeHighlight(): void {
    const box = this.#find('.highlight');
    if (!box) return;
    const node = this.highlightedId === null ? undefined : this.options.nodeById(this.highlightedId);
    if (!node || node.nodeType !== 1) {
      box.style.display = 'none';
      return;
    }
    const rect = (node as Element).getBoundingClientRect();
    const scroll = this.options.scroll();
    const at = this.options.toStage(rect.left + scroll.x, rect.top + scroll.y);
    const scale = this.options.scale();
    Object.assign(box.style, {
      display: 'block',
      left: `${at.x - 4}px`,
      top: `${at.y - 4}px`,
      width: `${rect.width * scale + 8}px`,
      height: `${rect.height * scale + 8}px`,
    });
  }
}
