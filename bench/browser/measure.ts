/**
 * In-page measuring helpers shared by both recorder bundles: a heap sampler
 * and the scripted steady-state activity. Runs in the benchmark page only.
 */

interface MemoryInfo {
  usedJSHeapSize: number;
}

/** Chromium's performance.memory (precise with --enable-precise-memory-info). */
function usedHeap(): number {
  const memory = (performance as Performance & { memory?: MemoryInfo }).memory;
  return memory?.usedJSHeapSize ?? 0;
}

/** Forces a full GC when Chromium runs with --js-flags=--expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
}

/**
 * Samples the used JS heap between tasks (a 0 ms timer) and whenever
 * sample() is called; stop() returns the highest value minus the baseline
 * taken at creation. Call collectGarbage() in an earlier task first: a forced
 * GC of a 100k-node page takes 150-200 ms, and inside the measured window it
 * would count as the recorder's longest task.
 */
export class HeapSampler {
  readonly baseline: number;
  #max: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** sample() reads the heap at most once per this many ms (stop() always reads it). */
  readonly #minIntervalMs: number;
  #lastSample = Number.NEGATIVE_INFINITY;

  constructor(options: { timer?: boolean; minIntervalMs?: number } = {}) {
    this.baseline = usedHeap();
    this.#max = this.baseline;
    this.#minIntervalMs = options.minIntervalMs ?? 0;
    if (options.timer === false) return;
    const tick = (): void => {
      this.sample();
      this.#timer = setTimeout(tick, 0);
    };
    this.#timer = setTimeout(tick, 0);
  }

  sample(): void {
    if (this.#minIntervalMs > 0) {
      const now = performance.now();
      if (now - this.#lastSample < this.#minIntervalMs) return;
      this.#lastSample = now;
    }
    const used = usedHeap();
    if (used > this.#max) this.#max = used;
  }

  /** Stops sampling; returns the peak above baseline in bytes. */
  stop(): number {
    this.#lastSample = Number.NEGATIVE_INFINITY;
    this.sample();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    return this.#max - this.baseline;
  }
}

export function countNodes(doc: Document): number {
  const walker = doc.createTreeWalker(doc, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  let count = 0;
  while (walker.nextNode()) count++;
  return count;
}

/**
 * The scripted minute of activity, at its real rates, for `durationMs`:
 * typing 300 characters a minute, scrolling, a list growing by 1,000 rows a
 * minute, class and attribute toggles, and an animation that changes style
 * every frame.
 */
export function runActivity(
  durationMs: number,
): Promise<{ chars: number; rows: number; toggles: number; frames: number; scrolls: number }> {
  const doc = document;
  const input = doc.getElementById('search') as HTMLInputElement;
  const list = doc.getElementById('list') as HTMLUListElement;
  const anim = doc.getElementById('anim') as HTMLDivElement;
  const toggles = Array.from(doc.querySelectorAll<HTMLElement>('.toggle'));
  const text = 'where is my order number and how do i change the delivery address before it ships ';
  const counts = { chars: 0, rows: 0, toggles: 0, frames: 0, scrolls: 0 };
  const timers: Array<ReturnType<typeof setInterval>> = [];
  const every = (ms: number, fn: () => void): void => {
    timers.push(setInterval(fn, ms));
  };
  every(200, () => {
    input.value += text[counts.chars % text.length] ?? 'x';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    counts.chars++;
  });
  every(60, () => {
    const row = doc.createElement('li');
    row.className = `row r${counts.rows % 4}`;
    row.innerHTML = `<span class="n">${counts.rows}</span> Order line ${counts.rows} <b>$${counts.rows % 90}.00</b>`;
    list.append(row);
    counts.rows++;
  });
  every(250, () => {
    for (let i = 0; i < 4; i++) {
      const el = toggles[(counts.toggles + i) % toggles.length];
      el?.classList.toggle('active');
      el?.setAttribute('data-state', String(counts.toggles % 3));
    }
    counts.toggles++;
  });
  let down = true;
  every(100, () => {
    if (window.scrollY > 3000) down = false;
    if (window.scrollY <= 0) down = true;
    window.scrollBy(0, down ? 40 : -40);
    counts.scrolls++;
  });
  let frame = 0;
  const animate = (): void => {
    frame = requestAnimationFrame(animate);
    counts.frames++;
    anim.style.transform = `translateX(${counts.frames % 200}px)`;
    anim.style.opacity = String(0.5 + (counts.frames % 50) / 100);
  };
  frame = requestAnimationFrame(animate);
  return new Promise((resolve) =>
    setTimeout(() => {
      for (const timer of timers) clearInterval(timer);
      cancelAnimationFrame(frame);
      resolve(counts);
    }, durationMs),
  );
}

const longTasks: PerformanceEntry[] = [];
try {
  new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: true });
} catch {
  // No long-task support: the Node side falls back to the trace.
}

/** The longest long task (≥ 50 ms) that ended after `from` (performance.now() time), or 0. */
export function longestTaskSince(from: number): number {
  return longTasks
    .filter((entry) => entry.startTime + entry.duration >= from)
    .reduce((max, entry) => Math.max(max, entry.duration), 0);
}
