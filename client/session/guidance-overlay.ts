/**
 * What the customer sees of the agent's guidance: the agent's pointer, the
 * highlighted element (outline + label, following the element) and drawings
 * (page coordinates, fading). Drawn inside the element's own shadow root,
 * which the capture engine never serializes, with pointer-events off so the
 * page stays fully usable.
 */
import { arrowHeadPoints } from '../../shared/annotation-shape.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Drawings fade after this long. */
export const ANNOTATION_LIFETIME_MS = 6_000;

interface Annotation {
  element: SVGElement;
  timer: ReturnType<typeof setTimeout>;
}

export class GuidanceOverlay {
  readonly #root: HTMLElement;
  readonly #window: Window;
  readonly #pointer: HTMLElement;
  readonly #highlight: HTMLElement;
  readonly #highlightLabel: HTMLElement;
  readonly #svg: SVGSVGElement;
  readonly #layer: SVGGElement;
  readonly #annotations = new Map<string, Annotation>();
  #highlighted: Element | null = null;
  #frame = 0;
  #pointerTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(container: HTMLElement, view: Window, agentName: string) {
    this.#window = view;
    const doc = container.ownerDocument;
    this.#root = doc.createElement('div');
    this.#root.setAttribute('data-cobrowse-overlay', '');
    this.#root.style.cssText = 'position:fixed;inset:0;pointer-events:none;overflow:hidden;';

    this.#svg = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
    this.#svg.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;overflow:visible;';
    this.#layer = doc.createElementNS(SVG_NS, 'g') as SVGGElement;
    this.#svg.append(this.#layer);

    this.#highlight = doc.createElement('div');
    this.#highlight.setAttribute('data-cobrowse-highlight', '');
    this.#highlight.style.cssText =
      'position:absolute;display:none;border:3px solid #f59e0b;border-radius:6px;box-shadow:0 0 0 4px rgb(245 158 11 / 30%);transition:all 120ms ease-out;';
    this.#highlightLabel = doc.createElement('div');
    this.#highlightLabel.style.cssText =
      'position:absolute;left:-3px;bottom:100%;margin-bottom:6px;background:#92400e;color:#fff;font:600 12px/1.4 system-ui,sans-serif;padding:3px 8px;border-radius:6px;white-space:nowrap;';
    this.#highlight.append(this.#highlightLabel);

    this.#pointer = doc.createElement('div');
    this.#pointer.setAttribute('data-cobrowse-pointer', '');
    this.#pointer.style.cssText = 'position:absolute;left:0;top:0;display:none;will-change:transform;';
    const arrow = doc.createElementNS(SVG_NS, 'svg');
    arrow.setAttribute('width', '22');
    arrow.setAttribute('height', '22');
    arrow.setAttribute('viewBox', '0 0 22 22');
    const path = doc.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', 'M2 2 L2 18 L7 13.5 L10.5 20.5 L13.5 19 L10 12 L17 12 Z');
    path.setAttribute('fill', '#7c3aed');
    path.setAttribute('stroke', '#fff');
    path.setAttribute('stroke-width', '1.5');
    arrow.append(path);
    const name = doc.createElement('span');
    name.textContent = agentName || 'Support';
    name.style.cssText =
      'position:absolute;left:18px;top:16px;background:#7c3aed;color:#fff;font:600 12px/1.4 system-ui,sans-serif;padding:2px 8px;border-radius:999px;white-space:nowrap;';
    this.#pointer.append(arrow, name);

    this.#root.append(this.#svg, this.#highlight, this.#pointer);
    container.append(this.#root);
    this.#frame = view.requestAnimationFrame(this.#tick);
  }

