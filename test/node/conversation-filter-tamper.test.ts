/**
 * The session lists' conversation filter against the SQLite file edited as
 * someone with write access would (closing note s12, "Left" 5): the filter
 * selected on the row's conversation_id, a column no key covers, so a session
 * moved there on disk was listed under the other conversation (its audit then
 * invalid). Now both lists (`GET /api/sessions?conversation=`, `GET
 * /api/conversations/:id/sessions`) select on the conversation the keyed
 * chain was created for. Over the wire on the real server; the oracle is the
 * conversation the test created each session in (and, for a rewritten chain,
 * what GET /api/sessions/:id says); the control leaves the file alone. Plus
 * SQLite's query plan: the filter searches indexes, never scans a table.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conversationClause } from '../../signaling/chain-conversation-sql.js';
import { sessionListSql } from '../../signaling/session-list.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';

const { start } = serverScope();
async function get(server: TestServer, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** The ids both lists give for a conversation; they must agree. */
async function listed(server: TestServer, conversation: string): Promise<string[]> {
  const filtered = (await get(server, `/api/sessions?conversation=${conversation}`)) as {
    sessions: { sessionId: string; conversationId: string | null }[];
  };
  const own = (await get(server, `/api/conversations/${conversation}/sessions`)) as {
    sessions: { sessionId: string; conversationId: string | null }[];
  };
  expect(own.sessions).toEqual(filtered.sessions);
  // Every entry listed under a conversation says that conversation.
  for (const entry of own.sessions) expect(entry.conversationId).toBe(conversation);
  return own.sessions.map((entry) => entry.sessionId);
}

function edit(server: TestServer, work: (db: Database.Database) => void): void {
  const db = new Database(join(server.dataDir, 'cobrowse.db'));
  try {
    work(db);
  } finally {
    db.close();
  }
}

describe("the lists' conversation filter against the file edited on disk", () => {
  for (const tamper of [false, true]) {
    it(`a session's row ${tamper ? 'moved to another conversation: it stays listed where it was created' : 'untouched (control)'}`, async () => {
      const server = await start();
      const alice = await createSession(server, { conversationId: 'conv-alice', agentName: 'Dana' });
      const bob = await createSession(server, { conversationId: 'conv-bob', agentName: 'Dana' });
      if (tamper)
        edit(server, (db) => {
          db.prepare("UPDATE sessions SET conversation_id = 'conv-bob' WHERE id = ?").run(alice.sessionId);
        });
      expect(await listed(server, 'conv-alice')).toEqual([alice.sessionId]);
      expect(await listed(server, 'conv-bob')).toEqual([bob.sessionId]);
      const audit = (await get(server, `/api/sessions/${alice.sessionId}/audit`)) as {
        verification: { valid: boolean };
      };
      expect(audit.verification.valid).toBe(!tamper);
    });
  }

  it('the creation event rewritten: listed where the chain now says, as the summary says, and the audit is not valid', async () => {
    const server = await start();
    const alice = await createSession(server, { conversationId: 'conv-alice', agentName: 'Dana' });
    edit(server, (db) => {
      db.exec('DROP TRIGGER audit_events_no_update');
      const row = db
        .prepare("SELECT data FROM audit_events WHERE session_id = ? AND type = 'session-created'")
        .get(alice.sessionId) as { data: string };
      const data = { ...(JSON.parse(row.data) as Record<string, unknown>), conversationId: 'conv-mallory' };
      db.prepare("UPDATE audit_events SET data = ? WHERE session_id = ? AND type = 'session-created'").run(
        JSON.stringify(data),
        alice.sessionId,
      );
    });
    expect((await get(server, `/api/sessions/${alice.sessionId}`))['conversationId']).toBe('conv-mallory');
    expect(await listed(server, 'conv-mallory')).toEqual([alice.sessionId]);
    expect(await listed(server, 'conv-alice')).toEqual([]);
    const audit = (await get(server, `/api/sessions/${alice.sessionId}/audit`)) as {
      verification: { valid: boolean };
    };
    expect(audit.verification.valid).toBe(false);
  });

  it('searches indexes on SQLite: neither list scans the sessions or the audit table', async () => {
    const server = await start();
    await createSession(server, { conversationId: 'conv-alice' });
    const db = new Database(join(server.dataDir, 'cobrowse.db'), { readonly: true });
    try {
      const plan = (sql: string, params: unknown[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((step) => step.detail);
      const byConversation = plan(
        `SELECT id FROM sessions WHERE ${conversationClause('sqlite', () => '?')} ORDER BY created_at DESC, rowid DESC`,
        Array(5).fill('conv-alice'),
      );
      const list = sessionListSql({ conversationId: 'conv-alice', status: ['ended'], limit: 50 }, () => '?', 'sqlite');
      const filtered = plan(
        `SELECT id FROM sessions ${list.where} ORDER BY created_at DESC, id DESC LIMIT ${list.limit}`,
        list.params,
      );
      for (const steps of [byConversation, filtered]) {
        expect(steps.filter((detail) => /^SCAN (sessions|audit_events)\b/.test(detail))).toEqual([]);
        expect(steps).toEqual(
          expect.arrayContaining([expect.stringMatching(/USING INDEX audit_events_created_conversation/)]),
        );
      }
      // Control: the filter on the row's column alone over all sessions by creation time shows a scan.
      expect(plan('SELECT id FROM sessions WHERE agent_bot = 1', [])).toEqual([
        expect.stringMatching(/^SCAN sessions/),
      ]);
    } finally {
      db.close();
    }
  });
});
