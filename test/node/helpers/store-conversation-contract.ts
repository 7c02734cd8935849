/**
 * The conversation filter's part of the Store contract (listByConversation,
 * listSessions' conversationId): a session belongs to the conversation its
 * keyed chain was created for ('session-created'), not to the row's
 * conversation_id, a column no key covers; the row's only where the chain
 * does not say (no creation event, or one without the field: sessions made
 * before the chain recorded it). Both stores run it (store-sqlite.test.ts,
 * store-postgres.test.ts); rows are edited with raw SQL, as someone with
 * write access would. Oracles: the conversation the test created each session
 * for, and the summary's (summarizeSession folds the whole chain, no SQL);
 * controls: untouched sessions, and the legacy fallbacks that still read the row.
 */
import { describe, expect, it } from 'vitest';
import { summarizeSession } from '../../../signaling/audit-summary.js';
import type { AuditEventInput, SessionRecord, Store } from '../../../signaling/store.js';
import { makeSession, type StoreHarness } from './store-contract.js';
import { eachFreshStore } from './store-scope.js';

/** As the server writes it: the event's time is the row's created_at (one clock reading). */
const creation = (data: AuditEventInput['data'], at: number): AuditEventInput => ({
  type: 'session-created',
  actor: 'api',
  at,
  data,
});

