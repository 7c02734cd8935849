/**
 * The agent's part of the Store contract (red team s11, F4 follow-up): the
 * session row's agent columns (agent_name, agent_id, agent_bot) carry no key,
 * so the summary reads the agent from the chain ('session-created',
 * 'agent-assigned', 'handed-over') and verifyChain reports a row that names
 * another one. Agent changes go through updateSessionWithEvent, both or
 * neither. Both stores run it (store-sqlite.test.ts, store-postgres.test.ts);
 * the row is edited with raw SQL, as someone with write access would. The
 * oracle is the names the test wrote; the controls: untouched rows verify.
 */
import { describe, expect, it } from 'vitest';
import { summarizeSession } from '../../../signaling/audit-summary.js';
import type { AuditEventInput, SessionRecord, Store } from '../../../signaling/store.js';
import { makeSession, type StoreHarness } from './store-contract.js';
import { eachFreshStore } from './store-scope.js';

/** A session created for `agent`, its creation event naming it as the server writes it. */
async function created(store: Store, agent: Pick<SessionRecord, 'agentName' | 'agentId' | 'agentBot'>) {
  const session = makeSession({ ...agent, status: 'live', startedAt: 2 });
  await store.createSession(session);
  await store.appendEvent(session.id, {
    type: 'session-created',
    actor: 'api',
    at: session.createdAt, // one clock reading with the row's, as the server writes them
    data: {
      conversationId: session.conversationId,
      agentName: agent.agentName,
      agentId: agent.agentId,
      agentBot: agent.agentBot === true,
    },
  });
  await store.appendEvent(session.id, { type: 'consent-granted', actor: 'customer', at: 2, data: { handover: true } });
  return session;
}

const assigned = (name: string, id: string): AuditEventInput => ({
  type: 'agent-assigned',
  actor: 'agent',
  at: 3,
  data: { agentId: id, agentName: name, via: 'support-code' },
});

