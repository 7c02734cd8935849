/**
 * The embedded Store: one SQLite file (better-sqlite3, WAL) under a data dir,
 * so the server runs with nothing else installed. Audit rows are protected
 * by triggers against UPDATE/DELETE, and every row carries its predecessor's
 * hash so that tampering done around the triggers is still detectable.
 */
import { sessionListSql, toPage } from './session-list.js';
import { digestFromRows, digestSql } from './audit-digest.js';
import { conversationClause, createdConversationIndexSql } from './chain-conversation-sql.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as z from 'zod';
import type { Role } from '../shared/protocol.js';
import {
  applySessionPatch,
  CHAIN_HEAD_COLUMNS,
  chainHeadRow,
  normalizeAuditInput,
  readableEvent,
  rowFromEvent,
  rowFromSession,
  sessionFromRow,
  sessionRecordSchema,
} from './store-rows.js';
import { HeadWitness, type WitnessedHead } from './audit-witness.js';
import {
  appendEnded,
  fitsCap,
  planAppend,
  headAfter,
  keyedRows,
  sealLegacyHeads,
  verifyEventRows,
  witnessHashes,
  witnessSeqs,
  type Appended,
} from './audit-chain.js';
import {
  AuditLimitError,
  DEFAULT_AUDIT_LIMITS,
  endedEventInput,
  GENESIS_HASH,
  type AuditLimits,
  hashAuditHead,
  SessionEndedError,
  type AuditEventInput,
  type SessionEnd,
  type SessionPatch,
  type SessionRecord,
  type Store,
} from './store.js';

export interface SqliteStoreOptions {
  dataDir: string;
  /** The audit chain's HMAC key (config.auditKey); never stored in the database. */
  auditKey: string;
  /** Per-session audit cap; defaults to DEFAULT_AUDIT_LIMITS. */
  auditLimits?: AuditLimits;
  /** What the server remembers of each chain's head outside the database; defaults to this process's memory. */
  headWitness?: HeadWitness;
  /** Defaults to 'cobrowse.db'. */
  fileName?: string;
  /** How long a writer waits for another connection's lock before failing; defaults to 5000 ms. */
  busyTimeoutMs?: number;
}

/** Migrations in order; user_version records how many have run. Append, never edit. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT,
    agent_name TEXT,
    metadata TEXT NOT NULL,
    customer_token_hash TEXT NOT NULL UNIQUE,
    agent_token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    started_at INTEGER,
    ended_at INTEGER,
    ended_by TEXT,
    end_reason TEXT,
    control_granted INTEGER NOT NULL DEFAULT 0,
    -- The chain head as appendEvent last wrote it: lets verifyChain notice
    -- events cut off the end of the chain, which linkage alone cannot.
    audit_count INTEGER NOT NULL DEFAULT 0,
    audit_head_hash TEXT NOT NULL
  );
  CREATE INDEX sessions_by_conversation ON sessions (conversation_id, created_at DESC);
  CREATE INDEX sessions_open ON sessions (expires_at) WHERE status <> 'ended';

  CREATE TABLE audit_events (
    session_id TEXT NOT NULL REFERENCES sessions (id),
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
  );
  CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
  BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
  END;
  CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
  BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
  END;
  `,
  // 2: who the agent is (a bot or a person).
  `ALTER TABLE sessions ADD COLUMN agent_bot INTEGER NOT NULL DEFAULT 0;`,
  // 3: the session list, newest first (GET /api/sessions).
  `CREATE INDEX sessions_by_created ON sessions (created_at DESC, id DESC);`,
  // 4: the signed-in agent a session belongs to (their session list).
  `ALTER TABLE sessions ADD COLUMN agent_id TEXT;
   CREATE INDEX sessions_by_agent ON sessions (agent_id, created_at DESC, id DESC);`,
  // 5: one-time ids already used (sign-in identities), kept until they expire.
  `CREATE TABLE spent_ids (id TEXT PRIMARY KEY NOT NULL, expires_at INTEGER NOT NULL);`,
  // 6: the chain head under the audit key (hashAuditHead); the upgrade signs the heads already there (sealLegacyHeads).
  `ALTER TABLE sessions ADD COLUMN audit_head_mac TEXT;`,
  // 7: bytes of event data per session, for the audit cap (AuditLimits).
  `ALTER TABLE sessions ADD COLUMN audit_bytes INTEGER NOT NULL DEFAULT 0;
   UPDATE sessions SET audit_bytes =
     (SELECT coalesce(sum(length(CAST(data AS BLOB))), 0) FROM audit_events WHERE session_id = sessions.id);`,
  // 8: a session's events by type, for the session list (audit-digest.ts).
  `CREATE INDEX IF NOT EXISTS audit_events_by_type ON audit_events (session_id, type, seq);`,
  // 9: creation events by the conversation they name, for the conversation filter (chain-conversation-sql.ts).
  createdConversationIndexSql('sqlite'),
];

/** The migration that added audit_head_mac: heads written before it are signed as they stand when it runs. */
const HEAD_MAC_VERSION = 6;

