/**
 * The per-session audit cap (red team s11, F2) as both stores must keep it:
 * past the cap an event is refused with AuditLimitError, one 'audit-limit'
 * event says so, the customer can still take back control or pause and the
 * session can still end, and the chain stays valid. Oracles written here: the
 * counts and bytes the test appended itself. Control: under the cap nothing
 * is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEventInput, AuditLimits, Store } from '../../../signaling/store.js';
import { makeSession } from './store-contract.js';

export interface CapHarness {
  open(limits: AuditLimits): Promise<Store>;
  cleanup(): Promise<void>;
}

const page = (n: number, pad = 0): AuditEventInput => ({
  type: 'page-visited',
  actor: 'customer',
  at: 1_000 + n,
  data: { url: `https://shop.example/p${n}/${'a'.repeat(pad)}`, title: null },
});

async function appendAll(
  store: Store,
  id: string,
  inputs: AuditEventInput[],
): Promise<{ taken: number; refused: number; other: unknown[] }> {
  let taken = 0;
  let refused = 0;
  const other: unknown[] = [];
  for (const input of inputs) {
    try {
      await store.appendEvent(id, input);
      taken += 1;
    } catch (error) {
      if (error instanceof Error && error.name === 'AuditLimitError') refused += 1;
      else other.push(error);
    }
  }
  return { taken, refused, other };
}

export function storeCapContract(makeHarness: () => Promise<CapHarness>): void {
  describe('per-session audit cap', () => {
    let harness: CapHarness | undefined;
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      await harness?.cleanup();
      store = undefined;
      harness = undefined;
    });

    it('refuses events past the event cap, records one audit-limit event, still takes pause and the end', async () => {
      harness = await makeHarness();
      store = await harness.open({ maxEvents: 64, maxBytes: 1_000_000 });
      const session = makeSession();
      await store.createSession(session);
      const first = await appendAll(
        store,
        session.id,
        Array.from({ length: 20 }, (_, n) => page(n)),
      );
      expect(first).toEqual({ taken: 20, refused: 0, other: [] }); // control: under the cap
      const rest = await appendAll(
        store,
        session.id,
        Array.from({ length: 80 }, (_, n) => page(20 + n)),
      );
      expect(rest.other).toEqual([]);
      expect(rest.taken).toBeGreaterThan(0);
      expect(rest.refused).toBe(80 - rest.taken);
      await store.appendEvent(session.id, { type: 'paused', actor: 'customer', at: 5_000, data: {} });
      await store.endSession(session.id, { by: 'customer', reason: 'customer-ended', at: 6_000 });
      const events = await store.listEvents(session.id);
      expect(events.length).toBeLessThanOrEqual(64);
      expect(events.filter((e) => e.type === 'audit-limit')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'page-visited')).toHaveLength(20 + rest.taken);
      expect(events.slice(-2).map((e) => e.type)).toEqual(['paused', 'ended']);
      expect(events.find((e) => e.type === 'audit-limit')?.data).toMatchObject({
        maxEvents: 64,
        refused: 'page-visited',
      });
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: events.length });
    });

    it('refuses events past the byte cap, counting what each event stores', async () => {
      harness = await makeHarness();
      const maxBytes = 64 * 1024;
      store = await harness.open({ maxEvents: 5_000, maxBytes });
      const session = makeSession();
      await store.createSession(session);
      const outcome = await appendAll(
        store,
        session.id,
        Array.from({ length: 30 }, (_, n) => page(n, 8_000)),
      );
      expect(outcome.other).toEqual([]);
      expect(outcome.refused).toBeGreaterThan(0);
      const events = await store.listEvents(session.id);
      const bytes = events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e.data), 'utf8'), 0);
      expect(bytes).toBeLessThanOrEqual(maxBytes);
      expect(events.filter((e) => e.type === 'audit-limit')).toHaveLength(1);
      // Another session is not affected.
      const other = makeSession();
      await store.createSession(other);
      expect(await appendAll(store, other.id, [page(1, 8_000)])).toEqual({ taken: 1, refused: 0, other: [] });
    });
  });
}
