/**
 * What an entry of the session list (`GET /api/sessions`) reads of a
 * session's audit: a few rows of its keyed chain picked by type through the
 * (session_id, type, seq) index, never the whole chain. A summary at the
 * audit cap parses 5,000 rows (bench/audit-summary.mjs: 20-24 ms), so a
 * page of 50 capped sessions blocked the process for about a second.
 *
 * The entry is the summary (audit-summary.ts) folded from those rows, without
 * the lists that grow with the session (pages visited, control events, remote
 * actions): the number of pages and the last one instead. The rows are the
 * ones the full summary would read for the same fields, as unverified as
 * there; the chain's verification (`GET /api/sessions/:id/audit`) covers
 * every one of them, and the head hash the entry gives is the last stored
 * row's, as in the summary.
 */
import * as z from 'zod';
import { summarizeSession, type SessionSummary } from './audit-summary.js';
import { eventFromRow } from './store-rows.js';
import { GENESIS_HASH, type AuditEvent, type AuditEventType, type SessionRecord } from './store.js';

/** What the stores read for one entry (Store.auditDigest). */
export interface AuditDigest {
  /** In seq order: the rows digestSql picks (at most eight when the session was written through the API). */
  events: AuditEvent[];
  /** Rows stored, and the last one's hash (GENESIS_HASH when none). */
  count: number;
  headHash: string;
  /** Rows of type 'page-visited'. */
  pages: number;
}

/** A session in the list: its summary without the lists, with the page count and the last page. */
export type SessionListEntry = Omit<SessionSummary, 'pagesVisited' | 'controlEvents' | 'remoteActions'> & {
  pageCount: number;
  lastPage: SessionSummary['pagesVisited'][number] | null;
};

/**
 * Every event that names the agent (chain-agent.ts folds them all: once each
 * through the API, a creation, a claim, a hand-over); of these, the first.
 */
const NAMING: readonly AuditEventType[] = ['session-created', 'agent-assigned', 'handed-over'];
const FIRST: readonly AuditEventType[] = ['consent-granted', 'consent-declined', 'control-granted', 'ended'];

const COLUMNS = 'session_id, seq, type, actor, at, data, prev_hash, hash';

/**
 * One session's digest in one statement (one snapshot: counts, head and
 * picked rows agree under concurrent appends), for either database: `id` is
 * the session id's placeholder (`@id` in SQLite, `$1` in PostgreSQL), used in
 * every part. One row per picked event in seq order, each with the counts and
 * the last row's hash; a single row of counts with null event columns when
 * nothing is picked.
 */
export function digestSql(id: string): string {
  const select = `SELECT ${COLUMNS} FROM audit_events WHERE session_id = ${id} AND type =`;
  // Equality on the type in every part: with IN, SQLite reads the session's rows by the primary key instead.
  const one = (type: AuditEventType, order: 'ASC' | 'DESC', alias: string) =>
    `SELECT * FROM (${select} '${type}' ORDER BY seq ${order} LIMIT 1) AS ${alias}`;
  const picked = [
    ...NAMING.map((type) => `${select} '${type}'`),
    ...FIRST.map((type, index) => one(type, 'ASC', `first_${index}`)),
    one('page-visited', 'DESC', 'last_page'),
  ].join('\n  UNION ALL\n  ');
  return `SELECT counts.row_count, counts.page_count, counts.head_hash, picked.*
FROM (SELECT
    (SELECT count(*) FROM audit_events WHERE session_id = ${id}) AS row_count,
    (SELECT count(*) FROM audit_events WHERE session_id = ${id} AND type = 'page-visited') AS page_count,
    (SELECT hash FROM audit_events WHERE session_id = ${id} ORDER BY seq DESC LIMIT 1) AS head_hash) AS counts
LEFT JOIN (
  ${picked}
) AS picked ON 1 = 1
ORDER BY picked.seq ASC`;
}

const countsRow = z.object({
  row_count: z.coerce.number().int().nonnegative(),
  page_count: z.coerce.number().int().nonnegative(),
  head_hash: z.string().nullable(),
  seq: z.number().int().nullable(),
});

/** The digest from the rows of digestSql. */
export function digestFromRows(sessionId: string, rows: readonly unknown[]): AuditDigest {
  const counts = countsRow.parse(rows[0]);
  const events = rows
    .filter((row) => countsRow.parse(row).seq !== null)
    .map((row) => {
      const event = eventFromRow(row);
      if (!event.ok) throw new Error(`audit event of session ${sessionId} is unreadable: ${event.reason}`);
      return event.event;
    });
  return { events, count: counts.row_count, pages: counts.page_count, headHash: counts.head_hash ?? GENESIS_HASH };
}

/** The list entry of a session from its digest. */
export function listEntry(session: SessionRecord, digest: AuditDigest): SessionListEntry {
  const {
    pagesVisited,
    controlEvents: _controls,
    remoteActions: _actions,
    ...summary
  } = summarizeSession(session, digest.events);
  return {
    ...summary,
    auditEvents: digest.count,
    auditHeadHash: digest.headHash,
    pageCount: digest.pages,
    lastPage: pagesVisited.at(-1) ?? null,
  };
}
