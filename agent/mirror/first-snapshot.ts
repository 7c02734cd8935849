/**
 * The mirror's first snapshot, built as its parts arrive and in time slices
 * (sliced-run.ts), so a 100k-node page never holds the agent's main thread
 * for long. The iframe is hidden meanwhile (the agent never sees a
 * half-built page), and what the slices add is laid out piece by piece
 * during the build (layout-pacer.ts) instead of in one rendering update of
 * the whole page when it is shown (1.4-4 s at 100k nodes, measured when the
 * frame was display:none until then).
 *
 * The work left for the end (form state, <style> rules, scroll offsets) is
 * sliced too; then `finish` applies what the last part says about the whole
 * page and shows it. Frames that arrive meanwhile are held by the frame
 * order until `built` (frame-order.ts).
 */
import type { DomFrame } from '../../shared/protocol.js';
import { rootsWithDoctype } from './dom-nodes.js';
import type { DeferredWork, MirrorTree } from './mirror-tree.js';
import { LayoutPacer } from './layout-pacer.js';
import { SlicedRun, type SliceClock } from './sliced-run.js';

type SnapshotFrame = Extract<DomFrame, { t: 'snapshot' }>;

/** Nodes added (or deferred steps run) between two reads of the clock. */
const STEPS_PER_CLOCK_READ = 16;

/**
 * Pages from this many nodes are pre-painted in a rendering update of their
 * own before they are shown (about 20 ms of that update at 25k nodes, idle;
 * a smaller page is shown without waiting for one).
 */
const HIDDEN_PRE_PAINT_MIN_NODES = 25_000;

/**
 * The hidden mirror is hit-tested (its compositing inputs) once this many nodes are in, then each time the page
 * grew by this factor, in a slice of its own: about half of the last hit test's work is per node new since the
 * previous one (agent-replay 100000), and that last one was one of the two agent tasks over 50 ms.
 */
const EARLY_HIT_TEST_FIRST = 40_000;
const EARLY_HIT_TEST_GROWTH = 1.6;

/** Layouts of the hidden mirror during the build: about this long (layout-pacer.ts). */
const LAYOUT_TARGET_MS = 20;
/** Nodes owed before the first layout is due: 6-10 µs each under load (bench/profile-agent.mjs 10000). */
const LAYOUT_INITIAL_DEBT = 2000;

export interface FirstSnapshotHooks {
  /** Opens a fresh mirror document for part 0; returns the list its nodes defer work to. */
  begin(first: SnapshotFrame): DeferredWork;
  /** Applies what the last part says about the page as a whole, after the deferred work, and shows it. */
  finish(parts: readonly SnapshotFrame[]): void;
  /** Ends every slice. */
  afterSlice(): void;
  /** A forced style and layout of the (hidden) mirror. */
  layOut(): void;
  /**
   * The part of the shown page's first paint that can run while it is still
   * hidden: a hit test brings the mirror's compositing inputs up to date.
   */
  prepareFirstPaint(): void;
  /** Lets the next rendering updates pre-paint the mirror, still out of the agent's sight. */
  renderHidden(): void;
  /** The build finished in a later task than the final part's. */
  built(): void;
  /** A slice run in a later task threw (a part that does not fit the document). */
  failed(error: unknown): void;
}

export class FirstSnapshotBuild {
  readonly #tree: MirrorTree;
  readonly #clock: SliceClock;
  readonly #hooks: FirstSnapshotHooks;
  readonly #run: SlicedRun;
  readonly #deferred: DeferredWork;
  readonly #layout: LayoutPacer;
  /** Nodes in the parts so far. */
  #nodes = 0;
  /** Nodes added to the mirror so far, and how many make the next early hit test due. */
  #added = 0;
  #nextHitTestAt = EARLY_HIT_TEST_FIRST;
  /** complete() is running its own slice: a finish there is reported by its return value. */
  #completing = false;
  #done = false;

