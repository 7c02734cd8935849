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
  #waiting: Array<() => void> = [];

  constructor(win: Window & typeof globalThis) {
    this.#channel = new win.MessageChannel();
    this.#channel.port1.onmessage = () => this.#waiting.shift()?.();
  }

  /** Resolves in a task of its own. */
  wait(): Promise<void> {
    return new pristine.Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#channel.port2.postMessage(null);
    });
  }

  /** Closes the channel and lets every waiter resume (it then sees it was cancelled). */
  close(): void {
    this.#channel.port1.onmessage = null;
    this.#channel.port1.close();
    this.#channel.port2.close();
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}