export function storeAgentContract(makeHarness: () => Promise<StoreHarness>): void {
  let harness: StoreHarness;
  let store: Store;

  async function summaryAgent(id: string) {
    const session = await store.getSession(id);
    if (!session) throw new Error(`no session ${id}`);
    const summary = summarizeSession(session, await store.listEvents(id));
    return { agentName: summary.agentName, agentBot: summary.agentBot };
  }

  describe('the agent', () => {
    eachFreshStore(makeHarness, (fresh) => ({ harness, store } = fresh));

    it('listEventsOfTypes reads only the events of those types, in seq order', async () => {
      const session = await created(store, { agentName: 'Dana', agentId: 'agent-dana' });
      await store.appendEvent(session.id, assigned('Eve', 'agent-eve'));
      const all = await store.listEvents(session.id);
      const some = await store.listEventsOfTypes(session.id, ['agent-assigned', 'session-created']);
      expect(some).toEqual(all.filter((e) => e.type !== 'consent-granted')); // oracle: the full read, filtered
      expect(some.map((e) => e.seq)).toEqual([1, 3]);
      expect(await store.listEventsOfTypes(session.id, ['handed-over'])).toEqual([]);
    });

    it('listEventsOfTypes refuses a naming row no key wrote, one edited, and one copied past the head (review s13 A3)', async () => {
      const session = await created(store, { agentName: 'Dana', agentId: 'agent-dana' });
      await store.appendEvent(session.id, assigned('Eve', 'agent-eve'));
      const types = ['session-created', 'agent-assigned'] as const;
      expect((await store.listEventsOfTypes(session.id, types)).map((e) => e.seq)).toEqual([1, 3]); // control
      await harness.dropAuditTriggers();
      const columns = 'session_id, seq, type, actor, at, data, prev_hash, hash';
      // Inserted with any hash after the last row, as during an agent's join.
      await harness.sql(
        `INSERT INTO audit_events (${columns}) SELECT session_id, 99, type, actor, at, ?, prev_hash, ? FROM audit_events WHERE session_id = ? AND seq = 3`,
        ['{"agentId":"agent-mallory","agentName":"Mallory","via":"support-code"}', 'e'.repeat(64), session.id],
      );
      await expect(store.listEventsOfTypes(session.id, types)).rejects.toMatchObject({ name: 'AuditChainBrokenError' });
      await harness.sql('DELETE FROM audit_events WHERE session_id = ? AND seq = 99', [session.id]);
      expect((await store.listEventsOfTypes(session.id, types)).map((e) => e.seq)).toEqual([1, 3]);
      // A keyed row copied past the head (its seq changed) and an edited one fail their own HMAC.
      await harness.sql(
        `INSERT INTO audit_events (${columns}) SELECT session_id, 4, type, actor, at, data, prev_hash, hash FROM audit_events WHERE session_id = ? AND seq = 3`,
        [session.id],
      );
      await expect(store.listEventsOfTypes(session.id, types)).rejects.toMatchObject({ name: 'AuditChainBrokenError' });
      await harness.sql('DELETE FROM audit_events WHERE session_id = ? AND seq = 4', [session.id]);
      await harness.sql(
        `UPDATE audit_events SET data = '{"agentId":"agent-eve","agentName":"Mallory","via":"support-code"}' WHERE session_id = ? AND seq = 3`,
        [session.id],
      );
      await expect(store.listEventsOfTypes(session.id, types)).rejects.toMatchObject({ name: 'AuditChainBrokenError' });
    });

    it("the conversation moved on the row is not valid, and the summary keeps the chain's conversation and creation time (review s12 A2)", async () => {
      for (const edit of [
        "UPDATE sessions SET conversation_id = 'conv-mallory' WHERE id = ?",
        'UPDATE sessions SET conversation_id = NULL WHERE id = ?',
      ]) {
        const session = await created(store, { agentName: 'Dana', agentId: 'agent-dana' });
        expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 2 }); // control
        await harness.sql(edit, [session.id]);
        await harness.sql('UPDATE sessions SET created_at = 5 WHERE id = ?', [session.id]);
        expect(await store.verifyChain(session.id)).toMatchObject({
          valid: false,
          brokenAt: 1,
          reason: expect.stringMatching(/conversation/),
        });
        const row = await store.getSession(session.id);
        if (!row) throw new Error('no session');
        const summary = summarizeSession(row, await store.listEvents(session.id));
        expect({ conversationId: summary.conversationId, createdAt: summary.createdAt }).toEqual({
          conversationId: 'conv-1',
          createdAt: session.createdAt, // the creation event's time, not the row's
        });
      }
    });

    it('the creation time moved on the row is not valid: the lists select and order on it (review s13 L1)', async () => {
      const session = await created(store, { agentName: 'Dana', agentId: 'agent-dana' });
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 2 }); // control
      await harness.sql('UPDATE sessions SET created_at = created_at - 31536000000 WHERE id = ?', [session.id]);
      expect(await store.verifyChain(session.id)).toMatchObject({
        valid: false,
        brokenAt: 1,
        reason: expect.stringMatching(/creation time/),
      });
      // A chain from before the creation event named the agent keeps the row's time unchecked (upgrade).
      const older = makeSession({ status: 'live', startedAt: 2 });
      await store.createSession(older);
      await store.appendEvent(older.id, { type: 'session-created', actor: 'api', at: 1, data: {} });
      await store.appendEvent(older.id, { type: 'consent-granted', actor: 'customer', at: 2, data: {} });
      expect(await store.verifyChain(older.id)).toEqual({ valid: true, events: 2 });
    });

    it('a row marked consented or live without a consent in its chain is not valid (review s13 L1)', async () => {
      for (const status of ['consented', 'live']) {
        const session = makeSession({ agentName: 'Dana', agentId: null });
        await store.createSession(session);
        await store.appendEvent(session.id, {
          type: 'session-created',
          actor: 'api',
          at: session.createdAt,
          data: { conversationId: session.conversationId, agentName: 'Dana', agentId: null, agentBot: false },
        });
        expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 1 }); // control: pending
        await harness.sql('UPDATE sessions SET status = ? WHERE id = ?', [status, session.id]);
        expect(await store.verifyChain(session.id)).toMatchObject({
          valid: false,
          reason: expect.stringContaining(`recorded as ${status} but its chain has no consent`),
        });
      }
    });

    it('each agent column rewritten on the row is not valid, and the summary keeps the created agent', async () => {
      const edits = [
        "UPDATE sessions SET agent_name = 'Mallory' WHERE id = ?",
        "UPDATE sessions SET agent_id = 'agent-mallory' WHERE id = ?",
        'UPDATE sessions SET agent_bot = 1 WHERE id = ?',
        'UPDATE sessions SET agent_name = NULL WHERE id = ?',
      ];
      for (const edit of edits) {
        const session = await created(store, { agentName: 'Dana', agentId: 'agent-dana' });
        expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 2 }); // control
        await harness.sql(edit, [session.id]);
        expect(await store.verifyChain(session.id)).toMatchObject({
          valid: false,
          brokenAt: 1,
          reason: expect.stringMatching(/agent/),
        });
        expect(await summaryAgent(session.id)).toEqual({ agentName: 'Dana', agentBot: false });
      }
    });

    it('a claim and a hand-over change row and chain together; undone on the row, not valid', async () => {
      const claimed = await created(store, { agentName: null, agentId: null });
      const after = await store.updateSessionWithEvent(
        claimed.id,
        { agentName: 'Ada', agentId: 'agent-ada' },
        assigned('Ada', 'agent-ada'),
      );
      expect(after).toMatchObject({ agentName: 'Ada', agentId: 'agent-ada' });
      expect(await store.verifyChain(claimed.id)).toEqual({ valid: true, events: 3 }); // control
      await harness.sql('UPDATE sessions SET agent_name = NULL, agent_id = NULL WHERE id = ?', [claimed.id]);
      expect(await store.verifyChain(claimed.id)).toMatchObject({ valid: false, brokenAt: 3 });
      expect(await summaryAgent(claimed.id)).toEqual({ agentName: 'Ada', agentBot: false });

      const bot = await created(store, { agentName: 'Lumen helper', agentId: null, agentBot: true });
      await store.updateSessionWithEvent(
        bot.id,
        { agentName: 'Ana', agentId: 'agent-ana', agentBot: false },
        {
          type: 'handed-over',
          actor: 'api',
          at: 3,
          data: { fromKind: 'bot', from: 'Lumen helper', toKind: 'person', to: 'Ana', toAgentId: 'agent-ana' },
        },
      );
      expect(await store.verifyChain(bot.id)).toEqual({ valid: true, events: 3 }); // control
      expect(await summaryAgent(bot.id)).toEqual({ agentName: 'Ana', agentBot: false });
      await harness.sql(
        "UPDATE sessions SET agent_name = 'Lumen helper', agent_id = NULL, agent_bot = 1 WHERE id = ?",
        [bot.id],
      );
      expect(await store.verifyChain(bot.id)).toMatchObject({ valid: false, brokenAt: 3 });
      expect(await summaryAgent(bot.id)).toEqual({ agentName: 'Ana', agentBot: false });
    });

    it('updateSessionWithEvent is both or neither: an ended session keeps its agent, a refused condition adds no event', async () => {
      const ended = await created(store, { agentName: 'Dana', agentId: null });
      await store.endSession(ended.id, { by: 'customer', reason: 'customer-ended', at: 4 });
      await expect(
        store.updateSessionWithEvent(
          ended.id,
          { agentName: 'Ada', agentId: 'agent-ada' },
          assigned('Ada', 'agent-ada'),
        ),
      ).rejects.toMatchObject({ name: 'SessionEndedError' });
      expect(await store.getSession(ended.id)).toMatchObject({ agentName: 'Dana', agentId: null });
      expect(await store.verifyChain(ended.id)).toEqual({ valid: true, events: 3 });

      const live = await created(store, { agentName: 'Dana', agentId: null });
      const refused = await store.updateSessionWithEvent(
        live.id,
        { agentName: 'Ada' },
        assigned('Ada', 'agent-ada'),
        () => false,
      );
      expect(refused).toBeUndefined();
      expect((await store.listEvents(live.id)).map((e) => e.type)).toEqual(['session-created', 'consent-granted']);
      expect(await store.verifyChain(live.id)).toEqual({ valid: true, events: 2 });
    });

    it('a chain from before its creation event named the agent keeps the row’s, and verifies (upgrade)', async () => {
      const session = makeSession({ agentName: 'Dana' });
      await store.createSession(session);
      await store.appendEvent(session.id, {
        type: 'session-created',
        actor: 'api',
        at: 1,
        data: { conversationId: session.conversationId }, // as the server has always written it
      });
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 1 });
      expect(await summaryAgent(session.id)).toEqual({ agentName: 'Dana', agentBot: false });
    });
  });
}
