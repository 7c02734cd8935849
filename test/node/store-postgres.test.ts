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
import { storeDigestContract } from './helpers/store-digest-contract.js';
import { storeHeadContract } from './helpers/store-head-contract.js';
import { storeAgentContract } from './helpers/store-agent-contract.js';
import { storeCapContract } from './helpers/store-cap-contract.js';
import { storeConversationContract } from './helpers/store-conversation-contract.js';

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
  // Removing the cluster's files (about 60 databases) took 57-61 s at load 28-31, past the default 20 s.
  afterAll(async () => {
    await server?.stop();
  }, 120_000);

  describe('Store contract on PostgreSQL', () => {
    storeContract(pgHarness);
  });

  describe('Store contract on PostgreSQL: the chain head', () => {
    storeHeadContract(pgHarness);
  });

  describe('Store contract on PostgreSQL: the agent', () => {
    storeAgentContract(pgHarness);
  });

  describe('Store contract on PostgreSQL: the conversation filter', () => {
    storeConversationContract(pgHarness);
  });

  describe('Store contract on PostgreSQL: the session list digest', () => {
    storeDigestContract(pgHarness);
  });

  describe('Store contract on PostgreSQL: the audit cap', () => {
    storeCapContract(async () => {
      if (!server) throw new Error('PostgreSQL did not start');
      const url = await server.createDatabase();
      return {
        open: (auditLimits) => openPgStore({ connectionString: url, auditKey: AUDIT_KEY, auditLimits }),
        cleanup: async () => {},
      };
    });
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

    it('an upgrade from schema 5 signs the heads already recorded: old chains verify and take appends', async () => {
      if (!server) throw new Error('PostgreSQL did not start');
      const url = await server.createDatabase();
      let store = await openPgStore({ connectionString: url, auditKey: AUDIT_KEY });
      const session = makeSession();
      await store.createSession(session);
      await store.appendEvent(session.id, { type: 'session-created', actor: 'api', at: 1, data: {} });
      await store.appendEvent(session.id, { type: 'consent-granted', actor: 'customer', at: 2, data: {} });
      await store.close();
      const raw = new pg.Client({ connectionString: url });
      await raw.connect();
      try {
        // A database as schema 5 left it: no head MAC column.
        await raw.query('ALTER TABLE sessions DROP COLUMN audit_head_mac');
        await raw.query('ALTER TABLE sessions DROP COLUMN audit_bytes');
        await raw.query('DELETE FROM schema_migrations WHERE version > 5');
      } finally {
        await raw.end();
      }
      store = await openPgStore({ connectionString: url, auditKey: AUDIT_KEY });
      try {
        expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 2 });
        // Migration 7 counted the bytes already stored (the audit cap's), as the test counts them: '{}' twice.
        const sized = new pg.Client({ connectionString: url });
        await sized.connect();
        try {
          const bytes = await sized.query('SELECT audit_bytes FROM sessions WHERE id = $1', [session.id]);
          expect(bytes.rows).toEqual([{ audit_bytes: '4' }]);
        } finally {
          await sized.end();
        }
        await store.appendEvent(session.id, { type: 'paused', actor: 'customer', at: 3, data: {} });
        expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 3 });
      } finally {
        await store.close();
      }
      // Control: signed under another key, the upgraded head does not verify.
      store = await openPgStore({ connectionString: url, auditKey: `${AUDIT_KEY}-other` });
      try {
        expect(await store.verifyChain(session.id)).toMatchObject({ valid: false });
      } finally {
        await store.close();
      }
    });

    it('a bad DATABASE_URL fails clearly at start', async () => {
      await expect(
        openPgStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none', auditKey: AUDIT_KEY }),
      ).rejects.toThrow(/ECONNREFUSED|connect/);
    });
  });
});