  /** The agent's pointer, in page coordinates. */
  showPointer(x: number, y: number, gone = false): void {
    if (gone) {
      this.#pointer.style.display = 'none';
      return;
    }
    this.#pointer.dataset.pageX = String(x);
    this.#pointer.dataset.pageY = String(y);
    this.#pointer.style.display = 'block';
    this.#placePointer();
    // Hide a pointer the agent stopped moving long ago.
    if (this.#pointerTimer) clearTimeout(this.#pointerTimer);
    this.#pointerTimer = setTimeout(() => (this.#pointer.style.display = 'none'), 15_000);
  }

  /** Outline an element for the customer, or clear with null. */
  highlight(target: Element | null, label = 'Look here'): void {
    this.#highlighted = target;
    this.#highlightLabel.textContent = label;
    this.#highlight.style.display = target ? 'block' : 'none';
    this.#placeHighlight();
  }

  /** A drawing in page coordinates ([x0, y0, x1, y1, ...]); fades after a few seconds. */
  annotate(id: string, shape: 'path' | 'arrow', points: number[], color: string): void {
    this.#annotations.get(id)?.element.remove();
    const doc = this.#root.ownerDocument;
    const group = doc.createElementNS(SVG_NS, 'g') as SVGGElement;
    group.setAttribute('data-cobrowse-annotation', id);
    const coords: string[] = [];
    for (let i = 0; i + 1 < points.length; i += 2) coords.push(`${points[i]},${points[i + 1]}`);
    const line = doc.createElementNS(SVG_NS, 'polyline');
    line.setAttribute('points', coords.join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', color);
    line.setAttribute('stroke-width', '4');
    line.setAttribute('stroke-linecap', 'round');
    line.setAttribute('stroke-linejoin', 'round');
    group.append(line);
    if (shape === 'arrow' && points.length >= 4) {
      const n = points.length;
      const [x1, y1, x2, y2] = [points[n - 4]!, points[n - 3]!, points[n - 2]!, points[n - 1]!];
      const head = doc.createElementNS(SVG_NS, 'polygon');
      head.setAttribute('points', arrowHeadPoints(x1, y1, x2, y2));
      head.setAttribute('fill', color);
      group.append(head);
    }
    group.style.transition = 'opacity 800ms ease-in';
    this.#layer.append(group);
    const timer = setTimeout(() => {
      group.style.opacity = '0';
      setTimeout(() => {
        group.remove();
        this.#annotations.delete(id);
      }, 900);
    }, ANNOTATION_LIFETIME_MS);
    this.#annotations.set(id, { element: group, timer });
  }

  clearAnnotations(): void {
    for (const { element, timer } of this.#annotations.values()) {
      clearTimeout(timer);
      element.remove();
    }
    this.#annotations.clear();
  }

  destroy(): void {
    this.#window.cancelAnimationFrame(this.#frame);
    if (this.#pointerTimer) clearTimeout(this.#pointerTimer);
    this.clearAnnotations();
    this.#root.remove();
  }

  /** Page coordinates follow the page: re-place everything each frame (cheap: three transforms). */
  readonly #tick = (): void => {
    this.#placePointer();
    this.#placeHighlight();
    this.#layer.setAttribute('transform', `translate(${-this.#window.scrollX} ${-this.#window.scrollY})`);
    this.#frame = this.#window.requestAnimationFrame(this.#tick);
  };

  #placePointer(): void {
    const x = Number(this.#pointer.dataset.pageX ?? 0) - this.#window.scrollX;
    const y = Number(this.#pointer.dataset.pageY ?? 0) - this.#window.scrollY;
    this.#pointer.style.transform = `translate(${x}px, ${y}px)`;
  }

  #placeHighlight(): void {
    const target = this.#highlighted;
    if (!target) return;
    if (!target.isConnected) {
      this.highlight(null);
      return;
    }
    const rect = target.getBoundingClientRect();
    const style = this.#highlight.style;
    style.left = `${rect.left - 6}px`;
    style.top = `${rect.top - 6}px`;
    style.width = `${rect.width + 6}px`;
    style.height = `${rect.height + 6}px`;
  }
}
