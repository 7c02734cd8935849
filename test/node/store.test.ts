import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, SCHEMA_VERSION } from '../../signaling/sqlite-store.js';
import {
  GENESIS_HASH,
  hashAuditEvent,
  hashToken,
  type AuditEventInput,
  type SessionRecord,
  type Store,
} from '../../signaling/store.js';

const AUDIT_KEY = 'test-audit-key-0123456789abcdefghijklmnop';
let dataDir: string;
let store: Store;
const rawConnections: Database.Database[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-store-'));
  store = openSqliteStore({ dataDir, auditKey: AUDIT_KEY });
});

afterEach(() => {
  for (const raw of rawConnections.splice(0)) raw.close();
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A second, raw connection to the same file: what someone with disk access could do. */
function openRaw(): Database.Database {
  const raw = new Database(join(dataDir, 'cobrowse.db'));
  rawConnections.push(raw);
  return raw;
}

function dropAuditTriggers(raw: Database.Database): void {
  const triggers = raw
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
    .all() as { name: string }[];
  expect(triggers.length).toBeGreaterThanOrEqual(2);
  for (const { name } of triggers) raw.exec(`DROP TRIGGER "${name}"`);
}

let counter = 0;
function makeSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  counter += 1;
  return {
    id: `session-${counter}-abcdef`,
    conversationId: 'conv-1',
    agentName: 'Ada',
    metadata: { plan: 'pro', seats: 3, vip: true },
    customerTokenHash: hashToken(`customer-token-${counter}`),
    agentTokenHash: hashToken(`agent-token-${counter}`),
    createdAt: 1_700_000_000_000 + counter,
    expiresAt: 1_700_003_600_000 + counter,
    status: 'pending',
    startedAt: null,
    endedAt: null,
    endedBy: null,
    endReason: null,
    controlGranted: false,
    ...overrides,
  };
}

function event(type: AuditEventInput['type'], at: number, data: AuditEventInput['data'] = {}): AuditEventInput {
  return { type, actor: type === 'session-created' ? 'api' : 'customer', at, data };
}

/** A session with five chained events. */
function sessionWithEvents(): SessionRecord {
  const session = makeSession();
  store.createSession(session);
  store.appendEvent(session.id, event('session-created', 1));
  store.appendEvent(session.id, event('consent-shown', 2));
  store.appendEvent(session.id, event('consent-granted', 3));
  store.appendEvent(session.id, event('page-visited', 4, { url: 'https://shop.example/cart', title: 'Cart' }));
  store.appendEvent(session.id, event('ended', 5, { reason: 'customer-ended' }));
  return session;
}

describe('hashToken', () => {
  it('is the sha256 hex of the token', () => {
    // sha256("abc"), a published test vector.
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });
});

describe('hashAuditEvent', () => {
  it('does not depend on the order of data keys, but on every field', () => {
    const base = { sessionId: 's1', seq: 1, type: 'page-visited', actor: 'customer', at: 5, data: { a: 1, b: 'x' } } as const;
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
  });
});

describe('sessions', () => {
  it('creates, reads and finds a session by either token hash with the right role', () => {
    const session = makeSession();
    store.createSession(session);
    expect(store.getSession(session.id)).toEqual(session);
    expect(store.getSession('missing-session')).toBeUndefined();

    expect(store.findByTokenHash(session.customerTokenHash)).toEqual({ session, role: 'customer' });
    expect(store.findByTokenHash(session.agentTokenHash)).toEqual({ session, role: 'agent' });
    expect(store.findByTokenHash(hashToken('someone-else'))).toBeUndefined();
  });

  it('refuses a duplicate id or token hash', () => {
    const session = makeSession();
    store.createSession(session);
    expect(() => store.createSession({ ...makeSession(), id: session.id })).toThrow();
    expect(() => store.createSession({ ...makeSession(), agentTokenHash: session.agentTokenHash })).toThrow();
  });

  it('updates only the patched fields', () => {
    const session = makeSession();
    store.createSession(session);
    const live = store.updateSession(session.id, { status: 'live', startedAt: 1_700_000_100_000, controlGranted: true });
    expect(live).toEqual({ ...session, status: 'live', startedAt: 1_700_000_100_000, controlGranted: true });

    const ended = store.updateSession(session.id, {
      status: 'ended',
      endedAt: 1_700_000_200_000,
      endedBy: 'customer',
      endReason: 'customer-ended',
      startedAt: undefined,
    });
    expect(ended).toEqual({
      ...session,
      status: 'ended',
      startedAt: 1_700_000_100_000,
      controlGranted: true,
      endedAt: 1_700_000_200_000,
      endedBy: 'customer',
      endReason: 'customer-ended',
    });
    expect(store.getSession(session.id)).toEqual(ended);
    expect(store.updateSession('missing-session', { status: 'ended' })).toBeUndefined();
  });

  it('rejects a patch with a value outside the protocol enums', () => {
    const session = makeSession();
    store.createSession(session);
    const badPatch = JSON.parse('{"status":"paused"}') as { status: 'live' };
    expect(() => store.updateSession(session.id, badPatch)).toThrow();
    expect(store.getSession(session.id)?.status).toBe('pending');
  });

  it('lists the sessions of a conversation newest first, and only open sessions for sweeps', () => {
    const older = makeSession({ createdAt: 1_000, expiresAt: 9_000 });
    const newer = makeSession({ createdAt: 2_000, expiresAt: 8_000 });
    const otherConversation = makeSession({ conversationId: 'conv-2', createdAt: 3_000, expiresAt: 7_000 });
    const noConversation = makeSession({ conversationId: null, createdAt: 4_000, expiresAt: 10_000 });
    for (const s of [older, newer, otherConversation, noConversation]) store.createSession(s);

    expect(store.listByConversation('conv-1').map((s) => s.id)).toEqual([newer.id, older.id]);
    expect(store.listByConversation('conv-2')).toEqual([otherConversation]);
    expect(store.listByConversation('conv-none')).toEqual([]);

    store.updateSession(newer.id, { status: 'ended', endedAt: 5_000, endedBy: 'agent', endReason: 'agent-ended' });
    store.updateSession(older.id, { status: 'live' });
    expect(store.listOpen().map((s) => s.id)).toEqual([otherConversation.id, older.id, noConversation.id]);
  });

  it('keeps sessions and audit events across closing and reopening the store', () => {
    const session = sessionWithEvents();
    store.updateSession(session.id, { status: 'consented', startedAt: 3 });
    const eventsBefore = store.listEvents(session.id);
    store.close();

    store = openSqliteStore({ dataDir, auditKey: AUDIT_KEY });
    expect(store.getSession(session.id)).toEqual({ ...session, status: 'consented', startedAt: 3 });
    expect(store.listEvents(session.id)).toEqual(eventsBefore);
    expect(store.verifyChain(session.id)).toEqual({ valid: true, events: 5 });
    // The chain continues from the stored head after a restart.
    const next = store.appendEvent(session.id, event('disconnected', 6));
    expect(next.seq).toBe(6);
    expect(next.prevHash).toBe(eventsBefore.at(-1)?.hash);
    expect(store.verifyChain(session.id)).toEqual({ valid: true, events: 6 });
  });

  it('uses WAL, records the schema version, and refuses a database from a newer build', () => {
    store.close();
    const raw = openRaw();
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    expect(() => openSqliteStore({ dataDir, auditKey: AUDIT_KEY })).toThrow(/newer/);
    raw.pragma(`user_version = ${SCHEMA_VERSION}`);
    store = openSqliteStore({ dataDir, auditKey: AUDIT_KEY });
  });

  it('honours a custom file name', () => {
    store.close();
    store = openSqliteStore({ dataDir, fileName: 'other.db', auditKey: AUDIT_KEY });
    store.createSession(makeSession());
    const raw = new Database(join(dataDir, 'other.db'));
    rawConnections.push(raw);
    expect(raw.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 1 });
  });
});

