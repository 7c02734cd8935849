/**
 * Holds the first snapshot's walk while WebRTC finishes connecting: from the
 * agent's answer until the data channel opens (or at most MAX_HOLD_MS). The
 * walk starts at Allow, but its slices on the main thread delayed the
 * customer's handling of the answer and the agent's ICE candidates, and ICE
 * then took 100 ms longer (bench/allow.mjs, paired runs under load).
 */
import { pristine } from '../pristine.js';

/** A hold never outlasts this: a slow connection (TURN, a lossy network) does not keep the walk waiting. */
const MAX_HOLD_MS = 400;

export class ConnectingHold {
  #promise: Promise<void> | null = null;
  #release: (() => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** What the walk waits for before its next slice, or null. */
  get current(): Promise<void> | null {
    return this.#promise;
  }

  hold(): void {
    if (this.#promise !== null) return;
    this.#promise = new pristine.Promise<void>((resolve) => (this.#release = resolve));
    this.#timer = setTimeout(() => this.release(), MAX_HOLD_MS);
  }

  release(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const release = this.#release;
    this.#promise = null;
    this.#release = null;
    release?.();
  }
}
