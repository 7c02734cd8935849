/**
 * Review s14 R1: a seat's presence claim counts while its instance is alive. When the agent's socket closed on
 * A while A could not reach Redis (long enough for ioredis to reject its queued commands), A's release was
 * lost and never retried: A stayed alive, so the claim held the agent seat until the session expired. The
 * agent's token got ROLE_TAKEN on every instance, the customer on B was never told the agent left, and A's
 * 'disconnected' audit event (chained after the release) was never written. Now A keeps the release and
 * retries it once Redis answers; the audit does not wait for it.
 *
 * Two instances on one PostgreSQL and one Redis; A reaches Redis through a proxy the test cuts. The test waits
 * for A's log to show the queued commands rejected, restores the proxy, then waits for B to tell the customer
 * the agent left (B's presence watch reads the released claim): then the agent's token joins on B at once.
 * Control: the same steps with the bus intact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { backendsAvailable, instanceEnv, useBackends, type Backends } from './helpers/scale-out.js';
import { createSession } from './helpers/server.js';
import { LogLines, redisProxy, type RedisProxy } from './helpers/redis-proxy.js';
import { busScope } from './helpers/bus-instances.js';
import { serverScope } from './helpers/server-scope.js';
import { audit } from './helpers/session-rest.js';

const bins = backendsAvailable();
let backends: () => Backends;
const proxies: RedisProxy[] = [];
afterEach(() => {
  for (const proxy of proxies.splice(0)) proxy.close();
});
const bus = busScope();
const { open } = bus;
const { start } = serverScope();

/** Generous: A's reconnect after the cut takes a few seconds of ioredis's back-off. */
const WITHIN = 60_000;

/** The session's audit once it holds `event` (the departure is recorded after the peer is told): its count. */
async function recorded(server: Parameters<typeof audit>[0], sessionId: string, event: string): Promise<number> {
  const count = async () =>
    (await audit(server, sessionId)).events.filter((e) => `${e.type}:${e.actor}` === event).length;
  for (const until = Date.now() + WITHIN; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    if ((await count()) > 0) break;
  }
  return count();
}

describe.skipIf(!bins)('a release lost while the instance is cut off from Redis', () => {
  backends = useBackends(bins);
  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}the agent leaves A${cut ? ' while A is cut' : ''}: the customer on B is told, the agent rejoins on B, the audit records the departure`, async () => {
      const log = new LogLines();
      const { a, b, proxy } = await bus.twoInstances(backends(), 'a', log);
      const created = await createSession(a, { agentName: 'Dana' });
      const customer = await open(b);
      await customer.hello(created.customerToken);
      customer.send({ t: 'event', event: { kind: 'consent-granted' } });
      const agent = await open(a);
      await agent.hello(created.agentToken);
      await customer.next('peer', (m) => m.present);

      const mark = log.mark();
      if (cut) proxy.cut();
      agent.ws.terminate();
      if (cut) {
        await log.after(mark, 'max retries per request');
        proxy.restore();
      }
      // On main this never came: the stale claim answered "present" to B's watch until the session's expiry.
      await customer.next('peer', (m) => !m.present, WITHIN);
      const again = await open(b);
      again.send({ t: 'hello', v: PROTOCOL_VERSION, token: created.agentToken });
      const first = await Promise.race([
        again.next('welcome').then(() => 'welcomed'),
        again.closed.then((c) => `closed ${c.code}`),
      ]);
      expect(first, 'the agent back on B').toBe('welcomed');
      expect(await recorded(b, created.sessionId, 'disconnected:agent')).toBe(1);
    }, 120_000);
  }

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}the consented customer leaves A${cut ? ' while A is cut' : ''} for good: the agent on B is told, and the session ends left-site`, async () => {
      const { postgres, redis } = backends();
      const databaseUrl = await postgres.createDatabase();
      const proxy = await redisProxy(redis.url);
      proxies.push(proxy);
      const log = new LogLines();
      // The shortest customer grace (1 s): the "gone" timer the lost release used to skip ends the session.
      const grace = { CUSTOMER_GRACE: '1' };
      const a = await start({ ...instanceEnv(databaseUrl, proxy.url), ...grace }, { logStream: log.stream });
      const b = await start({ ...instanceEnv(databaseUrl, redis.url), ...grace });
      const created = await createSession(a, { agentName: 'Dana' });
      const customer = await open(a);
      await customer.hello(created.customerToken);
      customer.send({ t: 'event', event: { kind: 'consent-granted' } });
      await customer.next('ice-servers');
      const agent = await open(b);
      expect((await agent.hello(created.agentToken)).peerPresent).toBe(true);

      const mark = log.mark();
      if (cut) proxy.cut();
      customer.ws.terminate();
      if (cut) {
        await log.after(mark, 'max retries per request');
        proxy.restore();
      }
      await agent.next('peer', (m) => !m.present, WITHIN);
      const ended = await agent.next('ended', undefined, WITHIN);
      expect(ended.reason).toBe('left-site');
      expect(await recorded(b, created.sessionId, 'disconnected:customer')).toBe(1);
    }, 120_000);
  }
});
