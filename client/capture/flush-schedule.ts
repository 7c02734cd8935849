/**
 * When the engine flushes: in a task of its own right after the one that
 * changed the page (a MessageChannel message), so every change of one task
 * goes out in one frame without waiting for the next animation frame (one
 * frame of batching was the whole of the mutation → mirror p50, 16 ms). Flushes
 * are at least MIN_INTERVAL_MS apart, so a page that changes itself in many
 * small tasks still sends batches. A timer is the backstop (hidden tabs).
 */

/** Flushes at most this often; a page changing itself continuously is batched at this rate. */
const MIN_INTERVAL_MS = 4;
/** Backstop in case the message never arrives (a page that breaks MessageChannel). */
const BACKSTOP_MS = 250;

export class FlushSchedule {
  readonly #win: Window & typeof globalThis;
  readonly #flush: () => void;
  readonly #onError: (error: unknown) => void;
  #channel: MessageChannel | null = null;
  /** A message or a spacing timer is due. */
  #due: number | null = null;
  #backstop: number | null = null;
  #lastFlush = Number.NEGATIVE_INFINITY;
  #posted = false;

  constructor(win: Window & typeof globalThis, flush: () => void, onError: (error: unknown) => void) {
    this.#win = win;
    this.#flush = flush;
    this.#onError = onError;
  }

  /** Asks for one flush (a no-op when one is due already). */
  schedule(): void {
    if (this.#posted || this.#due !== null) return;
    try {
      const wait = this.#lastFlush + MIN_INTERVAL_MS - this.#win.performance.now();
      if (wait > 0) this.#due = this.#win.setTimeout(() => this.#run(), wait);
      else {
        this.#port().postMessage(null);
        this.#posted = true;
      }
    } catch (error) {
      this.#onError(error);
    }
    if (this.#backstop === null) this.#backstop = this.#win.setTimeout(() => this.#run(), BACKSTOP_MS);
  }

  /** Forgets the flush that was due; the engine calls this when it flushes (or stops). */
  cancel(): void {
    if (this.#due !== null) this.#win.clearTimeout(this.#due);
    if (this.#backstop !== null) this.#win.clearTimeout(this.#backstop);
    this.#due = null;
    this.#backstop = null;
    // A message already posted still arrives: #run ignores it unless a new flush was asked for since.
    this.#posted = false;
  }

  /** Stops for good: the channel is closed. */
  close(): void {
    this.cancel();
    if (this.#channel !== null) {
      this.#channel.port1.onmessage = null;
      this.#channel.port1.close();
      this.#channel.port2.close();
      this.#channel = null;
    }
  }

  #run(): void {
    this.#lastFlush = this.#win.performance.now();
    this.#flush();
  }

  #port(): MessagePort {
    if (this.#channel === null) {
      const channel = new this.#win.MessageChannel();
      channel.port1.onmessage = () => {
        if (this.#posted) this.#run();
      };
      this.#channel = channel;
    }
    return this.#channel.port2;
  }
}
