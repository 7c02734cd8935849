/**
 * Review s13 W3: the witness remembered a count only. A writes 7 events; the
 * attacker deletes 6 and 7 and puts back the head saved at 5; instance B,
 * which wrote none of them, appends while its Redis calls fail (nothing
 * known: it links over the cut), and its honest appends bring the count back
 * to 7 and past. With the count alone the cut then verified everywhere, the
 * writer included. The witness now keeps the head's hash: event 7 of the
 * chain written over the cut is not the event 7 written (every row is keyed).
 *
 * Both stores (SQLite file, real PostgreSQL) and a real redis-server. The
 * oracle is what the test wrote (the hashes of the events it deleted are
 * never stored again). Controls: B reaching Redis is refused (as before); an
 * untouched chain appended to by B while its Redis fails verifies everywhere.
 */
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HeadWitness } from '../../signaling/audit-witness.js';
import { openPgStore } from '../../signaling/pg-store.js';
import { openSqliteStore } from '../../signaling/sqlite-store.js';
import type { AuditEventInput, Store } from '../../signaling/store.js';
import { makeSession } from './helpers/store-contract.js';
import { backendsAvailable, useBackends } from './helpers/scale-out.js';

const KEY = 'k'.repeat(64);
const bins = backendsAvailable();

const ev = (type: AuditEventInput['type'], at: number, data: AuditEventInput['data'] = {}): AuditEventInput => ({
  type,
  actor: type === 'session-created' ? 'api' : 'customer',
  at,
  data,
});
const page = (n: number): AuditEventInput => ev('page-visited', n, { url: `https://bank.example/p${n}`, title: null });

