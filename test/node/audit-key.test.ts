/**
 * The audit chain is keyed: the key lives outside the database (AUDIT_KEY or
 * DATA_DIR/audit-key, 0600), and GET /audit reports a rewritten chain as
 * invalid even when every hash was recomputed (issue 14).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface AuditAnswer {
  events: { seq: number; type: string; actor: string; at: number; data: Record<string, unknown>; sessionId: string }[];
  verification: { valid: boolean; brokenAt?: number; reason?: string };
}

const auditOf = async (s: TestServer, id: string): Promise<AuditAnswer> =>
  (await (
    await fetch(`${s.baseUrl}/api/sessions/${id}/audit`, { headers: { authorization: `Bearer ${s.apiKey}` } })
  ).json()) as AuditAnswer;

async function endedSession(s: TestServer): Promise<string> {
  const { sessionId } = await createSession(s);
  await fetch(`${s.baseUrl}/api/sessions/${sessionId}/end`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  return sessionId;
}

function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${sortedJson(record[key])}`)
    .join(',')}}`;
}

describe('audit key', () => {
  it('is generated once into DATA_DIR/audit-key (0600) and never written into the database', async () => {
    server = await startTestServer();
    await endedSession(server);
    const keyFile = join(server.dataDir, 'audit-key');
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    for (const file of ['cobrowse.db', 'cobrowse.db-wal']) {
      let bytes = '';
      try {
        bytes = readFileSync(join(server.dataDir, file), 'latin1');
      } catch {
        continue;
      }
      expect(bytes.includes(key)).toBe(false);
    }
  });

  it('a different AUDIT_KEY on the same database reports every existing chain invalid', async () => {
    server = await startTestServer({ AUDIT_KEY: 'first-key-0123456789abcdefghijklmnopqrstuv' });
    const sessionId = await endedSession(server);
    expect((await auditOf(server, sessionId)).verification).toEqual({ valid: true, events: 2 });
    const dataDir = server.dataDir;
    await server.close({ keepData: true });
    server = await startTestServer({ AUDIT_KEY: 'other-key-0123456789abcdefghijklmnopqrstuv' }, { dataDir });
    expect((await auditOf(server, sessionId)).verification).toMatchObject({ valid: false, brokenAt: 1 });
  });

  it('GET /audit says valid: false for an edited row and for a chain recomputed without the key', async () => {
    server = await startTestServer();
    const edited = await endedSession(server);
    const recomputed = await endedSession(server);
    const raw = new Database(join(server.dataDir, 'cobrowse.db'));
    try {
      for (const trigger of ['audit_events_no_update', 'audit_events_no_delete']) raw.exec(`DROP TRIGGER ${trigger}`);
      raw
        .prepare(
          'UPDATE audit_events SET data = \'{"by":"customer","reason":"customer-ended","durationMs":null}\' WHERE session_id = ? AND seq = 2',
        )
        .run(edited);
      let prev = '0'.repeat(64);
      for (const e of (await auditOf(server, recomputed)).events) {
        const hash = createHash('sha256')
          .update(
            sortedJson({
              sessionId: e.sessionId,
              seq: e.seq,
              type: e.type,
              actor: e.actor,
              at: e.at,
              data: e.data,
              prevHash: prev,
            }),
          )
          .digest('hex');
        raw
          .prepare('UPDATE audit_events SET prev_hash = ?, hash = ? WHERE session_id = ? AND seq = ?')
          .run(prev, hash, recomputed, e.seq);
        prev = hash;
      }
      raw.prepare('UPDATE sessions SET audit_head_hash = ? WHERE id = ?').run(prev, recomputed);
    } finally {
      raw.close();
    }
    expect((await auditOf(server, edited)).verification).toMatchObject({ valid: false, brokenAt: 2 });
    expect((await auditOf(server, recomputed)).verification).toMatchObject({ valid: false, brokenAt: 1 });
  });
});
