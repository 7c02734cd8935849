/**
 * Agents sign in before they claim support codes, list sessions or join from
 * their list; a session link stays a capability for its one session. Real
 * server, real HTTP and WebSockets. Identity tokens are attacked the ways a
 * stranger would: made up, expired, tampered with, signed under another key,
 * or presented as another kind of signed value.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { closeCodeFor } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { mintCookieValue, mintIdentityToken, mintJoinTicket } from '../../signaling/agent-auth.js';
import { connect } from './helpers/ws-client.js';
import { createSession, signInAgent, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const json = { 'content-type': 'application/json' };

async function exchange(s: TestServer, identity: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.baseUrl}/auth/identity`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify({ identity }),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } }, res };
}

async function mint(s: TestServer, body: unknown, key = s.apiKey) {
  return fetch(`${s.baseUrl}/api/agent-identities`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}

describe('agent sign-in', () => {
  it('claiming a code and listing sessions need a signed-in agent: 401 SIGNED_OUT with a clear message', async () => {
    server = await startTestServer();
    const issued = (await (await fetch(`${server.baseUrl}/api/support-codes`, { method: 'POST' })).json()) as {
      code: string;
    };
    const claim = await fetch(`${server.baseUrl}/api/support-codes/claim`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ code: issued.code }),
    });
    expect(claim.status).toBe(401);
    expect(await claim.json()).toEqual({
      error: { code: 'SIGNED_OUT', message: 'Sign in to the agent console to claim support codes.' },
    });
    const list = await fetch(`${server.baseUrl}/api/sessions`);
    expect(list.status).toBe(401);
    expect(((await list.json()) as { error: { code: string } }).error.code).toBe('SIGNED_OUT');
    // The refused claim did not use the code up: signed in, the same code works once.
    const { cookie } = await signInAgent(server);
    const signedIn = await fetch(`${server.baseUrl}/api/support-codes/claim`, {
      method: 'POST',
      headers: { ...json, cookie },
      body: JSON.stringify({ code: issued.code }),
    });
    expect(signedIn.status).toBe(200);
  });

  it('a signed-in agent lists only their own sessions; the API key still lists all', async () => {
    server = await startTestServer();
    const mine = await createSession(server, { agentId: 'agent-ada', agentName: 'Ada' });
    await createSession(server, { agentId: 'agent-bob', agentName: 'Bob' });
    await createSession(server, { agentName: 'Nobody in particular' });
    const { cookie } = await signInAgent(server, { agentId: 'agent-ada', name: 'Ada' });
    const own = (await (await fetch(`${server.baseUrl}/api/sessions`, { headers: { cookie } })).json()) as {
      sessions: { sessionId: string }[];
    };
    expect(own.sessions.map((s) => s.sessionId)).toEqual([mine.sessionId]);
    const all = (await (
      await fetch(`${server.baseUrl}/api/sessions`, { headers: { authorization: `Bearer ${server.apiKey}` } })
    ).json()) as { sessions: unknown[] };
    expect(all.sessions).toHaveLength(3);
  });

  it('/api/me says who is signed in; sign-out clears the cookie', async () => {
    server = await startTestServer();
    const anonymous = (await (await fetch(`${server.baseUrl}/api/me`)).json()) as unknown;
    expect(anonymous).toEqual({ agent: null, oidc: false });
    const { cookie } = await signInAgent(server, { agentId: 'agent-ada', name: 'Ada Lovelace' });
    const me = (await (await fetch(`${server.baseUrl}/api/me`, { headers: { cookie } })).json()) as unknown;
    expect(me).toEqual({ agent: { id: 'agent-ada', name: 'Ada Lovelace', via: 'api' }, oidc: false });
    const out = await fetch(`${server.baseUrl}/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^cobrowse_agent=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax/);
  });

  it('sign-out revokes the cookie on the server: a copy kept elsewhere is refused afterwards, on every instance', async () => {
    server = await startTestServer();
    const s = server;
    // A second instance on the same store (the SQLite file of the first), as behind a load balancer.
    const other = await startTestServer({}, { dataDir: s.dataDir, tweak: (config) => (config.apiKey = s.apiKey) });
    try {
      const ada = await signInAgent(s, { agentId: 'agent-ada', name: 'Ada' });
      const other2 = await signInAgent(s, { agentId: 'agent-ada', name: 'Ada' });
      const mine = await createSession(s, { agentId: 'agent-ada', agentName: 'Ada' });
      const asAda = (base: string, cookie: string) =>
        Promise.all([
          fetch(`${base}/api/me`, { headers: { cookie } }).then(
            async (r) => ((await r.json()) as { agent: unknown }).agent,
          ),
          fetch(`${base}/api/sessions`, { headers: { cookie } }).then((r) => r.status),
          fetch(`${base}/api/sessions/${mine.sessionId}/join`, { method: 'POST', headers: { cookie } }).then(
            (r) => r.status,
          ),
        ]);
      // Control: before signing out, the copy works on both instances.
      for (const base of [s.baseUrl, other.baseUrl])
        expect(await asAda(base, ada.cookie)).toEqual([{ id: 'agent-ada', name: 'Ada', via: 'api' }, 200, 200]);

      const out = await fetch(`${s.baseUrl}/auth/logout`, { method: 'POST', headers: { cookie: ada.cookie } });
      expect(out.status).toBe(200);
      for (const base of [s.baseUrl, other.baseUrl]) expect(await asAda(base, ada.cookie)).toEqual([null, 401, 401]);
      // The socket upgrade does not know Ada either: a join ticket needs her cookie.
      const ticket = mintJoinTicket(
        s.config.agentAuth.secret,
        mine.sessionId,
        { id: 'agent-ada' },
        Date.now() + 60_000,
      );
      const socket = await connect(other.wsUrl, { cookie: ada.cookie });
      socket.send({ t: 'hello', v: PROTOCOL_VERSION, token: ticket });
      expect((await socket.closed).code).not.toBe(1000);
      expect(socket.messages.some((m) => m.t === 'welcome')).toBe(false);
      // Only that sign-in ended: Ada's other console (its own cookie) still works.
      expect((await asAda(s.baseUrl, other2.cookie))[0]).toEqual({ id: 'agent-ada', name: 'Ada', via: 'api' });
    } finally {
      await other.close({ keepData: true });
    }
  });

  it('a cookie without its id (as minted before sign-out could be revoked) is not accepted', async () => {
    server = await startTestServer();
    const secret = server.config.agentAuth.secret;
    const body = Buffer.from(
      JSON.stringify({ sub: 'agent-ada', name: 'Ada', via: 'api', exp: Date.now() + 60_000 }),
    ).toString('base64url');
    const sig = createHmac('sha256', secret).update(`cobrowse-agent-cookie\n${body}`, 'utf8').digest('base64url');
    const me = await fetch(`${server.baseUrl}/api/me`, { headers: { cookie: `cobrowse_agent=${body}.${sig}` } });
    expect(((await me.json()) as { agent: unknown }).agent).toBeNull();
    // Control: the same claims with an id, signed the same way, are accepted.
    const withId = Buffer.from(
      JSON.stringify({ sub: 'agent-ada', name: 'Ada', via: 'api', exp: Date.now() + 60_000, jti: 'a'.repeat(22) }),
    ).toString('base64url');
    const sig2 = createHmac('sha256', secret).update(`cobrowse-agent-cookie\n${withId}`, 'utf8').digest('base64url');
    const me2 = await fetch(`${server.baseUrl}/api/me`, { headers: { cookie: `cobrowse_agent=${withId}.${sig2}` } });
    expect(((await me2.json()) as { agent: unknown }).agent).toEqual({ id: 'agent-ada', name: 'Ada', via: 'api' });
  });

  it('the cookie is HttpOnly and SameSite=Lax, and only minted identities with the API key get one', async () => {
    server = await startTestServer();
    expect((await mint(server, { agentId: 'a', name: 'A' }, 'wrong-key-0123456789abcdef')).status).toBe(401);
    const minted = await mint(server, { agentId: 'agent-ada', name: 'Ada', ttlSeconds: 60 });
    expect(minted.status).toBe(201);
    const body = (await minted.json()) as { identity: string; expiresAt: number; consoleLink: string };
    expect(body.consoleLink).toBe(`${server.baseUrl}/agent/#identity=${body.identity}`);
    const exchanged = await exchange(server, body.identity);
    expect(exchanged.status).toBe(200);
    const setCookie = exchanged.res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^cobrowse_agent=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax$/,
    );
  });

  it('refuses made-up, tampered, expired, foreign-key and wrong-kind identities', async () => {
    server = await startTestServer();
    const secret = server.config.agentAuth.secret;
    const good = mintIdentityToken(secret, { id: 'agent-ada', name: 'Ada', via: 'api' }, Date.now() + 60_000);
    const [body, sig] = good.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'agent-admin' })).toString('base64url');
    const cases: Record<string, string> = {
      'made up': 'hello.world',
      'no signature': body,
      'payload changed, signature kept': `${forged}.${sig}`,
      'signature flipped': `${body}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
      expired: mintIdentityToken(secret, { id: 'agent-ada', name: 'Ada', via: 'api' }, Date.now() - 1),
      'another server': mintIdentityToken(
        'another-secret-0123456789abcdefghijklmnop',
        { id: 'x', name: 'X', via: 'api' },
        Date.now() + 60_000,
      ),
      // A console cookie value is signed by us too, but for another purpose.
      'a cookie, not an identity': mintCookieValue(
        secret,
        { id: 'agent-ada', name: 'Ada', via: 'api' },
        Date.now() + 60_000,
      ),
      'hand-made HMAC without the purpose label': `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`,
    };
    for (const [what, identity] of Object.entries(cases)) {
      const answer = await exchange(server, identity);
      expect({ what, status: answer.status, code: answer.body.error?.code }).toEqual({
        what,
        status: 401,
        code: 'UNAUTHORIZED',
      });
      expect(answer.res.headers.get('set-cookie')).toBeNull();
    }
    expect(
      (await exchange(server, mintIdentityToken(secret, { id: 'x', name: 'X', via: 'api' }, Date.now() - 1))).body.error
        ?.message,
    ).toMatch(/expired/);
    // Control: the untouched token signs in.
    expect((await exchange(server, good)).status).toBe(200);
  });

  it('a link for another agent does not replace the one signed in without replace: true; /check signs nobody in', async () => {
    server = await startTestServer();
    const vera = await signInAgent(server, { agentId: 'agent-vera', name: 'Vera' });
    const minted = await mint(server, { agentId: 'agent-mark', name: 'Mark' });
    const { identity } = (await minted.json()) as { identity: string };

    const check = await fetch(`${server.baseUrl}/auth/identity/check`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ identity }),
    });
    expect(check.status).toBe(200);
    expect(check.headers.get('set-cookie')).toBeNull();
    expect(((await check.json()) as { agent: { name: string } }).agent.name).toBe('Mark');

    const refused = await exchange(server, identity, { cookie: vera.cookie });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toBe('This console is signed in as Vera: confirm to sign in as Mark instead.');
    expect(refused.res.headers.get('set-cookie')).toBeNull();

    const confirmed = await fetch(`${server.baseUrl}/auth/identity`, {
      method: 'POST',
      headers: { ...json, cookie: vera.cookie },
      body: JSON.stringify({ identity, replace: true }),
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get('set-cookie')).toMatch(/^cobrowse_agent=/);
  });

  it('a minted identity signs in once: a second exchange is refused', async () => {
    server = await startTestServer();
    const minted = await mint(server, { agentId: 'agent-mark', name: 'Mark' });
    const { identity } = (await minted.json()) as { identity: string };
    expect((await exchange(server, identity)).status).toBe(200);
    const again = await exchange(server, identity);
    expect(again.status).toBe(401);
    expect(again.body.error?.message).toBe(
      'This sign-in link has already been used. Open the console again from your chat system.',
    );
    expect(again.res.headers.get('set-cookie')).toBeNull();
    // A second, freshly minted identity for the same agent still works.
    const fresh = (await (await mint(server, { agentId: 'agent-mark', name: 'Mark' })).json()) as { identity: string };
    expect((await exchange(server, fresh.identity)).status).toBe(200);
  });

  it('a tampered or foreign cookie is no sign-in', async () => {
    server = await startTestServer();
    const { cookie } = await signInAgent(server);
    const value = cookie.slice('cobrowse_agent='.length);
    const [body] = value.split('.') as [string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const other = Buffer.from(JSON.stringify({ ...claims, sub: 'agent-admin' })).toString('base64url');
    for (const bad of [
      `cobrowse_agent=${other}.${value.split('.')[1]}`,
      'cobrowse_agent=nope',
      `cobrowse_agent=${mintCookieValue('another-secret-0123456789abcdefghijklmnop', { id: 'a', name: 'A', via: 'api' }, Date.now() + 60_000)}`,
    ]) {
      const res = await fetch(`${server.baseUrl}/api/sessions`, { headers: { cookie: bad } });
      expect(res.status).toBe(401);
    }
    expect((await fetch(`${server.baseUrl}/api/sessions`, { headers: { cookie } })).status).toBe(200);
  });

  it('checks every input with zod and answers 400 with where the problem is', async () => {
    server = await startTestServer();
    const cases: [unknown, RegExp][] = [
      [{}, /agentId/],
      [{ agentId: 'has space', name: 'A' }, /agentId/],
      [{ agentId: 'a', name: '' }, /name/],
      [{ agentId: 'a', name: 'A', ttlSeconds: -1 }, /ttlSeconds/],
      [{ agentId: 'a', name: 'A', admin: true }, /admin|Unrecognized/],
      [{ agentId: 'x'.repeat(129), name: 'A' }, /agentId/],
    ];
    for (const [body, where] of cases) {
      const res = await mint(server, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(where);
    }
    const bad = await fetch(`${server.baseUrl}/auth/identity`, {
      method: 'POST',
      headers: json,
      body: '{"identity":5}',
    });
    expect(bad.status).toBe(400);
  });

  it('refuses cookie-authenticated POSTs from another site', async () => {
    server = await startTestServer();
    const { cookie } = await signInAgent(server);
    const claim = await fetch(`${server.baseUrl}/api/support-codes/claim`, {
      method: 'POST',
      headers: { ...json, cookie, origin: 'https://evil.example' },
      body: JSON.stringify({ code: '1234 5678' }),
    });
    expect(claim.status).toBe(403);
    const good = mintIdentityToken(
      server.config.agentAuth.secret,
      { id: 'a', name: 'A', via: 'api' },
      Date.now() + 60_000,
    );
    expect((await exchange(server, good, { origin: 'https://evil.example' })).status).toBe(403);
    // Control: the console's own origin is fine.
    expect((await exchange(server, good, { origin: server.baseUrl })).status).toBe(200);
  });

  it('joining from the list: a ticket for the agent own session, only with their cookie; the audit names them', async () => {
    server = await startTestServer();
    const created = await createSession(server, { agentId: 'agent-ada', agentName: 'Ada' });
    const ada = await signInAgent(server, { agentId: 'agent-ada', name: 'Ada Lovelace' });
    const bob = await signInAgent(server, { agentId: 'agent-bob', name: 'Bob' });
    const join = (cookie?: string) =>
      fetch(`${server!.baseUrl}/api/sessions/${created.sessionId}/join`, {
        method: 'POST',
        headers: cookie ? { cookie } : {},
      });
    expect((await join()).status).toBe(401);
    expect((await join(bob.cookie)).status).toBe(404);
    const joined = await join(ada.cookie);
    expect(joined.status).toBe(200);
    const { ticket } = (await joined.json()) as { ticket: string };

    // Without a cookie (signed out), with Bob's, or with a ticket for another session: refused, each with its code.
    const anonymous = await connect(server.wsUrl);
    anonymous.send({ t: 'hello', v: PROTOCOL_VERSION, token: ticket });
    expect((await anonymous.closed).code).toBe(closeCodeFor('SIGNED_OUT'));
    const asBob = await connect(server.wsUrl, { cookie: bob.cookie });
    asBob.send({ t: 'hello', v: PROTOCOL_VERSION, token: ticket });
    expect((await asBob.closed).code).toBe(closeCodeFor('FORBIDDEN'));
    const forged = await connect(server.wsUrl, { cookie: ada.cookie });
    forged.send({ t: 'hello', v: PROTOCOL_VERSION, token: `${ticket.slice(0, -3)}AAA` });
    expect((await forged.closed).code).toBe(closeCodeFor('UNAUTHORIZED'));
    const expired = await connect(server.wsUrl, { cookie: ada.cookie });
    expired.send({
      t: 'hello',
      v: PROTOCOL_VERSION,
      token: mintJoinTicket(server.config.agentAuth.secret, created.sessionId, { id: 'agent-ada' }, Date.now() - 1),
    });
    expect((await expired.closed).code).toBe(closeCodeFor('UNAUTHORIZED'));

    const agent = await connect(server.wsUrl, { cookie: ada.cookie });
    expect(await agent.hello(ticket)).toMatchObject({ role: 'agent', sessionId: created.sessionId });
    const customer = await connect(server.wsUrl);
    await customer.hello(created.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    await agent.next('event', (m) => m.event.kind === 'consent-granted');
    agent.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');
    agent.send({ t: 'end' });
    await agent.next('ended');

    const audit = (await (
      await fetch(`${server.baseUrl}/api/sessions/${created.sessionId}/audit`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      })
    ).json()) as {
      events: { type: string; actor: string; data: Record<string, unknown> }[];
      verification: { valid: boolean };
    };
    expect(audit.verification.valid).toBe(true);
    const byAgent = audit.events.filter((e) => e.actor === 'agent');
    expect(byAgent.map((e) => e.type)).toEqual(['control-requested', 'ended']);
    for (const event of byAgent) expect(event.data).toMatchObject({ agentId: 'agent-ada', agentName: 'Ada Lovelace' });
    customer.close();
  });

  it('a session link keeps working without sign-in, and a claimed code makes the session the claimer s', async () => {
    server = await startTestServer();
    const created = await createSession(server);
    const agent = await connect(server.wsUrl);
    expect(await agent.hello(created.agentToken)).toMatchObject({ role: 'agent' });
    agent.close();

    const issued = (await (await fetch(`${server.baseUrl}/api/support-codes`, { method: 'POST' })).json()) as {
      code: string;
    };
    const { cookie } = await signInAgent(server, { agentId: 'agent-cy', name: 'Cy' });
    const claim = (await (
      await fetch(`${server.baseUrl}/api/support-codes/claim`, {
        method: 'POST',
        headers: { ...json, cookie },
        body: JSON.stringify({ code: issued.code }),
      })
    ).json()) as { sessionId: string };
    const list = (await (await fetch(`${server.baseUrl}/api/sessions`, { headers: { cookie } })).json()) as {
      sessions: { sessionId: string; agentName: string }[];
    };
    expect(list.sessions).toEqual([expect.objectContaining({ sessionId: claim.sessionId, agentName: 'Cy' })]);
    const audit = (await (
      await fetch(`${server.baseUrl}/api/sessions/${claim.sessionId}/audit`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      })
    ).json()) as { events: { type: string; data: Record<string, unknown> }[] };
    expect(audit.events.find((e) => e.type === 'agent-assigned')?.data).toEqual({
      agentId: 'agent-cy',
      agentName: 'Cy',
      via: 'support-code',
    });
  });
});
