/**
 * Viewers across instances (one PostgreSQL, one Redis): the customer and the
 * lead on instance A, viewers on instance B. Signals, the roster, whispers
 * and a removal cross the bus; the limit holds over both instances (the
 * viewer places are claimed in Redis); the audit stays one valid chain.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { MAX_AGENTS, MAX_VIEWERS } from '../../shared/viewer-protocol.js';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { consentedSession } from './helpers/consented-session.js';
import { backendsAvailable, instanceEnv, useBackends, type Backends } from './helpers/scale-out.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const bins = backendsAvailable();
let backends: () => Backends;
const servers: TestServer[] = [];
const sockets: TestSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  for (const server of servers.splice(0)) await server.close();
});

async function open(server: TestServer): Promise<TestSocket> {
  const socket = await connect(server.wsUrl);
  sockets.push(socket);
  return socket;
}

async function invite(server: TestServer, sessionId: string, name: string, kind: 'agent' | 'supervisor') {
  const res = await fetch(`${server.baseUrl}/api/sessions/${sessionId}/viewers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, kind }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { viewer: { id: string }; token: string };
}

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
const answer = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' } as const;

/** Two instances on one database and Redis; a consented session on A with its customer and lead connected to A. */
async function liveOnTwoInstances() {
  const { postgres, redis } = backends();
  const databaseUrl = await postgres.createDatabase();
  const [a, b] = [
    await startTestServer(instanceEnv(databaseUrl, redis.url)),
    await startTestServer(instanceEnv(databaseUrl, redis.url)),
  ];
  servers.push(a, b);
  const { session, customer, agent: lead } = await consentedSession(open, a, { body: { agentName: 'Dana' } });
  return { a, b, session, customer, lead };
}

describe.skipIf(!bins)('viewers across instances', () => {
  backends = useBackends(bins);

  it('signals, roster, whisper, removal and the limit cross instances', async () => {
    const { a, b, session, customer, lead } = await liveOnTwoInstances();

    const sup = await invite(a, session.sessionId, 'Sam', 'supervisor');
    const supervisor = await open(b);
    expect((await supervisor.hello(sup.token)).viewer).toMatchObject({ name: 'Sam', kind: 'supervisor' });
    await customer.next('viewers', (m) => m.viewers.some((v) => v.id === sup.viewer.id));

    customer.send({ t: 'viewer-signal', viewer: sup.viewer.id, data: offer });
    expect(await supervisor.next('signal')).toEqual({ t: 'signal', data: offer });
    supervisor.send({ t: 'signal', data: answer });
    expect(await customer.next('viewer-signal')).toEqual({ t: 'viewer-signal', viewer: sup.viewer.id, data: answer });

    supervisor.send({ t: 'whisper', text: 'cross-instance note' });
    expect(await lead.next('whisper')).toMatchObject({ text: 'cross-instance note' });
    expect(customer.messages.some((m) => m.t === 'whisper')).toBe(false);

    // The limit over both instances: two more on B, one on A; the next one is refused wherever it connects.
    const more = [];
    for (let i = 0; i < MAX_VIEWERS; i += 1) more.push(await invite(a, session.sessionId, `Viewer ${i}`, 'agent'));
    const second = await open(b);
    await second.hello(more[0]!.token);
    const third = await open(a);
    await third.hello(more[1]!.token);
    const fourth = await open(a);
    fourth.send({ t: 'hello', v: PROTOCOL_VERSION, token: more[2]!.token });
    expect((await fourth.closed).code).toBe(4423);
    expect(MAX_AGENTS).toBe(MAX_VIEWERS + 1);

    // The customer on A removes the supervisor on B.
    customer.send({ t: 'remove-viewer', viewer: sup.viewer.id });
    expect((await supervisor.closed).code).toBe(4422);
    const again = await open(a);
    again.send({ t: 'hello', v: PROTOCOL_VERSION, token: sup.token });
    expect((await again.closed).code).toBe(4422);

    // A viewer is welcomed before its 'viewer-joined' row is written: read the audit until the last one is in.
    const readTrail = async () =>
      (await (
        await fetch(`${a.baseUrl}/api/sessions/${session.sessionId}/audit`, {
          headers: { authorization: `Bearer ${a.apiKey}` },
        })
      ).json()) as { events: { type: string }[]; verification: { valid: boolean } };
    await expect.poll(async () => (await readTrail()).events.filter((e) => e.type === 'viewer-joined').length).toBe(3);
    const trail = await readTrail();
    expect(trail.events.filter((e) => e.type === 'viewer-joined')).toHaveLength(3);
    expect(trail.events.filter((e) => e.type === 'viewer-removed')).toHaveLength(1);
    expect(trail.verification.valid).toBe(true);
  });

  it('each instance keeps the roster and agrees: an invite on B, a hand of the lead on A, a hand back on B', async () => {
    // A reads the roster now (nobody invited yet) and keeps it from then on.
    const { b, session, customer, lead } = await liveOnTwoInstances();
    // Invited through B's API, joined on B: A hears of both through the bus.
    const x = await invite(b, session.sessionId, 'Xan', 'agent');
    const viewer = await open(b);
    await viewer.hello(x.token);
    await customer.next('viewers', (m) => m.viewers.some((v) => v.id === x.viewer.id));
    lead.send({ t: 'hand-lead', to: x.viewer.id });
    await viewer.next('viewers', (m) => m.lead === x.viewer.id);
    // B knows the hand made on A: its viewer may ask for control; A knows the agent seat may not.
    viewer.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');
    lead.send({ t: 'event', event: { kind: 'control-requested' } });
    expect(await lead.next('error')).toMatchObject({ code: 'FORBIDDEN' });
    lead.messages.splice(0);
    customer.messages.splice(0);
    viewer.send({ t: 'hand-lead', to: 'agent' });
    await lead.next('viewers', (m) => m.lead === 'agent');
    lead.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');
    viewer.send({ t: 'event', event: { kind: 'control-requested' } });
    expect(await viewer.next('error')).toMatchObject({ code: 'FORBIDDEN', message: 'Only the lead asks for control.' });
  });
});
