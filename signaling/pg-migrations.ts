/**
 * PostgreSQL schema, as numbered migrations that run at start. Several
 * instances may start at once: an advisory lock lets one migrate while the
 * others wait, then find nothing left to do. Append, never edit.
 */
import type { PoolClient } from 'pg';
import * as z from 'zod';

import { sealLegacyHeads } from './audit-chain.js';
import { createdConversationIndexSql, replaceCastConversationIndexSql } from './chain-conversation-sql.js';

export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT,
    agent_name TEXT,
    metadata TEXT NOT NULL,
    customer_token_hash TEXT NOT NULL UNIQUE,
    agent_token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    started_at BIGINT,
    ended_at BIGINT,
    ended_by TEXT,
    end_reason TEXT,
    control_granted INTEGER NOT NULL DEFAULT 0,
    -- The chain head as appendEvent last wrote it (see sqlite-store.ts), and the
    -- row every append locks (SELECT ... FOR UPDATE) so appends stay in order.
    audit_count INTEGER NOT NULL DEFAULT 0,
    audit_head_hash TEXT NOT NULL,
    -- Insertion order, the tie-break SQLite's rowid gives.
    created_order BIGSERIAL NOT NULL
  );
  CREATE INDEX sessions_by_conversation ON sessions (conversation_id, created_at DESC);
  CREATE INDEX sessions_open ON sessions (expires_at) WHERE status <> 'ended';

  CREATE TABLE audit_events (
    session_id TEXT NOT NULL REFERENCES sessions (id),
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
  );
  CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'audit events are append-only';
  END
  $$;
  CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
  CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
  `,
  // 2: who the agent is (a bot or a person).
  `ALTER TABLE sessions ADD COLUMN agent_bot INTEGER NOT NULL DEFAULT 0;`,
  // 3: the session list, newest first (GET /api/sessions).
  `CREATE INDEX sessions_by_created ON sessions (created_at DESC, id DESC);`,
  // 4: the signed-in agent a session belongs to (their session list).
  `ALTER TABLE sessions ADD COLUMN agent_id TEXT;
   CREATE INDEX sessions_by_agent ON sessions (agent_id, created_at DESC, id DESC);`,
  // 5: one-time ids already used (sign-in identities), kept until they expire.
  `CREATE TABLE spent_ids (id TEXT PRIMARY KEY NOT NULL, expires_at BIGINT NOT NULL);`,
  // 6: the chain head under the audit key (hashAuditHead); the upgrade signs the heads already there (sealLegacyHeads).
  `ALTER TABLE sessions ADD COLUMN audit_head_mac TEXT;`,
  // 7: bytes of event data per session, for the audit cap (AuditLimits).
  `ALTER TABLE sessions ADD COLUMN audit_bytes BIGINT NOT NULL DEFAULT 0;
   UPDATE sessions SET audit_bytes =
     (SELECT coalesce(sum(octet_length(data)), 0) FROM audit_events WHERE session_id = sessions.id);`,
  // 8: a session's events by type, for the session list (audit-digest.ts).
  `CREATE INDEX IF NOT EXISTS audit_events_by_type ON audit_events (session_id, type, seq);`,
  // 9: creation events by the conversation they name, for the conversation filter (chain-conversation-sql.ts).
  // First shipped as a plain jsonb cast, which failed on a row jsonb refuses (review s14 C1): now one that cannot.
  createdConversationIndexSql('postgres'),
  // 10: a database that ran 9 as first shipped drops that index for 9's (a database that ran the new 9: no-op).
  replaceCastConversationIndexSql(),
];

/** The migration that added audit_head_mac: heads written before it are signed as they stand when it runs. */
const HEAD_MAC_VERSION = 6;

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** Any fixed number: the advisory lock every starting instance takes around migrations. */
const MIGRATION_LOCK = 7_014_001;

const versionRow = z.object({ version: z.coerce.number().int().nonnegative() });

/** Bring the schema (in the connection's search_path) up to date; refuse a newer one. */
export async function migratePostgres(client: PoolClient, auditKey: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const result = await client.query('SELECT coalesce(max(version), 0) AS version FROM schema_migrations');
    const current = versionRow.parse(result.rows[0]).version;
    if (current > PG_MIGRATIONS.length) {
      throw new Error(
        `database schema version ${current} is newer than this build supports (${PG_MIGRATIONS.length}); upgrade the server`,
      );
    }
    for (let version = current; version < PG_MIGRATIONS.length; version += 1) {
      const sql = PG_MIGRATIONS[version];
      if (sql !== undefined) await client.query(sql);
      if (version + 1 === HEAD_MAC_VERSION) {
        const heads = await client.query('SELECT id, audit_count, audit_head_hash FROM sessions');
        for (const sealed of sealLegacyHeads(auditKey, heads.rows))
          await client.query('UPDATE sessions SET audit_head_mac = $2 WHERE id = $1', [sealed.id, sealed.mac]);
      }
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        version + 1,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
