/**
 * Canvas pixels for the mirror. The mirror runs no script, so a canvas there
 * is an empty box; this module sends what each captured canvas (2D or WebGL)
 * shows as a compressed image (WebP where the browser encodes it, else PNG),
 * only when it changed (a hash of the pixels at the size sent), at most
 * `maxFps` times a second per canvas and within a bytes-per-second budget.
 *
 * Never for a canvas the masking decides to mask or block, nor one inside a
 * masked region (its decision is 'mask'), nor inside a blocked one (the
 * serializer never reaches it, so it is never tracked), nor one marked
 * `data-cobrowse-canvas="off"` (on the canvas or any ancestor, through
 * shadow hosts and frames), nor one the page drew masked text into
 * (canvas-text.ts). The decision is taken again before every sample,
 * so a canvas that becomes masked stops at once.
 *
 * Samples run inside an animation frame callback registered after the page's
 * own (the page's loop registered its callback in the previous frame), so a
 * WebGL canvas without preserveDrawingBuffer still holds what it drew.
 */
import type { ChannelMessage } from '../../shared/protocol.js';
import { CANVAS_IMAGE_TYPES, MAX_CANVAS_IMAGE_BYTES } from '../../shared/protocol.js';
import type { MaskDecision } from './mask.js';
import { CanvasTexts, type CanvasTextRules } from './canvas-text.js';
import { closestOf, getAttr, nodeTypeOf } from './dom-read.js';

type CanvasFrame = Omit<Extract<ChannelMessage, { t: 'canvas' }>, 'seq'>;
type CanvasImageType = (typeof CANVAS_IMAGE_TYPES)[number];

/** The integrator's switches (`canvas` and `canvas-budget` attributes of `<cobrowse-session>`). */
export interface CanvasOptions {
  /** false: no canvas pixels at all. Default true. */
  enabled?: boolean;
  /** Budget for all canvases together, in bytes per second (default 200 000). */
  bytesPerSecond?: number;
  /** Samples per second per canvas, at most (default 4). */
  maxFps?: number;
  /** Longest side of an image sent, in pixels (default 1024). */
  maxSide?: number;
}

/** What the capture engine lends the canvas sampler. */
export interface CanvasCaptureHooks {
  window: Window;
  /** The current capture run: node ids and the masking decision (the serializer's rule). */
  run: () => {
    ids: { idOf(node: Node): number | undefined };
    serializer: { decideNow(el: Element): MaskDecision; typing: CanvasTextRules };
  };
  /** The engine is capturing and not walking a snapshot. */
  ready: () => boolean;
  /** Numbers and sends DOM frames; refuses while the transport is backed up. */
  sender: { readonly blocked: boolean; sendDom(frame: CanvasFrame): boolean };
  errors: { caught(error: unknown): void };
}

export interface CanvasStats {
  tracked: number;
  framesSent: number;
  bytesSent: number;
  /** Samples whose pixels equalled the last image sent. */
  unchanged: number;
  /** Canvases that cannot be read (tainted by a cross-origin image). */
  unreadable: number;
  /** Samples skipped because the budget was spent. */
  overBudget: number;
}

/** The off switch on a canvas or any ancestor. */
export const CANVAS_OFF_SELECTOR = '[data-cobrowse-canvas="off" i]';

const DEFAULT_BYTES_PER_SECOND = 200_000;
const DEFAULT_MAX_FPS = 4;
const DEFAULT_MAX_SIDE = 1024;
/** Lossless first (charts, text, flat colours: small and exact); photographic pixels go lossy at this quality. */
const LOSSY_QUALITY = 0.8;
/** Past this many bytes per pixel a lossless image is photographic: encode it lossy instead. */
const LOSSLESS_BYTES_PER_PIXEL = 0.75;

interface Tracked {
  /** Hash of the pixels last sent (null: nothing sent in this run). */
  hash: number | null;
  lastSample: number;
  /** An encode of this canvas is in flight. */
  busy: boolean;
  /** The last image sent had pixels (not all transparent). */
  drawn: boolean;
}

type Scratch = {
  canvas: OffscreenCanvas | HTMLCanvasElement;
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
};

export class CanvasCapture {
  readonly #hooks: CanvasCaptureHooks;
  readonly #enabled: boolean;
  readonly #bytesPerSecond: number;
  readonly #minIntervalMs: number;
  readonly #maxSide: number;
  #tracked = new Map<Element, Tracked>();
  /** What text each canvas was given (canvas-text.ts). */
  readonly #texts = new CanvasTexts();
  #tokens: number;
  #lastRefill = 0;
  #timer: number | null = null;
  #frame: number | null = null;
  #generation = 0;
  #cursor = 0;
  #running = false;
  readonly stats: CanvasStats = { tracked: 0, framesSent: 0, bytesSent: 0, unchanged: 0, unreadable: 0, overBudget: 0 };