export const SCHEMA_VERSION = MIGRATIONS.length;

const SESSION_COLUMNS = `id, conversation_id, agent_name, agent_id, agent_bot, metadata, customer_token_hash, agent_token_hash,
  created_at, expires_at, status, started_at, ended_at, ended_by, end_reason, control_granted`;
const AUDIT_COLUMNS = 'session_id, seq, type, actor, at, data, prev_hash, hash';

/** Opens (creating if needed) the SQLite store under `dataDir` and brings its schema up to date. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  mkdirSync(options.dataDir, { recursive: true });
  const db = new Database(join(options.dataDir, options.fileName ?? 'cobrowse.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
    db.pragma('foreign_keys = ON');
    migrate(db, options.auditKey);
  } catch (error) {
    db.close();
    throw error;
  }

  const limits = options.auditLimits ?? DEFAULT_AUDIT_LIMITS;
  const witness = options.headWitness ?? new HeadWitness();
  /** After the commit: the head the chain has now, for the witness (never waiting on Redis, review s13 B2). */
  const remember = (sessionId: string, appended: Appended | undefined): void => {
    if (appended?.wrote !== undefined)
      witness.record(sessionId, appended.wrote.count, appended.wrote.hash, appended.event?.type === 'ended');
  };
  const insertSession = db.prepare(
    `INSERT INTO sessions (${SESSION_COLUMNS}, audit_count, audit_head_hash, audit_head_mac)
     VALUES (@id, @conversation_id, @agent_name, @agent_id, @agent_bot, @metadata, @customer_token_hash, @agent_token_hash,
       @created_at, @expires_at, @status, @started_at, @ended_at, @ended_by, @end_reason, @control_granted,
       0, '${GENESIS_HASH}', @audit_head_mac)`,
  );
  const selectSession = db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`);
  const selectByCustomerToken = db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE customer_token_hash = ?`);
  const selectByAgentToken = db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE agent_token_hash = ?`);
  const updateSessionRow = db.prepare(
    `UPDATE sessions SET status = @status, started_at = @started_at, ended_at = @ended_at, ended_by = @ended_by,
       end_reason = @end_reason, control_granted = @control_granted, agent_id = @agent_id, agent_name = @agent_name,
       agent_bot = @agent_bot, agent_token_hash = @agent_token_hash
     WHERE id = @id`,
  );
  const selectByConversation = db.prepare(
    `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${conversationClause('sqlite', () => '@conversation')}
     ORDER BY created_at DESC, rowid DESC`,
  );
  const selectOpen = db.prepare(
    `SELECT ${SESSION_COLUMNS} FROM sessions WHERE status <> 'ended' ORDER BY expires_at ASC, rowid ASC`,
  );
  const selectChainHead = db.prepare(`SELECT ${CHAIN_HEAD_COLUMNS} FROM sessions WHERE id = ?`);
  const selectLastEvent = db.prepare(
    'SELECT seq, hash, type FROM audit_events WHERE session_id = ? ORDER BY seq DESC LIMIT 1',
  );
  const selectHashesAt = db.prepare(
    'SELECT seq, hash FROM audit_events WHERE session_id = ? AND seq IN (SELECT value FROM json_each(?))',
  );
  const selectLimitEvent = db.prepare(
    "SELECT 1 FROM audit_events WHERE session_id = ? AND type = 'audit-limit' LIMIT 1",
  );
  const insertEvent = db.prepare(
    `INSERT INTO audit_events (${AUDIT_COLUMNS})
     VALUES (@session_id, @seq, @type, @actor, @at, @data, @prev_hash, @hash)`,
  );
  const updateChainHead = db.prepare(
    `UPDATE sessions SET audit_count = @count, audit_head_hash = @hash, audit_head_mac = @mac, audit_bytes = @bytes
     WHERE id = @id`,
  );
  const forgetSpent = db.prepare('DELETE FROM spent_ids WHERE expires_at <= ?');
  const insertSpent = db.prepare('INSERT OR IGNORE INTO spent_ids (id, expires_at) VALUES (?, ?)');
  const selectSpent = db.prepare('SELECT 1 FROM spent_ids WHERE id = ? AND expires_at > ?');
  const selectEvents = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE session_id = ? ORDER BY seq ASC`);
  const selectDigest = db.prepare(digestSql('@id'));
  const selectEventsOfTypes = db.prepare(
    `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE session_id = ? AND type IN (SELECT value FROM json_each(?)) ORDER BY seq ASC`,
  );

  function getSession(id: string): SessionRecord | undefined {
    const row: unknown = selectSession.get(id);
    return row === undefined ? undefined : sessionFromRow(row);
  }

  const applyPatch = db.transaction(
    (
      id: string,
      patch: SessionPatch,
      when?: (current: SessionRecord) => boolean,
      event?: { input: AuditEventInput; witnessed: WitnessedHead[] },
    ): { session: SessionRecord; appended?: Appended } | undefined => {
      const current = getSession(id);
      if (current === undefined || (when && !when(current))) return undefined;
      const appended = event === undefined ? undefined : appendInTransaction(id, event.input, event.witnessed);
      // A refused event throws, and the patch is rolled back with the transaction.
      if (appended !== undefined && appended.event === undefined) throw new AuditLimitError(id, limits);
      const next = applySessionPatch(current, patch);
      updateSessionRow.run(rowFromSession(next));
      return { session: next, ...(appended && { appended }) };
    },
  );

  /**
   * Inside a transaction: the chain continues from its keyed head, which must be the last stored row.
   * Past the cap, the 'audit-limit' event may be written instead and the event comes back refused.
   */
  function appendInTransaction(sessionId: string, input: AuditEventInput, witnessed: WitnessedHead[]): Appended {
    const headRow: unknown = selectChainHead.get(sessionId);
    if (headRow === undefined) throw new Error(`cannot append an audit event: no session ${JSON.stringify(sessionId)}`);
    const head = chainHeadRow.parse(headRow);
    if (head.status === 'ended') throw new SessionEndedError(sessionId);
    const limitWritten = !fitsCap(limits, head, input) && selectLimitEvent.get(sessionId) !== undefined;
    const plan = planAppend(
      options.auditKey,
      limits,
      sessionId,
      head,
      selectLastEvent.get(sessionId),
      input,
      limitWritten,
      witnessed,
      witnessHashes(selectHashesAt.all(sessionId, JSON.stringify(witnessSeqs(witnessed, head)))),
    );
    if (plan.write === undefined) return {};
    insertEvent.run(rowFromEvent(plan.write));
    updateChainHead.run({ id: sessionId, ...headAfter(options.auditKey, plan.write), bytes: plan.bytes });
    const wrote = { count: plan.write.seq, hash: plan.write.hash };
    return plan.refused ? { wrote } : { event: plan.write, wrote };
  }

  const append = db.transaction(appendInTransaction);

  const endOnce = db.transaction(
    (
      id: string,
      end: SessionEnd,
      witnessed: WitnessedHead[],
    ): { session: SessionRecord; endedNow: boolean; appended?: Appended } | undefined => {
      const current = getSession(id);
      if (current === undefined) return undefined;
      if (current.status === 'ended') return { session: current, endedNow: false };
      const appended = appendEnded(() =>
        appendInTransaction(id, normalizeAuditInput(endedEventInput(current, end)), witnessed),
      );
      const ended = applySessionPatch(current, {
        status: 'ended',
        endedAt: end.at,
        endedBy: end.by,
        endReason: end.reason,
      });
      updateSessionRow.run(rowFromSession(ended));
      return { session: ended, endedNow: true, ...(appended && { appended }) };
    },
  );

  function readEventRows(sessionId: string): unknown[] {
    return selectEvents.all(sessionId);
  }

  // better-sqlite3 is synchronous; the async contract is kept so PostgreSQL fits the same interface.
  return {
    async createSession(record) {
      const row = rowFromSession(sessionRecordSchema.parse(record));
      insertSession.run({ ...row, audit_head_mac: hashAuditHead(options.auditKey, record.id, 0, GENESIS_HASH) });
    },

    async getSession(id) {
      return getSession(id);
    },

    async findByTokenHash(tokenHash) {
      const customerRow: unknown = selectByCustomerToken.get(tokenHash);
      if (customerRow !== undefined) return { session: sessionFromRow(customerRow), role: 'customer' satisfies Role };
      const agentRow: unknown = selectByAgentToken.get(tokenHash);
      if (agentRow !== undefined) return { session: sessionFromRow(agentRow), role: 'agent' satisfies Role };
      return undefined;
    },

    async updateSession(id, patch, when) {
      return applyPatch.immediate(id, patch, when)?.session;
    },

    async updateSessionWithEvent(id, patch, event, when) {
      const input = normalizeAuditInput(event);
      const outcome = applyPatch.immediate(id, patch, when, { input, witnessed: await witness.heads(id) });
      remember(id, outcome?.appended);
      return outcome?.session;
    },

    async endSession(id, end) {
      const outcome = endOnce.immediate(id, end, await witness.heads(id));
      if (outcome === undefined) return undefined;
      remember(id, outcome.appended);
      return { session: outcome.session, endedNow: outcome.endedNow };
    },

    async listByConversation(conversationId) {
      return selectByConversation.all({ conversation: conversationId }).map((row: unknown) => sessionFromRow(row));
    },

    async listOpen() {
      return selectOpen.all().map((row: unknown) => sessionFromRow(row));
    },

    async listSessions(filter) {
      const { where, params, limit } = sessionListSql(filter, () => '?', 'sqlite');
      const rows = db
        .prepare(`SELECT ${SESSION_COLUMNS} FROM sessions ${where} ORDER BY created_at DESC, id DESC LIMIT ${limit}`)
        .all(...params);
      return toPage(
        rows.map((row: unknown) => sessionFromRow(row)),
        filter.limit,
      );
    },

    async appendEvent(sessionId, event) {
      // IMMEDIATE takes the write lock before reading the head, so two
      // writers can never both link to the same previous event.
      const input = normalizeAuditInput(event);
      const outcome = append.immediate(sessionId, input, await witness.heads(sessionId));
      remember(sessionId, outcome);
      if (outcome.event === undefined) throw new AuditLimitError(sessionId, limits);
      return outcome.event;
    },

    async listEvents(sessionId) {
      return readEventRows(sessionId).map((row) => readableEvent(sessionId, row));
    },

    async listEventsOfTypes(sessionId, types) {
      const rows = selectEventsOfTypes.all(sessionId, JSON.stringify(types));
      return keyedRows(options.auditKey, sessionId, rows, selectChainHead.get(sessionId));
    },

    async auditDigest(sessionId) {
      return digestFromRows(sessionId, selectDigest.all({ id: sessionId }));
    },

    async verifyChain(sessionId) {
      // Read before the head, so a head remembered is never ahead of the head read (appends only raise both).
      const witnessed = await witness.heads(sessionId);
      return verifyEventRows(
        options.auditKey,
        sessionId,
        readEventRows(sessionId),
        selectChainHead.get(sessionId),
        witnessed,
      );
    },

    async spendOnce(id, expiresAt, now) {
      forgetSpent.run(now);
      return insertSpent.run(id, expiresAt).changes === 1;
    },

    async isSpent(id, now) {
      return selectSpent.get(id, now) !== undefined;
    },

    async close() {
      if (db.open) db.close();
    },
  };
}

function migrate(db: Database.Database, auditKey: string): void {
  const current = z
    .number()
    .int()
    .nonnegative()
    .parse(db.pragma('user_version', { simple: true }));
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this build supports (${MIGRATIONS.length}); upgrade the server`,
    );
  }
  if (current === MIGRATIONS.length) return;
  db.transaction(() => {
    for (let version = current; version < MIGRATIONS.length; version += 1) {
      const sql = MIGRATIONS[version];
      if (sql !== undefined) db.exec(sql);
      if (version + 1 === HEAD_MAC_VERSION) {
        const heads = db.prepare('SELECT id, audit_count, audit_head_hash FROM sessions').all();
        const sign = db.prepare('UPDATE sessions SET audit_head_mac = @mac WHERE id = @id');
        for (const sealed of sealLegacyHeads(auditKey, heads)) sign.run(sealed);
      }
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
