/**
 * The agent's ink: freehand strokes and arrows drawn over the customer's
 * page. Points travel in the customer's page coordinates (so the customer's
 * overlay draws them where the agent meant, whatever the two screens'
 * scales); the agent's own copy is drawn in stage coordinates and fades a
 * few seconds after it is sent. Pointer input (Draw/Arrow tools) and
 * keyboard strokes (keyboard-guidance-controller.ts) end up here. Fade
 * timers are cleared when the element leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { arrowHeadPoints } from '../shared/annotation-shape.js';
import type { ChannelMessage } from '../shared/protocol.js';

export const DRAW_COLOR = '#e11d48';
/** Shorter drags (in the agent's pixels) are clicks, not arrows. */
const MIN_ARROW_LENGTH = 8;
const SVG_NS = 'http://www.w3.org/2000/svg';
const FADE_AFTER_MS = 6_000;
const MAX_POINTS = 20_000;

export type StrokeShape = 'path' | 'arrow';

interface Stroke {
  id: string;
  shape: StrokeShape;
  points: number[];
  stagePoints: number[];
  element: SVGGElement;
}

export interface InkOptions {
  /** The SVG layer over the stage. */
  layer(): SVGSVGElement | null;
  /** The stage's box on screen (pointer events are in client coordinates). */
  stageRect(): DOMRect;
  toPage(x: number, y: number): { x: number; y: number };
  toStage(x: number, y: number): { x: number; y: number };
  /** The tool that pointer drags draw with, or null when they do not draw. */
  drawingShape(): StrokeShape | null;
  send(message: Extract<ChannelMessage, { t: 'annotation' | 'annotation-clear' }>): void;
}

export class InkController implements ReactiveController {
  readonly #o: InkOptions;
  #stroke: Stroke | null = null;
  #keyStroke: Stroke | null = null;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(host: ReactiveControllerHost, options: InkOptions) {
    this.#o = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#stroke = null;
    this.#keyStroke = null;
  }

  onPointerDown(event: PointerEvent): void {
    const shape = this.#o.drawingShape();
    if (shape === null) return;
    const stroke = this.#createStroke(shape);
    if (stroke === null) return;
    this.#stroke = stroke;
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
    this.#addPoint(event);
  }

  onPointerMove(event: PointerEvent): void {
    if (this.#stroke) this.#addPoint(event);
  }

  onPointerUp(): void {
    const stroke = this.#stroke;
    this.#stroke = null;
    if (!stroke) return;
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = stroke.stagePoints;
    const tooShort =
      stroke.shape === 'arrow'
        ? stroke.stagePoints.length < 4 || Math.hypot(x1 - x0, y1 - y0) < MIN_ARROW_LENGTH
        : stroke.points.length < 4;
    if (tooShort) {
      stroke.element.remove();
      return;
    }
    this.#send(stroke);
  }

  /** A stroke drawn from the keyboard, in page coordinates; `final` sends it. */
  keyboardStroke(shape: StrokeShape, points: readonly number[], final: boolean): void {
    const stroke = this.#keyStroke ?? this.#createStroke(shape);
    if (stroke === null) return;
    this.#keyStroke = final ? null : stroke;
    stroke.points = [...points];
    stroke.stagePoints = [];
    for (let i = 0; i + 1 < points.length; i += 2) {
      const at = this.#o.toStage(points[i] ?? 0, points[i + 1] ?? 0);
      stroke.stagePoints.push(at.x, at.y);
    }
    this.#draw(stroke);
    if (final) this.#send(stroke);
  }

  /** Drops the keyboard stroke being drawn (Escape). */
  cancelKeyboardStroke(): void {
    this.#keyStroke?.element.remove();
    this.#keyStroke = null;
  }

  /** Removes every drawing here and on the customer's page. */
  clear(): void {
    this.#o.layer()?.replaceChildren();
    this.#o.send({ t: 'annotation-clear' });
  }

  #createStroke(shape: StrokeShape): Stroke | null {
    const layer = this.#o.layer();
    if (layer === null) return null;
    const group = document.createElementNS(SVG_NS, 'g');
    group.setAttribute('data-shape', shape);
    const line = document.createElementNS(SVG_NS, 'polyline');
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', DRAW_COLOR);
    line.setAttribute('stroke-width', '4');
    line.setAttribute('stroke-linecap', 'round');
    line.setAttribute('stroke-linejoin', 'round');
    group.append(line);
    if (shape === 'arrow') {
      const head = document.createElementNS(SVG_NS, 'polygon');
      head.setAttribute('fill', DRAW_COLOR);
      group.append(head);
    }
    layer.append(group);
    const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    return { id, shape, points: [], stagePoints: [], element: group };
  }

  /** A path grows point by point; an arrow keeps its start and moves its end. */
  #addPoint(event: PointerEvent): void {
    const stroke = this.#stroke;
    if (!stroke || stroke.points.length >= MAX_POINTS) return;
    const stage = this.#o.stageRect();
    const stageX = event.clientX - stage.left;
    const stageY = event.clientY - stage.top;
    const page = this.#o.toPage(stageX, stageY);
    const pagePoint = [Math.round(page.x), Math.round(page.y)];
    if (stroke.shape === 'arrow' && stroke.points.length >= 2) {
      stroke.points.splice(2, 2, ...pagePoint);
      stroke.stagePoints.splice(2, 2, stageX, stageY);
    } else {
      stroke.points.push(...pagePoint);
      stroke.stagePoints.push(stageX, stageY);
    }
    this.#draw(stroke);
  }

  #draw(stroke: Stroke): void {
    const coords: string[] = [];
    for (let i = 0; i + 1 < stroke.stagePoints.length; i += 2)
      coords.push(`${stroke.stagePoints[i]},${stroke.stagePoints[i + 1]}`);
    stroke.element.querySelector('polyline')?.setAttribute('points', coords.join(' '));
    const head = stroke.element.querySelector('polygon');
    const [x1, y1, x2, y2] = stroke.stagePoints;
    if (!head || x1 === undefined || y1 === undefined || x2 === undefined || y2 === undefined) return;
    head.setAttribute('points', arrowHeadPoints(x1, y1, x2, y2));
  }

  /** Sends a finished stroke to the customer; our own copy fades after a few seconds. */
  #send(stroke: Stroke): void {
    this.#o.send({ t: 'annotation', id: stroke.id, shape: stroke.shape, points: stroke.points, color: DRAW_COLOR });
    this.#later(FADE_AFTER_MS, () => {
      stroke.element.style.transition = 'opacity 800ms';
      stroke.element.style.opacity = '0';
      this.#later(900, () => stroke.element.remove());
    });
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }
}
