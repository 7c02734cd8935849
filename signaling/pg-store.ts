/**
 * The scale-out Store: PostgreSQL (`pg`), shared by every instance. Same
 * contract and row shapes as the SQLite store; appends to one session are
 * serialised by a row lock on the session (SELECT ... FOR UPDATE), so writers
 * on different instances never fork or leave a gap in the chain.
 */
import { sessionListSql, toPage } from './session-list.js';
import { digestFromRows, digestSql } from './audit-digest.js';
import { conversationClause } from './chain-conversation-sql.js';
import pg from 'pg';
import type { Role } from '../shared/protocol.js';
import { migratePostgres } from './pg-migrations.js';
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
  fitsCap,
  planAppend,
  headAfter,
  keyedRows,
  verifyEventRows,
  witnessHashes,
  witnessSeqs,
  type Appended,
} from './audit-chain.js';
import {
  AuditChainBrokenError,
  AuditLimitError,
  DEFAULT_AUDIT_LIMITS,
  type AuditLimits,
  endedEventInput,
  GENESIS_HASH,
  hashAuditHead,
  SessionEndedError,
  type AuditEventInput,
  type SessionPatch,
  type SessionRecord,
  type Store,
} from './store.js';

export interface PgStoreOptions {
  connectionString: string;
  auditKey: string;
  /** Per-session audit cap; defaults to DEFAULT_AUDIT_LIMITS. */
  auditLimits?: AuditLimits;
  /** What the server remembers of each chain's head outside the database; defaults to this process's memory. */
  headWitness?: HeadWitness;
  /** Pool size per instance; default 10. */
  maxConnections?: number;
}

const SESSION_COLUMNS = `id, conversation_id, agent_name, agent_id, agent_bot, metadata, customer_token_hash, agent_token_hash,
  created_at, expires_at, status, started_at, ended_at, ended_by, end_reason, control_granted`;
const AUDIT_COLUMNS = 'session_id, seq, type, actor, at, data, prev_hash, hash';

// Epoch milliseconds are BIGINT; they fit a double exactly (< 2^53).
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

type Queryable = pg.Pool | pg.PoolClient;

function sessionParams(record: SessionRecord): unknown[] {
  const row = rowFromSession(record);
  return [
    row['id'],
    row['conversation_id'],
    row['agent_name'],
    row['agent_id'],
    row['agent_bot'],
    row['metadata'],
    row['customer_token_hash'],
    row['agent_token_hash'],
    row['created_at'],
    row['expires_at'],
    row['status'],
    row['started_at'],
    row['ended_at'],
    row['ended_by'],
    row['end_reason'],
    row['control_granted'],
  ];
}

