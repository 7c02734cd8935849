/**
 * More than one viewer, on a real server with real sockets: invites over
 * REST, the roles a viewer may not take (lead, customer), the lead handed on,
 * whispers that never reach the customer's socket (its bytes checked), the
 * customer removing a viewer for good, and the limit of agents per session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { MAX_AGENTS, MAX_VIEWERS } from '../../shared/viewer-protocol.js';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { consentedSession } from './helpers/consented-session.js';
import { createSession, signInAgent, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await server?.close();
  server = undefined;
});

/** A socket that also keeps every raw frame it received, for byte-level checks. */
async function open(s: TestServer, headers: Record<string, string> = {}): Promise<TestSocket & { raw: Buffer[] }> {
  const socket = await connect(s.wsUrl, headers);
  const raw: Buffer[] = [];
  socket.ws.on('message', (data) => raw.push(Buffer.from(data as Buffer)));
  sockets.push(socket);
  return Object.assign(socket, { raw });
}

interface Invited {
  viewer: { id: string; name: string; kind: 'agent' | 'supervisor' };
  link: string;
  token: string;
  expiresAt: number;
}

async function invite(s: TestServer, sessionId: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${s.baseUrl}/api/sessions/${sessionId}/viewers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function invited(s: TestServer, sessionId: string, name: string, kind: 'agent' | 'supervisor'): Promise<Invited> {
  const res = await invite(s, sessionId, { name, kind });
  expect(res.status).toBe(201);
  return (await res.json()) as Invited;
}

async function audit(s: TestServer, sessionId: string) {
  const res = await fetch(`${s.baseUrl}/api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  return (await res.json()) as {
    events: { type: string; actor: string; at: unknown; data: Record<string, unknown> }[];
    verification: { valid: boolean };
  };
}

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
const answer = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' } as const;

/** Customer consented, the agent seat joined, a supervisor and a second agent invited and joined. */
async function liveWithViewers(s: TestServer) {
  const { session, customer, agent } = await consentedSession(open, s, { body: { agentName: 'Dana' } });
  await agent.next('welcome', (w) => w.consented || w.status !== 'pending');
  const sup = await invited(s, session.sessionId, 'Sam Supervisor', 'supervisor');
  const second = await invited(s, session.sessionId, 'Ada Second', 'agent');
  const supervisor = await open(s);
  const supWelcome = await supervisor.hello(sup.token);
  const colleague = await open(s);
  await colleague.hello(second.token);
  await customer.next('viewers', (m) => m.viewers.length === 2);
  return { session, customer, agent, supervisor, colleague, sup, second, supWelcome };
}

describe('viewer invites over REST', () => {
  it('needs the API key, a live session and a valid body; the link carries the invite in its fragment', async () => {
    server = await startTestServer();
    const session = await createSession(server);
    const unauth = await fetch(`${server.baseUrl}/api/sessions/${session.sessionId}/viewers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Sam', kind: 'supervisor' }),
    });
    expect(unauth.status).toBe(401);
    expect((await invite(server, session.sessionId, { name: 'Sam', kind: 'boss' })).status).toBe(400);
    expect((await invite(server, 'nosuchsession1', { name: 'Sam', kind: 'agent' })).status).toBe(404);
    const ok = await invited(server, session.sessionId, 'Sam', 'supervisor');
    expect(ok.token.startsWith('vw.')).toBe(true);
    expect(ok.link).toBe(`${server.baseUrl}/agent/#token=${ok.token}`);
    expect(ok.viewer).toMatchObject({ name: 'Sam', kind: 'supervisor' });
    await fetch(`${server.baseUrl}/api/sessions/${session.sessionId}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const late = await invite(server, session.sessionId, { name: 'Sam', kind: 'agent' });
    expect(late.status).toBe(410);
  });

  it('refuses a forged or edited invite (4401)', async () => {
    server = await startTestServer();
    const session = await createSession(server);
    const ok = await invited(server, session.sessionId, 'Sam', 'supervisor');
    const [prefixAndBody, mac] = [
      ok.token.slice(0, ok.token.lastIndexOf('.')),
      ok.token.slice(ok.token.lastIndexOf('.') + 1),
    ];
    const flipped = `${prefixAndBody}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    const forged = await open(server);
    forged.send({ t: 'hello', v: PROTOCOL_VERSION, token: flipped });
    expect((await forged.closed).code).toBe(4401);
    // Control: the untouched invite opens a viewer socket.
    const real = await open(server);
    expect((await real.hello(ok.token)).viewer).toMatchObject({ name: 'Sam', kind: 'supervisor' });
  });
});

