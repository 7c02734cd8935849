/**
 * The mirror's ordering and resync state machine without a DOM
 * (agent/mirror/frame-order.ts): random streams of snapshot parts and frames
 * with losses, duplicates and reordering, checked against a model written
 * here from the rules, not from the implementation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameOrder, FrameOrderError, type FrameOrderHandlers } from '../../agent/mirror/frame-order.js';

interface Part {
  seq: number;
  part: number;
  final: boolean;
}
interface Frame {
  seq: number;
}

/** `finish`: what snapshotCompleted answers ('building': the test calls snapshotBuilt() later). */
function recorder(finish: () => 'built' | 'building' = () => 'built'): {
  log: string[];
  handlers: FrameOrderHandlers<Part, Frame>;
} {
  const log: string[] = [];
  return {
    log,
    handlers: {
      snapshotStarted: (first) => log.push(`start ${first.seq}`),
      snapshotPart: (part) => log.push(`part ${part.seq}`),
      snapshotCompleted: (parts) => {
        log.push(`complete ${parts.map((p) => p.seq).join(',')}`);
        return finish();
      },
      frame: (frame) => log.push(`frame ${frame.seq}`),
      resync: (last) => log.push(`resync ${last}`),
      applied: (frame) => log.push(`applied ${frame.seq}`),
    },
  };
}

