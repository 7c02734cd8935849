import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await server?.close();
  server = undefined;
});

async function open(s: TestServer, headers: Record<string, string> = {}): Promise<TestSocket> {
  const socket = await connect(s.wsUrl, headers);
  sockets.push(socket);
  return socket;
}

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;

/** Customer and agent joined, customer consented. */
async function pair(s: TestServer) {
  const session = await createSession(s);
  const customer = await open(s);
  await customer.hello(session.customerToken);
  const agent = await open(s);
  await agent.hello(session.agentToken);
  customer.send({ t: 'event', event: { kind: 'consent-granted' } });
  await agent.next('event', (m) => m.event.kind === 'consent-granted');
  return { session, customer, agent };
}

describe('authentication and roles', () => {
  it('derives the role from the token, never from the client', async () => {
    server = await startTestServer();
    const s = await createSession(server, { agentName: 'Dana' });
    const customer = await open(server);
    const welcome = await customer.hello(s.customerToken);
    expect(welcome).toMatchObject({
      role: 'customer',
      sessionId: s.sessionId,
      peerPresent: false,
      consented: false,
      agentName: 'Dana',
    });
    const agent = await open(server);
    expect(await agent.hello(s.agentToken)).toMatchObject({ role: 'agent', peerPresent: true });
    expect(await customer.next('peer')).toEqual({ t: 'peer', role: 'agent', present: true });

    // Claiming a role is not part of the protocol: strict schemas refuse the extra field.
    const claimer = await open(server);
    claimer.send({ t: 'hello', v: PROTOCOL_VERSION, token: s.agentToken, role: 'customer' });
    expect(await claimer.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    // ...and an unauthenticated socket with a malformed hello is closed, not left waiting.
    expect((await claimer.closed).code).toBe(4000);
  });

  it('closes with 4401 for an unknown token and for messages before hello', async () => {
    server = await startTestServer();
    const stranger = await open(server);
    stranger.send({ t: 'hello', v: PROTOCOL_VERSION, token: 'x'.repeat(43) });
    expect(await stranger.closed).toMatchObject({ code: 4401 });
    expect(stranger.messages.at(-1)).toMatchObject({ t: 'error', code: 'UNAUTHORIZED' });

    const eager = await open(server);
    eager.send({ t: 'signal', data: offer });
    expect((await eager.closed).code).toBe(4401);
  });

  it('closes with 4001 and a readable message for another major protocol version', async () => {
    server = await startTestServer();
    const s = await createSession(server);
    const old = await open(server);
    // Each major version changed the data channel's layout (4.0 a snapshot field and viewer roles, 5.0-8.0
    // the wire layout): a peer of the previous major is refused.
    const major = Number(PROTOCOL_VERSION.split('.')[0]);
    old.send({ t: 'hello', v: `${major - 1}.9`, token: s.customerToken });
    const closed = await old.closed;
    expect(closed.code).toBe(4001);
    expect(old.messages.at(-1)).toMatchObject({ code: 'UNSUPPORTED_VERSION' });
    expect((old.messages.at(-1) as { message: string }).message).toContain(
      `protocol ${PROTOCOL_VERSION}; the client speaks ${major - 1}.9`,
    );
    // A minor version difference is fine.
    const newer = await open(server);
    expect(await newer.hello(s.customerToken, `${major}.7`)).toMatchObject({ role: 'customer' });
  });

  it('an agent token cannot act as the customer', async () => {
    server = await startTestServer();
    const s = await createSession(server);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    const agent = await open(server);
    await agent.hello(s.agentToken);
    for (const kind of ['consent-granted', 'control-granted', 'consent-declined'] as const) {
      agent.send({ t: 'event', event: { kind } });
      expect(await agent.next('error', (m) => m.message.includes(kind))).toMatchObject({ code: 'FORBIDDEN' });
    }
    agent.send({ t: 'event', event: { kind: 'page-visited', url: 'https://evil.example/' } });
    expect(await agent.next('error', (m) => m.message.includes('page-visited'))).toMatchObject({ code: 'FORBIDDEN' });
    // The customer may not pretend to be the agent either.
    customer.send({ t: 'event', event: { kind: 'control-requested' } });
    expect(await customer.next('error')).toMatchObject({ code: 'FORBIDDEN' });

    const summary = await (
      await fetch(`${server.baseUrl}/api/sessions/${s.sessionId}`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      })
    ).json();
    expect(summary).toMatchObject({ status: 'pending', consent: 'pending', controlGranted: false });
    const audit = (await (
      await fetch(`${server.baseUrl}/api/sessions/${s.sessionId}/audit`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      })
    ).json()) as { events: { type: string }[] };
    expect(audit.events.map((e) => e.type)).toEqual(['session-created']);
  });

  it('rejects a second customer on the same session with 4409 and keeps the first', async () => {
    server = await startTestServer();
    const s = await createSession(server);
    const first = await open(server);
    await first.hello(s.customerToken);
    const second = await open(server);
    second.send({ t: 'hello', v: PROTOCOL_VERSION, token: s.customerToken });
    expect((await second.closed).code).toBe(4409);
    first.send({ t: 'ping', ts: 1 });
    expect(await first.next('pong')).toEqual({ t: 'pong', ts: 1 });
  });

  it('lets a peer rejoin after its socket closed (reload, navigation)', async () => {
    server = await startTestServer();
    const { session, customer, agent } = await pair(server);
    agent.close();
    expect(await customer.next('peer', (m) => !m.present)).toEqual({ t: 'peer', role: 'agent', present: false });
    const again = await open(server);
    expect(await again.hello(session.agentToken)).toMatchObject({ role: 'agent', peerPresent: true, consented: true });
  });
});

