/**
 * Red team s11, F3, from the outside: a real server, real sockets, and the
 * SQLite file edited directly the way someone with disk access would (the
 * append-only triggers dropped first). Cutting the newest audit rows, with or
 * without rewinding the session row's head, must leave GET .../audit saying
 * `valid: false`, also after the session goes on and ends. The controls: the
 * same flow untouched verifies, and the same cut is seen before the next event.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TestSocket } from './helpers/ws-client.js';
import { onDiskUnguarded } from './helpers/row-on-disk.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';
import { findRedisServer, REDIS_MISSING, startRedis } from './helpers/redis.js';

let server: TestServer | undefined;
const { start, open } = serverScope();

interface AuditResponse {
  events: { seq: number; type: string; hash: string }[];
  verification: { valid: boolean; reason?: string };
}

async function audit(s: TestServer, id: string): Promise<AuditResponse> {
  const res = await fetch(`${s.baseUrl}/api/sessions/${id}/audit`, {
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as AuditResponse;
}

/** The server has handled everything this socket sent before now (pings are answered in order). */
async function handled(socket: TestSocket): Promise<void> {
  const ts = Date.now() + Math.random();
  socket.send({ t: 'ping', ts });
  await socket.next('pong', (m) => m.ts === ts);
}

/** The agent is there and the customer sends its consent. */
async function consented(s: TestServer): Promise<{ sessionId: string; customer: TestSocket }> {
  const session = await createSession(s);
  const agent = await open(s);
  await agent.hello(session.agentToken);
  const customer = await open(s);
  await customer.hello(session.customerToken);
  customer.send({ t: 'event', event: { kind: 'consent-granted' } });
  return { sessionId: session.sessionId, customer };
}

/** The customer grants control and an action is reported; resolves once the server has handled them. */
async function controlAndAction(customer: TestSocket): Promise<void> {
  customer.send({ t: 'event', event: { kind: 'control-granted' } });
  customer.send({ t: 'event', event: { kind: 'remote-action', action: 'click', target: 'button "Transfer"' } });
  await handled(customer);
}

/** The agent is there, the customer consents, grants control, an action is reported. */
async function liveWithControl(s: TestServer): Promise<{ sessionId: string; customer: TestSocket }> {
  const live = await consented(s);
  await controlAndAction(live.customer);
  return live;
}

describe('cutting the newest audit rows on disk', () => {
  it('live session: the cut is not healed by the next events and the end (RT-3b)', async () => {
    server = await start();
    const { sessionId, customer } = await liveWithControl(server);
    const types = (await audit(server, sessionId)).events.map((e) => e.type);
    expect(types.slice(-2)).toEqual(['control-granted', 'remote-action']);
    onDiskUnguarded(server, (db) =>
      db
        .prepare("DELETE FROM audit_events WHERE session_id = ? AND type IN ('control-granted', 'remote-action')")
        .run(sessionId),
    );
    expect((await audit(server, sessionId)).verification.valid).toBe(false); // seen before the next event (control)
    customer.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/thanks' } });
    customer.send({ t: 'end' });
    await customer.closed;
    const after = await audit(server, sessionId);
    expect(after.events.map((e) => e.type)).not.toContain('remote-action');
    expect(after.verification.valid).toBe(false);
  });

  it('ended session: the cut with the head rewound to the row now last is not valid (RT-3)', async () => {
    server = await start();
    const { sessionId, customer } = await liveWithControl(server);
    customer.send({ t: 'end' });
    await customer.closed;
    const before = await audit(server, sessionId);
    expect(before.verification.valid).toBe(true); // control: untouched
    expect(before.events.at(-1)?.type).toBe('ended');
    const keep = before.events.findIndex((e) => e.type === 'control-granted');
    const head = before.events[keep - 1];
    if (head === undefined) throw new Error('expected an event before control-granted');
    onDiskUnguarded(server, (db) => {
      db.prepare('DELETE FROM audit_events WHERE session_id = ? AND seq > ?').run(sessionId, head.seq);
      db.prepare('UPDATE sessions SET audit_count = ?, audit_head_hash = ?, control_granted = 0 WHERE id = ?').run(
        head.seq,
        head.hash,
        sessionId,
      );
    });
    const after = await audit(server, sessionId);
    expect(after.events.map((e) => e.type)).not.toContain('control-granted');
    expect(after.verification.valid).toBe(false);
  });
});

/** The session row's head as someone with read access saves it, and puts it back later with the rows after it deleted. */
function saveHead(s: TestServer, sessionId: string): (db: Database.Database) => void {
  const db = new Database(join(s.dataDir, 'cobrowse.db'), { readonly: true });
  const saved = db
    .prepare('SELECT audit_count, audit_head_hash, audit_head_mac, audit_bytes FROM sessions WHERE id = ?')
    .get(sessionId) as { audit_count: number; audit_head_hash: string; audit_head_mac: string; audit_bytes: number };
  db.close();
  return (edit) => {
    edit.prepare('DELETE FROM audit_events WHERE session_id = ? AND seq > ?').run(sessionId, saved.audit_count);
    edit
      .prepare(
        'UPDATE sessions SET audit_count = ?, audit_head_hash = ?, audit_head_mac = ?, audit_bytes = ? WHERE id = ?',
      )
      .run(saved.audit_count, saved.audit_head_hash, saved.audit_head_mac, saved.audit_bytes, sessionId);
  };
}

/** A live session with its head saved after consent, then control granted and an action (RT-3c's set-up). */
async function liveWithSavedHead(s: TestServer) {
  const { sessionId, customer } = await consented(s);
  await handled(customer);
  const putBack = saveHead(s, sessionId);
  await controlAndAction(customer);
  return { sessionId, customer, putBack };
}

const redisBin = findRedisServer();
if (!redisBin) console.warn(`\n!!! ${REDIS_MISSING}\n`);

describe('an earlier head saved with its MAC and put back on a live session (RT-3c)', () => {
  it('the server that wrote the rows reports it, refuses the next event, and it stays reported after the end', async () => {
    server = await start();
    const { sessionId, customer, putBack } = await liveWithSavedHead(server);
    expect((await audit(server, sessionId)).verification.valid).toBe(true); // control: untouched
    expect((await audit(server, sessionId)).events.map((e) => e.type).slice(-2)).toEqual([
      'control-granted',
      'remote-action',
    ]);
    onDiskUnguarded(server, putBack);
    const cut = await audit(server, sessionId);
    expect(cut.events.map((e) => e.type)).not.toContain('remote-action');
    expect(cut.verification).toMatchObject({ valid: false, reason: expect.stringMatching(/behind/) });
    customer.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/thanks' } });
    expect(await customer.next('error')).toMatchObject({ code: 'INTERNAL' });
    customer.send({ t: 'end' });
    await customer.closed;
    expect((await audit(server, sessionId)).verification.valid).toBe(false);
  });

  it.skipIf(!redisBin)('with Redis, a restarted server still reports it; without, it cannot (the limit)', async () => {
    const redis = await startRedis(redisBin ?? '');
    try {
      for (const withRedis of [true, false]) {
        const env: Record<string, string> = withRedis ? { REDIS_URL: redis.url } : {};
        const first = await start(env);
        const { sessionId, putBack } = await liveWithSavedHead(first);
        await first.close({ keepData: true });
        onDiskUnguarded(first, putBack); // the server stopped: only its data directory is used
        const restarted = await start(env, { dataDir: first.dataDir });
        expect((await audit(restarted, sessionId)).verification.valid).toBe(!withRedis);
      }
    } finally {
      await redis.stop();
    }
  });
});
