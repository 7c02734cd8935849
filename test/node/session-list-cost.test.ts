/**
 * The session list (GET /api/sessions) reads a few rows of each session's
 * audit, not the whole chain: a summary at the audit cap parses every row
 * (bench/audit-summary.mjs: 20-24 ms at 5,000), and a page of 50 capped
 * sessions blocked the process for about a second. The real server on real
 * SQLite; the oracle counts the audit rows the store hands back (listEvents
 * and auditDigest, every path that parses rows), not time, and checks each
 * entry against the raw events of GET .../audit (not the fold under test).
 * Control: one full summary of the same session reads every row. And what the
 * list shows stays checkable: a row it shows, rewritten on disk, fails the
 * audit's verification.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { digestSql } from '../../signaling/audit-digest.js';
import { AuditLimitError, type AuditEventInput } from '../../signaling/store.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const CAP = 400;
const SESSIONS = 4;

const get = async (s: TestServer, path: string): Promise<Record<string, unknown>> => {
  const res = await fetch(`${s.baseUrl}${path}`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

/** Audit rows the store parses and hands back, on every path that reads rows. */
function countRows(s: TestServer): { rows: number; fullReads: number } {
  const store = s.app.cobrowse.store;
  const read = { rows: 0, fullReads: 0 };
  const listEvents = store.listEvents.bind(store);
  store.listEvents = async (sessionId) => {
    const events = await listEvents(sessionId);
    read.fullReads += 1;
    read.rows += events.length;
    return events;
  };
  const auditDigest = store.auditDigest.bind(store);
  store.auditDigest = async (sessionId) => {
    const digest = await auditDigest(sessionId);
    read.rows += digest.events.length;
    return digest;
  };
  return read;
}

/** A session filled to the cap as a long live session fills it: consent, control, pages and actions. */
async function cappedSession(s: TestServer, index: number, conversationId = `conv-${index}`): Promise<string> {
  const { sessionId } = await createSession(s, { conversationId, agentName: `Agent ${index}` });
  const store = s.app.cobrowse.store;
  const at = Date.now();
  await store.appendEvent(sessionId, { type: 'consent-granted', actor: 'customer', at, data: {} });
  await store.appendEvent(sessionId, { type: 'control-requested', actor: 'agent', at, data: {} });
  await store.appendEvent(sessionId, { type: 'control-granted', actor: 'customer', at, data: {} });
  for (let i = 0; ; i += 1) {
    const event: AuditEventInput =
      i % 2 === 0
        ? { type: 'page-visited', actor: 'customer', at: at + i, data: { url: `https://shop.example/p/${index}-${i}` } }
        : { type: 'remote-action', actor: 'agent', at: at + i, data: { action: 'click', target: `button ${i}` } };
    try {
      await store.appendEvent(sessionId, event);
    } catch (error) {
      if (error instanceof AuditLimitError) return sessionId;
      throw error;
    }
  }
}

interface AuditAnswer {
  events: { type: string; data: Record<string, unknown>; hash: string }[];
  verification: { valid: boolean };
}

