/**
 * Review s14 C1 and U1: text the server stores and chains must be well-formed Unicode. A name cut mid-emoji
 * (a lone surrogate) was accepted: on SQLite the session's honest audit then read as tampered (the row's
 * column holds U+FFFD, the chain's JSON the escape); on PostgreSQL migration 9's index cast the creation
 * event's data to jsonb, which refuses the escape, so the request answered 500 after writing an orphan row,
 * and a database already holding such a row could not be upgraded (every instance refused to start).
 *
 * Now the REST bodies refuse such text with a 400 naming the field, and PostgreSQL's conversation index reads
 * the data through a function that gives NULL where jsonb refuses it (migration 9 rebuilt, 10 replacing the
 * index of a database that ran the first 9). Oracles: the HTTP status and body, the session list, the audit's
 * verification, pg_indexes and schema_migrations read with raw SQL. Controls: an ordinary name, the same
 * upgrade without the refused row.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_SCHEMA_VERSION } from '../../signaling/pg-migrations.js';
import { openPgStore } from '../../signaling/pg-store.js';
import { findPostgresBin, POSTGRES_MISSING, startPostgres, type PostgresServer } from './helpers/postgres.js';
import { makeSession } from './helpers/store-contract.js';
import { serverScope } from './helpers/server-scope.js';
import type { TestServer } from './helpers/server.js';

const AUDIT_KEY = 'k'.repeat(64);
const bin = findPostgresBin();
if (!bin) console.warn(`\n!!! ${POSTGRES_MISSING}\n`);
const { start } = serverScope();

const json = (server: TestServer) => ({
  authorization: `Bearer ${server.apiKey}`,
  'content-type': 'application/json',
});

async function post(server: TestServer, path: string, body: unknown): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: json(server),
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

async function listed(server: TestServer): Promise<number> {
  const res = await fetch(`${server.baseUrl}/api/sessions`, { headers: json(server) });
  return ((await res.json()) as { sessions: unknown[] }).sessions.length;
}

async function verified(server: TestServer, sessionId: string): Promise<unknown> {
  const res = await fetch(`${server.baseUrl}/api/sessions/${sessionId}/audit`, { headers: json(server) });
  return ((await res.json()) as { verification?: { valid: boolean } }).verification?.valid;
}

const refused: [string, Record<string, unknown>][] = [
  ['agentName cut mid-emoji', { agentName: 'Dana \ud83d', conversationId: 'conv-2' }],
  ['conversationId with a lone low surrogate', { agentName: 'Dana', conversationId: 'conv-\udc00' }],
  ['conversationId with NUL', { agentName: 'Dana', conversationId: 'conv\u00003' }],
  ['a metadata value cut mid-emoji', { agentName: 'Dana', metadata: { note: 'ok \ud83d' } }],
];

function boundaryCases(env: () => Promise<Record<string, string>>): void {
  it('control: an ordinary name (emoji whole) is created, listed and verifies', async () => {
    const server = await start(await env());
    const created = await post(server, '/api/sessions', { agentName: 'Dana 😀', conversationId: 'conv-1' });
    expect(created.status).toBe(201);
    const { sessionId } = JSON.parse(created.body) as { sessionId: string };
    expect(await listed(server)).toBe(1);
    expect(await verified(server, sessionId)).toBe(true);
  });
  for (const [name, body] of refused) {
    it(`${name}: 400 naming the field, nothing written`, async () => {
      const server = await start(await env());
      const created = await post(server, '/api/sessions', body);
      expect(created.status).toBe(400);
      expect(created.body).toMatch(/well-formed Unicode/);
      expect(await listed(server)).toBe(0);
    });
  }
  it('a hand-over to a name cut mid-emoji: 400, the bot keeps the session', async () => {
    const server = await start(await env());
    const created = await post(server, '/api/sessions', { agentName: 'Lumen', agentBot: true });
    const { sessionId } = JSON.parse(created.body) as { sessionId: string };
    const handed = await post(server, `/api/sessions/${sessionId}/handover`, { agentName: 'Dana \ud83d' });
    expect(handed.status).toBe(400);
    expect(handed.body).toMatch(/well-formed Unicode/);
    expect(await verified(server, sessionId)).toBe(true);
  });
}

describe('SQLite: text that is not well-formed Unicode is refused at the REST boundary', () => {
  boundaryCases(async () => ({ AUDIT_KEY }));
});

describe.skipIf(!bin)('PostgreSQL', () => {
  let postgres: PostgresServer | undefined;
  beforeAll(async () => {
    postgres = await startPostgres(bin ?? '');
  }, 120_000);
  afterAll(async () => {
    await postgres?.stop();
  });
  const database = async () => {
    if (!postgres) throw new Error('PostgreSQL did not start');
    return postgres.createDatabase();
  };

  describe('text that is not well-formed Unicode is refused at the REST boundary', () => {
    boundaryCases(async () => ({ DATABASE_URL: await database(), AUDIT_KEY }));
  });

  /** A migrated database put back to `version`, its conversation index as that version left it. */
  async function backTo(url: string, version: 8 | 9, rawRow: boolean): Promise<{ keep: string; odd: string }> {
    const store = await openPgStore({ connectionString: url, auditKey: AUDIT_KEY });
    const keep = makeSession({ conversationId: 'conv-keep' });
    await store.createSession(keep);
    await store.appendEvent(keep.id, {
      type: 'session-created',
      actor: 'api',
      at: 1,
      data: { conversationId: 'conv-keep', agentName: 'Ada', agentId: null, agentBot: false },
    });
    const odd = makeSession({ conversationId: 'conv-odd' });
    await store.createSession(odd);
    await store.close();
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    try {
      await raw.query('DROP INDEX audit_events_created_conversation_safe');
      await raw.query('DELETE FROM schema_migrations WHERE version > $1', [version]);
      if (version === 9) {
        // Migration 9 as first shipped.
        await raw.query(
          `CREATE INDEX audit_events_created_conversation ON audit_events (((data)::jsonb ->> 'conversationId')) WHERE type = 'session-created'`,
        );
      }
      // A creation event as the build before 3f2bcf0 wrote it for a name cut mid-emoji (JSON.stringify's escape).
      if (rawRow) {
        await raw.query(
          `INSERT INTO audit_events (session_id, seq, type, actor, at, data, prev_hash, hash) VALUES ($1, 1, 'session-created', 'api', 1, $2, 'x', 'y')`,
          [
            odd.id,
            JSON.stringify({ conversationId: 'conv-odd', agentName: 'Dana \ud83d', agentId: null, agentBot: false }),
          ],
        );
      }
    } finally {
      await raw.end();
    }
    return { keep: keep.id, odd: odd.id };
  }

  async function indexesAndVersions(url: string): Promise<{ indexes: string[]; versions: number[] }> {
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    try {
      const indexes = await raw.query(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'audit_events' AND indexname LIKE 'audit_events_created_conversation%' ORDER BY indexname`,
      );
      const versions = await raw.query('SELECT version FROM schema_migrations ORDER BY version');
      return {
        indexes: indexes.rows.map((row: { indexname: string }) => row.indexname),
        versions: versions.rows.map((row: { version: number }) => row.version),
      };
    } finally {
      await raw.end();
    }
  }

  describe('upgrading a database', () => {
    const cases: [string, 8 | 9, boolean][] = [
      ['control: from schema 8 without a refused row', 8, false],
      ['from schema 8 holding a creation event jsonb refuses (a name cut mid-emoji)', 8, true],
      ['from the first migration 9 (its plain-cast index)', 9, false],
    ];
    for (const [name, version, rawRow] of cases) {
      it(`${name}: the store opens, the conversation index is the safe one, the filter answers`, async () => {
        const url = await database();
        const { keep, odd } = await backTo(url, version, rawRow);
        const store = await openPgStore({ connectionString: url, auditKey: AUDIT_KEY });
        try {
          expect((await store.listByConversation('conv-keep')).map((s) => s.id)).toEqual([keep]);
          // The refused row names no conversation the index can read: the row's column decides, as for legacy rows.
          expect((await store.listByConversation('conv-odd')).map((s) => s.id)).toEqual([odd]);
        } finally {
          await store.close();
        }
        expect(await indexesAndVersions(url)).toEqual({
          indexes: ['audit_events_created_conversation_safe'],
          versions: Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1),
        });
      }, 60_000);
    }
  });
});
