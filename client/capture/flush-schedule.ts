/**
 * When the engine flushes: at the next animation frame, or after a timer in
 * hidden tabs (which run no requestAnimationFrame). Uses the page's pristine
 * requestAnimationFrame for the top window (pages and libraries replace it).
 */
import { pristine } from '../pristine.js';

/** Hidden tabs do not run requestAnimationFrame; this timer flushes them instead. */
const HIDDEN_TAB_FLUSH_MS = 250;

export class FlushSchedule {
  readonly #win: Window & typeof globalThis;
  readonly #flush: () => void;
  readonly #onError: (error: unknown) => void;
  #frame: number | null = null;
  #timer: number | null = null;

  constructor(win: Window & typeof globalThis, flush: () => void, onError: (error: unknown) => void) {
    this.#win = win;
    this.#flush = flush;
    this.#onError = onError;
  }

  /** Asks for one flush (a no-op when one is due already). */
  schedule(): void {
    if (this.#frame !== null || this.#timer !== null) return;
    const flush = (): void => this.#flush();
    try {
      this.#frame =
        this.#win === globalThis
          ? pristine.requestAnimationFrame.call(globalThis, flush)
          : this.#win.requestAnimationFrame(flush);
    } catch (error) {
      this.#onError(error);
    }
    this.#timer = this.#win.setTimeout(flush, HIDDEN_TAB_FLUSH_MS);
  }

  cancel(): void {
    if (this.#frame !== null)
      (this.#win === globalThis ? pristine.cancelAnimationFrame : this.#win.cancelAnimationFrame).call(
        this.#win,
        this.#frame,
      );
    if (this.#timer !== null) this.#win.clearTimeout(this.#timer);
    this.#frame = null;
    this.#timer = null;
  }
}
