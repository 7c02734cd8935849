/**
 * Red team s11, F4, from the outside: the summary (GET /api/sessions/:id) and
 * the end-of-session webhook state who ended a session, why, when it started
 * and ended, its status and whether control was granted. The session row's
 * columns carry no key, so those facts must come from the chained events: the
 * SQLite file is edited directly (an attacker with disk access) and the facts
 * must not move, while GET .../audit reports the edit of the end as not valid.
 * The oracle is what the test itself did over the wire (consent, no control,
 * the customer ended), not what the server says; the control: untouched, the
 * summary says the same and the audit verifies.
 */
import Database from 'better-sqlite3';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
let hook: Server | undefined;
const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await server?.close();
  server = undefined;
  await new Promise<void>((resolve) => (hook ? hook.close(() => resolve()) : resolve()));
  hook = undefined;
});

async function open(s: TestServer): Promise<TestSocket> {
  const socket = await connect(s.wsUrl);
  sockets.push(socket);
  return socket;
}

const get = async (s: TestServer, path: string): Promise<Record<string, unknown>> => {
  const res = await fetch(`${s.baseUrl}${path}`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

async function handled(socket: TestSocket): Promise<void> {
  const ts = Date.now() + Math.random();
  socket.send({ t: 'ping', ts });
  await socket.next('pong', (m) => m.ts === ts);
}

function onDisk(s: TestServer, sql: string, ...params: unknown[]): void {
  const db = new Database(join(s.dataDir, 'cobrowse.db'));
  try {
    expect(db.prepare(sql).run(...params).changes).toBe(1);
  } finally {
    db.close();
  }
}

/** What the test did: consent at t0 (measured around it), a page, no control, the customer ended. */
const FACTS = {
  status: 'ended',
  endedBy: 'customer',
  endReason: 'customer-ended',
  controlGranted: false,
  consent: 'granted',
};

describe('summary and webhook facts against the session row edited on disk', () => {
  it('the summary keeps the chained facts; the audit reports the rewritten end (RT-4)', async () => {
    server = await startTestServer();
    const s = await createSession(server);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    const beforeConsent = Date.now();
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    customer.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/cart' } });
    await handled(customer);
    const afterConsent = Date.now();
    customer.send({ t: 'end' });
    await customer.closed;
    const clean = await get(server, `/api/sessions/${s.sessionId}`);
    expect(clean).toMatchObject(FACTS); // control
    expect(clean['startedAt']).toBeGreaterThanOrEqual(beforeConsent);
    expect(clean['startedAt']).toBeLessThanOrEqual(afterConsent);
    expect(
      ((await get(server, `/api/sessions/${s.sessionId}/audit`))['verification'] as { valid: boolean }).valid,
    ).toBe(true);

    onDisk(
      server,
      "UPDATE sessions SET ended_by = 'agent', end_reason = 'agent-ended', started_at = started_at - 3600000, control_granted = 1 WHERE id = ?",
      s.sessionId,
    );
    const edited = await get(server, `/api/sessions/${s.sessionId}`);
    expect(edited).toMatchObject({ ...FACTS, startedAt: clean['startedAt'], durationMs: clean['durationMs'] });
    const verification = (await get(server, `/api/sessions/${s.sessionId}/audit`))['verification'] as {
      valid: boolean;
    };
    expect(verification.valid).toBe(false);
  });

  it('the webhook keeps the chained start and control when the row is edited while the session is live', async () => {
    const received: Record<string, unknown>[] = [];
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook?.listen(0, '127.0.0.1', resolve));
    const port = (hook.address() as AddressInfo).port;
    server = await startTestServer({ WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, WEBHOOK_SECRET: 'w'.repeat(32) });
    const s = await createSession(server);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    const beforeConsent = Date.now();
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    await handled(customer);
    const afterConsent = Date.now();
    onDisk(
      server,
      'UPDATE sessions SET started_at = started_at - 3600000, control_granted = 1 WHERE id = ?',
      s.sessionId,
    );
    customer.send({ t: 'end' });
    await customer.closed;
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(1);
    const payload = received[0] ?? {};
    expect(payload).toMatchObject({
      type: 'session.ended',
      endedBy: 'customer',
      controlGranted: false,
      consent: 'granted',
    });
    expect(payload['startedAt']).toBeGreaterThanOrEqual(beforeConsent);
    expect(payload['startedAt']).toBeLessThanOrEqual(afterConsent);
    expect(payload['durationMs']).toBeLessThan(3_600_000);
  });
});