/** Connects, runs the migrations, and returns the store. */
export async function openPgStore(options: PgStoreOptions): Promise<Store> {
  const limits = options.auditLimits ?? DEFAULT_AUDIT_LIMITS;
  const witness = options.headWitness ?? new HeadWitness();
  /** After the commit: the head the chain has now, for the witness (never waiting on Redis, review s13 B2). */
  const remember = (sessionId: string, appended: Appended | undefined): void => {
    if (appended?.wrote !== undefined)
      witness.record(sessionId, appended.wrote.count, appended.wrote.hash, appended.event?.type === 'ended');
  };
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10, types });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, options.auditKey);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }

  async function getSession(db: Queryable, id: string, lock = false): Promise<SessionRecord | undefined> {
    const result = await db.query(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [
      id,
    ]);
    const row: unknown = result.rows[0];
    return row === undefined ? undefined : sessionFromRow(row);
  }

  async function writeSession(db: Queryable, record: SessionRecord): Promise<void> {
    await db.query(
      `UPDATE sessions SET status = $2, started_at = $3, ended_at = $4, ended_by = $5, end_reason = $6, control_granted = $7,
         agent_id = $8, agent_name = $9, agent_bot = $10, agent_token_hash = $11 WHERE id = $1`,
      [
        record.id,
        record.status,
        record.startedAt,
        record.endedAt,
        record.endedBy,
        record.endReason,
        record.controlGranted ? 1 : 0,
        record.agentId,
        record.agentName,
        record.agentBot === true ? 1 : 0,
        record.agentTokenHash,
      ],
    );
  }

  /** Run `work` in one transaction on one pooled connection. */
  async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Inside a transaction: lock the session row, then continue the chain from its keyed head, which must be the last stored row. */
  async function appendLocked(
    client: pg.PoolClient,
    sessionId: string,
    input: AuditEventInput,
    witnessed: WitnessedHead[],
  ): Promise<Appended> {
    const headResult = await client.query(`SELECT ${CHAIN_HEAD_COLUMNS} FROM sessions WHERE id = $1 FOR UPDATE`, [
      sessionId,
    ]);
    const headRow: unknown = headResult.rows[0];
    if (headRow === undefined) throw new Error(`cannot append an audit event: no session ${JSON.stringify(sessionId)}`);
    const head = chainHeadRow.parse(headRow);
    if (head.status === 'ended') throw new SessionEndedError(sessionId);
    const lastResult = await client.query(
      'SELECT seq, hash, type FROM audit_events WHERE session_id = $1 ORDER BY seq DESC LIMIT 1',
      [sessionId],
    );
    const limitWritten =
      !fitsCap(limits, head, input) &&
      (
        await client.query("SELECT 1 FROM audit_events WHERE session_id = $1 AND type = 'audit-limit' LIMIT 1", [
          sessionId,
        ])
      ).rows.length > 0;
    const seqs = witnessSeqs(witnessed, head);
    const known =
      seqs.length === 0
        ? []
        : (
            await client.query('SELECT seq, hash FROM audit_events WHERE session_id = $1 AND seq = ANY($2::int[])', [
              sessionId,
              seqs,
            ])
          ).rows;
    const plan = planAppend(
      options.auditKey,
      limits,
      sessionId,
      head,
      lastResult.rows[0],
      input,
      limitWritten,
      witnessed,
      witnessHashes(known),
    );
    const event = plan.write;
    if (event === undefined) return {};
    const row = rowFromEvent(event);
    await client.query(`INSERT INTO audit_events (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      row.session_id,
      row.seq,
      row.type,
      row.actor,
      row.at,
      row.data,
      row.prev_hash,
      row.hash,
    ]);
    const next = headAfter(options.auditKey, event);
    await client.query(
      'UPDATE sessions SET audit_count = $2, audit_head_hash = $3, audit_head_mac = $4, audit_bytes = $5 WHERE id = $1',
      [sessionId, next.count, next.hash, next.mac, plan.bytes],
    );
    const wrote = { count: event.seq, hash: event.hash };
    return plan.refused ? { wrote } : { event, wrote };
  }

  /** updateSession, and with `event` appended in the same transaction (a refused one rolls the patch back). */
  async function patchSession(
    id: string,
    patch: SessionPatch,
    when?: (current: SessionRecord) => boolean,
    event?: AuditEventInput,
  ): Promise<SessionRecord | undefined> {
    const witnessed = event === undefined ? [] : await witness.heads(id);
    const outcome = await transaction(async (client) => {
      const current = await getSession(client, id, true);
      if (current === undefined || (when && !when(current))) return undefined;
      const appended = event === undefined ? undefined : await appendLocked(client, id, event, witnessed);
      if (appended !== undefined && appended.event === undefined) throw new AuditLimitError(id, limits);
      const next = applySessionPatch(current, patch);
      await writeSession(client, next);
      return { next, appended };
    });
    remember(id, outcome?.appended);
    return outcome?.next;
  }

  async function readEventRows(sessionId: string): Promise<unknown[]> {
    const result = await pool.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE session_id = $1 ORDER BY seq ASC`,
      [sessionId],
    );
    return result.rows;
  }

  return {
    async createSession(record) {
      const params = sessionParams(sessionRecordSchema.parse(record));
      await pool.query(
        `INSERT INTO sessions (${SESSION_COLUMNS}, audit_count, audit_head_hash, audit_head_mac)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0, '${GENESIS_HASH}', $17)`,
        [...params, hashAuditHead(options.auditKey, record.id, 0, GENESIS_HASH)],
      );
    },

    getSession: (id) => getSession(pool, id),

    async findByTokenHash(tokenHash) {
      const result = await pool.query(
        `SELECT ${SESSION_COLUMNS}, customer_token_hash = $1 AS is_customer FROM sessions WHERE customer_token_hash = $1 OR agent_token_hash = $1`,
        [tokenHash],
      );
      const row: unknown = result.rows[0];
      if (row === undefined) return undefined;
      const isCustomer = typeof row === 'object' && row !== null && 'is_customer' in row && row.is_customer === true;
      return { session: sessionFromRow(row), role: (isCustomer ? 'customer' : 'agent') satisfies Role };
    },

    updateSession: (id, patch, when) => patchSession(id, patch, when),

    updateSessionWithEvent: (id, patch, event, when) => patchSession(id, patch, when, normalizeAuditInput(event)),

    async endSession(id, end) {
      const witnessed = await witness.heads(id);
      let appended: Appended | undefined;
      const outcome = await transaction(async (client) => {
        const current = await getSession(client, id, true);
        if (current === undefined) return undefined;
        if (current.status === 'ended') return { session: current, endedNow: false };
        // A chain the store refuses to extend still lets the session end, without the event; verification reports it.
        await client.query('SAVEPOINT ended_event');
        try {
          appended = await appendLocked(client, id, normalizeAuditInput(endedEventInput(current, end)), witnessed);
        } catch (error) {
          if (!(error instanceof AuditChainBrokenError)) throw error;
          await client.query('ROLLBACK TO SAVEPOINT ended_event');
        }
        const ended = applySessionPatch(current, {
          status: 'ended',
          endedAt: end.at,
          endedBy: end.by,
          endReason: end.reason,
        });
        await writeSession(client, ended);
        return { session: ended, endedNow: true };
      });
      remember(id, appended);
      return outcome;
    },

    async listByConversation(conversationId) {
      const result = await pool.query(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${conversationClause('postgres', () => '$1')}
         ORDER BY created_at DESC, created_order DESC`,
        [conversationId],
      );
      return result.rows.map((row: unknown) => sessionFromRow(row));
    },

    async listOpen() {
      const result = await pool.query(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE status <> 'ended' ORDER BY expires_at ASC, created_order ASC`,
      );
      return result.rows.map((row: unknown) => sessionFromRow(row));
    },

    async listSessions(filter) {
      const { where, params, limit } = sessionListSql(filter, (index) => `$${index}`, 'postgres');
      const result = await pool.query(
        `SELECT ${SESSION_COLUMNS} FROM sessions ${where} ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
        params,
      );
      return toPage(
        result.rows.map((row: unknown) => sessionFromRow(row)),
        filter.limit,
      );
    },

    async appendEvent(sessionId, event) {
      const input = normalizeAuditInput(event);
      const witnessed = await witness.heads(sessionId);
      const outcome = await transaction((client) => appendLocked(client, sessionId, input, witnessed));
      remember(sessionId, outcome);
      if (outcome.event === undefined) throw new AuditLimitError(sessionId, limits);
      return outcome.event;
    },

    async listEvents(sessionId) {
      return (await readEventRows(sessionId)).map((row) => readableEvent(sessionId, row));
    },

    async listEventsOfTypes(sessionId, types) {
      const result = await pool.query(
        `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE session_id = $1 AND type = ANY($2::text[]) ORDER BY seq ASC`,
        [sessionId, types],
      );
      // The head after the rows: an append between the two only raises it.
      const heads = await pool.query(`SELECT ${CHAIN_HEAD_COLUMNS} FROM sessions WHERE id = $1`, [sessionId]);
      return keyedRows(options.auditKey, sessionId, result.rows, heads.rows[0]);
    },

    async auditDigest(sessionId) {
      return digestFromRows(sessionId, (await pool.query(digestSql('$1'), [sessionId])).rows);
    },

    async verifyChain(sessionId) {
      // Read before the head, so a head remembered is never ahead of the head read (appends only raise both).
      const witnessed = await witness.heads(sessionId);
      // Rows and head from one snapshot: an append committed between two reads made an honest chain look cut.
      const { rows, head } = await transaction(async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const events = await client.query(
          `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE session_id = $1 ORDER BY seq ASC`,
          [sessionId],
        );
        const heads = await client.query(`SELECT ${CHAIN_HEAD_COLUMNS} FROM sessions WHERE id = $1`, [sessionId]);
        return { rows: events.rows as unknown[], head: heads.rows[0] as unknown };
      });
      return verifyEventRows(options.auditKey, sessionId, rows, head, witnessed);
    },

    async spendOnce(id, expiresAt, now) {
      await pool.query('DELETE FROM spent_ids WHERE expires_at <= $1', [now]);
      const inserted = await pool.query(
        'INSERT INTO spent_ids (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
        [id, expiresAt],
      );
      return inserted.rowCount === 1;
    },

    async isSpent(id, now) {
      const found = await pool.query('SELECT 1 FROM spent_ids WHERE id = $1 AND expires_at > $2', [id, now]);
      return (found.rowCount ?? 0) > 0;
    },

    async close() {
      await pool.end();
    },
  };
}
