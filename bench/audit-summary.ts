/**
 * The session summary at the audit cap (AUDIT_MAX_EVENTS, default 5,000):
 * every summary reads and folds the whole chain (listEvents, then
 * summarizeSession), as does verification. This fills one SQLite session to
 * the cap with page visits and remote actions of typical size, then times
 * (median of 15, after 3 warm-up runs, process CPU) listEvents, the fold,
 * the whole summary and verifyChain, and listEvents' two parts: the rows'
 * SELECT alone and their parse (eventFromRow). A page of the session list was up to 50
 * (at most 200) such summaries; its entries now read a digest (audit-digest.ts: digestMs,
 * listEntryMs with the session row and the fold).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { listEntry } from '../signaling/audit-digest.js';
import { summarizeSession } from '../signaling/audit-summary.js';
import { eventFromRow } from '../signaling/store-rows.js';
import { openSqliteStore } from '../signaling/sqlite-store.js';
import { hashToken, type AuditEventInput, type SessionRecord } from '../signaling/store.js';
import { catalogueEvent } from './catalogue-events.js';
import { quantile } from './stats.js';

const RUNS = 15;
const WARM_UP = 3;

function cpuMs(work: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  return work().then(() => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  });
}

async function median(work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARM_UP; i += 1) await work();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) samples.push(await cpuMs(work));
  return quantile(samples, 0.5);
}

export async function main(events: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-bench-audit-'));
  const store = openSqliteStore({
    dataDir,
    auditKey: 'bench-audit-key-0123456789abcdefghijklmnop',
    auditLimits: { maxEvents: events + 64, maxBytes: 64 * 1024 * 1024 },
  });
  try {
    const now = Date.now();
    const session: SessionRecord = {
      id: 'bench-session',
      conversationId: 'conv',
      agentName: 'Ada',
      agentId: 'agent-ada',
      metadata: {},
      customerTokenHash: hashToken('c'),
      agentTokenHash: hashToken('a'),
      createdAt: now,
      expiresAt: now + 3_600_000,
      status: 'live',
      startedAt: now,
      endedAt: null,
      endedBy: null,
      endReason: null,
      controlGranted: true,
    };
    await store.createSession(session);
    const created: AuditEventInput = {
      type: 'session-created',
      actor: 'api',
      at: now,
      data: { conversationId: 'conv', agentName: 'Ada', agentId: 'agent-ada', agentBot: false },
    };
    await store.appendEvent(session.id, created);
    await store.appendEvent(session.id, { type: 'consent-granted', actor: 'customer', at: now + 1, data: {} });
    for (let i = 2; i < events; i += 1) {
      await store.appendEvent(session.id, catalogueEvent(i, now, 'customer'));
    }
    const stored = await store.listEvents(session.id);
    const summary = async () => {
      const record = await store.getSession(session.id);
      if (!record) throw new Error('no session');
      return summarizeSession(record, await store.listEvents(session.id));
    };
    const listed = async () => {
      const record = await store.getSession(session.id);
      if (!record) throw new Error('no session');
      return listEntry(record, await store.auditDigest(session.id));
    };
    const raw = new Database(join(dataDir, 'cobrowse.db'), { readonly: true });
    const select = raw.prepare(
      'SELECT session_id, seq, type, actor, at, data, prev_hash, hash FROM audit_events WHERE session_id = ? ORDER BY seq',
    );
    const rows: unknown[] = select.all(session.id);
    const result = {
      events: stored.length,
      selectRowsMs: await median(async () => select.all(session.id)),
      parseRowsMs: await median(async () => rows.map((row) => eventFromRow(row))),
      listEventsMs: await median(() => store.listEvents(session.id)),
      foldMs: await median(async () => summarizeSession(session, stored)),
      summaryMs: await median(summary),
      // What one entry of GET /api/sessions costs (audit-digest.ts): before, summaryMs.
      digestMs: await median(() => store.auditDigest(session.id)),
      listEntryMs: await median(listed),
      verifyChainMs: await median(() => store.verifyChain(session.id)),
    };
    raw.close();
    console.log(JSON.stringify(result));
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