describe('relay', () => {
  it('refuses signals before consent: no peer connection can start without it', async () => {
    server = await startTestServer();
    const s = await createSession(server);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    const agent = await open(server);
    await agent.hello(s.agentToken);
    agent.send({ t: 'signal', data: offer });
    expect(await agent.next('error')).toMatchObject({ code: 'FORBIDDEN' });
    customer.send({ t: 'signal', data: offer });
    expect(await customer.next('error')).toMatchObject({ code: 'FORBIDDEN' });
    expect(agent.messages.some((m) => m.t === 'signal')).toBe(false);
  });

  it('relays offer, answer and candidates only between the two peers of one session', async () => {
    server = await startTestServer();
    const a = await pair(server);
    const b = await pair(server);
    a.customer.send({ t: 'signal', data: offer });
    expect(await a.agent.next('signal')).toEqual({ t: 'signal', data: offer });
    const answer = { type: 'answer', sdp: 'v=0\r\nanswer-a\r\n' };
    a.agent.send({ t: 'signal', data: answer });
    expect(await a.customer.next('signal')).toEqual({ t: 'signal', data: answer });
    const candidate = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMLineIndex: 0, sdpMid: '0' },
    };
    b.customer.send({ t: 'signal', data: candidate });
    expect(await b.agent.next('signal')).toEqual({ t: 'signal', data: candidate });
    // Give any misrouted message time to arrive, then check the other session saw nothing of it.
    b.agent.send({ t: 'ping', ts: 2 });
    await b.agent.next('pong');
    a.agent.send({ t: 'ping', ts: 3 });
    await a.agent.next('pong');
    expect(a.agent.messages.filter((m) => m.t === 'signal')).toHaveLength(1);
    expect(b.customer.messages.filter((m) => m.t === 'signal')).toHaveLength(0);
    expect(b.agent.messages.filter((m) => m.t === 'signal')).toEqual([{ t: 'signal', data: candidate }]);
  });

  it('says PEER_ABSENT instead of dropping a signal silently', async () => {
    server = await startTestServer();
    const { customer, agent } = await pair(server);
    agent.close();
    await customer.next('peer', (m) => !m.present);
    customer.send({ t: 'signal', data: offer });
    expect(await customer.next('error')).toMatchObject({ code: 'PEER_ABSENT' });
  });

  it('forwards audit events to the other side and strips query and fragment from pages visited', async () => {
    server = await startTestServer();
    const { customer, agent } = await pair(server);
    customer.send({
      t: 'event',
      event: { kind: 'page-visited', url: 'https://shop.example/account?email=a@b.c#x', title: 'Account' },
    });
    expect(await agent.next('event', (m) => m.event.kind === 'page-visited')).toEqual({
      t: 'event',
      from: 'customer',
      event: { kind: 'page-visited', url: 'https://shop.example/account', title: 'Account' },
    });
    customer.send({ t: 'event', event: { kind: 'page-visited', url: 'javascript:alert(1)' } });
    expect(await customer.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
  });
});

