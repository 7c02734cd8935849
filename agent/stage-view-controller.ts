/**
 * How the customer's viewport is drawn on the agent's stage: fitted to it
 * (down for a large window, up to 2× for a phone on a large screen) or at a
 * chosen zoom from 50 to 200 % (the stage scrolls when the page is bigger),
 * and full screen. The one place that knows the scale: every overlay
 * (pointers, highlight, ink, remote clicks) converts through toStage/toPage,
 * so they stay on the element they mean at every zoom.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Fitting enlarges at most this much. */
export const MAX_FIT_SCALE = 2;
export const ZOOM_STEPS: readonly number[] = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
/** Room around the drawn viewport, in stage pixels. */
const MARGIN = 12;

export type ZoomMode = { kind: 'fit' } | { kind: 'zoom'; scale: number };

export interface StageViewHost extends ReactiveControllerHost, HTMLElement {}

export interface StageViewOptions {
  /** The scrolling stage, the canvas inside it that overlays are placed on, and the frame holding the mirror. */
  stage(): HTMLElement | null;
  canvas(): HTMLElement | null;
  frame(): HTMLElement | null;
  /** The customer's viewport size, or null before the first snapshot. */
  viewport(): { w: number; h: number } | null;
  /** The customer's scroll position. */
  scroll(): { x: number; y: number };
  /** Called after every change of scale or position (overlays re-place themselves). */
  moved(): void;
  /** Says something to the agent (full screen unavailable). */
  notify(message: string): void;
}

export function percent(scale: number): string {
  return `${Math.round(scale * 100)} %`;
}

export class StageViewController implements ReactiveController {
  mode: ZoomMode = { kind: 'fit' };
  /** The scale the viewport is drawn at now. */
  scale = 1;
  fullscreen = false;
  /** The last zoom change in words, for a live region (set by the agent's actions only, not by resizes). */
  announcement = '';
  #observer: ResizeObserver | null = null;
  #observed: HTMLElement | null = null;
  readonly #onFullscreenChange = (): void => {
    this.fullscreen = document.fullscreenElement === this.host;
    this.host.requestUpdate();
  };

  constructor(
    private readonly host: StageViewHost,
    private readonly options: StageViewOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('fullscreenchange', this.#onFullscreenChange);
  }

  hostUpdated(): void {
    // The stage exists after the first render; observe it once (again after a move in the page).
    const stage = this.options.stage();
    if (stage && stage !== this.#observed) {
      this.#observer?.disconnect();
      this.#observer = new ResizeObserver(() => this.apply());
      this.#observer.observe(stage);
      this.#observed = stage;
    }
  }

  hostDisconnected(): void {
    document.removeEventListener('fullscreenchange', this.#onFullscreenChange);
    this.#observer?.disconnect();
    this.#observer = null;
    this.#observed = null;
  }

  get zoomLabel(): string {
    return this.mode.kind === 'fit' ? `Fit (${percent(this.scale)})` : percent(this.scale);
  }

  get canZoomIn(): boolean {
    return this.scale < (ZOOM_STEPS.at(-1) ?? 2) - 0.001;
  }

  get canZoomOut(): boolean {
    return this.scale > (ZOOM_STEPS[0] ?? 0.5) + 0.001;
  }

  /** One step up or down from the scale shown now (from fit too). */
  step(direction: 1 | -1): void {
    const next =
      direction === 1
        ? ZOOM_STEPS.find((s) => s > this.scale + 0.001)
        : [...ZOOM_STEPS].reverse().find((s) => s < this.scale - 0.001);
    if (next === undefined) return;
    this.setMode({ kind: 'zoom', scale: next });
  }

  fit(): void {
    this.setMode({ kind: 'fit' });
  }

  setMode(mode: ZoomMode): void {
    this.mode = mode;
    this.apply();
    this.announcement =
      mode.kind === 'fit' ? `Zoom: fit to the window, ${percent(this.scale)}` : `Zoom ${percent(this.scale)}`;
    this.host.requestUpdate();
  }

  /** Zoom keys on the stage: + and − step, 0 fits. True if the key was one of them. */
  onKey(event: KeyboardEvent): boolean {
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    if (event.key === '+' || event.key === '=') this.step(1);
    else if (event.key === '-' || event.key === '_') this.step(-1);
    else if (event.key === '0') this.fit();
    else return false;
    event.preventDefault();
    return true;
  }

  toggleFullscreen(): void {
    if (document.fullscreenElement === this.host) void document.exitFullscreen().catch(() => undefined);
    else void this.host.requestFullscreen?.().catch(() => this.options.notify('Full screen is not available here.'));
  }

  /** Draw the viewport at the current mode's scale: centred when it is smaller than the stage, scrollable when not. */
  apply(): void {
    const viewport = this.options.viewport();
    const stage = this.options.stage();
    const canvas = this.options.canvas();
    const frame = this.options.frame();
    if (!viewport || !stage || !canvas || !frame || !viewport.w || !viewport.h) return;
    const { w, h } = viewport;
    const room = { w: stage.clientWidth, h: stage.clientHeight };
    const fitted = Math.min(MAX_FIT_SCALE, (room.w - 2 * MARGIN) / w, (room.h - 2 * MARGIN) / h);
    const scale = this.mode.kind === 'fit' ? fitted : this.mode.scale;
    this.scale = scale > 0 ? scale : 1;
    const drawn = { w: w * this.scale, h: h * this.scale };
    const zoomed = this.mode.kind === 'zoom';
    // Fitted, the canvas is the stage; zoomed, it grows with the page and the stage scrolls over it.
    const size = zoomed
      ? { w: Math.max(room.w, drawn.w + 2 * MARGIN), h: Math.max(room.h, drawn.h + 2 * MARGIN) }
      : room;
    stage.classList.toggle('zoomed', zoomed);
    Object.assign(canvas.style, { width: `${size.w}px`, height: `${size.h}px` });
    Object.assign(frame.style, {
      width: `${w}px`,
      height: `${h}px`,
      left: `${Math.max(zoomed ? MARGIN : 0, (size.w - drawn.w) / 2)}px`,
      top: `${Math.max(zoomed ? MARGIN : 0, (size.h - drawn.h) / 2)}px`,
      transform: `scale(${this.scale})`,
    });
    this.options.moved();
  }

  /** Page coordinates (customer) → canvas coordinates (ours, where overlays are placed). */
  toStage(x: number, y: number): { x: number; y: number } {
    const frame = this.options.frame();
    const scroll = this.options.scroll();
    return {
      x: (frame?.offsetLeft ?? 0) + (x - scroll.x) * this.scale,
      y: (frame?.offsetTop ?? 0) + (y - scroll.y) * this.scale,
    };
  }

  /** Canvas coordinates → the customer's page coordinates. */
  toPage(x: number, y: number): { x: number; y: number } {
    const frame = this.options.frame();
    const scroll = this.options.scroll();
    return {
      x: (x - (frame?.offsetLeft ?? 0)) / this.scale + scroll.x,
      y: (y - (frame?.offsetTop ?? 0)) / this.scale + scroll.y,
    };
  }
}
