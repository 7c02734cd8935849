/**
 * The session row edited in the server's SQLite file, as someone with write
 * access to the disk would, and what the API says of the session: the
 * preamble the audit-agent tamper tests shared. Over the wire, nothing of the
 * server imported.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TestServer } from './server.js';
import type { TestSocket } from './ws-client.js';

/** GET `path` with the API key; the status must be 200. */
export async function get(s: TestServer, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.baseUrl}${path}`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Runs `sql` (one `?`, the session id) on the database file directly; it must change exactly one row. */
export function onDisk(s: TestServer, sql: string, id: string): void {
  const db = new Database(join(s.dataDir, 'cobrowse.db'));
  try {
    expect(db.prepare(sql).run(id).changes).toBe(1);
  } finally {
    db.close();
  }
}

/** The customer's socket says hello and grants consent (with leave for a hand-over or not); resolves once the API says granted. */
export async function consentGranted(
  s: TestServer,
  customer: TestSocket,
  session: { sessionId: string; customerToken: string },
  handover: boolean,
): Promise<void> {
  await customer.hello(session.customerToken);
  customer.send({
    t: 'event',
    event: handover ? { kind: 'consent-granted', handover: true } : { kind: 'consent-granted' },
  });
  await expect
    .poll(async () => (await get(s, `/api/sessions/${session.sessionId}`))['consent'], { timeout: 5_000 })
    .toBe('granted');
}

/** POST .../handover to `agent`, as the chat system would. */
export function handOver(s: TestServer, sessionId: string, agent: Record<string, unknown>): Promise<Response> {
  return fetch(`${s.baseUrl}/api/sessions/${sessionId}/handover`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(agent),
  });
}

/** Runs `work` on the server's SQLite file with the audit table's triggers dropped (someone with disk access). */
export function onDiskUnguarded(s: TestServer, work: (db: Database.Database) => void): void {
  const db = new Database(join(s.dataDir, 'cobrowse.db'));
  try {
    const triggers = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
      .all() as { name: string }[];
    for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);
    work(db);
  } finally {
    db.close();
  }
}

export type AuditRead = {
  events: { type: string; data: Record<string, unknown> }[];
  verification: { valid: boolean; reason?: string };
};

/** The agent's socket asks for control; resolves with the audit once it holds that event, and the event. */
export async function afterControlRequest(
  s: TestServer,
  sessionId: string,
  agent: TestSocket,
): Promise<{ audit: AuditRead; requested: AuditRead['events'][number] | undefined }> {
  agent.send({ t: 'event', event: { kind: 'control-requested' } });
  await expect
    .poll(
      async () =>
        ((await get(s, `/api/sessions/${sessionId}/audit`)) as AuditRead).events.some(
          (e) => e.type === 'control-requested',
        ),
      { timeout: 5_000 },
    )
    .toBe(true);
  const audit = (await get(s, `/api/sessions/${sessionId}/audit`)) as AuditRead;
  return { audit, requested: audit.events.find((e) => e.type === 'control-requested') };
}
