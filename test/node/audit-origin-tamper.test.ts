/**
 * The session's conversation against its row edited on disk (review s12,
 * A2), over the wire with the SQLite file edited as someone with write access
 * to the database would: the summary (GET /api/sessions/:id, the webhook's
 * source) kept the row's conversation_id, a column no key covers, and the
 * audit verified. Now the summary reads it from the keyed 'session-created'
 * event and verification reports the row. The oracle is the conversation the
 * test created the session in; the control leaves the row alone.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';

const { start } = serverScope();
async function get(server: TestServer, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
  return (await res.json()) as Record<string, unknown>;
}

describe("the summary's conversation against the row edited on disk", () => {
  for (const tamper of [false, true]) {
    it(`conversation_id and created_at ${tamper ? 'moved' : 'untouched (control)'}: the summary keeps the created ones; moved, the audit is not valid`, async () => {
      const server = await start();
      const s = await createSession(server, { conversationId: 'conv-alice', agentName: 'Dana' });
      const before = await get(server, `/api/sessions/${s.sessionId}`);
      if (tamper) {
        const db = new Database(join(server.dataDir, 'cobrowse.db'));
        db.prepare("UPDATE sessions SET conversation_id = 'conv-mallory', created_at = 1000 WHERE id = ?").run(
          s.sessionId,
        );
        db.close();
      }
      const summary = await get(server, `/api/sessions/${s.sessionId}`);
      const audit = (await get(server, `/api/sessions/${s.sessionId}/audit`)) as {
        verification: { valid: boolean; reason?: string };
      };
      expect(summary['conversationId']).toBe('conv-alice');
      expect(summary['createdAt']).toBe(before['createdAt']);
      expect(typeof before['createdAt']).toBe('number');
      expect(audit.verification.valid).toBe(!tamper);
      if (tamper) expect(audit.verification.reason).toMatch(/conversation/);
    });
  }
});
