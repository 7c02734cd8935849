/**
 * Work run in time slices: queued steps run until the slice's budget is
 * spent, then the rest continues in a later task, so the agent's main thread
 * stays responsive while a big snapshot is built. The first slice runs in
 * the caller's task (a small snapshot is then built before apply() returns,
 * as before); only work that outlasts one slice is continued asynchronously.
 *
 * `afterSlice` runs at the end of each slice and counts in its time, as does
 * a step that overruns (the mirror's layout of what earlier slices built):
 * when slices overrun the budget, the share left to the steps shrinks, and
 * grows back when they do not.
 */

/** One step of work: does some of it before `deadline` (a `now()` time); true when it is done. */
export type SliceStep = (deadline: number) => boolean;

export interface SliceClock {
  now(): number;
  /** Resolves in a later task (scheduler.yield(), or a message-channel task). */
  yieldToEventLoop(): Promise<void>;
  /** Runs `run` in a task of background priority (after every waiting task of higher priority). */
  background(run: () => void): void;
  budgetMs: number;
}

export class SlicedRun {
  readonly #clock: SliceClock;
  readonly #afterSlice: () => void;
  readonly #onError: (error: unknown) => void;
  readonly #steps: SliceStep[] = [];
  /** Milliseconds of each slice given to the steps (the rest is what overran). */
  #workMs: number;
  #continuing = false;
  #running = false;
  #cancelled = false;
  /** Slices run so far. */
  slices = 0;

  constructor(clock: SliceClock, afterSlice: () => void, onError: (error: unknown) => void) {
    this.#clock = clock;
    this.#workMs = clock.budgetMs;
    this.#afterSlice = afterSlice;
    this.#onError = onError;
  }

  /** Nothing queued and nothing scheduled. */
  get idle(): boolean {
    return this.#steps.length === 0 && !this.#continuing;
  }

  /** Queues a step behind the others; call run() to start. */
  add(step: SliceStep): void {
    if (!this.#cancelled) this.#steps.push(step);
  }

  /** Runs a slice now unless one is scheduled or running; throws what that slice's steps throw. */
  run(): void {
    if (this.#continuing || this.#running || this.#cancelled) return;
    this.#slice();
  }

  /** Drops the queued steps; a scheduled slice does nothing. */
  cancel(): void {
    this.#cancelled = true;
    this.#steps.length = 0;
  }

  #slice(): void {
    const start = this.#clock.now();
    const deadline = start + this.#workMs;
    this.#running = true;
    this.slices++;
    try {
      for (;;) {
        const step = this.#steps[0];
        if (step === undefined || this.#cancelled) break;
        if (!step(deadline)) break;
        this.#steps.shift();
        if (this.#clock.now() >= deadline) break;
      }
      if (!this.#cancelled) this.#afterSlice();
    } finally {
      this.#running = false;
    }
    const spent = this.#clock.now() - start;
    const budget = this.#clock.budgetMs;
    if (spent > 0) this.#workMs = Math.min(budget, Math.max(1, (this.#workMs * budget) / spent));
    if (this.#steps.length > 0 && !this.#cancelled) this.#continue();
  }

  #continue(): void {
    this.#continuing = true;
    this.#clock.yieldToEventLoop().then(
      () => {
        this.#continuing = false;
        if (this.#cancelled) return;
        try {
          this.#slice();
        } catch (error) {
          this.cancel();
          this.#onError(error);
        }
      },
      () => {
        this.#continuing = false;
      },
    );
  }
}

interface BrowserScheduler {
  yield?: () => Promise<void>;
  postTask?: (run: () => void, options: { priority: 'background' }) => Promise<void>;
}

/** The mirror's clock: 8 ms slices, continued with scheduler.yield() where the browser has it. */
export function browserSliceClock(view: Window | null, budgetMs = 8): SliceClock {
  const scheduler = (view as (Window & { scheduler?: BrowserScheduler }) | null)?.scheduler;
  const yieldNative = typeof scheduler?.yield === 'function' ? () => scheduler.yield?.() ?? Promise.resolve() : null;
  const setTimer = view?.setTimeout.bind(view) ?? setTimeout;
  return {
    now: () => performance.now(),
    budgetMs,
    background: (run) => {
      if (typeof scheduler?.postTask === 'function')
        scheduler.postTask(run, { priority: 'background' }).catch(() => {});
      else setTimer(run, 0);
    },
    yieldToEventLoop:
      yieldNative ??
      (() =>
        new Promise<void>((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            channel.port1.close();
            resolve();
          };
          channel.port2.postMessage(null);
        })),
  };
}
