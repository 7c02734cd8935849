/**
 * The head witness's lifetime owes nothing to the session row (review s12,
 * W1). sessions.expires_at carries no key: a database-only attacker moved it
 * back a day, the next honest append then set the Redis count to expire in
 * the past (deleted at once) and made this process's entry prunable, and an
 * earlier head (count, hash, MAC) put back with the rows after it deleted
 * verified. Real SQLite and a real redis-server. The oracle is the count the
 * test wrote; the controls leave expires_at alone.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeadWitness } from '../../signaling/audit-witness.js';
import { openSqliteStore } from '../../signaling/sqlite-store.js';
import type { AuditEventInput, Store } from '../../signaling/store.js';
import { findRedisServer, REDIS_MISSING, suiteRedis } from './helpers/redis.js';
import { makeSession } from './helpers/store-contract.js';

const KEY = 'k'.repeat(64);
const DAY = 24 * 3600_000;
const bin = findRedisServer();
if (!bin) console.warn(`\n!!! ${REDIS_MISSING}\n`);

const ev = (type: AuditEventInput['type'], at: number, data: AuditEventInput['data'] = {}): AuditEventInput => ({
  type,
  actor: type === 'session-created' ? 'api' : 'customer',
  at,
  data,
});
const HEAD = 'audit_count, audit_head_hash, audit_head_mac, audit_bytes, expires_at';

/** The attack on a fresh data directory: the head saved after 2 events, 2 more, expires_at moved back (or not), an honest append. */
async function tamperedChain(store: Store, raw: Database.Database, moveBack: boolean) {
  const session = makeSession({ status: 'live', startedAt: 2, expiresAt: Date.now() + 3600_000 });
  await store.createSession(session);
  await store.appendEvent(session.id, ev('session-created', 1));
  await store.appendEvent(session.id, ev('consent-granted', 2));
  const saved = raw.prepare(`SELECT ${HEAD} FROM sessions WHERE id = ?`).get(session.id) as Record<
    string,
    number | string
  >;
  await store.appendEvent(session.id, ev('control-granted', 3));
  await store.appendEvent(session.id, ev('remote-action', 4, { action: 'click', target: 'button "Transfer"' }));
  if (moveBack)
    raw.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').run(Date.now() - 25 * 3600_000, session.id);
  await store.appendEvent(session.id, ev('page-visited', 5, { url: 'https://bank.example/done', title: null }));
  /** The rows after the saved head deleted, the head and expires_at put back. */
  const putBack = () => {
    raw.prepare('DELETE FROM audit_events WHERE session_id = ? AND seq > ?').run(session.id, saved['audit_count']);
    raw
      .prepare(
        'UPDATE sessions SET audit_count=?, audit_head_hash=?, audit_head_mac=?, audit_bytes=?, expires_at=? WHERE id=?',
      )
      .run(
        saved['audit_count'],
        saved['audit_head_hash'],
        saved['audit_head_mac'],
        saved['audit_bytes'],
        saved['expires_at'],
        session.id,
      );
  };
  return { id: session.id, putBack };
}

function openRaw(dataDir: string): Database.Database {
  const raw = new Database(join(dataDir, 'cobrowse.db'));
  const triggers = raw
    .prepare("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_events'")
    .all() as { name: string }[];
  for (const { name } of triggers) raw.exec(`DROP TRIGGER "${name}"`);
  return raw;
}

describe.skipIf(!bin)("the witness's lifetime against expires_at moved back on disk", () => {
  const redis = suiteRedis(bin ?? '');

  for (const moveBack of [false, true]) {
    it(`with Redis, another instance reports the head put back (expires_at ${moveBack ? 'moved back' : 'untouched, control'})`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'witness-lifetime-'));
      try {
        const writer = new HeadWitness();
        writer.share(redis(), () => {});
        const store = openSqliteStore({ dataDir, auditKey: KEY, headWitness: writer });
        const raw = openRaw(dataDir);
        const chain = await tamperedChain(store, raw, moveBack);
        await store.close(); // this instance stops
        chain.putBack();
        raw.close();
        const fresh = new HeadWitness();
        fresh.share(redis(), () => {});
        const other = openSqliteStore({ dataDir, auditKey: KEY, headWitness: fresh });
        const verdict = await other.verifyChain(chain.id);
        await other.close();
        expect(verdict).toMatchObject({ valid: false, reason: expect.stringContaining('behind the 5') });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }

  for (const moveBack of [false, true]) {
    it(`without Redis, the writing store reports it after 1,030 other appends (expires_at ${moveBack ? 'moved back' : 'untouched, control'})`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'witness-lifetime-'));
      try {
        const store = openSqliteStore({ dataDir, auditKey: KEY }); // this process's memory only
        const raw = openRaw(dataDir);
        const chain = await tamperedChain(store, raw, moveBack);
        // Ordinary traffic on another session: the witness prunes every 1,024 writes.
        const busy = makeSession({ status: 'live', startedAt: 2, expiresAt: Date.now() + 3600_000 });
        await store.createSession(busy);
        await store.appendEvent(busy.id, ev('session-created', 1));
        for (let i = 0; i < 1_030; i += 1) {
          await store.appendEvent(
            busy.id,
            ev('page-visited', 10 + i, { url: `https://shop.example/${i}`, title: null }),
          );
        }
        chain.putBack();
        raw.close();
        const verdict = await store.verifyChain(chain.id);
        await store.close();
        expect(verdict).toMatchObject({ valid: false, reason: expect.stringContaining('behind the 5') });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 60_000);
  }

  it('no write shortens a count kept in Redis; the count itself only rises', async () => {
    const a = new HeadWitness();
    a.share(redis(), () => {});
    await a.saw('s-life', 3, 'h');
    const key = 'cobrowse:audit-head:s-life';
    const client = redis();
    const first = await client.pttl(key);
    // A server with a shorter SESSION_TTL (or a clock behind) writes next: the key keeps the later time.
    const short = new HeadWitness(() => Date.now() - DAY, 1_000);
    short.share(client, () => {});
    await short.saw('s-life', 4, 'h4');
    expect(await client.get(key)).toBe('4:h4');
    expect(await client.pttl(key)).toBeGreaterThan(first - 60_000);
    await short.saw('s-life', 2, 'h2');
    expect(await client.get(key)).toBe('4:h4');
    // Control: a key written only by the short-lived witness expires sooner.
    await short.saw('s-short', 1, 'h');
    expect(await client.pttl('cobrowse:audit-head:s-short')).toBeLessThan(first - DAY / 2);
  });
});