describe('FrameOrder', () => {
  it('builds a snapshot from its parts, holds frames meanwhile, then applies in order', () => {
    const { log, handlers } = recorder();
    const order = new FrameOrder<Part, Frame>(handlers);
    order.acceptSnapshotPart({ seq: 10, part: 0, final: false });
    order.acceptFrame({ seq: 11 });
    order.acceptSnapshotPart({ seq: 12, part: 1, final: true });
    order.acceptFrame({ seq: 13 });
    expect(log).toEqual([
      'start 10',
      'part 12',
      'complete 10,12',
      'applied 10',
      'applied 12',
      'frame 11',
      'applied 11',
      'frame 13',
      'applied 13',
    ]);
    expect(order.state).toBe('live');
    expect(order.lastAppliedSeq).toBe(13);
  });

  it('asks for a resync once on a gap, a duplicate, a frame before any snapshot, or a failure, and recovers with the next snapshot', () => {
    for (const breakIt of [
      (o: FrameOrder<Part, Frame>) => o.acceptFrame({ seq: 3 }),
      (o: FrameOrder<Part, Frame>) => o.acceptFrame({ seq: 1 }),
      (o: FrameOrder<Part, Frame>) => o.fail(),
    ]) {
      const { log, handlers } = recorder();
      const order = new FrameOrder<Part, Frame>(handlers);
      order.acceptSnapshotPart({ seq: 0, part: 0, final: true });
      order.acceptFrame({ seq: 1 });
      breakIt(order);
      order.acceptFrame({ seq: 2 });
      order.acceptFrame({ seq: 3 });
      expect(log.filter((line) => line.startsWith('resync'))).toEqual(['resync 1']);
      expect(log).not.toContain('frame 2');
      order.acceptSnapshotPart({ seq: 4, part: 0, final: true });
      order.acceptFrame({ seq: 5 });
      expect(log.slice(-3)).toEqual(['applied 4', 'frame 5', 'applied 5']);
    }
    const { log, handlers } = recorder();
    new FrameOrder<Part, Frame>(handlers).acceptFrame({ seq: 7 });
    expect(log).toEqual(['resync null']);
  });

  it('holds frames while the caller still builds a completed snapshot, and applies them in order once it is built', () => {
    const { log, handlers } = recorder(() => 'building');
    const order = new FrameOrder<Part, Frame>(handlers);
    order.acceptSnapshotPart({ seq: 10, part: 0, final: false });
    order.acceptFrame({ seq: 11 });
    order.acceptSnapshotPart({ seq: 12, part: 1, final: true });
    order.acceptFrame({ seq: 13 });
    expect(order.state).toBe('finishing');
    expect(log).toEqual(['start 10', 'part 12', 'complete 10,12']);
    expect(() => order.acceptSnapshotPart({ seq: 14, part: 2, final: true })).toThrow(FrameOrderError);
    order.fail();
    // Control: a failure while finishing drops the held frames, and a late snapshotBuilt() does nothing.
    order.snapshotBuilt();
    expect(log).toEqual(['start 10', 'part 12', 'complete 10,12', 'resync null']);

    const second = recorder(() => 'building');
    const fresh = new FrameOrder<Part, Frame>(second.handlers);
    fresh.acceptSnapshotPart({ seq: 0, part: 0, final: true });
    fresh.acceptFrame({ seq: 1 });
    fresh.acceptFrame({ seq: 2 });
    expect(second.log).toEqual(['start 0', 'complete 0']);
    fresh.snapshotBuilt();
    fresh.acceptFrame({ seq: 3 });
    expect(second.log.slice(2)).toEqual([
      'applied 0',
      'frame 1',
      'applied 1',
      'frame 2',
      'applied 2',
      'frame 3',
      'applied 3',
    ]);
    expect(fresh.state).toBe('live');
    expect(fresh.stats.snapshots).toBe(1);
  });

  it('starts over when part 0 arrives while the previous snapshot is still being built', () => {
    const { log, handlers } = recorder(() => 'building');
    const order = new FrameOrder<Part, Frame>(handlers);
    order.acceptSnapshotPart({ seq: 0, part: 0, final: true });
    order.acceptFrame({ seq: 1 });
    order.acceptSnapshotPart({ seq: 2, part: 0, final: false });
    // The old build's completion arrives late: the new snapshot is still arriving, nothing is applied.
    order.snapshotBuilt();
    expect(order.state).toBe('building');
    order.acceptFrame({ seq: 3 });
    order.acceptSnapshotPart({ seq: 4, part: 1, final: true });
    order.snapshotBuilt();
    expect(log).toEqual([
      'start 0',
      'complete 0',
      'start 2',
      'part 4',
      'complete 2,4',
      'applied 2',
      'applied 4',
      'frame 3',
      'applied 3',
    ]);
  });

  it('refuses a snapshot part out of order', () => {
    const order = new FrameOrder<Part, Frame>(recorder().handlers);
    order.acceptSnapshotPart({ seq: 0, part: 0, final: false });
    expect(() => order.acceptSnapshotPart({ seq: 1, part: 2, final: true })).toThrow(FrameOrderError);
  });

  it('applies exactly the in-order prefix of any stream of one run, and never after a resync until a new snapshot', () => {
    // A stream: a snapshot of n parts then frames, seq 0.. in order; then random drops, duplicates and swaps.
    const stream = fc
      .record({
        parts: fc.integer({ min: 1, max: 4 }),
        frames: fc.integer({ min: 0, max: 12 }),
        edits: fc.array(fc.tuple(fc.constantFrom('drop', 'dup', 'swap'), fc.nat(20)), { maxLength: 4 }),
        // Where the caller finishes building the snapshot (after that many more items; none: at once).
        builtAfter: fc.option(fc.nat(6), { nil: undefined }),
      })
      .map(({ parts, frames, edits, builtAfter }) => {
        const items: Array<{ kind: 'part'; item: Part } | { kind: 'frame'; item: Frame }> = [];
        for (let i = 0; i < parts; i++) items.push({ kind: 'part', item: { seq: i, part: i, final: i === parts - 1 } });
        for (let i = 0; i < frames; i++) items.push({ kind: 'frame', item: { seq: parts + i } });
        for (const [edit, at] of edits) {
          const index = at % Math.max(1, items.length);
          const item = items[index];
          if (item === undefined) continue;
          if (edit === 'drop') items.splice(index, 1);
          else if (edit === 'dup') items.splice(index, 0, item);
          else if (index + 1 < items.length) [items[index], items[index + 1]] = [items[index + 1]!, item];
        }
        return { items, builtAfter };
      });
    fc.assert(
      fc.property(stream, ({ items, builtAfter }) => {
        let countdown: number | null = null;
        const { log, handlers } = recorder(() => {
          if (builtAfter === undefined) return 'built';
          countdown = builtAfter;
          return 'building';
        });
        const order = new FrameOrder<Part, Frame>(handlers);
        const builtNow = (): void => {
          countdown = null;
          order.snapshotBuilt();
        };
        for (const { kind, item } of items) {
          try {
            if (kind === 'part') order.acceptSnapshotPart(item as Part);
            else order.acceptFrame(item as Frame);
            if (countdown !== null && countdown-- === 0) builtNow();
          } catch (error) {
            if (!(error instanceof FrameOrderError)) throw error;
            order.fail();
          }
        }
        if (countdown !== null) builtNow();
        // Model: within each snapshot run, applied seqs count up from the run's first seq with no hole, each once.
        let expected = -1;
        for (const line of log) {
          if (line.startsWith('start ')) expected = Number(line.slice(6));
          else if (line.startsWith('applied ')) {
            expect(Number(line.slice(8))).toBe(expected);
            expected++;
          }
        }
        const applied = log.filter((line) => line.startsWith('applied '));
        // At most one resync request per run (before the first snapshot counts as a run).
        let resyncsInRun = 0;
        for (const line of log) {
          if (line.startsWith('start')) resyncsInRun = 0;
          else if (line.startsWith('resync')) expect(++resyncsInRun).toBeLessThanOrEqual(1);
        }
        // After a resync nothing is applied until a part 0 starts a new snapshot.
        let desynced = false;
        for (const line of log) {
          if (line.startsWith('start')) desynced = false;
          else if (line.startsWith('resync')) desynced = true;
          else if (line.startsWith('applied')) expect(desynced).toBe(false);
        }
        // An untouched stream applies everything.
        const inOrder = items.every(({ item }, i) => item.seq === i);
        if (inOrder && items.some(({ kind, item }) => kind === 'part' && (item as Part).final))
          expect(applied.length).toBe(items.length);
      }),
      { numRuns: 500 },
    );
  });
});
