/**
 * The embedded Store: one SQLite file (better-sqlite3, WAL) under a data dir,
 * so the server runs with nothing else installed. Audit rows are protected
 * by triggers against UPDATE/DELETE, and every row carries its predecessor's
 * hash so that tampering done around the triggers is still detectable.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as z from 'zod';
import { endedBy, endReason, sessionStatus } from '../shared/protocol.js';
import type { Role } from '../shared/protocol.js';
import {
  ACTORS,
  AUDIT_EVENT_TYPES,
  GENESIS_HASH,
  hashAuditEvent,
  type AuditDataValue,
  type AuditEvent,
  type AuditEventInput,
  type ChainVerification,
  type SessionPatch,
  type SessionRecord,
  type Store,
} from './store.js';

export interface SqliteStoreOptions {
  dataDir: string;
  /** The audit chain's HMAC key (config.auditKey); never stored in the database. */
  auditKey: string;
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
];

export const SCHEMA_VERSION = MIGRATIONS.length;

const metadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const auditDataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const epochMs = z.number();

const sessionRecordSchema = z.strictObject({
  id: z.string().min(1),
  conversationId: z.string().nullable(),
  agentName: z.string().nullable(),
  metadata: metadataSchema,
  customerTokenHash: z.string().min(1),
  agentTokenHash: z.string().min(1),
  createdAt: epochMs,
  expiresAt: epochMs,
  status: sessionStatus,
  startedAt: epochMs.nullable(),
  endedAt: epochMs.nullable(),
  endedBy: z.nullable(endedBy),
  endReason: z.nullable(endReason),
  controlGranted: z.boolean(),
});

const sessionRow = z.object({
  id: z.string(),
  conversation_id: z.string().nullable(),
  agent_name: z.string().nullable(),
  metadata: z.string(),
  customer_token_hash: z.string(),
  agent_token_hash: z.string(),
  created_at: z.number(),
  expires_at: z.number(),
  status: sessionStatus,
  started_at: z.number().nullable(),
  ended_at: z.number().nullable(),
  ended_by: z.nullable(endedBy),
  end_reason: z.nullable(endReason),
  control_granted: z.union([z.literal(0), z.literal(1)]),
});

const auditRow = z.object({
  session_id: z.string(),
  seq: z.number().int(),
  type: z.enum(AUDIT_EVENT_TYPES),
  actor: z.enum(ACTORS),
  at: z.number(),
  data: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
});

const chainHeadRow = z.object({ audit_count: z.number().int(), audit_head_hash: z.string() });
const lastEventRow = z.object({ seq: z.number().int(), hash: z.string() });

