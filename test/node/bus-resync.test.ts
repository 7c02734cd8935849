/**
 * Red team s12 F4: removals and hand-overs reach other instances as Redis
 * pub/sub notes, which are at-most-once: a note published while an instance's
 * subscription is down is lost for good. That instance then kept a removed
 * viewer's socket (and let its invite in again), or the bot's socket after a
 * person took over. Now an instance reads the store again when its
 * subscription comes back, and a bot's socket acts no more once the session's
 * row names another agent.
 *
 * Two instances on one PostgreSQL and one Redis; instance B reaches Redis
 * through a TCP proxy the test cuts (a network blip for B only), so the note
 * is lost every time, not by chance. Nothing waits on time: each step waits
 * for a message, a close or the audit. Control: the same steps with the bus
 * intact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { ERROR_CODES } from '../../shared/errors.js';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { backendsAvailable, instanceEnv, useBackends, type Backends } from './helpers/scale-out.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';
import { redisProxy, type RedisProxy } from './helpers/redis-proxy.js';

const bins = backendsAvailable();
let backends: () => Backends;
const servers: TestServer[] = [];
const sockets: TestSocket[] = [];
const proxies: RedisProxy[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  for (const server of servers.splice(0)) await server.close();
  for (const proxy of proxies.splice(0)) proxy.close();
});

async function open(server: TestServer): Promise<TestSocket> {
  const socket = await connect(server.wsUrl);
  sockets.push(socket);
  return socket;
}

async function audit(server: TestServer, sessionId: string) {
  const res = await fetch(`${server.baseUrl}/api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${server.apiKey}` },
  });
  return (await res.json()) as { events: { type: string; actor: string; data: Record<string, unknown> }[] };
}

/** Instance A talks to Redis directly, instance B through the proxy. */
async function twoInstances() {
  const { postgres, redis } = backends();
  const databaseUrl = await postgres.createDatabase();
  const proxy = await redisProxy(redis.url);
  proxies.push(proxy);
  const a = await startTestServer(instanceEnv(databaseUrl, redis.url));
  const b = await startTestServer(instanceEnv(databaseUrl, proxy.url));
  servers.push(a, b);
  return { a, b, proxy };
}

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;

describe.skipIf(!bins)('an instance that missed bus notes reads the store again', () => {
  backends = useBackends(bins);

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}a viewer removed on A while B ${cut ? 'is cut off from Redis' : 'hears the bus'} is closed on B, and its invite stays void there`, async () => {
      const { a, b, proxy } = await twoInstances();
      const session = await createSession(a, { agentName: 'Dana' });
      const customer = await open(a);
      await customer.hello(session.customerToken);
      customer.send({ t: 'event', event: { kind: 'consent-granted' } });
      const lead = await open(a);
      await lead.hello(session.agentToken);
      const res = await fetch(`${a.baseUrl}/api/sessions/${session.sessionId}/viewers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Mallory', kind: 'agent' }),
      });
      const v = (await res.json()) as { viewer: { id: string }; token: string };
      const viewer = await open(b);
      await viewer.hello(v.token);
      await customer.next('viewers', (m) => m.viewers.some((x) => x.id === v.viewer.id));

      if (cut) proxy.cut();
      customer.send({ t: 'remove-viewer', viewer: v.viewer.id });
      // A recorded the removal and published its notes (before telling the customer): B was not listening.
      await customer.next('viewers', (m) => !m.viewers.some((x) => x.id === v.viewer.id));
      proxy.restore();
      expect((await viewer.closed).code).toBe(ERROR_CODES.VIEWER_REMOVED.close);

      const again = await open(b);
      again.send({ t: 'hello', v: PROTOCOL_VERSION, token: v.token });
      expect((await again.closed).code, 'the removed viewer’s invite on B').toBe(ERROR_CODES.VIEWER_REMOVED.close);
      again.send({ t: 'signal', data: offer });
      const types = (await audit(a, session.sessionId)).events.map((e) => e.type);
      expect(types.slice(types.indexOf('viewer-removed')), 'after the removal').not.toContain('viewer-joined');
      expect(customer.messages.filter((m) => m.t === 'viewer-signal')).toEqual([]);
    }, 30_000);
  }

  /** A bot session live on two instances: the customer on A (hand-over allowed), the bot on B. */
  async function botOnB() {
    const { a, b, proxy } = await twoInstances();
    const created = await createSession(a, { agentName: 'Lumen helper', agentBot: true });
    const customer = await open(a);
    await customer.hello(created.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted', handover: true } });
    await customer.next('ice-servers');
    const bot = await open(b);
    await bot.hello(created.agentToken);
    bot.send({ t: 'event', event: { kind: 'connected' } });
    await customer.next('event', (m) => m.event.kind === 'connected');
    return { a, b, proxy, created, customer, bot };
  }

  async function handOver(a: TestServer, sessionId: string): Promise<string> {
    const res = await fetch(`${a.baseUrl}/api/sessions/${sessionId}/handover`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentName: 'Dana' }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { agent: { token: string } }).agent.token;
  }

  /** The person's console on A: welcomed once B has let the bot's seat go (refused while it holds it). */
  async function personWelcomed(a: TestServer, token: string): Promise<void> {
    for (;;) {
      const person = await open(a);
      person.send({ t: 'hello', v: PROTOCOL_VERSION, token });
      const outcome = await Promise.race([person.next('welcome').then(() => 0), person.closed.then((c) => c.code)]);
      if (outcome === 0) return;
      expect(outcome, 'the person’s console').toBe(ERROR_CODES.ROLE_TAKEN.close);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}after a hand-over on A while B ${cut ? 'is cut off from Redis' : 'hears the bus'}, the bot on B is closed and the person takes the seat`, async () => {
      const { a, proxy, created, bot } = await botOnB();
      if (cut) proxy.cut();
      const token = await handOver(a, created.sessionId);
      proxy.restore();
      expect((await bot.closed).code).toBe(ERROR_CODES.HANDED_OVER.close);
      await personWelcomed(a, token);
    }, 30_000);
  }

  it('a bot on B that acts after a hand-over it has not heard of is closed, and nothing of it is recorded', async () => {
    const { a, proxy, created, customer, bot } = await botOnB();
    proxy.cut();
    await handOver(a, created.sessionId);
    customer.messages.splice(0);
    bot.send({ t: 'event', event: { kind: 'control-requested' } });
    expect((await bot.closed).code).toBe(ERROR_CODES.HANDED_OVER.close);
    proxy.restore();
    const events = (await audit(a, created.sessionId)).events.map((e) => e.type);
    expect(events.slice(events.indexOf('handed-over'))).not.toContain('control-requested');
    expect(customer.messages.some((m) => m.t === 'event' && m.event.kind === 'control-requested')).toBe(false);
  }, 30_000);
});