describe('ending', () => {
  it('ends a consented session when the customer does not come back (left the site), not when they navigate', async () => {
    server = await startTestServer({}, { tweak: (c) => (c.limits.customerGraceMs = 300) });
    const { session, customer, agent } = await pair(server);
    customer.close();
    await agent.next('peer', (m) => !m.present);
    // A same-origin navigation: the next page reconnects within the grace period.
    const nextPage = await open(server);
    await nextPage.hello(session.customerToken);
    await new Promise((r) => setTimeout(r, 450));
    expect(agent.messages.some((m) => m.t === 'ended')).toBe(false);
    nextPage.close();
    expect(await agent.next('ended', undefined, 3_000)).toEqual({ t: 'ended', by: 'system', reason: 'left-site' });
  });

  it('customer End reaches the agent at once, closes both with 4410, and the token is dead afterwards', async () => {
    server = await startTestServer();
    const { session, customer, agent } = await pair(server);
    customer.send({ t: 'end' });
    expect(await agent.next('ended')).toEqual({ t: 'ended', by: 'customer', reason: 'customer-ended' });
    expect((await agent.closed).code).toBe(4410);
    expect((await customer.closed).code).toBe(4410);
    const late = await open(server);
    late.send({ t: 'hello', v: PROTOCOL_VERSION, token: session.agentToken });
    expect((await late.closed).code).toBe(4410);
  });

  it('Decline ends the session and records only the decline', async () => {
    server = await startTestServer();
    const s = await createSession(server);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-shown' } });
    customer.send({ t: 'event', event: { kind: 'consent-declined' } });
    expect(await customer.next('ended')).toEqual({ t: 'ended', by: 'customer', reason: 'declined' });
    const audit = (await (
      await fetch(`${server.baseUrl}/api/sessions/${s.sessionId}/audit`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      })
    ).json()) as { events: { type: string }[] };
    expect(audit.events.map((e) => e.type)).toEqual(['session-created', 'consent-shown', 'consent-declined', 'ended']);
  });
});

describe('limits, each with its own close code', () => {
  it('oversized message: 4414 with a message, others keep being served', async () => {
    server = await startTestServer({ MAX_PAYLOAD: '2048' });
    const { customer, agent } = await pair(server);
    customer.send({ t: 'signal', data: { type: 'offer', sdp: 'x'.repeat(4096) } });
    expect((await customer.closed).code).toBe(4414);
    expect(customer.messages.at(-1)).toMatchObject({ t: 'error', code: 'MESSAGE_TOO_LARGE' });
    agent.send({ t: 'ping', ts: 9 });
    expect(await agent.next('pong')).toEqual({ t: 'pong', ts: 9 });
  });

  it('malformed JSON, unknown types and binary frames get BAD_MESSAGE and the socket stays; a flood of them closes it with 4000', async () => {
    server = await startTestServer();
    const { customer, agent } = await pair(server);
    customer.sendRaw('{not json');
    expect(await customer.next('error')).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringMatching(/JSON/) });
    customer.send({ t: 'teleport' });
    customer.sendRaw(Buffer.from([1, 2, 3]));
    customer.send({ t: 'signal', data: { type: 'offer' } });
    await expect.poll(() => customer.messages.filter((m) => m.t === 'error').length).toBe(4);
    customer.send({ t: 'signal', data: offer });
    expect(await agent.next('signal')).toEqual({ t: 'signal', data: offer });
    for (let i = 0; i < 25; i += 1) customer.sendRaw('garbage');
    expect((await customer.closed).code).toBe(4000);
    agent.send({ t: 'ping', ts: 1 });
    expect(await agent.next('pong')).toBeTruthy();
  });

  it('rate per connection: 4429', async () => {
    server = await startTestServer({ RATE_LIMIT: '5', RATE_BURST: '10' });
    const s = await createSession(server);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    for (let i = 0; i < 30; i += 1) customer.send({ t: 'ping', ts: i });
    expect((await customer.closed).code).toBe(4429);
    expect(customer.messages.at(-1)).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('connections per IP: 4430', async () => {
    server = await startTestServer({ MAX_CONNECTIONS_PER_IP: '2' });
    await open(server);
    await open(server);
    const third = await open(server);
    expect((await third.closed).code).toBe(4430);
  });

  it('no hello in time: 4408', async () => {
    server = await startTestServer({}, { tweak: (c) => (c.limits.authTimeoutMs = 150) });
    const silent = await open(server);
    expect((await silent.closed).code).toBe(4408);
  });

  it('idle socket: 4412', async () => {
    server = await startTestServer(
      {},
      {
        tweak: (c) => {
          c.limits.idleTimeoutMs = 200;
          c.limits.heartbeatIntervalMs = 50;
        },
      },
    );
    const s = await createSession(server);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    expect((await customer.closed).code).toBe(4412);
  });

  it('no pong to heartbeats: 4413 (or a terminated socket)', async () => {
    server = await startTestServer({}, { tweak: (c) => (c.limits.heartbeatIntervalMs = 100) });
    const s = await createSession(server);
    // autoPong off: this client behaves like a peer whose network vanished.
    const ws = new WebSocket(server.wsUrl, { autoPong: false });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, token: s.customerToken }));
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect([4413, 1006]).toContain(code);
    expect(server.app.cobrowse.hub.socketCount).toBe(0);
  });

  it('session TTL: 4411 for connected peers and for later joins', async () => {
    server = await startTestServer();
    const s = await createSession(server, { ttlSeconds: 1 });
    const customer = await open(server);
    await customer.hello(s.customerToken);
    expect(await customer.next('ended', undefined, 5_000)).toEqual({ t: 'ended', by: 'system', reason: 'expired' });
    expect((await customer.closed).code).toBe(4411);
    const late = await open(server);
    late.send({ t: 'hello', v: PROTOCOL_VERSION, token: s.agentToken });
    expect([4410, 4411]).toContain((await late.closed).code);
  });

  it('origin allow-list: sockets from other origins are refused', async () => {
    server = await startTestServer({ ALLOWED_ORIGINS: 'https://shop.example' });
    const foreign = await open(server, { origin: 'https://evil.example' });
    expect((await foreign.closed).code).toBe(4403);
    const ok = await open(server, { origin: 'https://shop.example' });
    const s = await createSession(server);
    expect(await ok.hello(s.customerToken)).toMatchObject({ role: 'customer' });
    // The agent console is served by the server itself: its own origin is always allowed.
    const console = await open(server, { origin: new URL(server.baseUrl).origin });
    expect(await console.hello(s.agentToken)).toMatchObject({ role: 'agent' });
  });
});

