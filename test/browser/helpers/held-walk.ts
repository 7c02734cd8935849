/**
 * The page's snapshot walk held at a chosen moment (the engine's holdSlices, as the session holds it while WebRTC
 * connects): how the cross-origin frame tests line a frame's moment up with the walk's.
 */
import { OTHER, until, type CrossOriginRun } from './cross-origin.js';
import { Pipeline, type CustomerPage } from './pipeline-harness.js';

/** A hold for the walk: `current` is what holdSlices returns, null when not holding. */
export class Hold {
  current: Promise<void> | null = null;
  #release = (): void => undefined;

  start(): void {
    this.current = new Promise((resolve) => (this.#release = resolve));
  }

  release(): void {
    this.current = null;
    this.#release();
  }
}

export interface HeldWalk {
  pipeline: Pipeline;
  /** Puts the real clock back, releases the hold and waits for the capture's start (the walk's end). */
  resume(): Promise<void>;
}

/**
 * Starts a capture of `customer` (as `run.pipeline`) whose walk is one slice for the whole page (a huge budget),
 * cut right after `iframe`: the clock jumps once the <iframe> has an id, so what follows it is left for the next
 * slice, which waits for a hold. Resolves once the walk is held there. The real clock is put back after the test
 * (`run.cleanup`) in any case.
 */
export async function walkHeldAfter(
  run: CrossOriginRun,
  customer: CustomerPage,
  iframe: HTMLIFrameElement,
): Promise<HeldWalk> {
  const hold = new Hold();
  const pipeline = new Pipeline(customer, {
    frames: { origins: [OTHER] },
    sliceBudgetMs: 1e6,
    holdSlices: () => hold.current,
  });
  run.pipeline = pipeline;
  const realNow = performance.now;
  const cleanup = run.cleanup;
  run.cleanup = () => {
    performance.now = realNow;
    cleanup?.();
  };
  let jump = 0;
  performance.now = function (this: Performance): number {
    if (jump === 0 && pipeline.engine.idOf(iframe) !== undefined) {
      jump = 1e9;
      hold.start();
    }
    return realNow.call(this) + jump;
  };
  const started = pipeline.start();
  await until(() => hold.current !== null, 'the walk held after the <iframe>');
  return {
    pipeline,
    async resume() {
      performance.now = realNow;
      hold.release();
      await started;
    },
  };
}