describe('the session list, over capped audits', () => {
  it('reads a few rows per session, never every event; each entry matches the raw audit', async () => {
    server = await startTestServer({ AUDIT_MAX_EVENTS: String(CAP) });
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i += 1) ids.push(await cappedSession(server, i));
    const ended = ids[0]!;
    expect(
      (
        await fetch(`${server.baseUrl}/api/sessions/${ended}/end`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.apiKey}` },
        })
      ).status,
    ).toBe(200);

    const read = countRows(server);
    const list = (await get(server, '/api/sessions?limit=50')) as { sessions: Record<string, unknown>[] };
    expect(new Set(list.sessions.map((entry) => entry['sessionId']))).toEqual(new Set(ids));
    expect(read.fullReads).toBe(0);
    // A creation, consent, control and the last page: a handful, against CAP rows each.
    expect(read.rows).toBeLessThanOrEqual(8 * SESSIONS);

    for (const entry of list.sessions) {
      const id = String(entry['sessionId']);
      const audit = (await get(server, `/api/sessions/${id}/audit`)) as unknown as AuditAnswer;
      expect(audit.verification.valid).toBe(true);
      const pages = audit.events.filter((event) => event.type === 'page-visited');
      const index = ids.indexOf(id);
      expect(entry).toMatchObject({
        conversationId: `conv-${index}`,
        agentName: `Agent ${index}`,
        consent: 'granted',
        controlGranted: true,
        status: id === ended ? 'ended' : 'pending',
        endedBy: id === ended ? 'api' : null,
        auditEvents: audit.events.length,
        auditHeadHash: audit.events.at(-1)?.hash,
        pageCount: pages.length,
        lastPage: { url: pages.at(-1)?.data['url'] },
      });
      expect(audit.events.some((event) => event.type === 'audit-limit')).toBe(true);
      // The lists that grow with the session stay with GET /api/sessions/:id.
      expect(Object.keys(entry)).not.toEqual(expect.arrayContaining(['pagesVisited']));
      expect(entry).not.toHaveProperty('remoteActions');
      expect(entry).not.toHaveProperty('controlEvents');
    }

    // Control: the counter sees a full read; one summary parses every row of its session.
    const before = read.rows;
    const summary = await get(server, `/api/sessions/${ids[1]}`);
    const summaryRows = read.rows - before;
    const audit = (await get(server, `/api/sessions/${ids[1]}/audit`)) as unknown as AuditAnswer;
    expect(summaryRows).toBe(audit.events.length);
    expect((summary['pagesVisited'] as unknown[]).length).toBe(
      list.sessions.find((e) => e['sessionId'] === ids[1])?.['pageCount'],
    );
  });

  it("reads a few rows per session for a conversation's sessions too (the chat system's and the demo desk's)", async () => {
    server = await startTestServer({ AUDIT_MAX_EVENTS: String(CAP) });
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i += 1) ids.push(await cappedSession(server, i, 'demo-capped'));
    const read = countRows(server);
    const rest = (await get(server, '/api/conversations/demo-capped/sessions')) as {
      sessions: Record<string, unknown>[];
    };
    const desk = (await get(server, '/demo/api/conversations/capped/sessions')) as {
      sessions: Record<string, unknown>[];
    };
    expect(read.fullReads).toBe(0);
    expect(read.rows).toBeLessThanOrEqual(2 * 8 * SESSIONS);
    // Newest first, as before.
    expect(rest.sessions.map((entry) => entry['sessionId'])).toEqual([...ids].reverse());
    expect(desk.sessions.map((entry) => entry['sessionId'])).toEqual([...ids].reverse());
    for (const [index, id] of ids.entries()) {
      const audit = (await get(server, `/api/sessions/${id}/audit`)) as unknown as AuditAnswer;
      const pages = audit.events.filter((event) => event.type === 'page-visited');
      expect(rest.sessions.find((entry) => entry['sessionId'] === id)).toMatchObject({
        conversationId: 'demo-capped',
        agentName: `Agent ${index}`,
        consent: 'granted',
        controlGranted: true,
        status: 'pending',
        auditEvents: audit.events.length,
        auditHeadHash: audit.events.at(-1)?.hash,
        pageCount: pages.length,
        lastPage: { url: pages.at(-1)?.data['url'] },
      });
      expect(desk.sessions.find((entry) => entry['sessionId'] === id)).toMatchObject({
        status: 'pending',
        consent: 'granted',
        controlGranted: true,
        agentName: `Agent ${index}`,
        lastPage: pages.at(-1)?.data['url'],
      });
    }
    for (const entry of rest.sessions) {
      expect(entry).not.toHaveProperty('pagesVisited');
      expect(entry).not.toHaveProperty('remoteActions');
      expect(entry).not.toHaveProperty('controlEvents');
    }
  });

  it('searches the type index on SQLite: no statement of the digest scans the audit table', async () => {
    server = await startTestServer();
    const { sessionId } = await createSession(server);
    const db = new Database(join(server.dataDir, 'cobrowse.db'), { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${digestSql('@id')}`).all({ id: sessionId }) as { detail: string }[];
      const reads = plan.map((step) => step.detail).filter((detail) => /audit_events/.test(detail));
      // Every read of the table is a search; the picked rows each by (session, type) (an IN list made SQLite
      // read the session's rows by seq); the two counts on covering indexes; the last hash by seq, LIMIT 1.
      expect(reads.filter((detail) => !detail.startsWith('SEARCH audit_events'))).toEqual([]);
      expect(
        reads.filter((detail) => detail.startsWith('SEARCH audit_events USING INDEX audit_events_by_type ')),
      ).toHaveLength(8);
      expect(reads.filter((detail) => detail.includes('COVERING INDEX'))).toHaveLength(2);
      expect(reads).toHaveLength(11);
      // Control: a statement that reads the whole table shows as a scan.
      const all = db.prepare('EXPLAIN QUERY PLAN SELECT * FROM audit_events').all() as { detail: string }[];
      expect(all.map((step) => step.detail)).toEqual([expect.stringMatching(/^SCAN audit_events/)]);
    } finally {
      db.close();
    }
  });

  for (const [name, path] of [
    ['the list', '/api/sessions'],
    ["the conversation's sessions", '/api/conversations/conv-checked/sessions'],
  ] as const)
    it(`what ${name} shows stays checkable: its last page rewritten on disk shows, and fails verification`, async () => {
      server = await startTestServer();
      const { sessionId } = await createSession(server, { conversationId: 'conv-checked' });
      const store = server.app.cobrowse.store;
      const at = Date.now();
      await store.appendEvent(sessionId, {
        type: 'page-visited',
        actor: 'customer',
        at,
        data: { url: 'https://shop.example/a' },
      });
      await store.appendEvent(sessionId, {
        type: 'page-visited',
        actor: 'customer',
        at,
        data: { url: 'https://shop.example/b' },
      });
      const entry = async () => ((await get(server!, path)) as { sessions: Record<string, unknown>[] }).sessions[0];
      expect(await entry()).toMatchObject({ pageCount: 2, lastPage: { url: 'https://shop.example/b' } });
      expect(
        ((await get(server, `/api/sessions/${sessionId}/audit`)) as unknown as AuditAnswer).verification.valid,
      ).toBe(true);

      const db = new Database(join(server.dataDir, 'cobrowse.db'));
      try {
        db.exec('DROP TRIGGER audit_events_no_update');
        const changed = db
          .prepare(
            "UPDATE audit_events SET data = ? WHERE session_id = ? AND type = 'page-visited' AND data LIKE '%/b%'",
          )
          .run(JSON.stringify({ url: 'https://shop.example/forged' }), sessionId).changes;
        expect(changed).toBe(1);
      } finally {
        db.close();
      }
      expect(await entry()).toMatchObject({ lastPage: { url: 'https://shop.example/forged' } });
      expect(
        ((await get(server, `/api/sessions/${sessionId}/audit`)) as unknown as AuditAnswer).verification.valid,
      ).toBe(false);
    });
});