describe('persistence and logs', () => {
  it('the audit trail survives a restart on the same DATA_DIR and still verifies', async () => {
    const first = await startTestServer();
    const s = await createSession(first, { conversationId: 'conv-restart' });
    const customer = await connect(first.wsUrl);
    await customer.hello(s.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    customer.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/' } });
    // Read the audit once the last event sent is in it (the server records them in order).
    const readAudit = async () =>
      (await (
        await fetch(`${first.baseUrl}/api/sessions/${s.sessionId}/audit`, {
          headers: { authorization: `Bearer ${first.apiKey}` },
        })
      ).json()) as { events: { type: string }[] };
    let before = await readAudit();
    for (let tries = 0; !before.events.some((e) => e.type === 'page-visited') && tries < 200; tries++)
      before = await readAudit();
    expect(before.events.map((e) => e.type)).toContain('page-visited');
    await first.close({ keepData: true });
    expect((await customer.closed).code).toBe(4503);

    server = await startTestServer({}, { dataDir: first.dataDir });
    const after = (await (
      await fetch(`${server.baseUrl}/api/sessions/${s.sessionId}/audit`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      })
    ).json()) as { events: unknown[]; verification: { valid: boolean } };
    expect(after.events).toEqual(before.events);
    expect(after.verification.valid).toBe(true);
    // The session itself survived too: the customer reconnects with the same token.
    const again = await open(server);
    expect(await again.hello(s.customerToken)).toMatchObject({ role: 'customer', consented: true });
  });

  it('never logs tokens, API keys or page URLs with their query', async () => {
    let logs = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs += chunk.toString();
        done();
      },
    });
    const running = await startTestServer({}, { logStream: sink });
    server = running;
    const { session, customer } = await pair(running);
    customer.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/p?secret=hunter2' } });
    await fetch(`${running.baseUrl}/api/turn-credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.customerToken}` },
    });
    customer.send({ t: 'end' });
    await customer.closed;
    // Barrier: once the server has closed, it logs nothing more.
    server = undefined;
    await running.close();
    expect(logs).toContain(session.sessionId);
    expect(logs).not.toContain(session.customerToken);
    expect(logs).not.toContain(session.agentToken);
    expect(logs).not.toContain(running.apiKey);
    expect(logs).not.toContain('hunter2');
  });
});
