/**
 * Review s13 B2: with Redis unreachable, every audited event waited on the witness's GET and EVAL in the bus
 * connection's offline queue (1.9 to 31 s per page visit), and the socket's queue behind it. The witness now
 * has its own connection with no offline queue: while Redis is away it falls back to this process's memory at
 * once, and the counts Redis missed are raised when it answers again.
 *
 * One instance (PostgreSQL, Redis through a proxy the test cuts), customer and agent both on it. Oracle by
 * order, not by time: the bus connection's queue is released only by ioredis's "max retries per request"
 * rejection, which the witness logs when its call was queued there; each page visit must reach the agent
 * before any such line. Control: Redis intact, the count reaches Redis.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadWitness } from '../../signaling/audit-witness.js';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { backendsAvailable, instanceEnv, useBackends, type Backends } from './helpers/scale-out.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';
import { LogLines, redisProxy, type RedisProxy } from './helpers/redis-proxy.js';

const bins = backendsAvailable();
let backends: () => Backends;
const servers: TestServer[] = [];
const sockets: TestSocket[] = [];
const proxies: RedisProxy[] = [];
const clients: Redis[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  for (const server of servers.splice(0)) await server.close();
  for (const proxy of proxies.splice(0)) proxy.close();
  for (const client of clients.splice(0)) client.disconnect();
});

async function open(server: TestServer): Promise<TestSocket> {
  const socket = await connect(server.wsUrl);
  sockets.push(socket);
  return socket;
}

async function auditCount(server: TestServer, sessionId: string): Promise<number> {
  const res = await fetch(`${server.baseUrl}/api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${server.apiKey}` },
  });
  return ((await res.json()) as { events: unknown[] }).events.length;
}

/** Polls Redis until the witness's count for the session (`count:hash`) is `count` (a generous bound, not a timing). */
async function sharedCountReaches(redis: Redis, sessionId: string, count: number): Promise<string | undefined> {
  let value: string | undefined;
  for (let i = 0; i < 600 && value !== String(count); i += 1) {
    value = (await redis.get(`cobrowse:audit-head:${sessionId}`))?.split(':')[0];
    if (value !== String(count)) await new Promise((r) => setTimeout(r, 50));
  }
  return value;
}

/**
 * A witness call that waited in the bus connection's queue: rejected with the bus's limit (2, redis-bus.ts). The
 * witness's own connection (limit 0) may drop a call in flight at the cut, which is no wait.
 */
const queuedWitnessCall = (line: string) =>
  line.includes('audit head witness') && line.includes('max retries per request limit (which is 2)');

describe.skipIf(!bins)('audited events while Redis is unreachable', () => {
  backends = useBackends(bins);

  for (const cut of [false, true]) {
    it(`${cut ? 'Redis cut' : 'control, Redis intact'}: page visits reach the agent without waiting on Redis, and the count reaches Redis${cut ? ' once it is back' : ''}`, async () => {
      const { postgres, redis } = backends();
      const proxy = await redisProxy(redis.url);
      proxies.push(proxy);
      const log = new LogLines();
      const a = await startTestServer(instanceEnv(await postgres.createDatabase(), proxy.url), {
        logStream: log.stream,
      });
      servers.push(a);
      const direct = new Redis(redis.url);
      clients.push(direct);
      const session = await createSession(a, { agentName: 'Dana' });
      const customer = await open(a);
      await customer.hello(session.customerToken);
      const agent = await open(a);
      await agent.hello(session.agentToken);
      customer.send({ t: 'event', event: { kind: 'consent-granted' } });
      await agent.next('event', (m) => m.event.kind === 'consent-granted');

      if (cut) proxy.cut();
      for (let i = 0; i < 3; i += 1) {
        const url = `https://shop.example/p${i}`;
        customer.send({ t: 'event', event: { kind: 'page-visited', url, title: `P${i}` } });
        await agent.next('event', (m) => m.event.kind === 'page-visited' && m.event.url === url, 60_000);
        expect(log.lines.filter(queuedWitnessCall), `page ${i}: the witness waited in the bus's queue`).toEqual([]);
      }
      proxy.restore();
      const count = await auditCount(a, session.sessionId);
      expect(await sharedCountReaches(direct, session.sessionId, count)).toBe(String(count));
    }, 120_000);
  }
});

describe('a witness read Redis cannot answer (review s13 W3: the count alone does not catch a cut linked over)', () => {
  it('is reported with its session, and as unknown only where this process remembers no count', async () => {
    // Nothing listens on port 1: every command fails at once (no offline queue).
    const redis = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    clients.push(redis);
    const reports: { sessionId: string; unknown: boolean }[] = [];
    const witness = new HeadWitness();
    witness.share(redis, (_error, sessionId, unknown) => reports.push({ sessionId, unknown }));
    expect(await witness.highest('s-unknown')).toBeUndefined();
    await witness.saw('s-known', 3, 'h');
    expect(await witness.highest('s-known')).toBe(3);
    expect(reports).toEqual([
      { sessionId: 's-unknown', unknown: true },
      { sessionId: 's-known', unknown: false },
      { sessionId: 's-known', unknown: false },
    ]);
  });
});
