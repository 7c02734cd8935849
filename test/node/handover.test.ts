/**
 * The hand-over endpoint under the ways it can go wrong: join tickets minted
 * for the agent the session had before must stop working (checked at use,
 * not only at minting), the session becomes the new agent's (or nobody's),
 * and two hand-overs at the same time cannot both win. Real server, real
 * HTTP and WebSockets, the real SQLite store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeCodeFor } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { connect } from './helpers/ws-client.js';
import { createSession, signInAgent, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ADA = { agentId: 'agent-ada', name: 'Ada' };
const BOB = { agentId: 'agent-bob', name: 'Bob' };

/** A bot session assigned to Ada whose customer allowed a hand-over in the consent prompt. */
async function botSessionAllowingHandOver(s: TestServer) {
  const created = await createSession(s, { agentId: ADA.agentId, agentName: 'Lumen helper', agentBot: true });
  const customer = await connect(s.wsUrl);
  await customer.hello(created.customerToken);
  customer.send({ t: 'event', event: { kind: 'consent-granted', handover: true } });
  await expect
    .poll(async () => (await audit(s, created.sessionId)).some((e) => e.type === 'consent-granted'))
    .toBe(true);
  return { created, customer };
}

async function audit(s: TestServer, sessionId: string) {
  const res = await fetch(`${s.baseUrl}/api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  return ((await res.json()) as { events: { type: string; actor: string; data: Record<string, unknown> }[] }).events;
}

function handOver(s: TestServer, sessionId: string, body: Record<string, unknown>) {
  return fetch(`${s.baseUrl}/api/sessions/${sessionId}/handover`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function join(s: TestServer, sessionId: string, cookie: string) {
  return fetch(`${s.baseUrl}/api/sessions/${sessionId}/join`, { method: 'POST', headers: { cookie } });
}

/** The close code a socket gets presenting this ticket with this cookie. */
async function ticketCloseCode(s: TestServer, ticket: string, cookie: string): Promise<number | 'open'> {
  const socket = await connect(s.wsUrl, { cookie });
  socket.send({ t: 'hello', v: PROTOCOL_VERSION, token: ticket });
  const outcome = await Promise.race([
    socket.closed.then((closed) => closed.code),
    socket.next('welcome').then(() => 'open' as const),
  ]);
  socket.close();
  return outcome;
}

describe('hand-over and join tickets', () => {
  it('a hand-over to another agent makes the old agent’s join ticket useless; the new agent can join', async () => {
    server = await startTestServer();
    const ada = await signInAgent(server, ADA);
    const bob = await signInAgent(server, BOB);
    const { created, customer } = await botSessionAllowingHandOver(server);
    const joined = await join(server, created.sessionId, ada.cookie);
    expect(joined.status).toBe(200);
    const { ticket } = (await joined.json()) as { ticket: string };

    const res = await handOver(server, created.sessionId, { agentName: BOB.name, agentId: BOB.agentId });
    expect(res.status).toBe(200);

    // Ada's ticket, minted while the session was hers, is refused at use: socket and REST alike.
    expect(await ticketCloseCode(server, ticket, ada.cookie)).toBe(closeCodeFor('FORBIDDEN'));
    const summary = await fetch(`${server.baseUrl}/api/session-summary`, {
      headers: { authorization: `Bearer ${ticket}`, cookie: ada.cookie },
    });
    expect(summary.status).toBeGreaterThanOrEqual(400);
    expect((await join(server, created.sessionId, ada.cookie)).status).toBe(404);
    // The session is Bob's now: in his list, and his ticket opens it.
    const bobJoined = await join(server, created.sessionId, bob.cookie);
    expect(bobJoined.status).toBe(200);
    const bobTicket = ((await bobJoined.json()) as { ticket: string }).ticket;
    expect(await ticketCloseCode(server, bobTicket, bob.cookie)).toBe('open');
    expect((await audit(server, created.sessionId)).find((e) => e.type === 'handed-over')?.data).toMatchObject({
      to: BOB.name,
      toAgentId: BOB.agentId,
    });
    customer.close();
  });

  it('a hand-over naming no signed-in agent leaves the session nobody’s: the old ticket stops working', async () => {
    server = await startTestServer();
    const ada = await signInAgent(server, ADA);
    const { created, customer } = await botSessionAllowingHandOver(server);
    const { ticket } = (await (await join(server, created.sessionId, ada.cookie)).json()) as { ticket: string };
    // Before the hand-over the session is the bot's: a person is refused for that reason, not the ticket's.
    expect(await ticketCloseCode(server, ticket, ada.cookie)).toBe(closeCodeFor('BOT_SESSION'));
    expect((await handOver(server, created.sessionId, { agentName: 'Dana' })).status).toBe(200);
    expect(await ticketCloseCode(server, ticket, ada.cookie)).toBe(closeCodeFor('FORBIDDEN'));
    customer.close();
  });

  it('of several hand-overs at the same time exactly one wins; the others get 409', async () => {
    server = await startTestServer();
    const { created, customer } = await botSessionAllowingHandOver(server);
    const answers = await Promise.all(
      ['Dana', 'Eli', 'Fay', 'Gus', 'Hal'].map((agentName) => handOver(server!, created.sessionId, { agentName })),
    );
    const statuses = answers.map((a) => a.status).sort((x, y) => x - y);
    expect(statuses).toEqual([200, 409, 409, 409, 409]);
    const winner = answers.find((a) => a.status === 200);
    const body = (await winner?.json()) as { agentName: string };
    const events = (await audit(server, created.sessionId)).filter((e) => e.type === 'handed-over');
    expect(events).toHaveLength(1);
    expect(events[0]?.data.to).toBe(body.agentName);
    customer.close();
  });

  it('the bot’s leaving after the hand-over is recorded as the bot, and the person’s events as the person', async () => {
    server = await startTestServer();
    const s = server;
    const { created, customer } = await botSessionAllowingHandOver(s);
    const bot = await connect(s.wsUrl);
    await bot.hello(created.agentToken);
    bot.send({ t: 'event', event: { kind: 'connected' } });
    await customer.next('event', (m) => m.event.kind === 'connected');

    const res = await handOver(s, created.sessionId, { agentName: 'Dana', agentId: 'demo-dana' });
    expect(res.status).toBe(200);
    const { agent } = (await res.json()) as { agent: { token: string } };
    await bot.closed;
    await expect
      .poll(async () => (await audit(s, created.sessionId)).some((e) => e.type === 'disconnected'))
      .toBe(true);
    const person = await connect(s.wsUrl);
    await person.hello(agent.token);
    person.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');

    const events = await audit(s, created.sessionId);
    const byAgent = events.filter((e) => e.actor === 'agent');
    // Oracle: the order of the record, written out by hand.
    expect(byAgent.map((e) => [e.type, e.data])).toEqual([
      ['connected', { agentKind: 'bot', agentName: 'Lumen helper' }],
      ['disconnected', { agentKind: 'bot', agentName: 'Lumen helper' }],
      ['control-requested', {}],
    ]);
    person.close();
    customer.close();
  });

  it('a signed-in person who opens a bot’s session link is refused: the customer agreed to the assistant only', async () => {
    server = await startTestServer();
    const s = server;
    const ada = await signInAgent(s, ADA);
    const { created, customer } = await botSessionAllowingHandOver(s);
    const person = await connect(s.wsUrl, { cookie: ada.cookie });
    person.send({ t: 'hello', v: PROTOCOL_VERSION, token: created.agentToken });
    expect((await person.next('error')).code).toBe('BOT_SESSION');
    expect((await person.closed).code).toBe(closeCodeFor('BOT_SESSION'));
    // Control: the bot itself (no cookie, saying nothing or "bot") still joins, and is recorded as the bot.
    const bot = await connect(s.wsUrl);
    await bot.hello(created.agentToken);
    bot.send({ t: 'event', event: { kind: 'control-requested' } });
    await customer.next('event', (m) => m.event.kind === 'control-requested');
    const byAgent = (await audit(s, created.sessionId)).filter((e) => e.actor === 'agent');
    expect(byAgent.map((e) => e.data)).toEqual([{ agentKind: 'bot', agentName: 'Lumen helper' }]);
    bot.close();
    customer.close();
  });

  it('a person who opens a bot’s session link in the console (not signed in) is refused; the bot joins as the bot', async () => {
    server = await startTestServer();
    const s = server;
    const { created, customer } = await botSessionAllowingHandOver(s);
    const person = await connect(s.wsUrl);
    person.send({ t: 'hello', v: PROTOCOL_VERSION, token: created.agentToken, agentKind: 'person' });
    expect((await person.next('error')).code).toBe('BOT_SESSION');
    expect((await person.closed).code).toBe(closeCodeFor('BOT_SESSION'));
    customer.close();
    // Controls: the SDK's bot, and a client that says nothing, are the session's bot.
    const rowsOf = async (agentKind: 'bot' | undefined) => {
      const { created, customer } = await botSessionAllowingHandOver(s);
      const socket = await connect(s.wsUrl);
      socket.send({ t: 'hello', v: PROTOCOL_VERSION, token: created.agentToken, ...(agentKind ? { agentKind } : {}) });
      await socket.next('welcome');
      socket.send({ t: 'event', event: { kind: 'control-requested' } });
      await customer.next('event', (m) => m.event.kind === 'control-requested');
      const rows = (await audit(s, created.sessionId)).filter((e) => e.actor === 'agent').map((e) => e.data);
      socket.close();
      customer.close();
      return rows;
    };
    expect(await rowsOf('bot')).toEqual([{ agentKind: 'bot', agentName: 'Lumen helper' }]);
    expect(await rowsOf(undefined)).toEqual([{ agentKind: 'bot', agentName: 'Lumen helper' }]);
  });
});
