/**
 * What the server accepts of peers' events (red team s11): "what the agent did
 * with control" only while control is granted and the lead is connected (F5),
 * nothing but the consent answer before consent (F8), and no "declined" end of
 * a consented session (F11). The oracle is the stored audit read over REST and
 * what reaches the other socket, each with a case that is accepted.
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type PeerEvent } from '../../shared/protocol.js';
import { type TestSocket } from './helpers/ws-client.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
const { start, open } = serverScope();

const api = (s: TestServer, path: string, init: RequestInit = {}) =>
  fetch(`${s.baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
  });

async function auditTypes(s: TestServer, sessionId: string): Promise<string[]> {
  const body = (await (await api(s, `/api/sessions/${sessionId}/audit`)).json()) as { events: { type: string }[] };
  return body.events.map((e) => e.type);
}

/** Every message this socket sent before was handled (a second hello is answered in queue order). */
async function handled(socket: TestSocket, token: string): Promise<void> {
  const before = socket.messages.length;
  socket.send({ t: 'hello', v: PROTOCOL_VERSION, token });
  await socket.next('error', (m) => m.message === 'Already authenticated.' && socket.messages.indexOf(m) >= before);
}

const action: PeerEvent = { kind: 'remote-action', action: 'click', target: 'button "Confirm wire transfer"' };
const errorCodes = (socket: TestSocket) =>
  socket.messages
    .filter((m) => m.t === 'error' && m.message !== 'Already authenticated.')
    .map((m) => m.t === 'error' && m.code);

async function consented() {
  server = await start();
  const s = await createSession(server);
  const customer = await open(server);
  await customer.hello(s.customerToken);
  customer.send({ t: 'event', event: { kind: 'consent-granted' } });
  return { s, customer, server };
}

describe('remote actions only while control is granted and the lead is connected (F5)', () => {
  it('accepted with control granted and the agent connected (control case)', async () => {
    const { s, customer, server } = await consented();
    const agent = await open(server);
    await agent.hello(s.agentToken);
    customer.send({ t: 'event', event: { kind: 'control-granted' } });
    customer.send({ t: 'event', event: action });
    expect((await agent.next('event', (m) => m.event.kind === 'remote-action')).event).toMatchObject(action);
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual([]);
    expect(await auditTypes(server, s.sessionId)).toContain('remote-action');
  });

  it('refused with control never granted and no agent', async () => {
    const { s, customer, server } = await consented();
    customer.send({ t: 'event', event: action });
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
    const summary = (await (await api(server, `/api/sessions/${s.sessionId}`)).json()) as { remoteActions: unknown[] };
    expect(summary.remoteActions).toEqual([]);
  });

  it('refused with control never granted, the agent connected', async () => {
    const { s, customer, server } = await consented();
    const agent = await open(server);
    await agent.hello(s.agentToken);
    customer.send({ t: 'event', event: action });
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
    expect(agent.messages.some((m) => m.t === 'event' && m.event.kind === 'remote-action')).toBe(false);
    expect(await auditTypes(server, s.sessionId)).not.toContain('remote-action');
  });

  it('refused after the customer revoked control, and after the agent gave it back', async () => {
    const { s, customer, server } = await consented();
    const agent = await open(server);
    await agent.hello(s.agentToken);
    customer.send({ t: 'event', event: { kind: 'control-granted' } });
    customer.send({ t: 'event', event: { kind: 'control-revoked' } });
    customer.send({ t: 'event', event: action });
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
    customer.send({ t: 'event', event: { kind: 'control-granted' } });
    await handled(customer, s.customerToken);
    agent.send({ t: 'event', event: { kind: 'control-revoked' } });
    await customer.next('event', (m) => m.event.kind === 'control-revoked');
    customer.send({ t: 'event', event: action });
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(await auditTypes(server, s.sessionId)).not.toContain('remote-action');
  });

  it('refused with control granted once the agent left; accepted again when it is back', async () => {
    const { s, customer, server } = await consented();
    const agent = await open(server);
    await agent.hello(s.agentToken);
    customer.send({ t: 'event', event: { kind: 'control-granted' } });
    await handled(customer, s.customerToken);
    agent.ws.close();
    await customer.next('peer', (m) => m.role === 'agent' && !m.present);
    customer.send({ t: 'event', event: action });
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
    const back = await open(server);
    await back.hello(s.agentToken);
    customer.send({ t: 'event', event: action });
    await back.next('event', (m) => m.event.kind === 'remote-action');
    expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
  });

  it('refused without closing the page: its reports can race a revoke or the lead dropping out', async () => {
    const { s, customer, server } = await consented();
    const limit = server.config.limits.maxBadMessages;
    for (let i = 0; i <= limit + 5; i += 1) customer.send({ t: 'event', event: action });
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual(Array(limit + 6).fill('FORBIDDEN'));
    // Control: as many messages the customer may never send close the socket.
    for (let i = 0; i <= limit; i += 1) customer.send({ t: 'invite-viewer', kind: 'agent', name: 'Mallory' });
    expect((await customer.closed).code).toBe(4403);
  });

  it('refused before consent', async () => {
    server = await start();
    const s = await createSession(server);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    const agent = await open(server);
    await agent.hello(s.agentToken);
    customer.send({ t: 'event', event: action });
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
    expect(await auditTypes(server, s.sessionId)).toEqual(['session-created']);
  });

  it('control ends when the lead is handed to a viewer', async () => {
    const { s, customer, server } = await consented();
    const agent = await open(server);
    await agent.hello(s.agentToken);
    customer.send({ t: 'event', event: { kind: 'control-granted' } });
    await handled(customer, s.customerToken);
    const res = await api(server, `/api/sessions/${s.sessionId}/viewers`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Sam', kind: 'agent' }),
    });
    const invited = (await res.json()) as { token: string; viewer: { id: string } };
    const viewer = await open(server);
    await viewer.hello(invited.token);
    agent.send({ t: 'hand-lead', to: invited.viewer.id });
    await customer.next('viewers', (m) => m.lead === invited.viewer.id);
    customer.send({ t: 'event', event: action });
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
    // Granted to the new lead: its actions are recorded.
    customer.send({ t: 'event', event: { kind: 'control-granted' } });
    customer.send({ t: 'event', event: action });
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
    expect((await auditTypes(server, s.sessionId)).filter((t) => t === 'remote-action')).toHaveLength(1);
  });
});

