/**
 * The bus tests' deployment: two instances on one PostgreSQL and one Redis (helpers/scale-out.ts), one of them
 * reaching Redis through a proxy the test cuts (helpers/redis-proxy.ts), and the sessions they set up on it: a
 * viewer on B that the customer on A removes, a bot on B that a hand-over on A replaces.
 */
import { afterEach, expect } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../../shared/protocol.js';
import { instanceEnv, type Backends } from './scale-out.js';
import { redisProxy, type LogLines, type RedisProxy } from './redis-proxy.js';
import { consentedSession } from './consented-session.js';
import { serverScope } from './server-scope.js';
import { createSession, type TestServer } from './server.js';
import { audit } from './session-rest.js';
import type { TestSocket } from './ws-client.js';

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;

export interface BusInstances {
  a: TestServer;
  b: TestServer;
  proxy: RedisProxy;
}

export interface BusScope {
  /**
   * A and B on a fresh database; `cut` names the one that reaches Redis through the proxy, which writes its
   * log (at debug level) to `log` when one is given. Closed after the test: sockets, servers, then the proxy.
   */
  twoInstances(backends: Backends, cut: 'a' | 'b', log?: LogLines): Promise<BusInstances>;
  /** Opens a socket to the server, terminated after the test. */
  open(server: TestServer): Promise<TestSocket>;
  /** A consented session on A with its customer and lead; a viewer invited on A and joined on B, in the roster. */
  viewerOnB(a: TestServer, b: TestServer): Promise<ViewerOnB>;
  /** A session for Dana, its customer on A and its agent on B (told: no consent yet), the customer seeing the agent. */
  agentWaitingOnB(a: TestServer, b: TestServer): Promise<AgentWaitingOnB>;
  /** A bot session made on A, its customer on `on` having allowed sharing (hand-over allowed), relay credential received. */
  botSessionCustomerOn(a: TestServer, on: TestServer): Promise<BotSessionCustomer>;
  /** A bot session live on two instances: the customer on A (hand-over allowed), the bot on B, connected. */
  botOnB(a: TestServer, b: TestServer): Promise<BotOnB>;
  /**
   * After the viewer's removal on A: its invite is refused on B (VIEWER_REMOVED), and a signal sent on that
   * socket anyway leaves no 'viewer-joined' after the 'viewer-removed' in A's audit.
   */
  inviteStaysVoid(a: TestServer, b: TestServer, sessionId: string, token: string): Promise<void>;
}

export interface ViewerOnB {
  session: Awaited<ReturnType<typeof createSession>>;
  customer: TestSocket;
  lead: TestSocket;
  v: { viewer: { id: string }; token: string };
  viewer: TestSocket;
}

export interface AgentWaitingOnB {
  created: Awaited<ReturnType<typeof createSession>>;
  customer: TestSocket;
  agent: TestSocket;
}

export interface BotSessionCustomer {
  created: Awaited<ReturnType<typeof createSession>>;
  customer: TestSocket;
}

export interface BotOnB extends BotSessionCustomer {
  bot: TestSocket;
}

/** Registers, in the calling file, the closing of what its tests open (see BusScope.twoInstances). */
export function busScope(): BusScope {
  const proxies: RedisProxy[] = [];
  // Registered before the server scope's: after-each hooks run last-registered first, so proxies close last.
  afterEach(() => {
    for (const proxy of proxies.splice(0)) proxy.close();
  });
  const { start, open } = serverScope();
  const botSessionCustomerOn: BusScope['botSessionCustomerOn'] = async (a, on) => {
    const created = await createSession(a, { agentName: 'Lumen helper', agentBot: true });
    const customer = await open(on);
    await customer.hello(created.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted', handover: true } });
    await customer.next('ice-servers');
    return { created, customer };
  };

  return {
    async twoInstances(backends, cut, log) {
      const { postgres, redis } = backends;
      const databaseUrl = await postgres.createDatabase();
      const proxy = await redisProxy(redis.url);
      proxies.push(proxy);
      const options = log ? { logStream: log.stream } : {};
      const a = await start(instanceEnv(databaseUrl, cut === 'a' ? proxy.url : redis.url), cut === 'a' ? options : {});
      const b = await start(instanceEnv(databaseUrl, cut === 'b' ? proxy.url : redis.url), cut === 'b' ? options : {});
      return { a, b, proxy };
    },
    open,
    async viewerOnB(a, b) {
      const { session, customer, agent: lead } = await consentedSession(open, a, { body: { agentName: 'Dana' } });
      const res = await fetch(`${a.baseUrl}/api/sessions/${session.sessionId}/viewers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Mallory', kind: 'agent' }),
      });
      const v = (await res.json()) as { viewer: { id: string }; token: string };
      const viewer = await open(b);
      await viewer.hello(v.token);
      await customer.next('viewers', (m) => m.viewers.some((x) => x.id === v.viewer.id));
      return { session, customer, lead, v, viewer };
    },
    async agentWaitingOnB(a, b) {
      const created = await createSession(a, { agentName: 'Dana' });
      const customer = await open(a);
      await customer.hello(created.customerToken);
      const agent = await open(b);
      expect((await agent.hello(created.agentToken)).consented).toBe(false);
      await customer.next('peer', (m) => m.present);
      return { created, customer, agent };
    },
    botSessionCustomerOn,
    async botOnB(a, b) {
      const { created, customer } = await botSessionCustomerOn(a, a);
      const bot = await open(b);
      await bot.hello(created.agentToken);
      bot.send({ t: 'event', event: { kind: 'connected' } });
      await customer.next('event', (m) => m.event.kind === 'connected');
      return { created, customer, bot };
    },
    async inviteStaysVoid(a, b, sessionId, token) {
      const again = await open(b);
      again.send({ t: 'hello', v: PROTOCOL_VERSION, token });
      expect((await again.closed).code, 'the removed viewer’s invite on B').toBe(ERROR_CODES.VIEWER_REMOVED.close);
      again.send({ t: 'signal', data: offer });
      const types = (await audit(a, sessionId)).events.map((e) => e.type);
      expect(types.slice(types.indexOf('viewer-removed')), 'after the removal').not.toContain('viewer-joined');
    },
  };
}
