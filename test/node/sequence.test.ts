import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SequenceChecker, SequenceCounter } from '../../shared/sequence.js';

describe('SequenceCounter', () => {
  it('counts from 0 and starts over on reset', () => {
    const counter = new SequenceCounter();
    expect([counter.next(), counter.next(), counter.next()]).toEqual([0, 1, 2]);
    counter.reset();
    expect(counter.next()).toBe(0);
  });
});

describe('SequenceChecker', () => {
  it('accepts what a fresh counter sends', () => {
    const counter = new SequenceCounter();
    const checker = new SequenceChecker();
    expect(checker.lastSeq).toBeNull();
    for (let i = 0; i < 100; i++) expect(checker.accept(counter.next())).toBe('ok');
    expect(checker.lastSeq).toBe(99);
    expect(checker.expected).toBe(100);
  });

  it('reports a gap, and keeps reporting it until a new sequence starts', () => {
    const checker = new SequenceChecker();
    expect(checker.accept(0)).toBe('ok');
    expect(checker.accept(1)).toBe('ok');
    expect(checker.accept(3)).toBe('gap');
    expect(checker.lastSeq).toBe(1);
    // The missing frame does not arrive on an ordered channel; everything after is unusable.
    expect(checker.accept(4)).toBe('gap');
    expect(checker.accept(5)).toBe('gap');
  });

  it('reports duplicates and stale frames without moving', () => {
    const checker = new SequenceChecker();
    for (const seq of [0, 1, 2]) checker.accept(seq);
    expect(checker.accept(2)).toBe('duplicate');
    expect(checker.accept(0)).toBe('duplicate');
    expect(checker.lastSeq).toBe(2);
    expect(checker.accept(3)).toBe('ok');
  });

  it('restarts after a resync: the snapshot seq starts the new sequence', () => {
    const sender = new SequenceCounter();
    const checker = new SequenceChecker();
    for (let i = 0; i < 5; i++) checker.accept(sender.next());
    sender.next(); // frame 5 lost
    expect(checker.accept(sender.next())).toBe('gap');

    // The receiver asks for a resync; the sender continues its counter and sends a snapshot.
    const snapshotSeq = sender.next();
    checker.expectFrom(snapshotSeq);
    expect(checker.lastSeq).toBeNull();
    expect(checker.accept(snapshotSeq)).toBe('ok');
    expect(checker.accept(sender.next())).toBe('ok');
    expect(checker.lastSeq).toBe(snapshotSeq + 1);
  });

  it('restarts after a resync where the sender reset its counter', () => {
    const sender = new SequenceCounter();
    const checker = new SequenceChecker();
    for (let i = 0; i < 10; i++) checker.accept(sender.next());
    sender.reset();
    const snapshotSeq = sender.next();
    // Without expectFrom, a restarted counter looks like duplicates.
    expect(checker.accept(snapshotSeq)).toBe('duplicate');
    checker.expectFrom(snapshotSeq);
    expect(checker.accept(snapshotSeq)).toBe('ok');
    expect(checker.accept(sender.next())).toBe('ok');
  });

  it('can start at any seq', () => {
    const checker = new SequenceChecker(1_000);
    expect(checker.accept(999)).toBe('duplicate');
    expect(checker.accept(1_001)).toBe('gap');
    expect(checker.accept(1_000)).toBe('ok');
  });

  it('refuses values that are not sequence numbers', () => {
    const checker = new SequenceChecker();
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => checker.accept(bad)).toThrow(RangeError);
      expect(() => checker.expectFrom(bad)).toThrow(RangeError);
    }
  });

  it('classifies any delivery of a counted stream exactly (property)', () => {
    // Model: the receiver sees the sent seqs with some dropped and some repeated.
    const delivery = fc.array(fc.constantFrom('deliver', 'drop', 'repeat'), { maxLength: 200 });
    fc.assert(
      fc.property(delivery, (events) => {
        const counter = new SequenceCounter();
        const checker = new SequenceChecker();
        let expected = 0;
        let broken = false;
        let previous: number | null = null;
        for (const event of events) {
          if (event === 'repeat') {
            if (previous !== null) expect(checker.accept(previous)).toBe('duplicate');
            continue;
          }
          const seq = counter.next();
          if (event === 'drop') {
            broken = true;
            continue;
          }
          const verdict = checker.accept(seq);
          if (broken) expect(verdict).toBe('gap');
          else {
            expect(verdict).toBe('ok');
            expect(seq).toBe(expected);
            expected++;
            previous = seq;
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
