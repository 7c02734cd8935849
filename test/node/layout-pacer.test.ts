/**
 * When the hidden mirror is laid out during its first build (agent/mirror/layout-pacer.ts):
 * at once only when enough nodes are owed, otherwise in a background task, never after
 * the build stopped; how many nodes are enough follows what layouts cost. The clock and
 * the background queue are fakes (the real ones are the browser's scheduler, which a
 * Node test does not have); the browser suite builds real pages with it (mirror-slicing).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LayoutPacer } from '../../agent/mirror/layout-pacer.js';

interface Harness {
  pacer: LayoutPacer;
  /** Layouts run, with the nodes owed when each ran. */
  layouts: number[];
  /** Background tasks queued and not run yet. */
  queued: (() => void)[];
  /** Milliseconds the next layouts take. */
  setLayoutMs(ms: number): void;
  owed(): number;
}

function harness(initialDebt = 100, targetMs = 20): Harness {
  let now = 0;
  let layoutMs = 1;
  let owed = 0;
  const layouts: number[] = [];
  const queued: (() => void)[] = [];
  const pacer = new LayoutPacer(
    { targetMs, initialDebt, now: () => now, background: (run) => queued.push(run) },
    () => {
      layouts.push(owed);
      owed = 0;
      now += layoutMs;
    },
  );
  const added = pacer.added.bind(pacer);
  pacer.added = (units: number) => {
    owed += units;
    added(units);
  };
  return { pacer, layouts, queued, setLayoutMs: (ms) => (layoutMs = ms), owed: () => owed };
}

describe('layout pacer', () => {
  it('is due only once the owed nodes reach the limit, and then lays out all of them', () => {
    const h = harness(100);
    h.pacer.added(99);
    expect(h.pacer.due).toBe(false);
    h.pacer.added(1);
    expect(h.pacer.due).toBe(true);
    h.pacer.layOutNow();
    expect(h.layouts).toEqual([100]);
    expect(h.pacer.due).toBe(false);
  });

  it('lays out what a slice added in one background task, not when nothing is owed or the build stopped', () => {
    const h = harness(100);
    h.pacer.sliceEnded();
    expect(h.queued).toHaveLength(0);
    h.pacer.added(10);
    h.pacer.sliceEnded();
    h.pacer.added(5);
    h.pacer.sliceEnded();
    // One queued task covers every slice before it runs.
    expect(h.queued).toHaveLength(1);
    h.queued.shift()?.();
    expect(h.layouts).toEqual([15]);

    h.pacer.added(3);
    h.pacer.sliceEnded();
    h.pacer.stop();
    h.queued.shift()?.();
    expect(h.layouts).toEqual([15]);
    h.pacer.sliceEnded();
    expect(h.queued).toHaveLength(0);
  });

  it('a background task finds nothing owed after a due layout ran first', () => {
    const h = harness(100);
    h.pacer.added(50);
    h.pacer.sliceEnded();
    h.pacer.added(50);
    h.pacer.layOutNow();
    h.queued.shift()?.();
    expect(h.layouts).toEqual([100]);
  });

  it('asks for fewer nodes per layout when layouts run long, and more (at most twice) when they are quick', () => {
    const h = harness(1000, 20);
    h.setLayoutMs(80);
    h.pacer.added(1000);
    h.pacer.layOutNow();
    // 80 ms for 1000 nodes: 250 make a 20 ms layout.
    h.pacer.added(249);
    expect(h.pacer.due).toBe(false);
    h.pacer.added(1);
    expect(h.pacer.due).toBe(true);
    h.setLayoutMs(1);
    h.pacer.layOutNow();
    h.pacer.added(499);
    expect(h.pacer.due).toBe(false);
    h.pacer.added(1);
    expect(h.pacer.due).toBe(true);
  });

  it('keeps its limit between 250 and 20,000 nodes, lower after slow layouts and higher after quick ones (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ add: fc.integer({ min: 1, max: 5000 }), ms: fc.double({ min: 0, max: 200, noNaN: true }) }),
          {
            maxLength: 100,
          },
        ),
        (steps) => {
          const h = harness(500, 20);
          for (const step of steps) {
            h.setLayoutMs(step.ms);
            // A build slice adds nodes in small chunks and stops as soon as a layout is due.
            for (let i = 0; i < step.add && !h.pacer.due; i++) h.pacer.added(1);
            const before = h.pacer.limit;
            const full = h.pacer.due;
            h.pacer.layOutNow();
            const after = h.pacer.limit;
            expect(after).toBeGreaterThanOrEqual(250);
            expect(after).toBeLessThanOrEqual(20_000);
            if (step.ms > 20) expect(after).toBeLessThanOrEqual(before);
            else if (full) expect(after).toBeGreaterThanOrEqual(before);
            else expect(after).toBe(before);
            expect(after).toBeLessThanOrEqual(before * 2);
          }
        },
      ),
    );
  });
});
