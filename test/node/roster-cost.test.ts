/**
 * Who watches a session costs no read of its audit per message (red team s11,
 * F1): the roster is read from the audit once when an instance picks a session
 * up, then kept as viewer events are appended. The oracle counts the store's
 * full audit reads (the real SQLite store, its listEvents counted), not time.
 * A socket that keeps sending messages it may not send is closed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { LocalBus } from '../../signaling/session-bus.js';
import { RosterBook } from '../../signaling/viewer-roster.js';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
const sockets: TestSocket[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(s: TestServer): Promise<TestSocket> {
  const socket = await connect(s.wsUrl);
  sockets.push(socket);
  return socket;
}

/** Count the store's full reads of an audit (every path that folds a whole audit goes through listEvents). */
function countReads(s: TestServer): { count: number } {
  const store = s.app.cobrowse.store;
  const listEvents = store.listEvents.bind(store);
  const reads = { count: 0 };
  store.listEvents = (sessionId: string) => {
    reads.count += 1;
    return listEvents(sessionId);
  };
  return reads;
}

/** Every message this socket sent before was handled (a refused second hello is answered in queue order). */
async function handled(socket: TestSocket, token: string): Promise<void> {
  const before = socket.messages.length;
  socket.send({ t: 'hello', v: PROTOCOL_VERSION, token });
  await socket.next('error', (m) => m.message === 'Already authenticated.' && socket.messages.indexOf(m) >= before);
}

async function invite(s: TestServer, sessionId: string, kind: 'agent' | 'supervisor') {
  const res = await fetch(`${s.baseUrl}/api/sessions/${sessionId}/viewers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: kind === 'agent' ? 'Sam' : 'Kim', kind }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { viewer: { id: string }; token: string };
}

describe('who watches a session, without reading its audit per message', () => {
  it('a flooded audit, picked up by a fresh instance: one read, then none for refusals, re-joins, viewer traffic and control', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-roster-'));
    dirs.push(dataDir);
    // Above the default audit cap (4 MB a session) so the flood fits, as before the cap.
    const flood = { AUDIT_MAX_BYTES: '32000000' };
    server = await startTestServer(flood, { dataDir });
    const s = await createSession(server);
    // The flood: 1,500 rows of ~10 KB (half a minute at the socket rate limit), straight into the store.
    const row = {
      type: 'page-visited' as const,
      actor: 'customer' as const,
      at: Date.now(),
      data: { url: `https://x.example/${'a'.repeat(8_000)}`, title: 'T'.repeat(2_048) },
    };
    for (let i = 0; i < 1_500; i += 1) await server.app.cobrowse.store.appendEvent(s.sessionId, row);
    await server.close({ keepData: true });
    // A fresh instance that never served the session.
    server = await startTestServer(flood, { dataDir });
    const reads = countReads(server);

    const customer = await open(server);
    await customer.hello(s.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    const agent = await open(server);
    await agent.hello(s.agentToken);
    const watcher = await invite(server, s.sessionId, 'agent');
    const viewer = await open(server);
    await viewer.hello(watcher.token);
    await customer.next('viewers', (m) => m.viewers.some((v) => v.id === watcher.viewer.id));
    const afterPickup = reads.count;
    expect(afterPickup).toBe(1);

    // Customer events forwarded to the viewer, control asked for, the lead handed on and back, an invite.
    for (let i = 0; i < 10; i += 1)
      customer.send({ t: 'event', event: { kind: 'page-visited', url: `https://x.example/p${i}` } });
    await viewer.next('event', (m) => m.event.kind === 'page-visited' && m.event.url === 'https://x.example/p9');
    agent.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');
    agent.send({ t: 'hand-lead', to: watcher.viewer.id });
    await customer.next('viewers', (m) => m.lead === watcher.viewer.id);
    viewer.send({ t: 'hand-lead', to: 'agent' });
    await customer.next('viewers', (m) => m.lead === 'agent');
    agent.send({ t: 'invite-viewer', kind: 'supervisor', name: 'Kim' });
    await agent.next('viewer-invited');
    // The customer's page changes: a new socket, greeted with who watches.
    customer.ws.close();
    await customer.closed;
    const back = await open(server);
    await back.hello(s.customerToken);
    await back.next('viewers');
    await handled(back, s.customerToken);
    expect(reads.count).toBe(afterPickup);

    // Made-up removals: refused without a read, and the socket is closed once it keeps at it.
    const other = await createSession(server);
    const bystander = await open(server);
    await bystander.hello(other.customerToken);
    for (let i = 0; i < 30; i += 1) back.send({ t: 'remove-viewer', viewer: `vAAAAAAAAA${i}` });
    bystander.send({ t: 'ping', ts: 43 });
    await bystander.next('pong', (m) => m.ts === 43);
    expect((await back.closed).code).toBe(4403);
    const refused = back.messages.filter((m) => m.t === 'error' && m.code === 'FORBIDDEN');
    expect(refused.length).toBe(server.config.limits.maxBadMessages + 1);
    // One read for the bystander's session when it was picked up; none for the attacker's.
    expect(reads.count).toBe(afterPickup + 1);

    // Control: the counter sees a read when one happens (a summary reads the whole audit).
    const summary = await fetch(`${server.baseUrl}/api/sessions/${s.sessionId}`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    expect(summary.status).toBe(200);
    expect(reads.count).toBeGreaterThan(afterPickup + 1);
  }, 120_000);

  it('a removal the roster knows of still works and voids the invite; the roster is let go when the session ends', async () => {
    server = await startTestServer();
    const s = await createSession(server);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    const watcher = await invite(server, s.sessionId, 'agent');
    const viewer = await open(server);
    await viewer.hello(watcher.token);
    await customer.next('viewers', (m) => m.viewers.length === 1);
    customer.send({ t: 'remove-viewer', viewer: watcher.viewer.id });
    expect((await viewer.closed).code).toBe(4422);
    await customer.next('viewers', (m) => m.viewers.length === 0);
    const again = await open(server);
    again.send({ t: 'hello', v: PROTOCOL_VERSION, token: watcher.token });
    expect((await again.closed).code).toBe(4422);
    customer.send({ t: 'end' });
    await customer.closed;
    expect(server.app.cobrowse.hub.rosterSessions).toBe(0);
  });

  it('a roster asked for as its session ends is answered but not kept', async () => {
    server = await startTestServer();
    const s = await createSession(server);
    const watcher = await invite(server, s.sessionId, 'agent');
    const end = await fetch(`${server.baseUrl}/api/sessions/${s.sessionId}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(end.status).toBe(200);
    const unlistened: string[] = [];
    // The one-instance bus, with what it was asked to stop listening to written down.
    const bus = Object.assign(new LocalBus(), {
      unlisten: async (sessionId: string) => {
        unlistened.push(sessionId);
      },
    });
    const book = new RosterBook({ sessions: server.app.cobrowse.sessions, bus, background: () => undefined });
    expect((await book.roster(s.sessionId)).invites.has(watcher.viewer.id)).toBe(true);
    expect(book.size).toBe(0);
    expect(unlistened).toEqual([s.sessionId]);
    // Control: a live session's roster is kept.
    const live = await createSession(server);
    await book.roster(live.sessionId);
    expect(book.size).toBe(1);
  });
});
