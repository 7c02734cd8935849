/**
 * The mirror's first snapshot, built as its parts arrive and in time slices
 * (sliced-run.ts), so a 100k-node page never holds the agent's main thread
 * for long. The iframe is transparent meanwhile (the agent never sees a
 * half-built page) but rendered, so each slice ends with a forced style and
 * layout of what it added: the page is laid out piece by piece during the
 * build instead of in one rendering update of the whole page when it is
 * shown (1.4-4 s at 100k nodes, measured when the frame was display:none
 * until then).
 *
 * The work left for the end (form state, <style> rules, scroll offsets) is
 * sliced too; then `finish` applies what the last part says about the whole
 * page and shows it. Frames that arrive meanwhile are held by the frame
 * order until `built` (frame-order.ts).
 */
import type { DomFrame } from '../../shared/protocol.js';
import { rootsWithDoctype } from './dom-nodes.js';
import type { DeferredWork, MirrorTree } from './mirror-tree.js';
import { SlicedRun, type SliceClock } from './sliced-run.js';

type SnapshotFrame = Extract<DomFrame, { t: 'snapshot' }>;

/** Nodes added (or deferred steps run) between two reads of the clock. */
const STEPS_PER_CLOCK_READ = 16;

export interface FirstSnapshotHooks {
  /** Opens a fresh mirror document for part 0; returns the list its nodes defer work to. */
  begin(first: SnapshotFrame): DeferredWork;
  /** Applies what the last part says about the page as a whole, after the deferred work, and shows it. */
  finish(parts: readonly SnapshotFrame[]): void;
  /** Ends every slice (a forced style and layout of what it added). */
  afterSlice(): void;
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
  /** complete() is running its own slice: a finish there is reported by its return value. */
  #completing = false;
  #done = false;

  /** Starts the build with part 0 (throws what building it throws). */
  constructor(tree: MirrorTree, clock: SliceClock, hooks: FirstSnapshotHooks, first: SnapshotFrame) {
    this.#tree = tree;
    this.#clock = clock;
    this.#hooks = hooks;
    this.#run = new SlicedRun(
      clock,
      () => hooks.afterSlice(),
      (error) => hooks.failed(error),
    );
    this.#deferred = hooks.begin(first);
    this.addPart(first);
  }

  /** Queues a part's nodes behind the others and builds what fits in the current slice. */
  addPart(part: SnapshotFrame): void {
    const nodes = part.nodes;
    const doctypeRoots = rootsWithDoctype(nodes);
    let next = 0;
    this.#run.add((deadline) => {
      while (next < nodes.length) {
        const end = Math.min(nodes.length, next + STEPS_PER_CLOCK_READ);
        this.#tree.addNodes(nodes, this.#deferred, doctypeRoots, { from: next, to: end, snapshot: true });
        next = end;
        if (this.#clock.now() >= deadline) break;
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
      while (next < deferred.length) {
        deferred[next++]?.();
        if (next % STEPS_PER_CLOCK_READ === 0 && this.#clock.now() >= deadline) break;
      }
      return next >= deferred.length;
    });
    this.#run.add(() => {
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
    this.#run.cancel();
  }
}
