/**
 * Several instances behind one PostgreSQL and one Redis (issue 14): the
 * customer on one instance and the agent on another go through the whole
 * journey; roles, support codes and timers hold across instances; the audit
 * stays one valid chain. Signaling level, real sockets, real servers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../signaling/config.js';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { backendsAvailable, instanceEnv, useBackends, type Backends } from './helpers/scale-out.js';
import { createSession, signInAgent, startTestServer, type TestServer } from './helpers/server.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';

const bins = backendsAvailable();
let backends: () => Backends;
const servers: TestServer[] = [];
const sockets: TestSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  for (const server of servers.splice(0)) await server.close();
});

async function instances(
  count: number,
  tweak?: (config: ServerConfig) => void,
  env: Record<string, string> = {},
): Promise<TestServer[]> {
  const { postgres, redis } = backends();
  const databaseUrl = await postgres.createDatabase();
  const started: TestServer[] = [];
  for (let i = 0; i < count; i += 1) {
    const server = await startTestServer({ ...instanceEnv(databaseUrl, redis.url), ...env }, tweak ? { tweak } : {});
    servers.push(server);
    started.push(server);
  }
  return started;
}

async function open(server: TestServer, headers: Record<string, string> = {}): Promise<TestSocket> {
  const socket = await connect(server.wsUrl, headers);
  sockets.push(socket);
  return socket;
}

interface AuditAnswer {
  events: { seq: number; type: string; actor: string; data: Record<string, unknown> }[];
  verification: { valid: boolean; events: number };
}
const auditOf = async (server: TestServer, sessionId: string): Promise<AuditAnswer> =>
  (await (
    await fetch(`${server.baseUrl}/api/sessions/${sessionId}/audit`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    })
  ).json()) as AuditAnswer;

describe.skipIf(!bins)('scale-out: instances on PostgreSQL and Redis', () => {
  backends = useBackends(bins);

  it('customer on instance A, agent on instance B: the whole journey, one valid audit', async () => {
    const [a, b] = await instances(2);
    if (!a || !b) throw new Error('two instances expected');
    const session = await createSession(a, { conversationId: 'conv-scale', agentName: 'Dana' });
    const customer = await open(a);
    expect(await customer.hello(session.customerToken)).toMatchObject({ role: 'customer', peerPresent: false });
    const agent = await open(b);
    expect(await agent.hello(session.agentToken)).toMatchObject({
      role: 'agent',
      peerPresent: true,
      agentName: 'Dana',
    });
    expect(await customer.next('peer')).toEqual({ t: 'peer', role: 'agent', present: true });

    customer.send({ t: 'event', event: { kind: 'consent-shown' } });
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    await agent.next('event', (m) => m.event.kind === 'consent-granted');
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
    agent.send({ t: 'signal', data: offer });
    expect(await customer.next('signal')).toEqual({ t: 'signal', data: offer });
    const answer = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' } as const;
    customer.send({ t: 'signal', data: answer });
    expect(await agent.next('signal')).toEqual({ t: 'signal', data: answer });
    customer.send({ t: 'event', event: { kind: 'connected' } });
    customer.send({
      t: 'event',
      event: { kind: 'page-visited', url: 'https://shop.example/cart?card=4111111111111111', title: 'Cart' },
    });
    expect(await agent.next('event', (m) => m.event.kind === 'page-visited')).toMatchObject({
      event: { url: 'https://shop.example/cart' },
    });
    agent.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');
    customer.send({ t: 'event', event: { kind: 'control-granted' } });
    await agent.next('event', (m) => m.event.kind === 'control-granted');
    customer.send({ t: 'end' });
    expect(await agent.next('ended')).toEqual({ t: 'ended', by: 'customer', reason: 'customer-ended' });
    expect((await agent.closed).code).toBe(4410);

    // Either instance answers with the same record.
    for (const server of [a, b]) {
      const audit = await auditOf(server, session.sessionId);
      expect(audit.verification).toEqual({ valid: true, events: audit.events.length });
      expect(audit.events.map((e) => e.type)).toEqual([
        'session-created',
        'consent-shown',
        'consent-granted',
        'connected',
        'page-visited',
        'control-requested',
        'control-granted',
        'ended',
      ]);
    }
    const summary = (await (
      await fetch(`${b.baseUrl}/api/sessions/${session.sessionId}`, {
        headers: { authorization: `Bearer ${b.apiKey}` },
      })
    ).json()) as Record<string, unknown>;
    expect(summary).toMatchObject({ status: 'ended', consent: 'granted', controlGranted: true, endedBy: 'customer' });
  });

  it('three instances append to one session at once: one gap-free, valid chain, ended once and last', async () => {
    const [a, b, c] = await instances(3);
    if (!a || !b || !c) throw new Error('three instances expected');
    const session = await createSession(a);
    const customer = await open(a);
    await customer.hello(session.customerToken);
    const agent = await open(b);
    await agent.hello(session.agentToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    await agent.next('event', (m) => m.event.kind === 'consent-granted');
    for (let i = 0; i < 40; i += 1) {
      customer.send({ t: 'event', event: { kind: 'page-visited', url: `https://shop.example/p${i}` } });
      agent.send({ t: 'event', event: { kind: 'control-requested' } });
    }
    // The chat system ends it through the third instance while both floods are in flight.
    await agent.next('event', (m) => m.event.kind === 'page-visited' && m.event.url.endsWith('/p5'));
    const ended = await fetch(`${c.baseUrl}/api/sessions/${session.sessionId}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.apiKey}` },
    });
    expect(ended.status).toBe(200);
    await customer.closed;
    await agent.closed;
    const audit = await auditOf(c, session.sessionId);
    expect(audit.verification).toEqual({ valid: true, events: audit.events.length });
    expect(audit.events.map((e) => e.seq)).toEqual(audit.events.map((_, i) => i + 1));
    expect(audit.events.filter((e) => e.type === 'ended')).toHaveLength(1);
    expect(audit.events.at(-1)?.type).toBe('ended');
    expect(audit.events.filter((e) => e.type === 'page-visited').length).toBeGreaterThan(5);
    expect(audit.events.filter((e) => e.type === 'control-requested').length).toBeGreaterThan(0);
  });

  it('a role held on one instance cannot be taken on another; it frees when its socket leaves', async () => {
    const [a, b] = await instances(2);
    if (!a || !b) throw new Error('two instances expected');
    const session = await createSession(a);
    const first = await open(a);
    await first.hello(session.customerToken);
    const second = await open(b);
    second.send({ t: 'hello', v: PROTOCOL_VERSION, token: session.customerToken });
    expect((await second.closed).code).toBe(4409);
    first.close();
    await first.closed;
    // Released as the socket closes; the next hello (waiting for that, not for a clock) succeeds.
    let welcome: unknown;
    for (let attempt = 0; attempt < 50 && !welcome; attempt += 1) {
      const retry = await open(b);
      retry.send({ t: 'hello', v: PROTOCOL_VERSION, token: session.customerToken });
      welcome = await retry.next('welcome', undefined, 2_000).catch(() => undefined);
    }
    expect(welcome).toMatchObject({ role: 'customer' });
  });

  it('the sockets-per-address limit holds over the sum of all instances', async () => {
    // Its own client address (behind one proxy hop), so the other tests' sockets do not count.
    const [a, b] = await instances(
      2,
      (config) => {
        config.limits.maxConnectionsPerIp = 3;
      },
      { TRUST_PROXY: '1' },
    );
    if (!a || !b) throw new Error('two instances expected');
    const from = { 'x-forwarded-for': '198.51.100.77' };
    const held = [await open(a, from), await open(b, from), await open(a, from)];
    for (const socket of held) {
      socket.send({ t: 'ping', ts: 1 });
      await socket.next('pong');
    }
    const fourth = await open(b, from);
    expect((await fourth.closed).code).toBe(4430);
    // A socket that leaves frees its place on every instance.
    held[0]?.close();
    await held[0]?.closed;
    let fifth: TestSocket | undefined;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const candidate = await open(b, from);
      candidate.send({ t: 'ping', ts: 2 });
      if (
        await candidate.next('pong', undefined, 2_000).then(
          () => true,
          () => false,
        )
      ) {
        // Still open once counted: the count answered before this check settles.
        candidate.send({ t: 'ping', ts: 3 });
        if (
          await candidate
            .next('pong', (m) => m.ts === 3, 2_000)
            .then(
              () => true,
              () => false,
            )
        ) {
          fifth = candidate;
          break;
        }
      }
    }
    expect(fifth).toBeDefined();
  });

  it('a support code issued by one instance is claimed on another, once', async () => {
    const [a, b] = await instances(2);
    if (!a || !b) throw new Error('two instances expected');
    const issued = (await (await fetch(`${a.baseUrl}/api/support-codes`, { method: 'POST' })).json()) as {
      code: string;
    };
    // Signed in on instance a, claiming on instance b: the cookie is good on every instance.
    const { cookie } = await signInAgent(a);
    const claim = () =>
      fetch(`${b.baseUrl}/api/support-codes/claim`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ code: issued.code }),
      });
    expect((await claim()).status).toBe(200);
    expect((await claim()).status).toBe(404);
  });

  it('claim guessing is limited across instances: a guesser gains nothing by spreading over them', async () => {
    const [a, b, c] = await instances(3);
    if (!a || !b || !c) throw new Error('three instances expected');
    const statuses: number[] = [];
    const { cookie } = await signInAgent(a);
    for (let i = 0; i < 12; i += 1) {
      const server = [a, b, c][i % 3] as TestServer;
      statuses.push(
        (
          await fetch(`${server.baseUrl}/api/support-codes/claim`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie },
            body: '{"code":"0000 0001"}',
          })
        ).status,
      );
    }
    // One budget of 10 a minute for this address over all instances (earlier tests here spent some of it).
    const allowed = statuses.filter((status) => status === 404).length;
    expect(allowed).toBeLessThanOrEqual(10);
    expect(statuses).toEqual([...Array<number>(allowed).fill(404), ...Array<number>(12 - allowed).fill(429)]);
  });

  it('the "customer gone" timer ends the session once, by the latest departure, across instances', async () => {
    const [a, b] = await instances(2, (config) => {
      config.limits.customerGraceMs = 300;
    });
    if (!a || !b) throw new Error('two instances expected');
    const session = await createSession(a);
    const agent = await open(a);
    await agent.hello(session.agentToken);
    const customer = await open(b);
    await customer.hello(session.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    await agent.next('event', (m) => m.event.kind === 'consent-granted');
    // Leaves B, comes back on A (a page change), leaves A for good.
    customer.close();
    await agent.next('peer', (m) => !m.present);
    const back = await open(a);
    await back.hello(session.customerToken);
    back.close();
    expect(await agent.next('ended', undefined, 10_000)).toEqual({ t: 'ended', by: 'system', reason: 'left-site' });
    const audit = await auditOf(b, session.sessionId);
    expect(audit.events.filter((e) => e.type === 'ended')).toHaveLength(1);
    expect(audit.verification.valid).toBe(true);
  });

  it('the expiry timer fires on every instance serving the session, and the session ends once', async () => {
    const [a, b] = await instances(2);
    if (!a || !b) throw new Error('two instances expected');
    const session = await createSession(a, { ttlSeconds: 1 });
    const customer = await open(a);
    await customer.hello(session.customerToken);
    const agent = await open(b);
    await agent.hello(session.agentToken);
    expect((await customer.closed).code).toBe(4411);
    expect((await agent.closed).code).toBe(4411);
    const audit = await auditOf(a, session.sessionId);
    expect(audit.events.filter((e) => e.type === 'ended')).toEqual([
      expect.objectContaining({ actor: 'system', data: expect.objectContaining({ reason: 'expired' }) }),
    ]);
    expect(audit.verification.valid).toBe(true);
  });
  it('a minted sign-in identity exchanged on one instance is refused on another', async () => {
    const [a, b] = await instances(2);
    const minted = await fetch(`${a!.baseUrl}/api/agent-identities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a!.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'agent-mark', name: 'Mark' }),
    });
    const { identity } = (await minted.json()) as { identity: string };
    const exchange = (server: TestServer) =>
      fetch(`${server.baseUrl}/auth/identity`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identity }),
      });
    expect((await exchange(a!)).status).toBe(200);
    expect((await exchange(b!)).status).toBe(401);
  });

  it('hand-overs racing on two instances: exactly one wins, the others get 409', async () => {
    const [a, b] = await instances(2);
    const created = await createSession(a!, { agentName: 'Lumen helper', agentBot: true });
    const customer = await open(a!);
    await customer.hello(created.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted', handover: true } });
    await expect
      .poll(async () => (await auditOf(a!, created.sessionId)).events.some((e) => e.type === 'consent-granted'))
      .toBe(true);
    const answers = await Promise.all(
      ['Dana', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivy'].map((agentName, i) =>
        fetch(`${(i % 2 === 0 ? a! : b!).baseUrl}/api/sessions/${created.sessionId}/handover`, {
          method: 'POST',
          headers: { authorization: `Bearer ${a!.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ agentName }),
        }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort((x, y) => x - y)).toEqual([200, 409, 409, 409, 409, 409]);
    const audit = await auditOf(a!, created.sessionId);
    expect(audit.events.filter((e) => e.type === 'handed-over')).toHaveLength(1);
    expect(audit.verification.valid).toBe(true);
  });
});