const SESSION_COLUMNS = `id, conversation_id, agent_name, metadata, customer_token_hash, agent_token_hash,
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
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }

  const insertSession = db.prepare(
    `INSERT INTO sessions (${SESSION_COLUMNS}, audit_count, audit_head_hash)
     VALUES (@id, @conversation_id, @agent_name, @metadata, @customer_token_hash, @agent_token_hash,
       @created_at, @expires_at, @status, @started_at, @ended_at, @ended_by, @end_reason, @control_granted,
       0, '${GENESIS_HASH}')`,
  );
  const selectSession = db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`);
  const selectByCustomerToken = db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE customer_token_hash = ?`);
  const selectByAgentToken = db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE agent_token_hash = ?`);
  const updateSessionRow = db.prepare(
    `UPDATE sessions SET status = @status, started_at = @started_at, ended_at = @ended_at, ended_by = @ended_by,
       end_reason = @end_reason, control_granted = @control_granted
     WHERE id = @id`,
  );
  const selectByConversation = db.prepare(
    `SELECT ${SESSION_COLUMNS} FROM sessions WHERE conversation_id = ? ORDER BY created_at DESC, rowid DESC`,
  );
  const selectOpen = db.prepare(
    `SELECT ${SESSION_COLUMNS} FROM sessions WHERE status <> 'ended' ORDER BY expires_at ASC, rowid ASC`,
  );
  const selectChainHead = db.prepare('SELECT audit_count, audit_head_hash FROM sessions WHERE id = ?');
  const selectLastEvent = db.prepare(
    'SELECT seq, hash FROM audit_events WHERE session_id = ? ORDER BY seq DESC LIMIT 1',
  );
  const insertEvent = db.prepare(
    `INSERT INTO audit_events (${AUDIT_COLUMNS})
     VALUES (@session_id, @seq, @type, @actor, @at, @data, @prev_hash, @hash)`,
  );
  const updateChainHead = db.prepare(
    'UPDATE sessions SET audit_count = @audit_count, audit_head_hash = @audit_head_hash WHERE id = @id',
  );
  const selectEvents = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE session_id = ? ORDER BY seq ASC`);

  function getSession(id: string): SessionRecord | undefined {
    const row: unknown = selectSession.get(id);
    return row === undefined ? undefined : sessionFromRow(row);
  }

  const applyPatch = db.transaction((id: string, patch: SessionPatch): SessionRecord | undefined => {
    const current = getSession(id);
    if (current === undefined) return undefined;
    // Keys are copied one by one so that a caller's extra runtime keys (id,
    // token hashes) can never be written through a patch.
    const next = sessionRecordSchema.parse({
      ...current,
      ...(patch.status !== undefined && { status: patch.status }),
      ...(patch.startedAt !== undefined && { startedAt: patch.startedAt }),
      ...(patch.endedAt !== undefined && { endedAt: patch.endedAt }),
      ...(patch.endedBy !== undefined && { endedBy: patch.endedBy }),
      ...(patch.endReason !== undefined && { endReason: patch.endReason }),
      ...(patch.controlGranted !== undefined && { controlGranted: patch.controlGranted }),
    });
    updateSessionRow.run(rowFromSession(next));
    return next;
  });

  const append = db.transaction((sessionId: string, input: AuditEventInput): AuditEvent => {
    if (selectChainHead.get(sessionId) === undefined) {
      throw new Error(`cannot append an audit event: no session ${JSON.stringify(sessionId)}`);
    }
    // The last stored row, not the cached head, is what the new event links
    // to, so the chain continues from what is really there.
    const lastRow: unknown = selectLastEvent.get(sessionId);
    const last = lastRow === undefined ? undefined : lastEventRow.parse(lastRow);
    const unhashed = {
      sessionId,
      seq: (last?.seq ?? 0) + 1,
      type: input.type,
      actor: input.actor,
      at: input.at,
      data: input.data,
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = hashAuditEvent(options.auditKey, prevHash, unhashed);
    insertEvent.run({
      session_id: sessionId,
      seq: unhashed.seq,
      type: unhashed.type,
      actor: unhashed.actor,
      at: unhashed.at,
      data: JSON.stringify(unhashed.data),
      prev_hash: prevHash,
      hash,
    });
    updateChainHead.run({ id: sessionId, audit_count: unhashed.seq, audit_head_hash: hash });
    return { ...unhashed, prevHash, hash };
  });

  function readEventRows(sessionId: string): unknown[] {
    return selectEvents.all(sessionId);
  }

  return {
    createSession(record) {
      insertSession.run(rowFromSession(sessionRecordSchema.parse(record)));
    },

    getSession,

    findByTokenHash(tokenHash) {
      const customerRow: unknown = selectByCustomerToken.get(tokenHash);
      if (customerRow !== undefined) return { session: sessionFromRow(customerRow), role: 'customer' satisfies Role };
      const agentRow: unknown = selectByAgentToken.get(tokenHash);
      if (agentRow !== undefined) return { session: sessionFromRow(agentRow), role: 'agent' satisfies Role };
      return undefined;
    },

    updateSession(id, patch) {
      return applyPatch.immediate(id, patch);
    },

    listByConversation(conversationId) {
      return selectByConversation.all(conversationId).map((row: unknown) => sessionFromRow(row));
    },

    listOpen() {
      return selectOpen.all().map((row: unknown) => sessionFromRow(row));
    },

    appendEvent(sessionId, event) {
      const input: AuditEventInput = {
        type: z.enum(AUDIT_EVENT_TYPES).parse(event.type),
        actor: z.enum(ACTORS).parse(event.actor),
        at: epochMs.parse(event.at),
        data: normalizeAuditData(event.data),
      };
      // IMMEDIATE takes the write lock before reading the head, so two
      // writers can never both link to the same previous event.
      return append.immediate(sessionId, input);
    },

    listEvents(sessionId) {
      return readEventRows(sessionId).map((row) => {
        const event = eventFromRow(row);
        if (!event.ok) throw new Error(`audit event of session ${sessionId} is unreadable: ${event.reason}`);
        return event.event;
      });
    },

    verifyChain(sessionId) {
      const rows = readEventRows(sessionId);
      let expectedSeq = 1;
      let expectedPrev = GENESIS_HASH;
      for (const row of rows) {
        const parsed = eventFromRow(row);
        if (!parsed.ok) return broken(rows.length, parsed.seq ?? expectedSeq, `unreadable event: ${parsed.reason}`);
        const event = parsed.event;
        if (event.seq !== expectedSeq) {
          return broken(
            rows.length,
            expectedSeq,
            event.seq > expectedSeq
              ? `event ${expectedSeq} is missing (next stored event is ${event.seq})`
              : `event ${event.seq} appears out of order where ${expectedSeq} was expected`,
          );
        }
        if (event.prevHash !== expectedPrev) {
          return broken(rows.length, event.seq, `event ${event.seq} does not link to the hash of the event before it`);
        }
        const { hash, prevHash, ...unhashed } = event;
        if (hashAuditEvent(options.auditKey, prevHash, unhashed) !== hash) {
          return broken(rows.length, event.seq, `event ${event.seq} was altered after it was written (hash mismatch)`);
        }
        expectedPrev = hash;
        expectedSeq += 1;
      }
      const headRow: unknown = selectChainHead.get(sessionId);
      if (headRow !== undefined) {
        const head = chainHeadRow.parse(headRow);
        if (head.audit_count > rows.length) {
          return broken(
            rows.length,
            rows.length + 1,
            `the session recorded ${head.audit_count} events but only ${rows.length} are stored (events removed from the end)`,
          );
        }
        if (head.audit_count < rows.length) {
          return broken(
            rows.length,
            head.audit_count + 1,
            `the session recorded ${head.audit_count} events but ${rows.length} are stored (events inserted outside the store)`,
          );
        }
        if (head.audit_head_hash !== expectedPrev) {
          return broken(rows.length, rows.length, 'the last event does not match the recorded chain head');
        }
      }
      return { valid: true, events: rows.length };
    },

    close() {
      if (db.open) db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  const current = z.number().int().nonnegative().parse(db.pragma('user_version', { simple: true }));
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
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

function sessionFromRow(raw: unknown): SessionRecord {
  const row = sessionRow.parse(raw);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    agentName: row.agent_name,
    metadata: metadataSchema.parse(JSON.parse(row.metadata)),
    customerTokenHash: row.customer_token_hash,
    agentTokenHash: row.agent_token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    endedBy: row.ended_by,
    endReason: row.end_reason,
    controlGranted: row.control_granted === 1,
  };
}

function rowFromSession(record: SessionRecord): Record<string, string | number | null> {
  return {
    id: record.id,
    conversation_id: record.conversationId,
    agent_name: record.agentName,
    metadata: JSON.stringify(record.metadata),
    customer_token_hash: record.customerTokenHash,
    agent_token_hash: record.agentTokenHash,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    status: record.status,
    started_at: record.startedAt,
    ended_at: record.endedAt,
    ended_by: record.endedBy,
    end_reason: record.endReason,
    control_granted: record.controlGranted ? 1 : 0,
  };
}

type ParsedEvent = { ok: true; event: AuditEvent } | { ok: false; seq: number | undefined; reason: string };

function eventFromRow(raw: unknown): ParsedEvent {
  const row = auditRow.safeParse(raw);
  if (!row.success) {
    const seq = z.object({ seq: z.number().int() }).safeParse(raw);
    return { ok: false, seq: seq.success ? seq.data.seq : undefined, reason: z.prettifyError(row.error) };
  }
  let data: unknown;
  try {
    data = JSON.parse(row.data.data);
  } catch {
    return { ok: false, seq: row.data.seq, reason: 'data is not JSON' };
  }
  const parsedData = auditDataSchema.safeParse(data);
  if (!parsedData.success) return { ok: false, seq: row.data.seq, reason: 'data has an unexpected shape' };
  return {
    ok: true,
    event: {
      sessionId: row.data.session_id,
      seq: row.data.seq,
      type: row.data.type,
      actor: row.data.actor,
      at: row.data.at,
      data: parsedData.data,
      prevHash: row.data.prev_hash,
      hash: row.data.hash,
    },
  };
}

/** A plain copy of the event data that survives JSON unchanged, or a TypeError. */
function normalizeAuditData(data: unknown): Record<string, AuditDataValue> {
  // A "__proto__" key would turn into a prototype on the way back out of JSON.parse-based copies.
  if (typeof data === 'object' && data !== null && Object.hasOwn(data, '__proto__')) {
    throw new TypeError('audit event data must not have a "__proto__" key');
  }
  const parsed = auditDataSchema.safeParse(data);
  if (!parsed.success) {
    throw new TypeError(`audit event data must map names to strings, finite numbers, booleans or null: ${z.prettifyError(parsed.error)}`);
  }
  const copy: Record<string, AuditDataValue> = {};
  for (const [key, value] of Object.entries(parsed.data)) {
    // -0 would be stored and hashed as 0; normalise now so the returned event equals the stored one.
    copy[key] = typeof value === 'number' && Object.is(value, -0) ? 0 : value;
  }
  return copy;
}

function broken(events: number, brokenAt: number, reason: string): ChainVerification {
  return { valid: false, events, brokenAt, reason };
}