export function storeConversationContract(makeHarness: () => Promise<StoreHarness>): void {
  let harness: StoreHarness;
  let store: Store;

  /** A session made for `conversationId`, its creation event naming it as the server writes it (or `data`). */
  async function created(
    conversationId: string | null,
    data: AuditEventInput['data'] | null = { conversationId, agentName: 'Ada', agentId: null, agentBot: false },
  ): Promise<SessionRecord> {
    const session = makeSession({ conversationId });
    await store.createSession(session);
    if (data !== null) await store.appendEvent(session.id, creation(data, session.createdAt));
    return session;
  }

  /** Both ways of listing a conversation, as ids; they must agree. */
  async function listed(conversationId: string): Promise<string[]> {
    const byConversation = (await store.listByConversation(conversationId)).map((s) => s.id);
    const filtered = (await store.listSessions({ conversationId, limit: 200 })).sessions.map((s) => s.id);
    expect(new Set(filtered)).toEqual(new Set(byConversation));
    return byConversation.sort();
  }

  async function summaryConversation(id: string): Promise<string | null> {
    const row = await store.getSession(id);
    if (!row) throw new Error(`no session ${id}`);
    return summarizeSession(row, await store.listEvents(id)).conversationId;
  }

  describe('the conversation filter', () => {
    eachFreshStore(makeHarness, (fresh) => {
      ({ harness, store } = fresh);
    });

    it('a session moved to another conversation on the row stays listed in the one its chain was created for', async () => {
      const alice = await created('conv-alice');
      const bob = await created('conv-bob');
      const nulled = await created('conv-carol');
      expect(await listed('conv-alice')).toEqual([alice.id]); // control: untouched
      expect(await listed('conv-bob')).toEqual([bob.id]);
      expect(await listed('conv-carol')).toEqual([nulled.id]);

      await harness.sql("UPDATE sessions SET conversation_id = 'conv-bob' WHERE id = ?", [alice.id]);
      await harness.sql('UPDATE sessions SET conversation_id = NULL WHERE id = ?', [nulled.id]);
      expect(await listed('conv-alice')).toEqual([alice.id]);
      expect(await listed('conv-bob')).toEqual([bob.id]);
      expect(await listed('conv-carol')).toEqual([nulled.id]);
      for (const session of [alice, bob, nulled])
        expect(await summaryConversation(session.id)).toBe(session.conversationId);
      // The audit still reports the moved rows (99ca0c7); the untouched one verifies.
      expect(await store.verifyChain(alice.id)).toMatchObject({ valid: false, reason: expect.stringMatching(/conv/) });
      expect(await store.verifyChain(nulled.id)).toMatchObject({ valid: false });
      expect(await store.verifyChain(bob.id)).toMatchObject({ valid: true });
    });

    it('a second creation event inserted after the first does not move it (the first names the conversation)', async () => {
      const alice = await created('conv-alice');
      const events = await store.listEvents(alice.id);
      const head = events.at(-1);
      if (!head) throw new Error('no event');
      // An INSERT passes the append-only triggers; its hash is not the key's, so the chain does not verify.
      await harness.sql(
        'INSERT INTO audit_events (session_id, seq, type, actor, at, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          alice.id,
          head.seq + 1,
          'session-created',
          'api',
          2,
          JSON.stringify({ conversationId: 'conv-mallory' }),
          head.hash,
          'f'.repeat(64),
        ],
      );
      expect(await listed('conv-mallory')).toEqual([]);
      expect(await listed('conv-alice')).toEqual([alice.id]);
      expect(await summaryConversation(alice.id)).toBe('conv-alice');
      expect(await store.verifyChain(alice.id)).toMatchObject({ valid: false });
    });

    it('the creation event rewritten on disk moves the listing with the summary, and the audit is not valid', async () => {
      const alice = await created('conv-alice');
      await harness.dropAuditTriggers();
      await harness.sql("UPDATE audit_events SET data = ? WHERE session_id = ? AND type = 'session-created'", [
        JSON.stringify({ conversationId: 'conv-mallory', agentName: 'Ada', agentId: null, agentBot: false }),
        alice.id,
      ]);
      // What the list says is what the summary says, and verification reports it.
      expect(await summaryConversation(alice.id)).toBe('conv-mallory');
      expect(await listed('conv-mallory')).toEqual([alice.id]);
      expect(await listed('conv-alice')).toEqual([]);
      expect(await store.verifyChain(alice.id)).toMatchObject({ valid: false });
    });

    it('a creation event naming a conversation that is not a string puts the session in none, as its summary', async () => {
      const nonString = await created('conv-odd', { conversationId: 7 });
      const none = await created(null);
      expect(await summaryConversation(nonString.id)).toBeNull();
      expect(await summaryConversation(none.id)).toBeNull();
      expect(await listed('conv-odd')).toEqual([]);
      expect(await listed('7')).toEqual([]);
    });

    it("controls: where the chain does not name a conversation, the row's is used", async () => {
      const legacy = await created('conv-old', null); // no creation event
      const withoutField = await created('conv-old', { agentName: 'Ada' }); // a creation event before 449231a
      const named = await created('conv-old');
      expect(await listed('conv-old')).toEqual([legacy.id, withoutField.id, named.id].sort());
      for (const session of [legacy, withoutField, named])
        expect(await summaryConversation(session.id)).toBe('conv-old');

      // The legacy ones follow their row, as their summary does (nothing keyed says otherwise).
      await harness.sql("UPDATE sessions SET conversation_id = 'conv-new' WHERE id IN (?, ?)", [
        legacy.id,
        withoutField.id,
      ]);
      expect(await listed('conv-new')).toEqual([legacy.id, withoutField.id].sort());
      expect(await summaryConversation(legacy.id)).toBe('conv-new');
    });

    it('pages of a conversation neither skip nor repeat, newest first, with other filters', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await created('conv-paged')).id);
      await created('conv-other');
      // Moved away on the row: still in conv-paged, and in its place by creation time.
      await harness.sql("UPDATE sessions SET conversation_id = 'conv-other' WHERE id = ?", [ids[2]]);
      const seen: string[] = [];
      let after: { createdAt: number; id: string } | undefined;
      for (;;) {
        const page = await store.listSessions({ conversationId: 'conv-paged', limit: 2, ...(after ? { after } : {}) });
        seen.push(...page.sessions.map((s) => s.id));
        if (page.next === null) break;
        after = page.next;
      }
      expect(seen).toEqual([...ids].reverse());
      expect(
        (await store.listSessions({ conversationId: 'conv-paged', status: ['ended'], limit: 10 })).sessions,
      ).toEqual([]);
    });
  });
}
