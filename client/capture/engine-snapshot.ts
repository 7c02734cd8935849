/**
 * One snapshot of the capture engine (capture-engine.ts): the time-sliced
 * walk of the current run (snapshot.ts), each slice sent as a snapshot part
 * (snapshot-frame.ts). The engine keeps the lifecycle around it (which run
 * and generation are current, what happens after the final part).
 */
import type { AssetPolicy } from '../../shared/protocol.js';
import { pristine } from '../pristine.js';
import type { CaptureRun } from './capture-run.js';
import type { DomFrameSender } from './dom-frame-sender.js';
import type { Running } from './engine-lifecycle.js';
import type { EventCapture } from './events.js';
import { walkSnapshot } from './snapshot.js';
import { snapshotBody } from './snapshot-frame.js';

export interface EngineSnapshot {
  win: Window;
  run: CaptureRun;
  state: Running;
  events: EventCapture;
  sender: DomFrameSender;
  budgetMs: number;
  assets: () => AssetPolicy;
  /** Whether this snapshot is still the engine's current one (no stop, no newer snapshot). */
  current: () => boolean;
  /** Whether this snapshot's generation is still the engine's (a part of an older one is not sent). */
  sameGeneration: () => boolean;
  /** Mutation records taken during the walk: those on nodes already serialized are kept (capture-engine.ts). */
  keepRecords: (records: readonly MutationRecord[]) => void;
  /** A part went out. */
  partSent: () => void;
}

/** Walks and sends the snapshot; 'done' with the number of parts sent, or 'aborted' (backpressure, cancelled). */
export async function sendSnapshot(s: EngineSnapshot): Promise<{ result: 'done' | 'aborted'; parts: number }> {
  const { win, run, state } = s;
  let part = 0;
  const result = await walkSnapshot({
    serializer: run.serializer,
    ids: run.ids,
    topDocument: win.document,
    budgetMs: s.budgetMs,
    now: () => win.performance.now(),
    yieldToEventLoop: () =>
      s.current() && state.slices !== null ? state.slices.wait() : pristine.Promise.resolve(undefined),
    beforeSlice: () => {
      const records = state.observer?.takeRecords() ?? [];
      if (records.length > 0) run.serializer.domChanged();
      s.keepRecords(records);
    },
    emitPart: (nodes, final) => {
      if (!s.sameGeneration()) return false;
      const ok = s.sender.sendDom(snapshotBody({ win, run, events: s.events }, { part, nodes, final }, s.assets()));
      if (ok) {
        part++;
        s.partSent();
      }
      return ok;
    },
    movedAway: (node) => run.collector.isRemovedInMirror(node),
    cancelled: () => !s.current(),
  });
  return { result, parts: part };
}
