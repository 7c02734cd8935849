/**
 * The Store contract: one suite that every implementation (SQLite,
 * PostgreSQL) must pass, including tampering done by someone with write
 * access to the database and appends from several instances at once.
 * Raw SQL here uses `?` placeholders; each harness translates for its engine.
 */
import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  hashAuditEvent,
  hashToken,
  SessionEndedError,
  type AuditEventInput,
  type SessionRecord,
  type Store,
} from '../../../signaling/store.js';

export interface StoreHarness {
  auditKey: string;
  /** A fresh store over a fresh, empty database. */
  open(): Promise<Store>;
  /** Another store over the same database: a second instance, or the same one after a restart. */
  openAnother(): Promise<Store>;
  /** Raw SQL with `?` placeholders, as someone with write access to the database would run it. */
  sql(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Several statements in one transaction. */
  sqlTransaction(statements: [string, unknown[]][]): Promise<void>;
  dropAuditTriggers(): Promise<void>;
  /** Close raw connections and remove the database. */
  cleanup(): Promise<void>;
}

let counter = 0;
export function makeSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  counter += 1;
  return {
    id: `session-${counter}-abcdef`,
    conversationId: 'conv-1',
    agentName: 'Ada',
    agentId: null,
    metadata: { plan: 'pro', seats: 3, vip: true },
    customerTokenHash: hashToken(`customer-token-${counter}-${Math.random()}`),
    agentTokenHash: hashToken(`agent-token-${counter}-${Math.random()}`),
    createdAt: 1_700_000_000_000 + counter,
    expiresAt: 1_700_003_600_000 + counter,
    status: 'pending',
    startedAt: null,
    endedAt: null,
    endedBy: null,
    endReason: null,
    controlGranted: false,
    ...overrides,
  };
}

function event(type: AuditEventInput['type'], at: number, data: AuditEventInput['data'] = {}): AuditEventInput {
  return { type, actor: type === 'session-created' ? 'api' : 'customer', at, data };
}