  /** Starts the build with part 0 (throws what building it throws). */
  constructor(tree: MirrorTree, clock: SliceClock, hooks: FirstSnapshotHooks, first: SnapshotFrame) {
    this.#tree = tree;
    this.#clock = clock;
    this.#hooks = hooks;
    this.#layout = new LayoutPacer(
      { targetMs: LAYOUT_TARGET_MS, initialDebt: LAYOUT_INITIAL_DEBT, now: clock.now, background: clock.background },
      () => hooks.layOut(),
    );
    this.#run = new SlicedRun(
      clock,
      () => {
        hooks.afterSlice();
        this.#layout.sliceEnded();
      },
      (error) => hooks.failed(error),
    );
    this.#deferred = hooks.begin(first);
    this.addPart(first);
  }

  /** Queues a part's nodes behind the others and builds what fits in the current slice. */
  addPart(part: SnapshotFrame): void {
    const nodes = part.nodes;
    this.#nodes += nodes.length;
    const doctypeRoots = rootsWithDoctype(nodes);
    let next = 0;
    this.#run.add((deadline) => {
      if (this.#layOutIfDue() || this.#hitTestIfDue()) return false;
      while (next < nodes.length) {
        const end = Math.min(nodes.length, next + STEPS_PER_CLOCK_READ);
        this.#tree.addNodes(nodes, this.#deferred, doctypeRoots, { from: next, to: end, snapshot: true });
        this.#layout.added(end - next);
        this.#added += end - next;
        next = end;
        if (this.#layout.due || this.#added >= this.#nextHitTestAt || this.#clock.now() >= deadline) break;
      }
      return next >= nodes.length;
    });
    this.#run.run();
  }

  /** The final part is in (and queued): 'built' when the whole build finished before this returns. */
  complete(parts: readonly SnapshotFrame[]): 'built' | 'building' {
    const deferred = this.#deferred;
    let next = 0;
    this.#run.add((deadline) => {
      if (this.#layOutIfDue()) return false;
      while (next < deferred.length) {
        deferred[next++]?.();
        this.#layout.added(1);
        if (next % STEPS_PER_CLOCK_READ === 0 && (this.#layout.due || this.#clock.now() >= deadline)) break;
      }
      return next >= deferred.length;
    });
    // A page still being built after its final part's task is big, and the first rendering of the shown page was
    // one long task (147 ms at 100k nodes, idle): compositing inputs, pre-paint (a walk of every node) and paint.
    // A hit test of the hidden page computes the first in a slice of its own (profile-agent 100000: 83 ms moved
    // out of it); then a rendering update of the page, still hidden, pre-paints it; showing it paints the viewport.
    let step: 'hit-test' | 'pre-paint' | 'show' = 'hit-test';
    this.#run.add(() => {
      if (this.#layOutIfDue()) return false;
      if (step === 'hit-test' && !this.#completing) {
        // What is not laid out yet is laid out in a slice of its own first: in the hit test's it made that task
        // one of the longest of a 100k-node build (agent-replay 100000: the layout was a third of it).
        if (this.#layout.debt > 0) {
          this.#layout.layOutNow();
          return false;
        }
        step = 'pre-paint';
        this.#hooks.prepareFirstPaint();
        return false;
      }
      if (step === 'pre-paint' && !this.#completing && this.#nodes >= HIDDEN_PRE_PAINT_MIN_NODES) {
        step = 'show';
        this.#hooks.renderHidden();
        this.#run.continueAfterRender(2);
        return false;
      }
      this.#layout.stop();
      this.#done = true;
      this.#hooks.finish(parts);
      if (!this.#completing) this.#hooks.built();
      return true;
    });
    this.#completing = true;
    try {
      this.#run.run();
    } finally {
      this.#completing = false;
    }
    return this.#done ? 'built' : 'building';
  }

  /** Slices run so far. */
  get slices(): number {
    return this.#run.slices;
  }

  cancel(): void {
    this.#layout.stop();
    this.#run.cancel();
  }

  /** Hit-tests the hidden mirror when the page grew enough since the last time: that slice does nothing else. */
  #hitTestIfDue(): boolean {
    if (this.#added < this.#nextHitTestAt) return false;
    // What earlier slices added is laid out first, in this slice: the hit test would lay it out in its own.
    if (this.#layout.debt > 0) {
      this.#layout.layOutNow();
      return true;
    }
    this.#nextHitTestAt = Math.ceil(this.#added * EARLY_HIT_TEST_GROWTH);
    this.#hooks.prepareFirstPaint();
    return true;
  }

  /** Lays out what earlier slices added when enough of it waits: that slice does nothing else. */
  #layOutIfDue(): boolean {
    if (!this.#layout.due) return false;
    this.#layout.layOutNow();
    return true;
  }
}
