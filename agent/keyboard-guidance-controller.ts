/**
 * Guidance without a mouse. The stage (the area showing the customer's page)
 * is one stop in the agent's Tab order; there the arrow keys move a keyboard
 * pointer over the customer's page (Shift: bigger steps), which the customer
 * sees like the mouse pointer, and Enter acts with the current tool:
 * Highlight outlines the element under the pointer, Draw and Arrow start a
 * stroke at the pointer and finish it on the next Enter (Escape cancels),
 * Control clicks there. In the mirror itself, Enter with the Highlight tool
 * highlights the focused element. Links in the mirror are taken out of the Tab
 * order, so reaching the page's fields does not mean tabbing through every link.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type GuidanceTool = 'pointer' | 'highlight' | 'draw' | 'arrow' | 'control';

export interface KeyboardGuidanceOptions {
  tool(): GuidanceTool;
  live(): boolean;
  /** The customer's viewport in page coordinates (where the pointer may go). */
  viewport(): { x: number; y: number; w: number; h: number };
  /** Show the keyboard pointer at page coordinates (null hides it) and tell the customer. */
  showPointer(at: { x: number; y: number } | null): void;
  /** Highlight the element at page coordinates, or the mirrored element given. */
  highlightAt(at: { x: number; y: number }): void;
  highlightElement(target: EventTarget | null): boolean;
  /** Draw (preview) or send (final) a stroke through page coordinates. */
  stroke(shape: 'path' | 'arrow', points: readonly number[], final: boolean): void;
  cancelStroke(): void;
  clickAt(at: { x: number; y: number }): void;
}

const STEP = 10;
const BIG_STEP = 50;
const MOVES: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

export class KeyboardGuidanceController implements ReactiveController {
  readonly #options: KeyboardGuidanceOptions;
  #at: { x: number; y: number } | null = null;
  #stroke: { shape: 'path' | 'arrow'; points: number[] } | null = null;

  constructor(host: ReactiveControllerHost, options: KeyboardGuidanceOptions) {
    this.#options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#at = null;
    this.#stroke = null;
  }

  /** The keyboard pointer, in the customer's page coordinates. */
  get position(): { x: number; y: number } | null {
    return this.#at ? { ...this.#at } : null;
  }

  /** Keys on the stage. */
  onStageKeydown(event: KeyboardEvent): void {
    if (!this.#options.live() || event.ctrlKey || event.metaKey || event.altKey) return;
    const move = MOVES[event.key];
    if (move) {
      event.preventDefault();
      this.#move(move[0] * (event.shiftKey ? BIG_STEP : STEP), move[1] * (event.shiftKey ? BIG_STEP : STEP));
      return;
    }
    if (event.key === 'Escape' && this.#stroke) {
      event.preventDefault();
      this.#stroke = null;
      this.#options.cancelStroke();
      return;
    }
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    const at = this.#at ?? this.#centre();
    this.#at = at;
    const tool = this.#options.tool();
    if (tool === 'highlight') this.#options.highlightAt(at);
    else if (tool === 'control') this.#options.clickAt(at);
    else if (tool === 'draw' || tool === 'arrow') this.#toggleStroke(tool === 'arrow' ? 'arrow' : 'path', at);
    this.#options.showPointer(at);
  }

  /** Keys inside the mirror: Enter with the Highlight tool highlights the focused element; true when handled. */
  onMirrorKeydown(event: KeyboardEvent): boolean {
    if (this.#options.tool() !== 'highlight' || event.key !== 'Enter' || !this.#options.live()) return false;
    if (!this.#options.highlightElement(event.target)) return false;
    event.preventDefault();
    return true;
  }

  /** The stage lost focus: the keyboard pointer goes away, an unfinished stroke is dropped. */
  onStageBlur(): void {
    if (this.#stroke) this.#options.cancelStroke();
    this.#stroke = null;
    this.#options.showPointer(null);
  }

  /** Links in a mirrored document or subtree leave the Tab order (the mirror never follows them anyway). */
  quietLinks(root: Node | null | undefined): void {
    if (!root) return;
    const quiet = (link: Element) => {
      if (link.getAttribute('tabindex') !== '-1') link.setAttribute('tabindex', '-1');
    };
    if (root.nodeType === 1 && (root as Element).matches('a[href], area[href]')) quiet(root as Element);
    if ('querySelectorAll' in root)
      for (const link of (root as ParentNode).querySelectorAll('a[href], area[href]')) quiet(link);
  }

  #centre(): { x: number; y: number } {
    const view = this.#options.viewport();
    return { x: Math.round(view.x + view.w / 2), y: Math.round(view.y + view.h / 2) };
  }

  #move(dx: number, dy: number): void {
    const view = this.#options.viewport();
    const from = this.#at ?? this.#centre();
    const at = {
      x: Math.min(view.x + view.w, Math.max(view.x, from.x + dx)),
      y: Math.min(view.y + view.h, Math.max(view.y, from.y + dy)),
    };
    this.#at = at;
    this.#options.showPointer(at);
    const stroke = this.#stroke;
    if (!stroke) return;
    if (stroke.shape === 'arrow') stroke.points.splice(2, 2, at.x, at.y);
    else stroke.points.push(at.x, at.y);
    this.#options.stroke(stroke.shape, stroke.points, false);
  }

  #toggleStroke(shape: 'path' | 'arrow', at: { x: number; y: number }): void {
    const stroke = this.#stroke;
    if (!stroke) {
      this.#stroke = { shape, points: [at.x, at.y] };
      this.#options.stroke(shape, this.#stroke.points, false);
      return;
    }
    this.#stroke = null;
    if (stroke.points.length >= 4) this.#options.stroke(stroke.shape, stroke.points, true);
    else this.#options.cancelStroke();
  }
}