/** One database, opened as several instances, and raw SQL on it (`?` placeholders) as someone with write access. */
interface Engine {
  open(witness: HeadWitness): Promise<Store>;
  sql(text: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function sqliteEngine(): Promise<Engine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'witness-overwrite-'));
  const stores: Store[] = [];
  const open = async (witness: HeadWitness) => {
    const store = openSqliteStore({ dataDir, auditKey: KEY, headWitness: witness });
    stores.push(store);
    return store;
  };
  await open(new HeadWitness()); // creates the schema
  const raw = new Database(join(dataDir, 'cobrowse.db'));
  for (const { name } of raw
    .prepare("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_events'")
    .all() as { name: string }[])
    raw.exec(`DROP TRIGGER "${name}"`);
  return {
    open,
    async sql(text, params) {
      const statement = raw.prepare(text);
      return statement.reader
        ? (statement.all(...params) as Record<string, unknown>[])
        : (statement.run(...params), []);
    },
    async close() {
      for (const store of stores) await store.close();
      raw.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function pgEngine(url: string): Promise<Engine> {
  const stores: Store[] = [];
  const open = async (witness: HeadWitness) => {
    const store = await openPgStore({ connectionString: url, auditKey: KEY, headWitness: witness });
    stores.push(store);
    return store;
  };
  await open(new HeadWitness()); // runs the migrations
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  await raw.query('DROP TRIGGER audit_events_no_update ON audit_events');
  await raw.query('DROP TRIGGER audit_events_no_delete ON audit_events');
  return {
    open,
    async sql(text, params) {
      let n = 0;
      return (
        await raw.query(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as Record<string, unknown>[];
    },
    async close() {
      for (const store of stores) await store.close();
      await raw.end();
    },
  };
}

const HEAD = 'audit_count, audit_head_hash, audit_head_mac, audit_bytes';

describe.skipIf(!bins)('a chain written over a cut while the witness was unknown (review s13 W3)', () => {
  const backends = useBackends(bins);
  const engines: Engine[] = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
  });
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  /** A witness sharing through the test's Redis. */
  const shared = () => {
    const witness = new HeadWitness();
    const client = new Redis(backends().redis.url, { maxRetriesPerRequest: 1 });
    clients.push(client);
    witness.share(client, () => {});
    return witness;
  };
  /** A witness whose every Redis call fails at once (nothing listens on port 1): Redis unreachable for it. */
  const unreachable = (reports: string[]) => {
    const witness = new HeadWitness();
    const client = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    client.on('error', () => undefined);
    clients.push(client);
    witness.share(client, (_error, sessionId, unknown) => {
      if (unknown) reports.push(sessionId);
    });
    return witness;
  };

  const engineOf = async (kind: 'sqlite' | 'postgres'): Promise<Engine> => {
    const engine =
      kind === 'sqlite' ? await sqliteEngine() : await pgEngine(await backends().postgres.createDatabase());
    engines.push(engine);
    return engine;
  };

  /** A (sharing through Redis) writes 7 events; with `cut`, rows 6-7 are deleted and the head saved at 5 put back. */
  async function writtenBy(engine: Engine, a: Store, cut: boolean): Promise<string> {
    const session = makeSession({ status: 'live', startedAt: 2, expiresAt: Date.now() + 3600_000 });
    await a.createSession(session);
    await a.appendEvent(session.id, ev('session-created', 1));
    await a.appendEvent(session.id, ev('consent-granted', 2));
    for (let n = 3; n <= 5; n += 1) await a.appendEvent(session.id, page(n));
    const [saved] = await engine.sql(`SELECT ${HEAD} FROM sessions WHERE id = ?`, [session.id]);
    await a.appendEvent(session.id, ev('control-granted', 6));
    await a.appendEvent(session.id, ev('remote-action', 7, { action: 'click', target: 'button "Transfer 5,000"' }));
    if (cut && saved) {
      await engine.sql('DELETE FROM audit_events WHERE session_id = ? AND seq > 5', [session.id]);
      await engine.sql(
        'UPDATE sessions SET audit_count = ?, audit_head_hash = ?, audit_head_mac = ?, audit_bytes = ? WHERE id = ?',
        [saved['audit_count'], saved['audit_head_hash'], saved['audit_head_mac'], saved['audit_bytes'], session.id],
      );
    }
    return session.id;
  }

  /** B appends `count` honest page visits; what each did. */
  async function appendsBy(b: Store, id: string, count: number): Promise<string[]> {
    const outcomes: string[] = [];
    for (let n = 0; n < count; n += 1) {
      outcomes.push(
        await b.appendEvent(id, page(20 + n)).then(
          () => 'appended',
          (error: Error) => error.name,
        ),
      );
    }
    return outcomes;
  }

  for (const kind of ['sqlite', 'postgres'] as const) {
    for (const catchUp of [2, 3]) {
      it(`${kind}: B cannot reach Redis and appends ${catchUp}: the cut is reported by the writer and a fresh instance, and their appends are refused`, async () => {
        const engine = await engineOf(kind);
        const a = await engine.open(shared());
        const id = await writtenBy(engine, a, true);
        const reports: string[] = [];
        const b = await engine.open(unreachable(reports));
        // Nothing known where B appends: it links over the cut (reported, per session, as unknown).
        expect(await appendsBy(b, id, catchUp)).toEqual(Array(catchUp).fill('appended'));
        expect(reports).toContain(id);
        const fresh = await engine.open(shared());
        for (const store of [a, fresh]) {
          expect(await store.verifyChain(id)).toMatchObject({
            valid: false,
            brokenAt: 7,
            reason: expect.stringContaining('event 7 is not the one this server saw written'),
          });
          await expect(store.appendEvent(id, page(40))).rejects.toMatchObject({ name: 'AuditChainBrokenError' });
        }
        // The events the attacker deleted are not in the chain (the oracle: what the test wrote).
        const types = (await fresh.listEvents(id)).map((event) => event.type);
        expect(types).not.toContain('remote-action');
      }, 60_000);
    }

    it(`${kind}: control, B reaches Redis: its appends are refused and the cut reported`, async () => {
      const engine = await engineOf(kind);
      const a = await engine.open(shared());
      const id = await writtenBy(engine, a, true);
      const b = await engine.open(shared());
      expect(await appendsBy(b, id, 2)).toEqual(['AuditChainBrokenError', 'AuditChainBrokenError']);
      expect(await a.verifyChain(id)).toMatchObject({ valid: false, reason: expect.stringContaining('behind the 7') });
    }, 60_000);

    it(`${kind}: control, no cut: B appends while it cannot reach Redis, and every instance verifies and appends`, async () => {
      const engine = await engineOf(kind);
      const a = await engine.open(shared());
      const id = await writtenBy(engine, a, false);
      const b = await engine.open(unreachable([]));
      expect(await appendsBy(b, id, 3)).toEqual(['appended', 'appended', 'appended']);
      const fresh = await engine.open(shared());
      for (const store of [a, fresh, b]) expect(await store.verifyChain(id)).toEqual({ valid: true, events: 10 });
      // A's memory and Redis say 7; the chain is at 10: the append reads event 7's hash and takes the event.
      await a.appendEvent(id, page(41));
      await fresh.appendEvent(id, page(42));
      expect(await fresh.verifyChain(id)).toEqual({ valid: true, events: 12 });
    }, 60_000);
  }
});