  constructor(hooks: CanvasCaptureHooks, options: CanvasOptions = {}) {
    this.#hooks = hooks;
    this.#enabled = options.enabled !== false;
    this.#bytesPerSecond = positiveOr(options.bytesPerSecond, DEFAULT_BYTES_PER_SECOND);
    this.#minIntervalMs = 1000 / positiveOr(options.maxFps, DEFAULT_MAX_FPS);
    this.#maxSide = Math.min(8_192, Math.floor(positiveOr(options.maxSide, DEFAULT_MAX_SIDE)));
    this.#tokens = this.#bytesPerSecond;
  }

  /** A canvas was serialized in the current run. */
  track(canvas: Element): void {
    if (!this.#enabled || this.#tracked.has(canvas)) return;
    this.#tracked.set(canvas, { hash: null, lastSample: -Infinity, busy: false, drawn: false });
    this.stats.tracked = this.#tracked.size;
    this.#ensureTimer();
  }

  /** A new capture run (fresh snapshot): every canvas is sent again once the snapshot re-tracks it. */
  newRun(): void {
    this.#generation++;
    this.#tracked = new Map();
    this.stats.tracked = 0;
  }

  start(): void {
    this.#running = true;
    this.#ensureTimer();
  }

  stop(): void {
    this.#running = false;
    this.#generation++;
    this.#tracked = new Map();
    const win = this.#hooks.window;
    if (this.#timer !== null) win.clearInterval(this.#timer);
    if (this.#frame !== null) win.cancelAnimationFrame(this.#frame);
    this.#timer = null;
    this.#frame = null;
  }

  #ensureTimer(): void {
    if (!this.#enabled || !this.#running || this.#timer !== null || this.#tracked.size === 0) return;
    const win = this.#hooks.window;
    this.#timer = win.setInterval(() => {
      if (this.#frame !== null) return;
      this.#frame = win.requestAnimationFrame(() => {
        this.#frame = null;
        this.#sample();
      });
    }, this.#minIntervalMs);
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#lastRefill) / 1000;
    this.#lastRefill = now;
    this.#tokens = Math.min(this.#bytesPerSecond, this.#tokens + elapsed * this.#bytesPerSecond);
  }

  /** One pass over the tracked canvases, starting where the last pass stopped (none starves). */
  #sample(): void {
    try {
      if (!this.#canSend()) return;
      const now = this.#hooks.window.performance.now();
      this.#refill(now);
      const entries = [...this.#tracked];
      const count = entries.length;
      for (let i = 0; i < count; i++) {
        if (this.#tokens <= 0) {
          this.stats.overBudget++;
          return;
        }
        const index = (this.#cursor + i) % count;
        const entry = entries[index];
        if (entry === undefined) continue;
        const [canvas, state] = entry;
        if (state.busy || now - state.lastSample < this.#minIntervalMs) continue;
        if (!canvas.isConnected) {
          this.#tracked.delete(canvas);
          continue;
        }
        state.lastSample = now;
        this.#cursor = index + 1;
        this.#sampleOne(canvas as HTMLCanvasElement, state);
      }
      this.stats.tracked = this.#tracked.size;
    } catch (error) {
      this.#hooks.errors.caught(error);
    }
  }

  #canSend(): boolean {
    return this.#hooks.ready() && !this.#hooks.sender.blocked;
  }

  /** Text drawn into `canvas` (a patched fillText/strokeText): judged by the text rules (canvas-text.ts). */
  noteText(canvas: HTMLCanvasElement, text: string): void {
    try {
      this.#texts.drawn(canvas, text, this.#hooks.run().serializer.typing);
    } catch (error) {
      this.#hooks.errors.caught(error);
    }
  }

  /** Whether this canvas's pixels may leave the browser now. */
  #allowed(canvas: Element): boolean {
    const serializer = this.#hooks.run().serializer;
    if (serializer.decideNow(canvas) !== 'clear') return false;
    if (this.#texts.withheld(canvas, serializer.typing.strict)) return false;
    // closest() walks one tree; then on from its shadow host or frame element.
    for (let el: Element | null = canvas; el !== null; el = closestHost(el)) {
      if (closestOf(el, CANVAS_OFF_SELECTOR) !== null) return false;
    }
    return true;
  }

  #sampleOne(canvas: HTMLCanvasElement, state: Tracked): void {
    if (!this.#allowed(canvas)) return;
    const id = this.#hooks.run().ids.idOf(canvas);
    if (id === undefined) return;
    const width = canvas.width;
    const height = canvas.height;
    if (!(width > 0 && height > 0)) return;
    const scale = Math.min(1, this.#maxSide / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const scratch = this.#scratch(w, h);
    if (scratch === null) return;
    let hash: number;
    let drawn: boolean;
    try {
      scratch.ctx.clearRect(0, 0, w, h);
      scratch.ctx.drawImage(canvas, 0, 0, w, h);
      const pixels = scratch.ctx.getImageData(0, 0, w, h).data;
      hash = pixelHash(pixels);
      drawn = hasPixels(pixels);
    } catch {
      // A canvas tainted by a cross-origin image cannot be read by anyone, us included.
      this.stats.unreadable++;
      this.#tracked.delete(canvas);
      return;
    }
    // A WebGL canvas without preserveDrawingBuffer reads as empty once the frame it drew was shown: a
    // canvas drawn on demand (a map) would go blank in the mirror. Such a read keeps the last image.
    if (hash === state.hash || (!drawn && state.drawn && isUnpreservedWebgl(canvas))) {
      this.stats.unchanged++;
      return;
    }
    state.busy = true;
    const generation = this.#generation;
    void encode(scratch, w * h)
      .then(async (blob) => {
        state.busy = false;
        if (generation !== this.#generation || blob === null || !this.#tracked.has(canvas)) return;
        const type = imageType(blob.type);
        if (type === null || blob.size > MAX_CANVAS_IMAGE_BYTES) return;
        const img = new Uint8Array(await blob.arrayBuffer());
        // Masking may have changed while the image was encoded.
        if (generation !== this.#generation || !this.#canSend() || !this.#allowed(canvas)) return;
        const currentId = this.#hooks.run().ids.idOf(canvas);
        if (currentId === undefined) return;
        if (!this.#hooks.sender.sendDom({ t: 'canvas', id: currentId, width: w, height: h, type, image: img })) return;
        state.hash = hash;
        state.drawn = drawn;
        this.#tokens -= img.byteLength;
        this.stats.framesSent++;
        this.stats.bytesSent += img.byteLength;
      })
      .catch((error: unknown) => {
        state.busy = false;
        this.#hooks.errors.caught(error);
      });
  }

  /** A fresh scratch surface per image: an encode in flight keeps its own. */
  #scratch(w: number, h: number): Scratch | null {
    const win = this.#hooks.window as Window & typeof globalThis;
    if (typeof win.OffscreenCanvas === 'function') {
      const canvas = new win.OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      return ctx === null ? null : { canvas, ctx };
    }
    const canvas = win.document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    return ctx === null ? null : { canvas, ctx };
  }
}

function positiveOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function imageType(type: string): CanvasImageType | null {
  return (CANVAS_IMAGE_TYPES as readonly string[]).includes(type) ? (type as CanvasImageType) : null;
}

/** WebP where the browser encodes it (Chromium, Firefox); the browser falls back to PNG elsewhere. */
async function encode(scratch: Scratch, pixels: number): Promise<Blob | null> {
  const lossless = await encodeAt(scratch, 1);
  if (lossless === null || lossless.type !== 'image/webp' || lossless.size <= pixels * LOSSLESS_BYTES_PER_PIXEL)
    return lossless;
  return encodeAt(scratch, LOSSY_QUALITY);
}

/** Chromium encodes WebP losslessly at quality 1. */
function encodeAt(scratch: Scratch, quality: number): Promise<Blob | null> {
  const { canvas } = scratch;
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/webp', quality });
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/webp', quality));
}

/** Whether any pixel is not fully transparent black. */
function hasPixels(data: Uint8ClampedArray): boolean {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >>> 2);
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return true;
  return false;
}

/**
 * A WebGL canvas whose drawing buffer is cleared after each frame is shown.
 * Asked only of a canvas that showed pixels before, so it has a context
 * already and getContext creates none.
 */
function isUnpreservedWebgl(canvas: HTMLCanvasElement): boolean {
  try {
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    return gl !== null && gl.getContextAttributes()?.preserveDrawingBuffer === false;
  } catch {
    return false;
  }
}

/** FNV-1a over the pixels as 32-bit words: cheap, and any changed pixel changes it (almost surely). */
export function pixelHash(data: Uint8ClampedArray): number {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >>> 2);
  let hash = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) {
    hash ^= words[i] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The shadow host or frame element of the tree `el` is in, or null at the top document. */
function closestHost(el: Element): Element | null {
  const root = el.getRootNode();
  if (nodeTypeOf(root) === 11 && 'host' in root) return (root as ShadowRoot).host;
  if (nodeTypeOf(root) === 9) {
    try {
      return (root as Document).defaultView?.frameElement ?? null;
    } catch {
      return null;
    }
  }
  return null;
}

/** The integrator's canvas switches from `<cobrowse-session>` attributes (`canvas="off"`, `canvas-budget="100000"`). */
export function canvasOptionsFrom(host: Element): CanvasOptions {
  const options: CanvasOptions = {};
  if (getAttr(host, 'canvas')?.trim().toLowerCase() === 'off') options.enabled = false;
  const budget = Number(getAttr(host, 'canvas-budget') ?? '');
  if (Number.isFinite(budget) && budget > 0) options.bytesPerSecond = budget;
  return options;
}
