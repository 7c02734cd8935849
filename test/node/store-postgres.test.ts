/**
 * The scale-out store: the same Store contract (helpers/store-contract.ts) on
 * a real PostgreSQL the test starts, plus its versioned migrations. Skipped,
 * loudly, only when PostgreSQL is not installed (CI installs it).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_SCHEMA_VERSION } from '../../signaling/pg-migrations.js';
import { openPgStore } from '../../signaling/pg-store.js';
import { findPostgresBin, POSTGRES_MISSING, startPostgres, type PostgresServer } from './helpers/postgres.js';
import { makeSession, storeContract, type StoreHarness } from './helpers/store-contract.js';

const AUDIT_KEY = 'test-audit-key-0123456789abcdefghijklmnop';
const bin = findPostgresBin();
if (!bin) console.warn(`\n!!! ${POSTGRES_MISSING}\n`);

let server: PostgresServer | undefined;

/** `?` placeholders to PostgreSQL's `$n`. */
const numbered = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

async function pgHarness(): Promise<StoreHarness> {
  if (!server) throw new Error('PostgreSQL did not start');
  const url = await server.createDatabase();
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  return {
    auditKey: AUDIT_KEY,
    open: () => openPgStore({ connectionString: url, auditKey: AUDIT_KEY }),
    openAnother: () => openPgStore({ connectionString: url, auditKey: AUDIT_KEY }),
    async sql(text, params = []) {
      return (await raw.query(numbered(text), params)).rows as Record<string, unknown>[];
    },
    async sqlTransaction(statements) {
      await raw.query('BEGIN');
      try {
        for (const [text, params] of statements) await raw.query(numbered(text), params);
        await raw.query('COMMIT');
      } catch (error) {
        await raw.query('ROLLBACK');
        throw error;
      }
    },
    async dropAuditTriggers() {
      await raw.query('DROP TRIGGER audit_events_no_update ON audit_events');
      await raw.query('DROP TRIGGER audit_events_no_delete ON audit_events');
    },
    async cleanup() {
      await raw.end();
    },
  };
}

describe.skipIf(!bin)('PostgreSQL store', () => {
  beforeAll(async () => {
    server = await startPostgres(bin ?? '');
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  describe('Store contract on PostgreSQL', () => {
    storeContract(pgHarness);
  });

  describe('migrations', () => {
    it('run at start, once, even when several instances start together; a newer schema is refused', async () => {
      if (!server) throw new Error('PostgreSQL did not start');
      const url = await server.createDatabase();
      const stores = await Promise.all(
        [1, 2, 3].map(() => openPgStore({ connectionString: url, auditKey: AUDIT_KEY })),
      );
      await stores[0]?.createSession(makeSession());
      for (const store of stores) await store.close();
      const raw = new pg.Client({ connectionString: url });
      await raw.connect();
      try {
        const versions = await raw.query('SELECT version FROM schema_migrations ORDER BY version');
        expect(versions.rows.map((row: { version: number }) => row.version)).toEqual(
          Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1),
        );
        await raw.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)', [PG_SCHEMA_VERSION + 1]);
        await expect(openPgStore({ connectionString: url, auditKey: AUDIT_KEY })).rejects.toThrow(/newer/);
      } finally {
        await raw.end();
      }
    });

    it('a bad DATABASE_URL fails clearly at start', async () => {
      await expect(
        openPgStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none', auditKey: AUDIT_KEY }),
      ).rejects.toThrow(/ECONNREFUSED|connect/);
    });
  });
});