describe('nothing but the consent answer before consent (F8)', () => {
  it('the customer: page, pause, control answers refused, not stored, not forwarded; the agent: control-requested refused', async () => {
    server = await start();
    const s = await createSession(server);
    const agent = await open(server);
    await agent.hello(s.agentToken);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    const refused: PeerEvent[] = [
      { kind: 'page-visited', url: 'https://bank.example/accounts/overview', title: 'Jane Doe - overdraft' },
      { kind: 'paused' },
      { kind: 'resumed' },
      { kind: 'control-denied' },
      { kind: 'control-granted' },
      { kind: 'control-revoked' },
      { kind: 'connected' },
    ];
    for (const event of refused) customer.send({ t: 'event', event });
    customer.send({ t: 'event', event: { kind: 'consent-shown' } });
    await agent.next('event', (m) => m.event.kind === 'consent-shown');
    await handled(customer, s.customerToken);
    expect(errorCodes(customer)).toEqual(refused.map(() => 'FORBIDDEN'));
    agent.send({ t: 'event', event: { kind: 'control-requested' } });
    expect(await agent.next('error')).toMatchObject({
      code: 'FORBIDDEN',
      message: 'The customer has not consented yet.',
    });
    expect(agent.messages.filter((m) => m.t === 'event').map((m) => m.t === 'event' && m.event.kind)).toEqual([
      'consent-shown',
    ]);
    expect(customer.messages.some((m) => m.t === 'event')).toBe(false);
    expect(await auditTypes(server, s.sessionId)).toEqual(['session-created', 'consent-shown']);
    // Control: once consented, the same page is stored and forwarded.
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    customer.send({ t: 'event', event: refused[0]! });
    await agent.next('event', (m) => m.event.kind === 'page-visited');
    agent.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');
  });

  it('a viewer who leads may not ask for control before consent', async () => {
    server = await start();
    const s = await createSession(server);
    const agent = await open(server);
    await agent.hello(s.agentToken);
    const res = await api(server, `/api/sessions/${s.sessionId}/viewers`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Sam', kind: 'agent' }),
    });
    const invited = (await res.json()) as { token: string; viewer: { id: string } };
    const viewer = await open(server);
    await viewer.hello(invited.token);
    agent.send({ t: 'hand-lead', to: invited.viewer.id });
    await viewer.next('viewers', (m) => m.lead === invited.viewer.id);
    viewer.send({ t: 'event', event: { kind: 'control-requested' } });
    expect(await viewer.next('error')).toMatchObject({
      code: 'FORBIDDEN',
      message: 'The customer has not consented yet.',
    });
  });
});

describe('declining is an answer to the prompt (F11)', () => {
  it('a consented session cannot be ended as declined; a pending one can', async () => {
    const { s, customer, server } = await consented();
    customer.send({ t: 'end', reason: 'declined' });
    expect(await customer.next('error')).toMatchObject({ code: 'FORBIDDEN' });
    customer.send({ t: 'end' });
    await customer.closed;
    const summary = (await (await api(server, `/api/sessions/${s.sessionId}`)).json()) as Record<string, unknown>;
    expect(summary).toMatchObject({ consent: 'granted', endReason: 'customer-ended' });

    const pending = await createSession(server);
    const other = await open(server);
    await other.hello(pending.customerToken);
    other.send({ t: 'end', reason: 'declined' });
    await other.closed;
    const ended = (await (await api(server, `/api/sessions/${pending.sessionId}`)).json()) as Record<string, unknown>;
    expect(ended).toMatchObject({ endReason: 'declined' });
  });
});