describe('viewers in a live session', () => {
  it('tells the customer and the agent who watches, by name and role, and audits the joins in the chain', async () => {
    server = await startTestServer();
    const { session, customer, agent, supWelcome, sup, second } = await liveWithViewers(server);
    expect(supWelcome).toMatchObject({ role: 'agent', peerPresent: true, consented: true, agentName: 'Dana' });
    const roster = await customer.next('viewers', (m) => m.viewers.length === 2);
    expect(roster).toEqual({
      t: 'viewers',
      lead: 'agent',
      viewers: [sup.viewer, second.viewer],
      limit: MAX_AGENTS,
    });
    await agent.next('viewers', (m) => m.viewers.length === 2);
    const trail = await audit(server, session.sessionId);
    const joined = trail.events.filter((e) => e.type === 'viewer-joined').map((e) => e.data);
    expect(joined).toEqual([
      { viewerId: sup.viewer.id, viewerName: 'Sam Supervisor', viewerKind: 'supervisor' },
      { viewerId: second.viewer.id, viewerName: 'Ada Second', viewerKind: 'agent' },
    ]);
    expect(trail.events.filter((e) => e.type === 'viewer-invited')).toHaveLength(2);
    expect(trail.verification.valid).toBe(true);
  });

  it('routes each viewer’s signals only between it and the customer', async () => {
    server = await startTestServer();
    const { customer, agent, supervisor, colleague, sup } = await liveWithViewers(server);
    customer.send({ t: 'viewer-signal', viewer: sup.viewer.id, data: offer });
    expect(await supervisor.next('signal')).toEqual({ t: 'signal', data: offer });
    supervisor.send({ t: 'signal', data: answer });
    expect(await customer.next('viewer-signal')).toEqual({ t: 'viewer-signal', viewer: sup.viewer.id, data: answer });
    // The lead's connection is untouched by it; the other viewer saw nothing of it.
    customer.send({ t: 'signal', data: offer });
    await agent.next('signal');
    expect(agent.messages.filter((m) => m.t === 'signal')).toHaveLength(1);
    expect(colleague.messages.some((m) => m.t === 'signal')).toBe(false);
    // Viewers follow the customer's pages too; the lead's own events are not theirs.
    customer.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/cart' } });
    await supervisor.next('event', (m) => m.event.kind === 'page-visited');
    agent.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');
    expect(supervisor.messages.some((m) => m.t === 'event' && m.event.kind === 'control-requested')).toBe(false);
  });

  it('a viewer cannot act as the lead or as the customer', async () => {
    server = await startTestServer();
    const { session, customer, agent, colleague, second, sup } = await liveWithViewers(server);
    const refusedFor = async (message: unknown) => {
      const before = colleague.messages.filter((m) => m.t === 'error').length;
      colleague.send(message);
      const error = await colleague.next(
        'error',
        () => colleague.messages.filter((m) => m.t === 'error').length > before,
      );
      return colleague.messages.filter((m) => m.t === 'error').at(-1) ?? error;
    };
    // As the lead: control, ending the session, inviting, handing the lead on, whispering.
    expect(await refusedFor({ t: 'event', event: { kind: 'control-requested' } })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusedFor({ t: 'end', reason: 'agent-ended' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusedFor({ t: 'invite-viewer', kind: 'agent', name: 'Eve' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusedFor({ t: 'hand-lead', to: second.viewer.id })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusedFor({ t: 'whisper', text: 'psst' })).toMatchObject({ code: 'FORBIDDEN' });
    // As the customer: consent, pages, control answers, removing viewers, signalling other viewers.
    for (const kind of ['consent-granted', 'page-visited', 'control-granted', 'remote-action'] as const) {
      const event =
        kind === 'page-visited'
          ? { kind, url: 'https://shop.example/' }
          : kind === 'remote-action'
            ? { kind, action: 'click', target: 'button' }
            : { kind };
      expect(await refusedFor({ t: 'event', event })).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await refusedFor({ t: 'remove-viewer', viewer: sup.viewer.id })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusedFor({ t: 'viewer-signal', viewer: sup.viewer.id, data: offer })).toMatchObject({
      code: 'FORBIDDEN',
    });
    // Nothing of it reached the customer or the audit; the session goes on.
    expect(customer.messages.some((m) => m.t === 'event' && m.event.kind === 'control-requested')).toBe(false);
    const trail = await audit(server, session.sessionId);
    expect(trail.events.map((e) => e.type)).not.toContain('control-requested');
    expect(trail.events.map((e) => e.type)).not.toContain('ended');
    expect(trail.events.filter((e) => e.type === 'viewer-invited')).toHaveLength(2);
    // Control: the lead may do what the viewer may not.
    agent.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');
  });

  it('the lead hands the lead on: the new lead asks for control, the old one may not any more', async () => {
    server = await startTestServer();
    const { session, customer, agent, colleague, second } = await liveWithViewers(server);
    agent.send({ t: 'hand-lead', to: second.viewer.id });
    const roster = await customer.next('viewers', (m) => m.lead === second.viewer.id);
    expect(roster.viewers).toHaveLength(2);
    await colleague.next('viewers', (m) => m.lead === second.viewer.id);
    await agent.next('viewers', (m) => m.lead === second.viewer.id);
    agent.send({ t: 'event', event: { kind: 'control-requested' } });
    expect(await agent.next('error')).toMatchObject({ code: 'FORBIDDEN' });
    agent.send({ t: 'invite-viewer', kind: 'agent', name: 'Eve' });
    await agent.next('error', () => agent.messages.filter((m) => m.t === 'error').length === 2);
    colleague.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');
    // The new lead invites from the console (the Invite button's message) and hands the lead back.
    colleague.send({ t: 'invite-viewer', kind: 'supervisor', name: 'Eve' });
    const made = await colleague.next('viewer-invited');
    expect(made.link).toContain('#token=vw.');
    expect(made.viewer).toMatchObject({ name: 'Eve', kind: 'supervisor' });
    colleague.send({ t: 'hand-lead', to: 'agent' });
    await customer.next('viewers', (m) => m.lead === 'agent');
    const trail = await audit(server, session.sessionId);
    const handed = trail.events.filter((e) => e.type === 'lead-handed').map((e) => e.data);
    expect(handed).toEqual([
      { from: 'agent', fromName: 'Dana', to: second.viewer.id, toName: 'Ada Second' },
      { from: second.viewer.id, fromName: 'Ada Second', to: 'agent', toName: 'Dana' },
    ]);
    expect(trail.verification.valid).toBe(true);
  });

  it('a whisper reaches the lead and not one byte of it reaches the customer', async () => {
    server = await startTestServer();
    const { session, customer, agent, supervisor, colleague, second } = await liveWithViewers(server);
    const secret = 'WHISPER-7f3a: offer the 20% goodwill voucher';
    supervisor.send({ t: 'whisper', text: secret });
    const note = await agent.next('whisper');
    expect(note).toMatchObject({ text: secret, from: { name: 'Sam Supervisor', kind: 'supervisor' } });
    // To the current lead only: after a hand-over, the new lead gets it.
    agent.send({ t: 'hand-lead', to: second.viewer.id });
    await colleague.next('viewers', (m) => m.lead === second.viewer.id);
    supervisor.send({ t: 'whisper', text: `${secret} (2)` });
    await colleague.next('whisper');
    // Something the customer must see, sent after the whispers, arrives: the frames below are complete.
    agent.send({ t: 'hand-lead', to: 'agent' });
    await customer.next('viewers', (m) => m.lead === 'agent');
    const bytes = Buffer.concat(customer.raw);
    expect(bytes.includes('WHISPER-7f3a')).toBe(false);
    expect(bytes.includes('goodwill')).toBe(false);
    expect(customer.messages.some((m) => m.t === 'whisper')).toBe(false);
    // Control: the same byte check finds a name the customer is meant to see.
    expect(bytes.includes('Sam Supervisor')).toBe(true);
    // The audit names who whispered to whom and when, in the keyed chain, and never the text.
    const trail = await audit(server, session.sessionId);
    const whispers = trail.events.filter((e) => e.type === 'whisper');
    expect(
      whispers.map((e) => [e.actor, e.data['viewerName'], e.data['viewerKind'], e.data['to'], e.data['toName']]),
    ).toEqual([
      ['agent', 'Sam Supervisor', 'supervisor', 'agent', 'Dana'],
      ['agent', 'Sam Supervisor', 'supervisor', second.viewer.id, 'Ada Second'],
    ]);
    for (const row of whispers) expect(typeof row.at).toBe('number');
    expect(trail.verification.valid).toBe(true);
    const stored = JSON.stringify(trail);
    expect(stored.includes('WHISPER-7f3a') || stored.includes('goodwill')).toBe(false);
    // Control: the same search finds what the audit is meant to hold.
    expect(stored.includes('Sam Supervisor')).toBe(true);
  });

  it('the customer removes a viewer: disconnected with the reason, and the invite no longer opens the session', async () => {
    server = await startTestServer();
    const { session, customer, agent, supervisor, sup } = await liveWithViewers(server);
    customer.send({ t: 'remove-viewer', viewer: sup.viewer.id });
    const closed = await supervisor.closed;
    expect(closed).toEqual({ code: 4422, reason: 'The customer removed you from this session.' });
    const roster = await agent.next('viewers', (m) => !m.viewers.some((v) => v.id === sup.viewer.id));
    expect(roster.viewers.map((v) => v.name)).toEqual(['Ada Second']);
    const again = await open(server);
    again.send({ t: 'hello', v: PROTOCOL_VERSION, token: sup.token });
    expect((await again.closed).code).toBe(4422);
    expect(again.messages.at(-1)).toMatchObject({ code: 'VIEWER_REMOVED' });
    const trail = await audit(server, session.sessionId);
    const removed = trail.events.filter((e) => e.type === 'viewer-removed');
    expect(removed).toEqual([
      expect.objectContaining({
        actor: 'customer',
        data: { viewerId: sup.viewer.id, viewerName: 'Sam Supervisor', viewerKind: 'supervisor' },
      }),
    ]);
    // Removed is not the same as left: no 'viewer-left' for it.
    expect(trail.events.filter((e) => e.type === 'viewer-left')).toHaveLength(0);
    expect(trail.verification.valid).toBe(true);
    // Only the customer removes; the agent is refused.
    agent.send({ t: 'remove-viewer', viewer: sup.viewer.id });
    expect(await agent.next('error')).toMatchObject({ code: 'FORBIDDEN' });
  });

  it(`refuses a ${MAX_AGENTS + 1}th agent with a clear message, and lets one in after another leaves`, async () => {
    server = await startTestServer();
    const session = await createSession(server);
    const customer = await open(server);
    await customer.hello(session.customerToken);
    const agent = await open(server);
    await agent.hello(session.agentToken);
    const invites = [];
    for (let i = 0; i <= MAX_VIEWERS; i += 1)
      invites.push(await invited(server, session.sessionId, `Viewer ${i}`, 'agent'));
    const viewers = [];
    for (const one of invites.slice(0, MAX_VIEWERS)) {
      const socket = await open(server);
      await socket.hello(one.token);
      viewers.push(socket);
    }
    const extra = await open(server);
    extra.send({ t: 'hello', v: PROTOCOL_VERSION, token: invites[MAX_VIEWERS]!.token });
    const closed = await extra.closed;
    expect(closed.code).toBe(4423);
    expect(closed.reason).toBe(
      `${MAX_AGENTS} agents already watch this session, its limit. Ask one to leave, then try again.`,
    );
    viewers[0]!.close();
    await viewers[0]!.closed;
    await customer.next('viewers', (m) => m.viewers.length === MAX_VIEWERS - 1);
    const retry = await open(server);
    expect((await retry.hello(invites[MAX_VIEWERS]!.token)).viewer?.name).toBe(`Viewer ${MAX_VIEWERS}`);
  });

  it('an invite bound to a signed-in agent works only with that agent’s console', async () => {
    server = await startTestServer();
    const session = await createSession(server);
    const res = await invite(server, session.sessionId, { name: 'Ada', kind: 'agent', agentId: 'ada-1' });
    const bound = (await res.json()) as Invited;
    const anonymous = await open(server);
    anonymous.send({ t: 'hello', v: PROTOCOL_VERSION, token: bound.token });
    expect((await anonymous.closed).code).toBe(4402);
    const other = await signInAgent(server, { agentId: 'bob-2', name: 'Bob' });
    const bob = await open(server, { cookie: other.cookie });
    bob.send({ t: 'hello', v: PROTOCOL_VERSION, token: bound.token });
    expect((await bob.closed).code).toBe(4403);
    const mine = await signInAgent(server, { agentId: 'ada-1', name: 'Ada' });
    const ada = await open(server, { cookie: mine.cookie });
    expect((await ada.hello(bound.token)).viewer?.name).toBe('Ada');
  });
});
