/**
 * The in-process witness past its 100,000 entries (review s12, W2): it
 * dropped the oldest-inserted entry, a live session's as readily as any, and
 * anyone can create sessions (support codes), so an outsider could flush a
 * chosen session's count. Now expired entries go first, then ended
 * sessions' (least recently written first), and a live session's never: a
 * new session is then not remembered (counted). The oracle is the count the
 * test wrote; the control stays below the limit.
 */
import { describe, expect, it } from 'vitest';
import { HeadWitness, WITNESS_GRACE_MS } from '../../signaling/audit-witness.js';

const LIMIT = 100_000;

describe('witness eviction', () => {
  for (const others of [1_000, LIMIT]) {
    it(`a live session's count survives ${others} other live sessions created after it`, async () => {
      const witness = new HeadWitness();
      await witness.saw('live-target', 7, 'h');
      for (let i = 0; i < others; i += 1) await witness.saw(`code-${i}`, 1, 'h');
      for (let i = 0; i < 1_024; i += 1) await witness.saw(`code-b-${i}`, 1, 'h');
      expect(await witness.highest('live-target')).toBe(7);
      // Full of live sessions: the newest are the ones not remembered (control: below the limit, none).
      expect(witness.refusedEntries > 0).toBe(others === LIMIT);
    }, 60_000);
  }

  it('an ended session goes before any live one, least recently written first', async () => {
    const witness = new HeadWitness();
    await witness.saw('ended-old', 4, 'h', true);
    await witness.saw('live-target', 7, 'h');
    await witness.saw('ended-recent', 1, 'h');
    for (let i = 0; i < LIMIT - 4; i += 1) await witness.saw(`code-${i}`, 1, 'h');
    await witness.saw('ended-recent', 5, 'h', true); // ended last: written more recently than the others
    for (let i = 0; i < 2_048; i += 1) await witness.saw(`more-${i}`, 1, 'h');
    expect(await witness.highest('ended-old')).toBeUndefined();
    expect(await witness.highest('ended-recent')).toBeUndefined();
    expect(await witness.highest('live-target')).toBe(7);
    expect(witness.refusedEntries).toBeGreaterThan(0);
  }, 60_000);

  it('entries past their time make room (within PRUNE_EVERY writes); a live one within its time stays', async () => {
    let now = Date.now();
    const ttl = 60_000;
    const witness = new HeadWitness(() => now, ttl);
    await witness.saw('live-target', 7, 'h');
    for (let i = 0; i < LIMIT; i += 1) await witness.saw(`old-${i}`, 1, 'h');
    now += ttl + WITNESS_GRACE_MS / 2;
    await witness.saw('live-target', 8, 'h'); // still within its time, written again: kept on
    now += WITNESS_GRACE_MS / 2 + 1; // the others are now past theirs
    for (let i = 0; i < 2_048; i += 1) await witness.saw(`new-${i}`, 1, 'h');
    expect(await witness.highest('live-target')).toBe(8);
    expect(await witness.highest('new-2047')).toBe(1);
    expect(await witness.highest('old-0')).toBeUndefined();
  }, 60_000);
});
