/**
 * A wait in a test helper that may never end (an animation frame of a page
 * that stopped rendering, a frame that never loads, a capture that never
 * starts) fails with what it was waiting for, instead of running into the
 * runner's file timeout with no clue (wire-strings once "did not finish
 * within 180000 ms" in CI, and never again in 1,100 runs).
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test harness: ${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Resolves after `count` animation frames of `win` (a flush happens once per frame), then one task. */
export async function nextFrames(win: Window, count = 2): Promise<void> {
  for (let i = 0; i < count; i++)
    await within(new Promise((resolve) => win.requestAnimationFrame(resolve)), 10_000, 'an animation frame');
  await new Promise((resolve) => setTimeout(resolve, 0));
}