describe('audit log', () => {
  it('builds a hash chain from the genesis hash', () => {
    const session = sessionWithEvents();
    const events = store.listEvents(session.id);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events.map((e) => e.type)).toEqual(['session-created', 'consent-shown', 'consent-granted', 'page-visited', 'ended']);
    let prev = GENESIS_HASH;
    for (const e of events) {
      expect(e.sessionId).toBe(session.id);
      expect(e.prevHash).toBe(prev);
      const { hash, prevHash, ...fields } = e;
      expect(hash).toBe(hashAuditEvent(AUDIT_KEY, prevHash, fields));
      prev = hash;
    }
    expect(store.verifyChain(session.id)).toEqual({ valid: true, events: 5 });
  });

  it('returns from appendEvent exactly what listEvents later reads', () => {
    const session = makeSession();
    store.createSession(session);
    const appended = [
      store.appendEvent(session.id, event('session-created', 10)),
      store.appendEvent(session.id, { type: 'remote-action', actor: 'agent', at: 11, data: { action: 'click', target: 'button "Pay"' } }),
    ];
    expect(store.listEvents(session.id)).toEqual(appended);
  });

  it('round-trips data values exactly', () => {
    const session = makeSession();
    store.createSession(session);
    const data = {
      text: 'naïve café — 日本語 🎉 "quoted" \\ back\nline',
      lone: '\ud800 surrogate',
      nul: 'a\u0000b',
      empty: '',
      zero: 0,
      negative: -42,
      fraction: 0.1 + 0.2,
      big: Number.MAX_SAFE_INTEGER,
      tiny: 5e-324,
      yes: true,
      no: false,
      nothing: null,
      'key with spaces & ünïcode': 'ok',
    };
    store.appendEvent(session.id, { type: 'page-visited', actor: 'customer', at: 1_700_000_000_123, data });
    const [stored] = store.listEvents(session.id);
    expect(stored?.data).toStrictEqual(data);
    expect(Object.keys(stored?.data ?? {})).toEqual(Object.keys(data));
    expect(stored?.at).toBe(1_700_000_000_123);
    expect(store.verifyChain(session.id)).toEqual({ valid: true, events: 1 });
  });

  it('refuses events for an unknown session and data that JSON cannot carry', () => {
    expect(() => store.appendEvent('missing-session', event('connected', 1))).toThrow(/no session/);
    const session = makeSession();
    store.createSession(session);
    expect(() => store.appendEvent(session.id, event('connected', 1, { n: Number.NaN }))).toThrow();
    expect(() => store.appendEvent(session.id, event('connected', 1, { n: Infinity }))).toThrow();
    expect(() => store.appendEvent(session.id, event('connected', Number.NaN))).toThrow();
    const nested = { nested: { deep: 1 } } as unknown as AuditEventInput['data'];
    expect(() => store.appendEvent(session.id, event('connected', 1, nested))).toThrow();
    expect(store.listEvents(session.id)).toEqual([]);
  });

  it('keeps independent chains for interleaved sessions', () => {
    const a = makeSession();
    const b = makeSession();
    store.createSession(a);
    store.createSession(b);
    for (let i = 0; i < 10; i += 1) {
      store.appendEvent(a.id, event('page-visited', i, { url: `https://a.example/${i}` }));
      store.appendEvent(b.id, event('page-visited', i, { url: `https://b.example/${i}` }));
    }
    const eventsA = store.listEvents(a.id);
    const eventsB = store.listEvents(b.id);
    expect(eventsA.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(eventsB.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(eventsA[0]?.prevHash).toBe(GENESIS_HASH);
    expect(eventsB[0]?.prevHash).toBe(GENESIS_HASH);
    expect(eventsA.every((e) => String(e.data['url']).startsWith('https://a.example/'))).toBe(true);
    expect(store.verifyChain(a.id)).toEqual({ valid: true, events: 10 });
    expect(store.verifyChain(b.id)).toEqual({ valid: true, events: 10 });
  });

  it('keeps chains valid when two store instances append to the same file', () => {
    const session = makeSession();
    store.createSession(session);
    const second = openSqliteStore({ dataDir, auditKey: AUDIT_KEY });
    try {
      for (let i = 0; i < 20; i += 1) {
        (i % 2 === 0 ? store : second).appendEvent(session.id, event('connected', i));
      }
      expect(second.verifyChain(session.id)).toEqual({ valid: true, events: 20 });
      expect(store.listEvents(session.id).map((e) => e.at)).toEqual([...Array(20).keys()]);
    } finally {
      second.close();
    }
  });

  it('keeps one valid chain when separate processes append at the same time', async () => {
    const session = makeSession();
    store.createSession(session);
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
          for (let i = 0; i < Number(count); i += 1) {
            store.appendEvent(sessionId, { type: 'connected', actor, at: i, data: { i } });
          }
          store.close();
        `,
        resolveDir: resolve(import.meta.dirname, '../..'),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['better-sqlite3'],
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
    expect(store.verifyChain(session.id)).toEqual({ valid: true, events: 600 });
    const events = store.listEvents(session.id);
    expect(events.filter((e) => e.actor === 'customer').map((e) => e.data['i'])).toEqual([...Array(300).keys()]);
    expect(events.filter((e) => e.actor === 'agent').map((e) => e.data['i'])).toEqual([...Array(300).keys()]);
  });

  it('reports an empty, valid chain for a session without events', () => {
    const session = makeSession();
    store.createSession(session);
    expect(store.verifyChain(session.id)).toEqual({ valid: true, events: 0 });
  });

  it('refuses UPDATE and DELETE of audit rows while the triggers are in place', () => {
    const session = sessionWithEvents();
    const raw = openRaw();
    expect(() => raw.prepare("UPDATE audit_events SET data = '{}' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit_events WHERE seq = 2').run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    expect(store.verifyChain(session.id)).toEqual({ valid: true, events: 5 });
  });

  it('refuses a second event with the same seq in a session', () => {
    const session = sessionWithEvents();
    const raw = openRaw();
    const [first] = store.listEvents(session.id);
    expect(() =>
      raw
        .prepare('INSERT INTO audit_events (session_id, seq, type, actor, at, data, prev_hash, hash) VALUES (?, 1, ?, ?, ?, ?, ?, ?)')
        .run(session.id, 'connected', 'agent', 1, '{}', GENESIS_HASH, first?.hash),
    ).toThrow(/UNIQUE|PRIMARY/);
  });

  describe('detects tampering done around the triggers', () => {
    it('an edited row', () => {
      const session = sessionWithEvents();
      const raw = openRaw();
      dropAuditTriggers(raw);
      raw
        .prepare('UPDATE audit_events SET data = ? WHERE session_id = ? AND seq = 4')
        .run(JSON.stringify({ url: 'https://shop.example/somewhere-else', title: 'Cart' }), session.id);
      expect(store.verifyChain(session.id)).toMatchObject({ valid: false, events: 5, brokenAt: 4 });
    });

    it('an edited timestamp or actor', () => {
      const session = sessionWithEvents();
      const raw = openRaw();
      dropAuditTriggers(raw);
      raw.prepare("UPDATE audit_events SET actor = 'agent' WHERE session_id = ? AND seq = 3").run(session.id);
      expect(store.verifyChain(session.id)).toMatchObject({ valid: false, brokenAt: 3 });
    });

    it('a deleted row (seq gap)', () => {
      const session = sessionWithEvents();
      const raw = openRaw();
      dropAuditTriggers(raw);
      raw.prepare('DELETE FROM audit_events WHERE session_id = ? AND seq = 2').run(session.id);
      const result = store.verifyChain(session.id);
      expect(result).toMatchObject({ valid: false, events: 4, brokenAt: 2 });
      expect(result.valid === false && result.reason).toMatch(/missing/);
    });

    it('a deleted row with the later rows renumbered', () => {
      const session = sessionWithEvents();
      const raw = openRaw();
      dropAuditTriggers(raw);
      raw.prepare('DELETE FROM audit_events WHERE session_id = ? AND seq = 2').run(session.id);
      raw.prepare('UPDATE audit_events SET seq = seq - 1 WHERE session_id = ? AND seq > 2').run(session.id);
      expect(store.verifyChain(session.id)).toMatchObject({ valid: false, brokenAt: 2 });
    });

    it('rows removed from the end of the chain', () => {
      const session = sessionWithEvents();
      const raw = openRaw();
      dropAuditTriggers(raw);
      raw.prepare('DELETE FROM audit_events WHERE session_id = ? AND seq >= 4').run(session.id);
      const result = store.verifyChain(session.id);
      expect(result).toMatchObject({ valid: false, events: 3, brokenAt: 4 });
    });

    it('two rows swapped in order', () => {
      const session = sessionWithEvents();
      const raw = openRaw();
      dropAuditTriggers(raw);
      const swap = raw.transaction(() => {
        raw.prepare('UPDATE audit_events SET seq = -1 WHERE session_id = ? AND seq = 2').run(session.id);
        raw.prepare('UPDATE audit_events SET seq = 2 WHERE session_id = ? AND seq = 3').run(session.id);
        raw.prepare('UPDATE audit_events SET seq = 3 WHERE session_id = ? AND seq = -1').run(session.id);
      });
      swap();
      expect(store.listEvents(session.id).map((e) => e.type).slice(1, 3)).toEqual(['consent-granted', 'consent-shown']);
      expect(store.verifyChain(session.id)).toMatchObject({ valid: false, events: 5, brokenAt: 2 });
    });

    it('a row whose hash was recomputed to match its edit', () => {
      const session = sessionWithEvents();
      const raw = openRaw();
      dropAuditTriggers(raw);
      const target = store.listEvents(session.id)[3];
      if (target === undefined) throw new Error('expected a fourth event');
      const forged = { ...target, data: { url: 'https://elsewhere.example/' } };
      const { hash: _oldHash, prevHash, ...fields } = forged;
      raw
        .prepare('UPDATE audit_events SET data = ?, hash = ? WHERE session_id = ? AND seq = 4')
        .run(JSON.stringify(forged.data), hashAuditEvent(AUDIT_KEY, prevHash, fields), session.id);
      // The edited row now hashes correctly, but the next one no longer links to it.
      expect(store.verifyChain(session.id)).toMatchObject({ valid: false, brokenAt: 5 });
    });

    it('a chain fully recomputed without the key (rows and recorded head), unkeyed or under a guessed key', () => {
      for (const recompute of [
        (text: string) => createHash('sha256').update(text, 'utf8').digest('hex'),
        (text: string) => createHmac('sha256', 'a-guessed-key').update(text, 'utf8').digest('hex'),
      ]) {
        const session = sessionWithEvents();
        const raw = openRaw();
        if ((raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger'").get() as { n: number }).n > 0) dropAuditTriggers(raw);
        let prev = GENESIS_HASH;
        for (const e of store.listEvents(session.id)) {
          const data = e.seq === 4 ? { url: 'https://elsewhere.example/', title: 'Cart' } : e.data;
          // The documented hashing (sorted-key JSON of the fields and the previous hash), written out here, not imported.
          const text = canonical({ sessionId: e.sessionId, seq: e.seq, type: e.type, actor: e.actor, at: e.at, data, prevHash: prev });
          const hash = recompute(text);
          raw.prepare('UPDATE audit_events SET data = ?, prev_hash = ?, hash = ? WHERE session_id = ? AND seq = ?').run(JSON.stringify(data), prev, hash, session.id, e.seq);
          prev = hash;
        }
        raw.prepare('UPDATE sessions SET audit_head_hash = ? WHERE id = ?').run(prev, session.id);
        expect(store.verifyChain(session.id)).toMatchObject({ valid: false, brokenAt: 1, reason: expect.stringMatching(/altered/) });
        raw.close();
        rawConnections.splice(rawConnections.indexOf(raw), 1);
      }
    });

    it('a row moved to another session', () => {
      const session = sessionWithEvents();
      const other = makeSession();
      store.createSession(other);
      const raw = openRaw();
      dropAuditTriggers(raw);
      raw.prepare('UPDATE audit_events SET session_id = ? WHERE session_id = ? AND seq = 5').run(other.id, session.id);
      expect(store.verifyChain(session.id)).toMatchObject({ valid: false, brokenAt: 5 });
      expect(store.verifyChain(other.id)).toMatchObject({ valid: false, brokenAt: 1 });
    });
  });
});

/** Sorted-key JSON, written independently of the store's canonicalJson. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
}
