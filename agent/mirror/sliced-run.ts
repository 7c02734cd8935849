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
  /** Resolves in a task after `updates` rendering updates (at once where none is coming: a hidden tab). */
  afterRender(updates: number): Promise<void>;
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
  /** Rendering updates the next slice waits for (0: the next task). */
  #renderUpdates = 0;
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

  /** The next slice runs after `updates` rendering updates instead of in the next task. */
  continueAfterRender(updates: number): void {
    this.#renderUpdates = updates;
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
    const updates = this.#renderUpdates;
    this.#renderUpdates = 0;
    (updates > 0 ? this.#clock.afterRender(updates) : this.#clock.yieldToEventLoop()).then(
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

/** A rendering update awaited longer than this is not coming soon (a throttled page): the work goes on. */
const RENDER_WAIT_LIMIT_MS = 500;

/** The mirror's clock: 8 ms slices, continued with scheduler.yield() where the browser has it. */
export function browserSliceClock(view: Window | null, budgetMs = 8): SliceClock {
  const scheduler = (view as (Window & { scheduler?: BrowserScheduler }) | null)?.scheduler;
  const yieldNative = typeof scheduler?.yield === 'function' ? () => scheduler.yield?.() ?? Promise.resolve() : null;
  const setTimer = view?.setTimeout.bind(view) ?? setTimeout;
  const yieldToEventLoop =
    yieldNative ??
    (() =>
      new Promise<void>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          channel.port1.close();
          resolve();
        };
        channel.port2.postMessage(null);
      }));
  return {
    now: () => performance.now(),
    budgetMs,
    afterRender: (updates) =>
      new Promise<void>((resolve) => {
        if (view === null || view.document.visibilityState === 'hidden') {
          resolve(yieldToEventLoop());
          return;
        }
        // An animation frame callback runs before its rendering update; the task it posts, after it. The timer
        // covers a page that stops rendering meanwhile (hidden, or a browser that throttles it).
        let settled = false;
        const settle = (): void => {
          if (settled) return;
          settled = true;
          resolve(yieldToEventLoop());
        };
        const frame = (left: number): void =>
          void view.requestAnimationFrame(() => (left > 1 ? frame(left - 1) : setTimer(settle, 0)));
        frame(updates);
        setTimer(settle, RENDER_WAIT_LIMIT_MS * updates);
      }),
    background: (run) => {
      if (typeof scheduler?.postTask === 'function')
        scheduler.postTask(run, { priority: 'background' }).catch(() => {});
      else setTimer(run, 0);
    },
    yieldToEventLoop,
  };
}
