/**
 * The chain head's part of the Store contract (red team s11, F3): rows cut
 * off the end of a chain, with or without the session row's head rewound to
 * match, are reported by verifyChain and never linked over by the next
 * append. Both stores run it (store-sqlite.test.ts, store-postgres.test.ts),
 * tampering with raw SQL as someone with write access to the database would.
 * The controls: the untouched chain verifies, and an attacker who holds the
 * audit key can re-sign a rewound head (what the key protects, and no more).
 */
import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEventInput, SessionRecord, Store } from '../../../signaling/store.js';
import { makeSession, type StoreHarness } from './store-contract.js';
import { eachFreshStore } from './store-scope.js';

/** The head's MAC as the threat model defines it, written here rather than imported: sorted-key JSON, HMAC-SHA256. */
function headMac(key: string, sessionId: string, count: number, headHash: string): string {
  const text = `{"count":${count},"headHash":${JSON.stringify(headHash)},"kind":"audit-head","sessionId":${JSON.stringify(sessionId)}}`;
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

function event(type: AuditEventInput['type'], at: number, data: AuditEventInput['data'] = {}): AuditEventInput {
  return { type, actor: type === 'session-created' ? 'api' : 'customer', at, data };
}

export function storeHeadContract(makeHarness: () => Promise<StoreHarness>): void {
  let harness: StoreHarness;
  let store: Store;

  /** created, consent, page, control granted, a remote action: five events on a live session. */
  async function liveSession(): Promise<SessionRecord> {
    const session = makeSession({ status: 'live', startedAt: 2 });
    await store.createSession(session);
    await store.appendEvent(session.id, event('session-created', 1));
    await store.appendEvent(session.id, event('consent-granted', 2));
    await store.appendEvent(
      session.id,
      event('page-visited', 3, { url: 'https://bank.example/transfer', title: null }),
    );
    await store.appendEvent(session.id, event('control-granted', 4));
    await store.appendEvent(session.id, event('remote-action', 5, { action: 'click', target: 'button "Transfer"' }));
    return session;
  }

  async function rewindHead(sessionId: string, keep: number, mac: string | null): Promise<void> {
    const rows = await harness.sql('SELECT hash FROM audit_events WHERE session_id = ? AND seq = ?', [sessionId, keep]);
    const hash = String(rows[0]?.['hash']);
    await harness.sql('UPDATE sessions SET audit_count = ?, audit_head_hash = ? WHERE id = ?', [keep, hash, sessionId]);
    if (mac !== null) await harness.sql('UPDATE sessions SET audit_head_mac = ? WHERE id = ?', [mac, sessionId]);
  }

  async function headHashAt(sessionId: string, seq: number): Promise<string> {
    const rows = await harness.sql('SELECT hash FROM audit_events WHERE session_id = ? AND seq = ?', [sessionId, seq]);
    return String(rows[0]?.['hash']);
  }

  describe('chain head', () => {
    eachFreshStore(makeHarness, (fresh) => ({ harness, store } = fresh));
    beforeEach(async () => {
      await harness.dropAuditTriggers();
    });

    it('an ended session cut to its first 3 events with the head rewound to match, without the key: not valid', async () => {
      const session = await liveSession();
      await store.endSession(session.id, { by: 'customer', reason: 'customer-ended', at: 6 });
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 6 }); // control: untouched
      await harness.sql('DELETE FROM audit_events WHERE session_id = ? AND seq > 3', [session.id]);
      await rewindHead(session.id, 3, null);
      expect((await store.listEvents(session.id)).map((e) => e.type)).toEqual([
        'session-created',
        'consent-granted',
        'page-visited',
      ]);
      expect(await store.verifyChain(session.id)).toMatchObject({
        valid: false,
        events: 3,
        reason: expect.stringMatching(/not signed/),
      });
    });

    it('with the key, a rewound ended session is caught (no ended event); marked live too, only by the witness', async () => {
      const session = await liveSession();
      await store.endSession(session.id, { by: 'customer', reason: 'customer-ended', at: 6 });
      await harness.sql('DELETE FROM audit_events WHERE session_id = ? AND seq > 3', [session.id]);
      await rewindHead(session.id, 3, headMac(harness.auditKey, session.id, 3, await headHashAt(session.id, 3)));
      // A store that did not see the 6 events written (another instance without Redis, a restart) has only the chain.
      const other = await harness.openAnother();
      try {
        expect(await other.verifyChain(session.id)).toMatchObject({
          valid: false,
          reason: expect.stringMatching(/ended/),
        });
        // Control: the oracle is the key. Whoever holds it can sign any head (README: keep the key off the database
        // host); only the witness of the store that wrote the 6 events still tells (audit-witness.ts).
        await harness.sql(
          "UPDATE sessions SET status = 'live', ended_at = NULL, ended_by = NULL, end_reason = NULL WHERE id = ?",
          [session.id],
        );
        expect(await other.verifyChain(session.id)).toEqual({ valid: true, events: 3 });
        expect(await store.verifyChain(session.id)).toMatchObject({
          valid: false,
          reason: expect.stringMatching(/behind the 6/),
        });
      } finally {
        await other.close();
      }
    });

    it('a live session with its newest rows deleted: the next append is refused, the cut stays reported', async () => {
      const session = await liveSession();
      await harness.sql('DELETE FROM audit_events WHERE session_id = ? AND seq >= 4', [session.id]);
      expect(await store.verifyChain(session.id)).toMatchObject({ valid: false, brokenAt: 4 });
      await expect(
        store.appendEvent(session.id, event('page-visited', 6, { url: 'https://bank.example/thanks', title: null })),
      ).rejects.toMatchObject({ name: 'AuditChainBrokenError' });
      expect(await store.verifyChain(session.id)).toMatchObject({ valid: false, events: 3, brokenAt: 4 });
      // Ending still works (the session must close), without linking over the cut.
      const ended = await store.endSession(session.id, { by: 'agent', reason: 'agent-ended', at: 7 });
      expect(ended).toMatchObject({ endedNow: true, session: { status: 'ended' } });
      expect((await store.listEvents(session.id)).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(await store.verifyChain(session.id)).toMatchObject({ valid: false });
    });

    it('a live session cut and its head rewound without the key: appends refused, not valid', async () => {
      const session = await liveSession();
      await harness.sql('DELETE FROM audit_events WHERE session_id = ? AND seq >= 4', [session.id]);
      await rewindHead(session.id, 3, null);
      await expect(store.appendEvent(session.id, event('paused', 6))).rejects.toMatchObject({
        name: 'AuditChainBrokenError',
      });
      expect(await store.verifyChain(session.id)).toMatchObject({
        valid: false,
        reason: expect.stringMatching(/not signed/),
      });
    });

    it('a head whose MAC was removed (set to NULL) is not valid and takes no append', async () => {
      const session = await liveSession();
      await harness.sql('UPDATE sessions SET audit_head_mac = NULL WHERE id = ?', [session.id]);
      expect(await store.verifyChain(session.id)).toMatchObject({ valid: false });
      await expect(store.appendEvent(session.id, event('paused', 6))).rejects.toMatchObject({
        name: 'AuditChainBrokenError',
      });
    });

    it("an ended session's end (who, why, when) rewritten on the session row is not valid (F4)", async () => {
      const edits: [string, unknown][] = [
        ["UPDATE sessions SET ended_by = 'agent' WHERE id = ?", null],
        ["UPDATE sessions SET end_reason = 'agent-ended' WHERE id = ?", null],
        ['UPDATE sessions SET ended_at = ended_at + 3600000 WHERE id = ?', null],
      ];
      for (const [edit] of edits) {
        const session = await liveSession();
        await store.endSession(session.id, { by: 'customer', reason: 'customer-ended', at: 6 });
        expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 6 }); // control
        await harness.sql(edit, [session.id]);
        expect(await store.verifyChain(session.id)).toMatchObject({
          valid: false,
          brokenAt: 6,
          reason: expect.stringMatching(/end/),
        });
      }
    });

    it('an ended session marked open again on the row, or a live one marked ended, is not valid (F4)', async () => {
      const ended = await liveSession();
      await store.endSession(ended.id, { by: 'customer', reason: 'customer-ended', at: 6 });
      await harness.sql(
        "UPDATE sessions SET status = 'live', ended_at = NULL, ended_by = NULL, end_reason = NULL WHERE id = ?",
        [ended.id],
      );
      expect(await store.verifyChain(ended.id)).toMatchObject({ valid: false, reason: expect.stringMatching(/open/) });
      await store.appendEvent(ended.id, event('page-visited', 7, { url: 'https://bank.example/again', title: null }));
      expect(await store.verifyChain(ended.id)).toMatchObject({ valid: false, brokenAt: 7 });

      const live = await liveSession();
      expect(await store.verifyChain(live.id)).toEqual({ valid: true, events: 5 }); // control
      await harness.sql(
        "UPDATE sessions SET status = 'ended', ended_at = 9, ended_by = 'agent', end_reason = 'agent-ended' WHERE id = ?",
        [live.id],
      );
      expect(await store.verifyChain(live.id)).toMatchObject({ valid: false, reason: expect.stringMatching(/ended/) });
    });

    it('an earlier head saved with its MAC and put back, rows after it deleted: not valid, appends refused (the witness)', async () => {
      const session = await liveSession();
      const [saved] = await harness.sql(
        'SELECT audit_count, audit_head_hash, audit_head_mac, audit_bytes FROM sessions WHERE id = ?',
        [session.id],
      );
      await store.appendEvent(session.id, event('page-visited', 6, { url: 'https://bank.example/payee', title: null }));
      await store.appendEvent(session.id, event('remote-action', 7, { action: 'click', target: 'button "Send"' }));
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 7 }); // control: untouched
      await harness.sql('DELETE FROM audit_events WHERE session_id = ? AND seq > 5', [session.id]);
      await harness.sql(
        'UPDATE sessions SET audit_count = ?, audit_head_hash = ?, audit_head_mac = ?, audit_bytes = ? WHERE id = ?',
        [
          saved?.['audit_count'],
          saved?.['audit_head_hash'],
          saved?.['audit_head_mac'],
          saved?.['audit_bytes'],
          session.id,
        ],
      );
      expect(await store.verifyChain(session.id)).toMatchObject({
        valid: false,
        events: 5,
        brokenAt: 6,
        reason: expect.stringMatching(/behind the 7/),
      });
      await expect(store.appendEvent(session.id, event('paused', 8))).rejects.toMatchObject({
        name: 'AuditChainBrokenError',
      });
      // The limit (README): a store that did not see the events written, without a shared witness (another
      // instance without Redis, or this one after a restart), has nothing to tell the earlier head by.
      const other = await harness.openAnother();
      try {
        expect(await other.verifyChain(session.id)).toEqual({ valid: true, events: 5 });
      } finally {
        await other.close();
      }
    });

    it('a head signed for another session is not valid', async () => {
      const session = await liveSession();
      const other = makeSession();
      await store.createSession(other);
      await harness.sql('UPDATE sessions SET audit_head_mac = ? WHERE id = ?', [
        headMac(harness.auditKey, other.id, 5, await headHashAt(session.id, 5)),
        session.id,
      ]);
      expect(await store.verifyChain(session.id)).toMatchObject({ valid: false });
      // Control: the same head signed for its own session.
      await harness.sql('UPDATE sessions SET audit_head_mac = ? WHERE id = ?', [
        headMac(harness.auditKey, session.id, 5, await headHashAt(session.id, 5)),
        session.id,
      ]);
      expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 5 });
    });
  });
}
