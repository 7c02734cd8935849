/**
 * Review s13 L1 and L2, over the wire with the SQLite file edited as someone
 * with write access would.
 * L1: the session lists select and order on the row's created_at, which no key
 * covers; moved back a year, the session left today's list and its audit
 * verified. Verification now holds the column to the 'session-created' event's
 * time (one clock reading when the server creates a session).
 * L2: a session deleted whole (its rows and its row) answered 404, although the
 * witness of this very process remembers its events; now the audit route
 * reports it as tampered.
 * The oracle is what the test did (when it created the session, the events it
 * sent); the controls leave the file alone, and an id never written is 404.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';

const { start, open } = serverScope();
type Audit = {
  events: { type: string }[];
  verification: { valid: boolean; reason?: string };
};

function onDisk(s: TestServer, edit: (db: Database.Database) => void): void {
  const db = new Database(join(s.dataDir, 'cobrowse.db'));
  try {
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[];
    for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);
    edit(db);
  } finally {
    db.close();
  }
}

const api = (s: TestServer, path: string) =>
  fetch(`${s.baseUrl}${path}`, { headers: { authorization: `Bearer ${s.apiKey}` } });

/** A session with consent and control granted; resolves once its audit holds the 3 events. */
async function consentedSession(server: TestServer) {
  const session = await createSession(server, { agentName: 'Dana', conversationId: 'conv-7' });
  const customer = await open(server);
  await customer.hello(session.customerToken);
  customer.send({ t: 'event', event: { kind: 'consent-granted' } });
  customer.send({ t: 'event', event: { kind: 'control-granted' } });
  await expect
    .poll(
      async () =>
        ((await (await api(server, `/api/sessions/${session.sessionId}/audit`)).json()) as Audit).events.length,
      { timeout: 5_000 },
    )
    .toBe(3);
  return session; // the customer stays connected: its departure would add an event
}

describe('facts of the session row no key covers', () => {
  for (const tamper of [false, true]) {
    it(`L1: created_at ${tamper ? 'moved back a year on disk: the audit is not valid' : 'untouched (control): listed today, valid'}`, async () => {
      const server = await start();
      const from = Date.now() - 60_000;
      const session = await consentedSession(server);
      if (tamper) {
        onDisk(server, (db) =>
          db
            .prepare('UPDATE sessions SET created_at = created_at - ? WHERE id = ?')
            .run(365 * 86_400_000, session.sessionId),
        );
      }
      const list = (await (await api(server, `/api/sessions?from=${from}`)).json()) as {
        sessions: { sessionId: string }[];
      };
      const audit = (await (await api(server, `/api/sessions/${session.sessionId}/audit`)).json()) as Audit;
      const listed = list.sessions.some((s) => s.sessionId === session.sessionId);
      // Left out of the day's list (the list selects on the column), it must fail its audit.
      expect({ listed, valid: audit.verification.valid }).toEqual({ listed: !tamper, valid: !tamper });
      if (tamper) expect(audit.verification.reason).toMatch(/creation time/);
    });
  }

  for (const tamper of [false, true]) {
    it(`L2: ${tamper ? 'a session deleted whole on disk is reported as tampered, not unknown' : 'control: untouched, valid; an id never written is 404'}`, async () => {
      const server = await start();
      const session = await consentedSession(server);
      if (tamper) {
        onDisk(server, (db) => {
          db.pragma('foreign_keys = OFF');
          db.prepare('DELETE FROM audit_events WHERE session_id = ?').run(session.sessionId);
          db.prepare('DELETE FROM sessions WHERE id = ?').run(session.sessionId);
        });
      }
      const res = await api(server, `/api/sessions/${session.sessionId}/audit`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Audit;
      if (tamper) {
        expect(body.verification).toMatchObject({ valid: false, reason: expect.stringContaining('3 events') });
        expect(body.verification.reason).toMatch(/deleted whole/);
      } else {
        expect(body.verification).toEqual({ valid: true, events: 3 });
      }
      expect((await api(server, '/api/sessions/00000000-0000-4000-8000-000000000000/audit')).status).toBe(404);
    });
  }
});
