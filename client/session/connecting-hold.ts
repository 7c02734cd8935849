/**
 * Holds the first snapshot's walk while WebRTC finishes connecting: from the
 * agent's answer until the data channel opens (or at most MAX_HOLD_MS). The
 * walk starts at Allow, but its slices on the main thread delayed the
 * customer's handling of the answer and the agent's ICE candidates, and ICE
 * then took 100 ms longer (bench/allow.mjs, paired runs under load). It also
 * keeps the deadline of a walk started while connecting (EARLY_WALK_MS).
 */
import { cancelTimeout, pristine, timeout } from '../pristine.js';

/** A hold never outlasts this: a slow connection (TURN, a lossy network) does not keep the walk waiting. */
export const MAX_HOLD_MS = 400;

/**
 * A snapshot walked while connecting is given up if the channel has not opened by then (an agent who never
 * answers, ICE that fails): its capture would keep observing and compressing for nothing. ICE takes
 * 10-300 ms on loopback here, a relay a few seconds.
 */
export const EARLY_WALK_MS = 10_000;

/** Runs `callback` after `ms` unless the returned cancel is called first. */
export type HoldClock = (ms: number, callback: () => void) => () => void;

/** The setTimeout the page had when our code loaded (tests give a clock of their own). */
const PAGE_CLOCK: HoldClock = (ms, callback) => {
  const id = timeout(callback, ms);
  return () => cancelTimeout(id);
};

export class ConnectingHold {
  readonly #clock: HoldClock;
  #promise: Promise<void> | null = null;
  #release: (() => void) | null = null;
  #cancelTimer: (() => void) | null = null;
  #cancelDeadline: (() => void) | null = null;

  constructor(clock: HoldClock = PAGE_CLOCK) {
    this.#clock = clock;
  }

  /** What the walk waits for before its next slice, or null. */
  get current(): Promise<void> | null {
    return this.#promise;
  }

  hold(): void {
    if (this.#promise !== null) return;
    this.#promise = new pristine.Promise<void>((resolve) => (this.#release = resolve));
    this.#cancelTimer = this.#clock(MAX_HOLD_MS, () => this.release());
  }

  /** A walk started before the channel opened: `onLate` runs if end() did not come within EARLY_WALK_MS. */
  walkStarted(onLate: () => void): void {
    if (this.#cancelDeadline !== null) return;
    this.#cancelDeadline = this.#clock(EARLY_WALK_MS, () => {
      this.#cancelDeadline = null;
      onLate();
    });
  }

  /** The channel opened, or the walk or the connection ended: no hold, no deadline. */
  end(): void {
    this.#cancelDeadline?.();
    this.#cancelDeadline = null;
    this.release();
  }

  release(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    const release = this.#release;
    this.#promise = null;
    this.#release = null;
    release?.();
  }
}
