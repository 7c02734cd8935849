import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { customerInvite } from '../../shared/protocol.js';
import { verifyWebhookSignature } from '../../signaling/webhook.js';
import { connect } from './helpers/ws-client.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const api = (s: TestServer, path: string, init: RequestInit & { key?: string | null } = {}) => {
  const headers: Record<string, string> = { ...(init.body ? { 'content-type': 'application/json' } : {}) };
  const key = init.key === undefined ? s.apiKey : init.key;
  if (key) headers.authorization = `Bearer ${key}`;
  return fetch(`${s.baseUrl}${path}`, { ...init, headers });
};

describe('REST API', () => {
  it('serves /healthz and Prometheus /metrics', async () => {
    server = await startTestServer();
    const health = await fetch(`${server.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    await createSession(server);
    const metrics = await fetch(`${server.baseUrl}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toMatch(/^cobrowse_sessions_created_total 1$/m);
    expect(text).toContain('cobrowse_process_resident_memory_bytes');
  });

  it('refuses session creation without the API key, or with a wrong one', async () => {
    server = await startTestServer();
    const none = await api(server, '/api/sessions', { method: 'POST', body: '{}', key: null });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const wrong = await api(server, '/api/sessions', { method: 'POST', body: '{}', key: 'not-the-key-at-all-0000' });
    expect(wrong.status).toBe(401);
    // A peer token is not an API key either.
    const { customerToken } = await createSession(server);
    const peer = await api(server, '/api/sessions', { method: 'POST', body: '{}', key: customerToken });
    expect(peer.status).toBe(401);
  });

  it('rejects an invalid body with a clear message', async () => {
    server = await startTestServer();
    const res = await api(server, '/api/sessions', {
      method: 'POST',
      body: JSON.stringify({ conversationId: 5, role: 'admin' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BAD_MESSAGE');
    expect(body.error.message).toMatch(/conversationId|role/);
    const notJson = await fetch(`${server.baseUrl}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
  });

  it('creates a session with a customer invite and an agent link whose token is in the fragment', async () => {
    server = await startTestServer();
    const res = await api(server, '/api/sessions', {
      method: 'POST',
      body: JSON.stringify({ conversationId: 'conv-1', agentName: 'Dana', metadata: { ticket: 42 } }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      sessionId: string;
      customer: { invite: unknown; inviteCode: string };
      agent: { link: string; token: string };
    };
    const invite = customerInvite.parse(body.customer.invite);
    expect(invite.agentName).toBe('Dana');
    expect(invite.server).toBe(server.baseUrl);
    expect(JSON.parse(Buffer.from(body.customer.inviteCode, 'base64url').toString())).toEqual(invite);
    const link = new URL(body.agent.link);
    expect(link.pathname).toBe('/agent/');
    expect(link.search).toBe('');
    expect(link.hash).toBe(`#token=${body.agent.token}`);
    expect(body.agent.token).not.toBe(invite.token);

    const read = await api(server, `/api/sessions/${body.sessionId}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({
      sessionId: body.sessionId,
      conversationId: 'conv-1',
      status: 'pending',
      consent: 'pending',
    });
  });

  it('lists the sessions of a conversation, newest first, and 404s unknown sessions', async () => {
    server = await startTestServer();
    const first = await createSession(server, { conversationId: 'conv-A' });
    await new Promise((r) => setTimeout(r, 5));
    const second = await createSession(server, { conversationId: 'conv-A' });
    await createSession(server, { conversationId: 'conv-B' });
    const res = await api(server, '/api/conversations/conv-A/sessions');
    const body = (await res.json()) as { sessions: { sessionId: string }[] };
    expect(body.sessions.map((s) => s.sessionId)).toEqual([second.sessionId, first.sessionId]);
    expect((await api(server, '/api/sessions/doesnotexist123')).status).toBe(404);
    expect((await api(server, '/api/sessions/bad id!')).status).toBe(400);
  });

  it('lists sessions with filters and a cursor; refuses without the key, with a bad filter or a forged cursor', async () => {
    server = await startTestServer();
    const s = server;
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const body = { conversationId: i % 2 === 0 ? 'conv-even' : 'conv-odd', agentName: i < 4 ? 'Dana' : 'Lee' };
      const res = await api(s, '/api/sessions', { method: 'POST', body: JSON.stringify(body) });
      created.push(((await res.json()) as { sessionId: string }).sessionId);
    }
    type Page = {
      sessions: Array<{ sessionId: string; status: string; agentName: string | null; conversationId: string | null }>;
      next: string | null;
    };
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(s, `/api/sessions?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      expect(page.sessions.length).toBeLessThanOrEqual(3);
      all.push(...page.sessions.map((session) => session.sessionId));
      cursor = page.next;
    } while (cursor !== null);
    expect(new Set(all)).toEqual(new Set(created));
    expect(all).toHaveLength(created.length);

    const lee = (await (await api(s, '/api/sessions?agent=Lee&conversation=conv-even&status=pending')).json()) as Page;
    const byId = (a: string | undefined, b: string | undefined): number => (a ?? '').localeCompare(b ?? '');
    expect(lee.sessions.map((session) => session.sessionId).sort(byId)).toEqual([created[4], created[6]].sort(byId));
    expect(lee.sessions.every((session) => session.agentName === 'Lee' && session.conversationId === 'conv-even')).toBe(
      true,
    );
    const future = (await (
      await api(s, `/api/sessions?from=${new Date(Date.now() + 60_000).toISOString()}`)
    ).json()) as Page;
    expect(future.sessions).toEqual([]);

    expect((await api(s, '/api/sessions', { key: null })).status).toBe(401);
    for (const bad of ['status=gone', 'limit=0', 'limit=500', 'from=yesterday', 'cursor=bm90LWEtY3Vyc29y', 'extra=1']) {
      const res = await api(s, `/api/sessions?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_MESSAGE');
    }
  });

  it('ends a session through the API, tells the connected peers, and refuses to end it twice', async () => {
    server = await startTestServer();
    const s = await createSession(server);
    const customer = await connect(server.wsUrl);
    await customer.hello(s.customerToken);
    const res = await api(server, `/api/sessions/${s.sessionId}/end`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'api' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ended', endedBy: 'api', endReason: 'api' });
    expect(await customer.next('ended')).toEqual({ t: 'ended', by: 'api', reason: 'api' });
    expect((await customer.closed).code).toBe(4410);
    const again = await api(server, `/api/sessions/${s.sessionId}/end`, { method: 'POST' });
    expect(again.status).toBe(410);
    expect(await again.json()).toMatchObject({ error: { code: 'SESSION_ENDED' } });
  });

  it('returns the audit trail with a verified hash chain', async () => {
    server = await startTestServer();
    const s = await createSession(server);
    const customer = await connect(server.wsUrl);
    await customer.hello(s.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-shown' } });
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    customer.send({ t: 'end' });
    await customer.closed;
    const res = await api(server, `/api/sessions/${s.sessionId}/audit`);
    const body = (await res.json()) as { events: { type: string; actor: string }[]; verification: { valid: boolean } };
    expect(body.events.map((e) => e.type)).toEqual(['session-created', 'consent-shown', 'consent-granted', 'ended']);
    expect(body.events.at(-1)?.actor).toBe('customer');
    expect(body.verification.valid).toBe(true);
    expect((await api(server, `/api/sessions/${s.sessionId}/audit`, { key: s.agentToken })).status).toBe(401);
  });
});

describe('TURN credentials', () => {
  const secret = 'turn-shared-secret-0123456789';

  it('issue coturn REST-API credentials with consent and on request, for peers only', async () => {
    server = await startTestServer({
      TURN_SECRET: secret,
      TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
      TURN_TTL: '600',
    });
    const s = await createSession(server);
    const agent = await connect(server.wsUrl);
    const welcome = await agent.hello(s.agentToken);
    // Before consent, no relay (red team s11, F6): test/node/turn-consent.test.ts.
    expect(welcome.iceServers.find((ice) => ice.username)).toBeUndefined();
    const consenting = await connect(server.wsUrl);
    await consenting.hello(s.customerToken);
    consenting.send({ t: 'event', event: { kind: 'consent-granted' } });
    const turn = (await agent.next('ice-servers')).iceServers.find((ice) => ice.username);
    expect(turn).toBeDefined();
    const [expiry, label] = (turn?.username ?? '').split(':');
    expect(label).toBe(`${s.sessionId}-agent`);
    const ttl = Number(expiry) - Date.now() / 1000;
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(601);
    expect(turn?.credential).toBe(
      createHmac('sha1', secret)
        .update(turn?.username ?? '')
        .digest('base64'),
    );

    const turnFor = (token: string) =>
      fetch(`${server!.baseUrl}/api/turn-credentials`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    await agent.next('event', (m) => m.event.kind === 'consent-granted');
    const viaRest = await turnFor(s.customerToken);
    expect(viaRest.status).toBe(200);
    const rest = (await viaRest.json()) as { iceServers: { username?: string }[]; ttlSeconds: number };
    expect(rest.ttlSeconds).toBe(600);
    expect(rest.iceServers[0]?.username).toMatch(new RegExp(`:${s.sessionId}-customer$`));
    const noToken = await fetch(`${server.baseUrl}/api/turn-credentials`, { method: 'POST' });
    expect(noToken.status).toBe(401);
    const withApiKey = await fetch(`${server.baseUrl}/api/turn-credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    expect(withApiKey.status).toBe(401);
    agent.close();
    consenting.close();
  });
});

describe('webhook on session end', () => {
  it('posts an HMAC-signed summary with pages visited to the chat system', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const port = (hook.address() as AddressInfo).port;
    const webhookSecret = 'webhook-secret-0123456789abcdef';
    try {
      server = await startTestServer({ WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, WEBHOOK_SECRET: webhookSecret });
      const s = await createSession(server, { conversationId: 'conv-hook' });
      const customer = await connect(server.wsUrl);
      await customer.hello(s.customerToken);
      customer.send({ t: 'event', event: { kind: 'consent-granted' } });
      customer.send({
        t: 'event',
        event: { kind: 'page-visited', url: 'https://shop.example/cart?coupon=SECRET#pay', title: 'Cart' },
      });
      customer.send({
        t: 'event',
        event: { kind: 'page-visited', url: 'https://shop.example/checkout', title: 'Checkout' },
      });
      customer.send({ t: 'end' });
      await customer.closed;
      await expect.poll(() => received.length, { timeout: 5_000 }).toBe(1);
      const delivery = received[0]!;
      expect(
        verifyWebhookSignature({
          secret: webhookSecret,
          body: delivery.body,
          timestamp: String(delivery.headers['x-cobrowse-timestamp']),
          signature: String(delivery.headers['x-cobrowse-signature']),
        }),
      ).toBe(true);
      const payload = JSON.parse(delivery.body) as Record<string, unknown>;
      expect(payload).toMatchObject({
        type: 'session.ended',
        sessionId: s.sessionId,
        conversationId: 'conv-hook',
        endedBy: 'customer',
        endReason: 'customer-ended',
      });
      expect(typeof payload.durationMs).toBe('number');
      const audit = (await (await api(server, `/api/sessions/${s.sessionId}/audit`)).json()) as {
        events: { hash: string }[];
      };
      expect(payload.auditHeadHash).toBe(audit.events.at(-1)?.hash);
      expect((payload.pagesVisited as { url: string }[]).map((p) => p.url)).toEqual([
        'https://shop.example/cart',
        'https://shop.example/checkout',
      ]);
      expect(delivery.body).not.toContain('SECRET');
    } finally {
      hook.close();
    }
  });
});
