/**
 * The demo behind `npm start`, against a real server on port 0: its pages and
 * chat exist only when DEMO is on, "Offer co-browsing" creates a real session
 * through the REST API and posts its invite, and the chat validates and bounds
 * what it stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DEMO_AGENT_NAME, DEMO_INVITE_TEXT, DEMO_LIMITS } from '../../signaling/demo.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';
import { connect } from './helpers/ws-client.js';

const chatMessage = z.object({
  seq: z.number().int().positive(),
  at: z.number(),
  from: z.enum(['customer', 'agent']),
  kind: z.enum(['text', 'invite']),
  text: z.string(),
  inviteCode: z.string().optional(),
  sessionId: z.string().optional(),
});
const messagesResponse = z.object({ conversationId: z.string(), messages: z.array(chatMessage), latest: z.number() });
const offerResponse = z.object({ sessionId: z.string(), agentLink: z.string(), message: chatMessage });
const inviteJson = z.object({
  server: z.string(),
  sessionId: z.string(),
  token: z.string(),
  agentName: z.string().optional(),
});

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return getJson(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('demo enabled (the default)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves the shop pages with the element embedded as the README says, and the desk', async () => {
    for (const path of ['/demo/', '/demo/cart', '/demo/checkout', '/demo/credit', '/demo/account']) {
      const response = await fetch(`${server.baseUrl}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      const html = await response.text();
      expect(html, path).toContain(`<script type="module" src="${server.baseUrl}/cobrowse.js"></script>`);
      expect(html, path).toContain(`<cobrowse-session server="${server.baseUrl}"></cobrowse-session>`);
      // CSP-friendly: no inline script bodies and no inline handlers.
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, path).not.toMatch(/\son[a-z]+=/i);
    }
    const checkout = await (await fetch(`${server.baseUrl}/demo/checkout`)).text();
    for (const id of ['name', 'email', 'address', 'card', 'expiry', 'cvc']) expect(checkout).toContain(`id="${id}"`);
    expect(await (await fetch(`${server.baseUrl}/demo/credit`)).text()).toContain('id="ssn"');
    expect(await (await fetch(`${server.baseUrl}/demo/account`)).text()).toContain('type="password"');

    const desk = await fetch(`${server.baseUrl}/demo/desk/`);
    expect(desk.status).toBe(200);
    expect(await desk.text()).toContain('Offer co-browsing');
    const script = await fetch(`${server.baseUrl}/demo/chat.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('offering co-browsing creates a real session and posts its invite into the conversation', async () => {
    const conversation = 'offer-test';
    const sent = await post(`${server.baseUrl}/demo/api/conversations/${conversation}/messages`, {
      from: 'customer',
      text: 'I am stuck at checkout',
    });
    expect(sent.status).toBe(201);

    const offered = await post(`${server.baseUrl}/demo/api/conversations/${conversation}/offer`, {});
    expect(offered.status).toBe(201);
    const offer = offerResponse.parse(offered.body);
    expect(offer.agentLink).toMatch(new RegExp(`^${server.baseUrl}/agent/#token=[\\w-]{20,}$`));

    // The session exists on the server, seen through the REST API with the API key.
    const summary = await getJson(`${server.baseUrl}/api/sessions/${offer.sessionId}`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      sessionId: offer.sessionId,
      status: 'pending',
      conversationId: `demo-${conversation}`,
    });

    // The conversation carries the invite; the agent's link never enters it.
    const poll = messagesResponse.parse(
      (await getJson(`${server.baseUrl}/demo/api/conversations/${conversation}/messages?after=0`)).body,
    );
    const texts = poll.messages.map((message) => [message.from, message.kind, message.text]);
    expect(texts).toEqual([
      ['agent', 'text', expect.stringContaining(DEMO_AGENT_NAME)],
      ['customer', 'text', 'I am stuck at checkout'],
      ['agent', 'invite', DEMO_INVITE_TEXT],
    ]);
    const invite = poll.messages.at(-1);
    expect(invite?.sessionId).toBe(offer.sessionId);
    const decoded = inviteJson.parse(JSON.parse(Buffer.from(invite?.inviteCode ?? '', 'base64url').toString('utf8')));
    expect(decoded).toMatchObject({ server: server.baseUrl, sessionId: offer.sessionId, agentName: DEMO_AGENT_NAME });
    const agentToken = offer.agentLink.split('#token=')[1] ?? '';
    expect(JSON.stringify(poll)).not.toContain(agentToken);
    expect(decoded.token).not.toBe(agentToken);

    // Polling after the newest message returns nothing new.
    const after = messagesResponse.parse(
      (await getJson(`${server.baseUrl}/demo/api/conversations/${conversation}/messages?after=${poll.latest}`)).body,
    );
    expect(after.messages).toEqual([]);

    // The desk can follow the session's status.
    const status = await getJson(`${server.baseUrl}/demo/api/conversations/${conversation}/sessions`);
    expect(status.body).toMatchObject({
      sessions: [{ sessionId: offer.sessionId, status: 'pending', consent: 'pending' }],
    });
  });

  it('signs Dana in to the console without an identity provider, and her offered sessions are in her list', async () => {
    const offered = offerResponse.parse(
      (await post(`${server.baseUrl}/demo/api/conversations/dana-list/offer`, {})).body,
    );
    const redirect = await fetch(`${server.baseUrl}/demo/agent-console`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location).toMatch(/^\/agent\/#identity=[\w-]+\.[\w-]+$/);
    const identity = location.slice(location.indexOf('=') + 1);
    const exchanged = await fetch(`${server.baseUrl}/auth/identity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity }),
    });
    expect(await exchanged.json()).toEqual({ agent: { id: 'demo-dana', name: DEMO_AGENT_NAME, via: 'api' } });
    const cookie = (exchanged.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const list = z
      .object({ sessions: z.array(z.object({ sessionId: z.string() })) })
      .parse((await getJson(`${server.baseUrl}/api/sessions`, { headers: { cookie } })).body);
    expect(list.sessions.map((s) => s.sessionId)).toContain(offered.sessionId);
  });

  it('rejects invalid chat input with 400', async () => {
    const url = `${server.baseUrl}/demo/api/conversations/validation/messages`;
    const cases: unknown[] = [
      {},
      { from: 'customer' },
      { from: 'customer', text: '   ' },
      { from: 'customer', text: 'x'.repeat(DEMO_LIMITS.textLength + 1) },
      { from: 'admin', text: 'hi' },
      { from: 'customer', text: 'hi', extra: true },
      { from: 'customer', text: 42 },
      'just a string',
    ];
    for (const body of cases) {
      const result = await post(url, body);
      expect(result.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(result.body).toMatchObject({ error: { code: 'BAD_MESSAGE' } });
    }
    expect(
      (
        await post(`${server.baseUrl}/demo/api/conversations/${'x'.repeat(65)}/messages`, {
          from: 'customer',
          text: 'hi',
        })
      ).status,
    ).toBe(400);
    expect(
      (await post(`${server.baseUrl}/demo/api/conversations/bad%20id/messages`, { from: 'customer', text: 'hi' }))
        .status,
    ).toBe(400);
    expect((await getJson(`${url}?after=-1`)).status).toBe(400);
    expect((await getJson(`${url}?after=abc`)).status).toBe(400);
    expect((await getJson(`${url}?after=1&other=2`)).status).toBe(400);
    expect(
      (await post(`${server.baseUrl}/demo/api/conversations/validation/offer`, { agentName: 'Mallory' })).status,
    ).toBe(400);
    // Nothing invalid was stored.
    const poll = messagesResponse.parse((await getJson(`${url}?after=0`)).body);
    expect(poll.messages.filter((message) => message.from === 'customer')).toEqual([]);
  });

  it('keeps at most the configured number of messages per conversation, dropping the oldest', async () => {
    const conversation = 'bounded';
    const total = DEMO_LIMITS.messagesPerConversation + 15;
    for (let i = 1; i <= total; i += 1) {
      const result = await post(`${server.baseUrl}/demo/api/conversations/${conversation}/messages`, {
        from: 'customer',
        text: `message ${i}`,
      });
      expect(result.status).toBe(201);
    }
    const stored: z.infer<typeof chatMessage>[] = [];
    let after = 0;
    for (;;) {
      const page = messagesResponse.parse(
        (await getJson(`${server.baseUrl}/demo/api/conversations/${conversation}/messages?after=${after}`)).body,
      );
      expect(page.messages.length).toBeLessThanOrEqual(DEMO_LIMITS.pageSize);
      if (page.messages.length === 0) break;
      stored.push(...page.messages);
      after = page.messages.at(-1)?.seq ?? after;
    }
    expect(stored).toHaveLength(DEMO_LIMITS.messagesPerConversation);
    // The greeting (seq 1) plus `total` posts: the newest survive, in order.
    expect(stored.at(-1)?.text).toBe(`message ${total}`);
    expect(stored[0]?.text).toBe(`message ${total - DEMO_LIMITS.messagesPerConversation + 1}`);
    expect(stored.map((message) => message.seq)).toEqual(
      [...stored.map((message) => message.seq)].sort((a, b) => a - b),
    );
  });
});

describe('the demo behind a reverse proxy', () => {
  const viaProxy: Record<string, string>[] = [
    { 'x-forwarded-for': '203.0.113.7' },
    { forwarded: 'for=203.0.113.7;proto=https' },
  ];

  it('on only because HOST is loopback: every chat and desk endpoint refuses a proxied request, and stores nothing', async () => {
    const server = await startTestServer();
    try {
      const base = `${server.baseUrl}/demo/api/conversations/proxied`;
      const calls: [string, string, unknown][] = [
        ['GET', `${base}/messages?after=0`, undefined],
        ['POST', `${base}/messages`, { from: 'customer', text: 'Where do I put my postcode?' }],
        ['POST', `${base}/offer`, {}],
        ['GET', `${base}/sessions`, undefined],
        ['POST', `${base}/sessions/abc/take-over`, {}],
        ['POST', `${base}/sessions/abc/withdraw`, {}],
      ];
      for (const headers of viaProxy) {
        for (const [method, url, body] of calls) {
          const res = await fetch(url, {
            method,
            headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          expect(res.status, `${method} ${url}`).toBe(403);
          expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/DEMO=true/);
        }
      }
      // Control: the same requests made on this machine are answered, and nothing was stored before.
      const local = messagesResponse.parse((await getJson(`${base}/messages?after=0`)).body);
      expect(local.messages.map((m) => m.from)).toEqual(['agent']);
      const sessions = z.object({ sessions: z.array(z.unknown()) }).parse((await getJson(`${base}/sessions`)).body);
      expect(sessions.sessions).toEqual([]);
      expect((await post(`${base}/messages`, { from: 'customer', text: 'hello' })).status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('with DEMO=true set on purpose, a proxied chat request is answered', async () => {
    const server = await startTestServer({ DEMO: 'true' });
    try {
      const res = await fetch(`${server.baseUrl}/demo/api/conversations/proxied/messages?after=0`, {
        headers: viaProxy[0],
      });
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('on only because HOST is loopback: refuses to sign Dana in for a proxied request', async () => {
    const server = await startTestServer();
    try {
      for (const headers of viaProxy) {
        const res = await fetch(`${server.baseUrl}/demo/agent-console`, { redirect: 'manual', headers });
        expect(res.status).toBe(403);
        expect(res.headers.get('location')).toBeNull();
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/DEMO=true/);
      }
      // Control: the same server signs Dana in for a request made on this machine.
      expect((await fetch(`${server.baseUrl}/demo/agent-console`, { redirect: 'manual' })).status).toBe(302);
    } finally {
      await server.close();
    }
  });

  it('with DEMO=true set on purpose, a proxied request gets the demo sign-in', async () => {
    const server = await startTestServer({ DEMO: 'true' });
    try {
      for (const headers of viaProxy) {
        const res = await fetch(`${server.baseUrl}/demo/agent-console`, { redirect: 'manual', headers });
        expect(res.status).toBe(302);
      }
    } finally {
      await server.close();
    }
  });
});

describe('the desk takes over from the bot', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const deskSession = z.object({
    sessionId: z.string(),
    status: z.string(),
    agentName: z.string().nullable(),
    agentBot: z.boolean(),
    handoverAllowed: z.boolean(),
    waitsForDesk: z.boolean(),
  });
  const deskSessions = (conversation: string) =>
    getJson(`${server.baseUrl}/demo/api/conversations/${conversation}/sessions`).then(
      (r) => z.object({ sessions: z.array(deskSession) }).parse(r.body).sessions,
    );

  /** A bot session in the conversation (as the demo's bot creates it) that the customer allowed, with or without leave for a person. */
  async function botSession(conversation: string, handover: boolean) {
    const created = await createSession(server, {
      conversationId: `demo-${conversation}`,
      agentName: 'Lumen assistant',
      agentBot: true,
    });
    const customer = await connect(server.wsUrl);
    await customer.hello(created.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted', ...(handover ? { handover: true } : {}) } });
    await expect
      .poll(async () => (await deskSessions(conversation)).find((s) => s.sessionId === created.sessionId)?.status)
      .toBe('consented');
    return { created, customer };
  }

  it('shows the bot’s session to the desk; take-over hands it to Dana and withdraws her unanswered offer', async () => {
    const conversation = 'take-over';
    const offer = offerResponse.parse(
      (await post(`${server.baseUrl}/demo/api/conversations/${conversation}/offer`, {})).body,
    );
    const { created, customer } = await botSession(conversation, true);
    const before = await deskSessions(conversation);
    expect(before.find((s) => s.sessionId === created.sessionId)).toMatchObject({
      agentBot: true,
      agentName: 'Lumen assistant',
      handoverAllowed: true,
      waitsForDesk: false,
    });
    expect(before.find((s) => s.sessionId === offer.sessionId)).toMatchObject({ status: 'pending', agentBot: false });

    const took = await post(
      `${server.baseUrl}/demo/api/conversations/${conversation}/sessions/${created.sessionId}/take-over`,
      {},
    );
    expect(took.status).toBe(200);
    const { agentLink } = z.object({ agentLink: z.string() }).parse(took.body);
    expect(agentLink).toMatch(/\/agent\/#token=/);
    // The customer is told who took over, with no new prompt; the desk's offer is gone.
    const agentMessage = await customer.next('agent');
    expect(agentMessage).toEqual({ t: 'agent', agentName: DEMO_AGENT_NAME, agentBot: false });
    const after = await deskSessions(conversation);
    expect(after.find((s) => s.sessionId === created.sessionId)).toMatchObject({
      agentBot: false,
      agentName: DEMO_AGENT_NAME,
      handoverAllowed: false,
    });
    expect(after.find((s) => s.sessionId === offer.sessionId)?.status).toBe('ended');
    const audit = await getJson(`${server.baseUrl}/api/sessions/${created.sessionId}/audit`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    const events = z
      .object({ events: z.array(z.object({ type: z.string(), data: z.record(z.string(), z.unknown()) })) })
      .parse(audit.body).events;
    expect(events.find((e) => e.type === 'handed-over')?.data).toEqual({
      fromKind: 'bot',
      from: 'Lumen assistant',
      toKind: 'person',
      to: DEMO_AGENT_NAME,
      toAgentId: 'demo-dana',
    });
    // Once taken, nothing is left to take over.
    const again = await post(
      `${server.baseUrl}/demo/api/conversations/${conversation}/sessions/${created.sessionId}/take-over`,
      {},
    );
    expect(again.status).toBe(409);
    customer.close();
  });

  it('refuses a take-over the customer did not allow (409, the bot stays); the desk can withdraw its offer', async () => {
    const conversation = 'no-leave';
    const offer = offerResponse.parse(
      (await post(`${server.baseUrl}/demo/api/conversations/${conversation}/offer`, {})).body,
    );
    const { created, customer } = await botSession(conversation, false);
    expect((await deskSessions(conversation)).find((s) => s.sessionId === created.sessionId)?.handoverAllowed).toBe(
      false,
    );
    const took = await post(
      `${server.baseUrl}/demo/api/conversations/${conversation}/sessions/${created.sessionId}/take-over`,
      {},
    );
    expect(took.status).toBe(409);
    expect(took.body).toMatchObject({ error: { code: 'HANDOVER_NOT_ALLOWED' } });
    expect((await deskSessions(conversation)).find((s) => s.sessionId === created.sessionId)).toMatchObject({
      agentBot: true,
      status: 'consented',
    });
    // Another conversation's session cannot be reached through this one.
    expect(
      (await post(`${server.baseUrl}/demo/api/conversations/other/sessions/${created.sessionId}/take-over`, {})).status,
    ).toBe(404);
    // Withdraw: only the desk's unanswered offer, never the bot's session.
    expect(
      (
        await post(
          `${server.baseUrl}/demo/api/conversations/${conversation}/sessions/${created.sessionId}/withdraw`,
          {},
        )
      ).status,
    ).toBe(409);
    const withdrawn = await post(
      `${server.baseUrl}/demo/api/conversations/${conversation}/sessions/${offer.sessionId}/withdraw`,
      {},
    );
    expect(withdrawn.status).toBe(200);
    const after = await deskSessions(conversation);
    expect(after.find((s) => s.sessionId === offer.sessionId)?.status).toBe('ended');
    expect(after.find((s) => s.sessionId === created.sessionId)?.status).toBe('consented');
    await expect
      .poll(async () =>
        messagesResponse
          .parse((await getJson(`${server.baseUrl}/demo/api/conversations/${conversation}/messages?after=0`)).body)
          .messages.map((m) => m.text),
      )
      .toContain('The co-browsing request was withdrawn before the customer answered. Nothing was shared.');
    customer.close();
  });
});

describe('demo disabled (DEMO=false)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DEMO: 'false' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves no demo page or endpoint', async () => {
    for (const path of [
      '/demo/',
      '/demo/checkout',
      '/demo/desk/',
      '/demo/chat.js',
      '/demo/api/conversations/demo/messages',
      '/demo/agent-console',
    ]) {
      expect((await fetch(`${server.baseUrl}${path}`)).status, path).toBe(404);
    }
    expect((await post(`${server.baseUrl}/demo/api/conversations/demo/offer`, {})).status).toBe(404);
    // The product itself is unaffected.
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  });

  it('rejects a DEMO value other than true or false', async () => {
    await expect(startTestServer({ DEMO: 'yes' })).rejects.toThrow(/DEMO/);
  });
});
