/**
 * The embedded store: the shared Store contract (helpers/store-contract.ts)
 * on SQLite, plus what only SQLite has (WAL, user_version, a file name,
 * separate processes writing one file).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, SCHEMA_VERSION } from '../../signaling/sqlite-store.js';
import { GENESIS_HASH, hashAuditEvent, hashToken, type Store } from '../../signaling/store.js';
import { makeSession, storeContract, type StoreHarness } from './helpers/store-contract.js';
import { storeDigestContract } from './helpers/store-digest-contract.js';
import { storeHeadContract } from './helpers/store-head-contract.js';
import { storeAgentContract } from './helpers/store-agent-contract.js';
import { storeCapContract } from './helpers/store-cap-contract.js';
import { storeConversationContract } from './helpers/store-conversation-contract.js';

const AUDIT_KEY = 'test-audit-key-0123456789abcdefghijklmnop';

async function sqliteHarness(): Promise<StoreHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-store-'));
  let raw: Database.Database | undefined;
  const connection = () => (raw ??= new Database(join(dataDir, 'cobrowse.db')));
  return {
    auditKey: AUDIT_KEY,
    open: async () => openSqliteStore({ dataDir, auditKey: AUDIT_KEY }),
    openAnother: async () => openSqliteStore({ dataDir, auditKey: AUDIT_KEY }),
    async sql(text, params = []) {
      const statement = connection().prepare(text);
      if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
      statement.run(...params);
      return [];
    },
    async sqlTransaction(statements) {
      const db = connection();
      db.transaction(() => {
        for (const [text, params] of statements) db.prepare(text).run(...params);
      })();
    },
    async dropAuditTriggers() {
      const db = connection();
      const triggers = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
        .all() as { name: string }[];
      expect(triggers.length).toBeGreaterThanOrEqual(2);
      for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);
    },
    async cleanup() {
      raw?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('Store contract on SQLite', () => {
  storeContract(sqliteHarness);
});

describe('Store contract on SQLite: the chain head', () => {
  storeHeadContract(sqliteHarness);
});

describe('Store contract on SQLite: the agent', () => {
  storeAgentContract(sqliteHarness);
});

describe('Store contract on SQLite: the conversation filter', () => {
  storeConversationContract(sqliteHarness);
});

describe('Store contract on SQLite: the session list digest', () => {
  storeDigestContract(sqliteHarness);
});

describe('Store contract on SQLite: the audit cap', () => {
  storeCapContract(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-cap-'));
    return {
      open: async (auditLimits) => openSqliteStore({ dataDir, auditKey: AUDIT_KEY, auditLimits }),
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  });
});

describe('hashing', () => {
  it('hashToken is the sha256 hex of the token', () => {
    // sha256("abc"), a published test vector.
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('hashAuditEvent does not depend on the order of data keys, but on every field and the key', () => {
    const base = {
      sessionId: 's1',
      seq: 1,
      type: 'page-visited',
      actor: 'customer',
      at: 5,
      data: { a: 1, b: 'x' },
    } as const;
    const reordered = { ...base, data: { b: 'x', a: 1 } };
    expect(hashAuditEvent(AUDIT_KEY, GENESIS_HASH, base)).toBe(hashAuditEvent(AUDIT_KEY, GENESIS_HASH, reordered));
    const variants = [
      { ...base, sessionId: 's2' },
      { ...base, seq: 2 },
      { ...base, type: 'connected' as const },
      { ...base, actor: 'agent' as const },
      { ...base, at: 6 },
      { ...base, data: { a: 1, b: 'y' } },
      { ...base, data: { a: '1', b: 'x' } },
    ];
    const baseHash = hashAuditEvent(AUDIT_KEY, GENESIS_HASH, base);
    for (const variant of variants) expect(hashAuditEvent(AUDIT_KEY, GENESIS_HASH, variant)).not.toBe(baseHash);
    expect(hashAuditEvent(AUDIT_KEY, '1'.repeat(64), base)).not.toBe(baseHash);
    expect(hashAuditEvent(`${AUDIT_KEY}x`, GENESIS_HASH, base)).not.toBe(baseHash);
  });
});

describe('SQLite only', () => {
  let dataDir: string;
  let store: Store;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-store-'));
    store = openSqliteStore({ dataDir, auditKey: AUDIT_KEY });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uses WAL, records the schema version, and refuses a database from a newer build', async () => {
    await store.close();
    const raw = new Database(join(dataDir, 'cobrowse.db'));
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      expect(() => openSqliteStore({ dataDir, auditKey: AUDIT_KEY })).toThrow(/newer/);
      raw.pragma(`user_version = ${SCHEMA_VERSION}`);
    } finally {
      raw.close();
    }
    store = openSqliteStore({ dataDir, auditKey: AUDIT_KEY });
  });

  it('an upgrade from schema 5 signs the heads already recorded: old chains verify and take appends', async () => {
    const session = makeSession();
    await store.createSession(session);
    await store.appendEvent(session.id, { type: 'session-created', actor: 'api', at: 1, data: {} });
    await store.appendEvent(session.id, { type: 'consent-granted', actor: 'customer', at: 2, data: {} });
    await store.close();
    // A database as schema 5 left it: no head MAC column.
    const raw = new Database(join(dataDir, 'cobrowse.db'));
    try {
      raw.exec('ALTER TABLE sessions DROP COLUMN audit_head_mac');
      raw.exec('ALTER TABLE sessions DROP COLUMN audit_bytes');
      raw.pragma('user_version = 5');
    } finally {
      raw.close();
    }
    store = openSqliteStore({ dataDir, auditKey: AUDIT_KEY });
    expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 2 });
    // Migration 7 counted the bytes already stored (the audit cap's), as the test counts them: '{}' twice.
    const sized = new Database(join(dataDir, 'cobrowse.db'), { readonly: true });
    try {
      expect(sized.prepare('SELECT audit_bytes FROM sessions WHERE id = ?').get(session.id)).toEqual({
        audit_bytes: 4,
      });
    } finally {
      sized.close();
    }
    await store.appendEvent(session.id, { type: 'paused', actor: 'customer', at: 3, data: {} });
    expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 3 });
    // Control: signed under another key, the upgraded head does not verify.
    await store.close();
    store = openSqliteStore({ dataDir, auditKey: `${AUDIT_KEY}-other` });
    expect(await store.verifyChain(session.id)).toMatchObject({ valid: false });
  });

  it('honours a custom file name', async () => {
    await store.close();
    store = openSqliteStore({ dataDir, fileName: 'other.db', auditKey: AUDIT_KEY });
    await store.createSession(makeSession());
    const raw = new Database(join(dataDir, 'other.db'));
    try {
      expect(raw.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 1 });
    } finally {
      raw.close();
    }
  });

  it('keeps one valid chain when separate processes append at the same time', async () => {
    const session = makeSession();
    await store.createSession(session);
    // Node 20 cannot run the TypeScript store directly, so each writer process
    // runs a CommonJS bundle of it; better-sqlite3 stays external (native).
    const workerFile = join(dataDir, 'append-worker.cjs');
    await build({
      stdin: {
        contents: `
          import { openSqliteStore } from './signaling/sqlite-store.js';
          const [dataDir, sessionId, actor, count, startAt, auditKey] = process.argv.slice(2);
          const store = openSqliteStore({ dataDir, auditKey });
          // Both writers start together so that their appends really overlap.
          const delay = Number(startAt) - Date.now();
          if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
          (async () => {
            for (let i = 0; i < Number(count); i += 1) {
              await store.appendEvent(sessionId, { type: 'connected', actor, at: i, data: { i } });
            }
            await store.close();
          })();
        `,
        resolveDir: resolve(import.meta.dirname, '../..'),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['better-sqlite3', 'pg', 'ioredis'],
      outfile: workerFile,
      logLevel: 'silent',
    });
    const startAt = String(Date.now() + 1_000);
    const runWriter = (actor: string): Promise<{ code: number | null; stderr: string }> =>
      new Promise((done) => {
        const child = spawn(process.execPath, [workerFile, dataDir, session.id, actor, '300', startAt, AUDIT_KEY], {
          env: { ...process.env, NODE_PATH: resolve(import.meta.dirname, '../../node_modules') },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => done({ code, stderr }));
      });
    const results = await Promise.all([runWriter('customer'), runWriter('agent')]);
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    expect(await store.verifyChain(session.id)).toEqual({ valid: true, events: 600 });
    const events = await store.listEvents(session.id);
    expect(events.filter((e) => e.actor === 'customer').map((e) => e.data['i'])).toEqual([...Array(300).keys()]);
    expect(events.filter((e) => e.actor === 'agent').map((e) => e.data['i'])).toEqual([...Array(300).keys()]);
  });
});
