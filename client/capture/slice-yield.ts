/**
 * Gives the event loop back between snapshot slices: a MessageChannel
 * message runs as a task right after pending input and rendering, without
 * the 4 ms clamp of nested timers and without waiting for a frame. Its
 * promises are the Promise the loader found (a page may replace the global
 * one with a promise that never settles, hostile-pages.test.ts).
 */
import { pristine } from '../pristine.js';

export class SliceYield {
  readonly #channel: MessageChannel;
  readonly #hold: (() => Promise<void> | null) | undefined;
  #waiting: Array<() => void> = [];
  /** Waits parked on a hold: close() ends them too. */
  readonly #held = new Set<() => void>();
  #closed = false;

  constructor(win: Window & typeof globalThis, hold?: () => Promise<void> | null) {
    this.#channel = new win.MessageChannel();
    this.#channel.port1.onmessage = () => this.#waiting.shift()?.();
    this.#hold = hold;
  }

  /** Resolves in a task of its own, once any hold asked for has ended. */
  wait(): Promise<void> {
    const hold = this.#closed ? null : (this.#hold?.() ?? null);
    if (hold !== null) return this.#afterHold(hold);
    if (this.#closed) return pristine.Promise.resolve();
    return new pristine.Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#channel.port2.postMessage(null);
    });
  }

  async #afterHold(hold: Promise<void>): Promise<void> {
    // Closed during the hold, the walk resumes at once and sees it was cancelled, rather than with the hold.
    await new pristine.Promise<void>((resolve) => {
      const resume = () => {
        this.#held.delete(resume);
        resolve();
      };
      this.#held.add(resume);
      void hold.then(resume);
    });
    return this.wait();
  }

  /** Closes the channel and lets every waiter resume (it then sees it was cancelled). */
  close(): void {
    this.#closed = true;
    this.#channel.port1.onmessage = null;
    this.#channel.port1.close();
    this.#channel.port2.close();
    for (const resolve of this.#waiting.splice(0)) resolve();
    for (const resume of [...this.#held]) resume();
  }
}