/** Sorted-key JSON, written independently of the store's canonicalJson. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
}

export function storeContract(makeHarness: () => Promise<StoreHarness>): void {
  let harness: StoreHarness;
  let store: Store;
  const others: Store[] = [];

  beforeEach(async () => {
    harness = await makeHarness();
    store = await harness.open();
  });

  afterEach(async () => {
    for (const other of others.splice(0)) await other.close();
    await store.close();
    await harness.cleanup();
  });

  async function another(): Promise<Store> {
    const other = await harness.openAnother();
    others.push(other);
    return other;
  }

  /** A session with five chained events. */
  async function sessionWithEvents(): Promise<SessionRecord> {
    const session = makeSession();
    await store.createSession(session);
    await store.appendEvent(session.id, event('session-created', 1));
    await store.appendEvent(session.id, event('consent-shown', 2));
    await store.appendEvent(session.id, event('consent-granted', 3));
    await store.appendEvent(session.id, event('page-visited', 4, { url: 'https://shop.example/cart', title: 'Cart' }));
    await store.endSession(session.id, { by: 'customer', reason: 'customer-ended', at: 5 });
    return session;
  }

  describe('sessions', () => {
    it('creates, reads and finds a session by either token hash with the right role', async () => {
      const session = makeSession();
      await store.createSession(session);
      expect(await store.getSession(session.id)).toEqual(session);
      expect(await store.getSession('missing-session')).toBeUndefined();
      expect(await store.findByTokenHash(session.customerTokenHash)).toEqual({ session, role: 'customer' });
      expect(await store.findByTokenHash(session.agentTokenHash)).toEqual({ session, role: 'agent' });
      expect(await store.findByTokenHash(hashToken('someone-else'))).toBeUndefined();
    });

    it('keeps whether the agent is an automated one', async () => {
      const bot = makeSession({ agentName: 'Helper', agentBot: true });
      const person = makeSession();
      await store.createSession(bot);
      await store.createSession(person);
      expect((await store.getSession(bot.id))?.agentBot).toBe(true);
      expect((await store.findByTokenHash(bot.agentTokenHash))?.session.agentBot).toBe(true);
      expect((await store.getSession(person.id))?.agentBot).toBeUndefined();
    });

    it('refuses a duplicate id or token hash', async () => {
      const session = makeSession();
      await store.createSession(session);
      await expect(store.createSession({ ...makeSession(), id: session.id })).rejects.toThrow();
      await expect(store.createSession({ ...makeSession(), agentTokenHash: session.agentTokenHash })).rejects.toThrow();
    });

    it('updates only the patched fields', async () => {
      const session = makeSession();
      await store.createSession(session);
      const live = await store.updateSession(session.id, {
        status: 'live',
        startedAt: 1_700_000_100_000,
        controlGranted: true,
      });
      expect(live).toEqual({ ...session, status: 'live', startedAt: 1_700_000_100_000, controlGranted: true });
      const ended = await store.updateSession(session.id, {
        status: 'ended',
        endedAt: 1_700_000_200_000,
        endedBy: 'customer',
        endReason: 'customer-ended',
        startedAt: undefined,
      });
      expect(ended).toEqual({
        ...session,
        status: 'ended',
        startedAt: 1_700_000_100_000,
        controlGranted: true,
        endedAt: 1_700_000_200_000,
        endedBy: 'customer',
        endReason: 'customer-ended',
      });
      expect(await store.getSession(session.id)).toEqual(ended);
      expect(await store.updateSession('missing-session', { status: 'ended' })).toBeUndefined();
    });

    it('rejects a patch with a value outside the protocol enums', async () => {
      const session = makeSession();
      await store.createSession(session);
      const badPatch = JSON.parse('{"status":"paused"}') as { status: 'live' };
      await expect(store.updateSession(session.id, badPatch)).rejects.toThrow();
      expect((await store.getSession(session.id))?.status).toBe('pending');
    });

    it('lists the sessions of a conversation newest first, and only open sessions for sweeps', async () => {
      const older = makeSession({ createdAt: 1_000, expiresAt: 9_000 });
      const newer = makeSession({ createdAt: 2_000, expiresAt: 8_000 });
      const otherConversation = makeSession({ conversationId: 'conv-2', createdAt: 3_000, expiresAt: 7_000 });
      const noConversation = makeSession({ conversationId: null, createdAt: 4_000, expiresAt: 10_000 });
      for (const s of [older, newer, otherConversation, noConversation]) await store.createSession(s);
      expect((await store.listByConversation('conv-1')).map((s) => s.id)).toEqual([newer.id, older.id]);
      expect(await store.listByConversation('conv-2')).toEqual([otherConversation]);
      expect(await store.listByConversation('conv-none')).toEqual([]);
      await store.updateSession(newer.id, {
        status: 'ended',
        endedAt: 5_000,
        endedBy: 'agent',
        endReason: 'agent-ended',
      });
      await store.updateSession(older.id, { status: 'live' });
      expect((await store.listOpen()).map((s) => s.id)).toEqual([otherConversation.id, older.id, noConversation.id]);
    });

    it('lists sessions with filters, newest first, in pages that neither skip nor repeat a row', async () => {
      const statuses = ['pending', 'live', 'ended', 'consented'] as const;
      const agents = ['Ada', 'Grace', null] as const;
      const all: SessionRecord[] = [];
      // Equal creation times on purpose: the id breaks the tie, so a page boundary cannot fall between twins.
      for (let i = 0; i < 23; i++) {
        const session = makeSession({
          id: `list-${String(i).padStart(2, '0')}-${Math.random().toString(36).slice(2, 8)}`,
          createdAt: 10_000 + Math.floor(i / 3) * 100,
          status: statuses[i % statuses.length],
          agentName: agents[i % agents.length] ?? null,
          conversationId: i % 5 === 0 ? 'conv-list' : 'conv-other',
        });
        all.push(session);
        await store.createSession(session);
      }
      // Oracle: the same order and filters computed here, without SQL.
      const newestFirst = [...all].sort(
        (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
      );
      const pages = async (
        filter: Omit<Parameters<Store['listSessions']>[0], 'limit' | 'after'>,
        limit: number,
      ): Promise<string[]> => {
        const ids: string[] = [];
        let after: Parameters<Store['listSessions']>[0]['after'];
        for (let guard = 0; guard < 50; guard++) {
          const page = await store.listSessions({ ...filter, limit, ...(after ? { after } : {}) });
          expect(page.sessions.length).toBeLessThanOrEqual(limit);
          ids.push(...page.sessions.map((session) => session.id));
          if (page.next === null) return ids;
          after = page.next;
        }
        throw new Error('pagination did not end');
      };
      expect(await pages({}, 5)).toEqual(newestFirst.map((session) => session.id));
      expect(await pages({}, 100)).toEqual(newestFirst.map((session) => session.id));
      expect(await pages({ status: ['live', 'pending'] }, 4)).toEqual(
        newestFirst
          .filter((session) => session.status === 'live' || session.status === 'pending')
          .map((session) => session.id),
      );
      expect(await pages({ agentName: 'Grace', conversationId: 'conv-other' }, 2)).toEqual(
        newestFirst
          .filter((session) => session.agentName === 'Grace' && session.conversationId === 'conv-other')
          .map((session) => session.id),
      );
      expect(await pages({ createdFrom: 10_200, createdBefore: 10_500 }, 3)).toEqual(
        newestFirst
          .filter((session) => session.createdAt >= 10_200 && session.createdAt < 10_500)
          .map((session) => session.id),
      );
      expect((await store.listSessions({ agentName: 'nobody', limit: 10 })).sessions).toEqual([]);
      // A page holds whole records, equal to what getSession returns.
      const [first] = (await store.listSessions({ limit: 1 })).sessions;
      expect(first).toEqual(await store.getSession(newestFirst[0]?.id ?? ''));
    });

    it('ends a session exactly once, with its ended event, however many writers race to end it', async () => {
      const session = makeSession();
      await store.createSession(session);
      await store.appendEvent(session.id, event('session-created', 1));
      await store.updateSession(session.id, { status: 'live', startedAt: 1_000 });
      const second = await another();
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? store : second).endSession(session.id, {
            by: i % 2 === 0 ? 'system' : 'api',
            reason: i % 2 === 0 ? 'expired' : 'api',
            at: 5_000 + i,
          }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome?.endedNow)).toHaveLength(1);
      const winner = outcomes.find((outcome) => outcome?.endedNow)?.session;
      expect(winner).toMatchObject({ status: 'ended', endedAt: expect.any(Number) });
      for (const outcome of outcomes) expect(outcome?.session).toEqual(winner);
      const ended = (await store.listEvents(session.id)).filter((e) => e.type === 'ended');
      expect(ended).toHaveLength(1);
      expect(ended[0]?.data).toEqual({
        by: winner?.endedBy,
        reason: winner?.endReason,
        durationMs: (winner?.endedAt ?? 0) - 1_000,
      });
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 2 });
      expect(await store.endSession('missing-session', { by: 'api', reason: 'api', at: 1 })).toBeUndefined();
    });

    it('spends a one-time id once across writers racing for it, and forgets it when it expires', async () => {
      const second = await another();
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? store : second).spendOnce('identity:abc', 10_000, 1_000)),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(await store.spendOnce('identity:abc', 10_000, 9_999)).toBe(false);
      expect(await store.spendOnce('identity:other', 10_000, 9_999)).toBe(true);
      // Expired: forgotten (the identity itself is refused as expired by then).
      expect(await second.spendOnce('identity:abc', 20_000, 10_000)).toBe(true);
    });

    it('says whether an id was spent, on every instance, until it expires', async () => {
      const second = await another();
      expect(await second.isSpent('signout:xyz', 1_000)).toBe(false);
      expect(await store.spendOnce('signout:xyz', 10_000, 1_000)).toBe(true);
      expect(await second.isSpent('signout:xyz', 9_999)).toBe(true);
      expect(await store.isSpent('signout:other', 9_999)).toBe(false);
      expect(await second.isSpent('signout:xyz', 10_000)).toBe(false);
    });

    it('keeps sessions and audit events across closing and reopening the store', async () => {
      const session = makeSession();
      await store.createSession(session);
      for (const [at, type] of [
        'session-created',
        'consent-shown',
        'consent-granted',
        'page-visited',
        'paused',
      ].entries())
        await store.appendEvent(session.id, event(type as AuditEventInput['type'], at + 1));
      await store.updateSession(session.id, { status: 'consented', startedAt: 3 });
      const eventsBefore = await store.listEvents(session.id);
      await store.close();
      store = await harness.openAnother();
      expect(await store.getSession(session.id)).toEqual({ ...session, status: 'consented', startedAt: 3 });
      expect(await store.listEvents(session.id)).toEqual(eventsBefore);
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 5 });
      // The chain continues from the stored head after a restart.
      const next = await store.appendEvent(session.id, event('disconnected', 6));
      expect(next.seq).toBe(6);
      expect(next.prevHash).toBe(eventsBefore.at(-1)?.hash);
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 6 });
    });
  });

  describe('audit log', () => {
    it('builds a keyed hash chain from the genesis hash', async () => {
      const session = await sessionWithEvents();
      const events = await store.listEvents(session.id);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(events.map((e) => e.type)).toEqual([
        'session-created',
        'consent-shown',
        'consent-granted',
        'page-visited',
        'ended',
      ]);
      let prev = GENESIS_HASH;
      for (const e of events) {
        expect(e.sessionId).toBe(session.id);
        expect(e.prevHash).toBe(prev);
        const { hash, prevHash, ...fields } = e;
        expect(hash).toBe(hashAuditEvent(harness.auditKey, prevHash, fields));
        // The oracle: HMAC-SHA256 under the key over sorted-key JSON, computed here.
        expect(hash).toBe(
          createHmac('sha256', harness.auditKey)
            .update(canonical({ ...fields, prevHash }))
            .digest('hex'),
        );
        prev = hash;
      }
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 5 });
    });

    it('returns from appendEvent exactly what listEvents later reads', async () => {
      const session = makeSession();
      await store.createSession(session);
      const appended = [
        await store.appendEvent(session.id, event('session-created', 10)),
        await store.appendEvent(session.id, {
          type: 'remote-action',
          actor: 'agent',
          at: 11,
          data: { action: 'click', target: 'button "Pay"' },
        }),
      ];
      expect(await store.listEvents(session.id)).toEqual(appended);
    });

    it('round-trips data values exactly', async () => {
      const session = makeSession();
      await store.createSession(session);
      const data = {
        text: 'naïve café — 日本語 🎉 "quoted" \\ back\nline',
        lone: '\ud800 surrogate',
        nul: 'a\u0000b',
        empty: '',
        zero: 0,
        negative: -42,
        fraction: 0.1 + 0.2,
        big: Number.MAX_SAFE_INTEGER,
        tiny: 5e-324,
        yes: true,
        no: false,
        nothing: null,
        'key with spaces & ünïcode': 'ok',
      };
      await store.appendEvent(session.id, { type: 'page-visited', actor: 'customer', at: 1_700_000_000_123, data });
      const [stored] = await store.listEvents(session.id);
      expect(stored?.data).toStrictEqual(data);
      expect(Object.keys(stored?.data ?? {})).toEqual(Object.keys(data));
      expect(stored?.at).toBe(1_700_000_000_123);
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 1 });
    });

    it('refuses events for an unknown session and data that JSON cannot carry', async () => {
      await expect(store.appendEvent('missing-session', event('connected', 1))).rejects.toThrow(/no session/);
      const session = makeSession();
      await store.createSession(session);
      await expect(store.appendEvent(session.id, event('connected', 1, { n: Number.NaN }))).rejects.toThrow();
      await expect(store.appendEvent(session.id, event('connected', 1, { n: Infinity }))).rejects.toThrow();
      await expect(store.appendEvent(session.id, event('connected', Number.NaN))).rejects.toThrow();
      const nested = { nested: { deep: 1 } } as unknown as AuditEventInput['data'];
      await expect(store.appendEvent(session.id, event('connected', 1, nested))).rejects.toThrow();
      expect(await store.listEvents(session.id)).toEqual([]);
    });

    it('keeps independent chains for interleaved sessions', async () => {
      const a = makeSession();
      const b = makeSession();
      await store.createSession(a);
      await store.createSession(b);
      for (let i = 0; i < 10; i += 1) {
        await store.appendEvent(a.id, event('page-visited', i, { url: `https://a.example/${i}` }));
        await store.appendEvent(b.id, event('page-visited', i, { url: `https://b.example/${i}` }));
      }
      const eventsA = await store.listEvents(a.id);
      const eventsB = await store.listEvents(b.id);
      expect(eventsA.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(eventsB.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(eventsA[0]?.prevHash).toBe(GENESIS_HASH);
      expect(eventsA.every((e) => String(e.data['url']).startsWith('https://a.example/'))).toBe(true);
      expect(await store.verifyChain(a.id)).toEqual({ valid: true, events: 10 });
      expect(await store.verifyChain(b.id)).toEqual({ valid: true, events: 10 });
    });

    it('keeps one gap-free chain when three instances append to one session at the same time', async () => {
      const session = makeSession();
      await store.createSession(session);
      const writers = [store, await another(), await another()];
      const perWriter = 40;
      await Promise.all(
        writers.map(async (writer, w) => {
          // Each writer keeps several appends in flight, like an instance serving many sockets.
          const batch: Promise<unknown>[] = [];
          for (let i = 0; i < perWriter; i += 1)
            batch.push(writer.appendEvent(session.id, { type: 'connected', actor: 'agent', at: i, data: { w, i } }));
          await Promise.all(batch);
        }),
      );
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: perWriter * 3 });
      const events = await store.listEvents(session.id);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: perWriter * 3 }, (_, i) => i + 1));
      for (let w = 0; w < 3; w += 1) {
        expect(events.filter((e) => e.data['w'] === w)).toHaveLength(perWriter);
      }
    });

    it('refuses appends once the session has ended: its ended event stays the last', async () => {
      const session = makeSession();
      await store.createSession(session);
      await store.appendEvent(session.id, event('session-created', 1));
      const second = await another();
      const racing = Array.from({ length: 20 }, (_, i) =>
        second.appendEvent(session.id, event('page-visited', 2 + i, { url: `https://a.example/${i}` })).then(
          () => 'stored',
          (error: unknown) => (error instanceof SessionEndedError ? 'refused' : `failed: ${String(error)}`),
        ),
      );
      await store.endSession(session.id, { by: 'api', reason: 'api', at: 10 });
      const outcomes = await Promise.all(racing);
      expect(outcomes.every((outcome) => outcome === 'stored' || outcome === 'refused')).toBe(true);
      await expect(store.appendEvent(session.id, event('connected', 99))).rejects.toBeInstanceOf(SessionEndedError);
      const events = await store.listEvents(session.id);
      expect(events.at(-1)?.type).toBe('ended');
      expect(events.filter((e) => e.type === 'page-visited')).toHaveLength(
        outcomes.filter((outcome) => outcome === 'stored').length,
      );
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: events.length });
    });

    it('reports an empty, valid chain for a session without events', async () => {
      const session = makeSession();
      await store.createSession(session);
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 0 });
    });

    it('refuses UPDATE and DELETE of audit rows while the triggers are in place', async () => {
      const session = await sessionWithEvents();
      await expect(harness.sql("UPDATE audit_events SET data = '{}' WHERE seq = 2")).rejects.toThrow(/append-only/);
      await expect(harness.sql('DELETE FROM audit_events WHERE seq = 2')).rejects.toThrow(/append-only/);
      await expect(harness.sql('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 5 });
    });

    it('refuses a second event with the same seq in a session', async () => {
      const session = await sessionWithEvents();
      const [first] = await store.listEvents(session.id);
      await expect(
        harness.sql(
          'INSERT INTO audit_events (session_id, seq, type, actor, at, data, prev_hash, hash) VALUES (?, 1, ?, ?, ?, ?, ?, ?)',
          [session.id, 'connected', 'agent', 1, '{}', GENESIS_HASH, first?.hash],
        ),
      ).rejects.toThrow(/UNIQUE|duplicate key/);
    });

    describe('detects tampering done around the triggers', () => {
      beforeEach(async () => {
        await harness.dropAuditTriggers();
      });

      it('an edited row', async () => {
        const session = await sessionWithEvents();
        await harness.sql('UPDATE audit_events SET data = ? WHERE session_id = ? AND seq = 4', [
          JSON.stringify({ url: 'https://shop.example/somewhere-else', title: 'Cart' }),
          session.id,
        ]);
        expect(await store.verifyChain(session.id)).toMatchObject({ valid: false, events: 5, brokenAt: 4 });
      });

      it('an edited timestamp or actor', async () => {
        const session = await sessionWithEvents();
        await harness.sql("UPDATE audit_events SET actor = 'agent' WHERE session_id = ? AND seq = 3", [session.id]);
        expect(await store.verifyChain(session.id)).toMatchObject({ valid: false, brokenAt: 3 });
      });

      it('a deleted row (seq gap)', async () => {
        const session = await sessionWithEvents();
        await harness.sql('DELETE FROM audit_events WHERE session_id = ? AND seq = 2', [session.id]);
        const result = await store.verifyChain(session.id);
        expect(result).toMatchObject({ valid: false, events: 4, brokenAt: 2 });
        expect(result.valid === false && result.reason).toMatch(/missing/);
      });

      it('a deleted row with the later rows renumbered', async () => {
        const session = await sessionWithEvents();
        await harness.sql('DELETE FROM audit_events WHERE session_id = ? AND seq = 2', [session.id]);
        for (const seq of [3, 4, 5])
          await harness.sql('UPDATE audit_events SET seq = ? WHERE session_id = ? AND seq = ?', [
            seq - 1,
            session.id,
            seq,
          ]);
        expect(await store.verifyChain(session.id)).toMatchObject({ valid: false, brokenAt: 2 });
      });

      it('rows removed from the end of the chain', async () => {
        const session = await sessionWithEvents();
        await harness.sql('DELETE FROM audit_events WHERE session_id = ? AND seq >= 4', [session.id]);
        expect(await store.verifyChain(session.id)).toMatchObject({ valid: false, events: 3, brokenAt: 4 });
      });

      it('two rows swapped in order', async () => {
        const session = await sessionWithEvents();
        await harness.sqlTransaction([
          ['UPDATE audit_events SET seq = -1 WHERE session_id = ? AND seq = 2', [session.id]],
          ['UPDATE audit_events SET seq = 2 WHERE session_id = ? AND seq = 3', [session.id]],
          ['UPDATE audit_events SET seq = 3 WHERE session_id = ? AND seq = -1', [session.id]],
        ]);
        expect((await store.listEvents(session.id)).map((e) => e.type).slice(1, 3)).toEqual([
          'consent-granted',
          'consent-shown',
        ]);
        expect(await store.verifyChain(session.id)).toMatchObject({ valid: false, events: 5, brokenAt: 2 });
      });

      it('a row whose hash was recomputed (with the key) to match its edit', async () => {
        const session = await sessionWithEvents();
        const target = (await store.listEvents(session.id))[3];
        if (target === undefined) throw new Error('expected a fourth event');
        const forged = { ...target, data: { url: 'https://elsewhere.example/' } };
        const { hash: _oldHash, prevHash, ...fields } = forged;
        await harness.sql('UPDATE audit_events SET data = ?, hash = ? WHERE session_id = ? AND seq = 4', [
          JSON.stringify(forged.data),
          hashAuditEvent(harness.auditKey, prevHash, fields),
          session.id,
        ]);
        // The edited row now hashes correctly, but the next one no longer links to it.
        expect(await store.verifyChain(session.id)).toMatchObject({ valid: false, brokenAt: 5 });
      });

      it('a chain fully recomputed without the key (every row and the recorded head), unkeyed or under a guessed key', async () => {
        const recomputers = [
          (text: string) => createHash('sha256').update(text, 'utf8').digest('hex'),
          (text: string) => createHmac('sha256', 'a-guessed-key').update(text, 'utf8').digest('hex'),
        ];
        for (const recompute of recomputers) {
          const session = await sessionWithEvents();
          let prev = GENESIS_HASH;
          for (const e of await store.listEvents(session.id)) {
            const data = e.seq === 4 ? { url: 'https://elsewhere.example/', title: 'Cart' } : e.data;
            const hash = recompute(
              canonical({
                sessionId: e.sessionId,
                seq: e.seq,
                type: e.type,
                actor: e.actor,
                at: e.at,
                data,
                prevHash: prev,
              }),
            );
            await harness.sql(
              'UPDATE audit_events SET data = ?, prev_hash = ?, hash = ? WHERE session_id = ? AND seq = ?',
              [JSON.stringify(data), prev, hash, session.id, e.seq],
            );
            prev = hash;
          }
          await harness.sql('UPDATE sessions SET audit_head_hash = ? WHERE id = ?', [prev, session.id]);
          expect(await store.verifyChain(session.id)).toMatchObject({
            valid: false,
            brokenAt: 1,
            reason: expect.stringMatching(/altered/),
          });
        }
      });

      it('a row moved to another session', async () => {
        const session = await sessionWithEvents();
        const other = makeSession();
        await store.createSession(other);
        await harness.sql('UPDATE audit_events SET session_id = ? WHERE session_id = ? AND seq = 5', [
          other.id,
          session.id,
        ]);
        expect(await store.verifyChain(session.id)).toMatchObject({ valid: false, brokenAt: 5 });
        expect(await store.verifyChain(other.id)).toMatchObject({ valid: false, brokenAt: 1 });
      });
    });
  });
}
