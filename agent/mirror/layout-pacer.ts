/**
 * When the hidden mirror is laid out while its first snapshot is built
 * (first-snapshot.ts). The frame is not rendered until it is shown, so only
 * a forced layout lays it out ahead of time, and laying the whole page out
 * when it is shown would be one long task. A forced layout at the end of
 * every build slice (as before) paid a fixed part that grows with the page
 * (6-9 ms per layout at 100k nodes, measured) on every slice: 7.3 s of
 * getBoundingClientRect for a 100k-node page under the profiler, and on
 * a 10k-node page the layout in each data channel message task kept the
 * agent from reading the next part.
 *
 * Here the page is laid out once enough nodes were added since the last
 * layout, or earlier in a background-priority task, which runs only when
 * neither the channel's messages nor the build's slices are waiting. How
 * many is enough adapts so that such a layout takes about `targetMs`: the
 * cost per node varies with the page and the machine's load, and the fixed
 * part grows with the page.
 */
export interface LayoutPacing {
  /** The length of a layout to aim for, in ms. */
  targetMs: number;
  /** Nodes owed that make a layout due, before the first one is measured. */
  initialDebt: number;
  now(): number;
  /** Runs `run` in a task of background priority. */
  background(run: () => void): void;
}

const MIN_DEBT = 250;
const MAX_DEBT = 20_000;

export class LayoutPacer {
  readonly #pacing: LayoutPacing;
  readonly #layOut: () => void;
  /** Nodes owed that make the next layout due now. */
  #maxDebt: number;
  /** Nodes (and deferred steps) added since the last layout. */
  #debt = 0;
  #backgroundQueued = false;
  #stopped = false;

  constructor(pacing: LayoutPacing, layOut: () => void) {
    this.#pacing = pacing;
    this.#maxDebt = pacing.initialDebt;
    this.#layOut = layOut;
  }

  /** `units` nodes were added to the mirror. */
  added(units: number): void {
    this.#debt += units;
  }

  /** Nodes owed that make the next layout due. */
  get limit(): number {
    return this.#maxDebt;
  }

  /** Enough was added that the next layout should not wait for an idle moment. */
  get due(): boolean {
    return this.#debt >= this.#maxDebt;
  }

  /** Lays out what was added now. */
  layOutNow(): void {
    const debt = this.#debt;
    this.#debt = 0;
    const start = this.#pacing.now();
    this.#layOut();
    const spent = this.#pacing.now() - start;
    // Only a layout of a full debt says how much a full one costs; growth is at most 2x per layout.
    if (debt >= this.#maxDebt || spent > this.#pacing.targetMs) {
      const scaled = (this.#maxDebt * this.#pacing.targetMs) / Math.max(spent, 0.1);
      this.#maxDebt = Math.round(Math.min(MAX_DEBT, Math.max(MIN_DEBT, Math.min(scaled, this.#maxDebt * 2))));
    }
  }

  /** A build slice ended: what it added is laid out once the main thread is otherwise idle. */
  sliceEnded(): void {
    if (this.#stopped || this.#backgroundQueued || this.#debt === 0) return;
    this.#backgroundQueued = true;
    this.#pacing.background(() => {
      this.#backgroundQueued = false;
      if (!this.#stopped && this.#debt > 0) this.layOutNow();
    });
  }

  /** Nodes added since the last layout. */
  get debt(): number {
    return this.#debt;
  }

  /** The build ended (shown or cancelled): no more layouts. */
  stop(): void {
    this.#stopped = true;
  }
}
