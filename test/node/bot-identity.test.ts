/**
 * An automated agent says so: a session created with `agentBot` hands the
 * flag to the customer (invite and welcome), and every audit event the agent
 * causes names it as a bot with its name. A person's session is the control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const socket of sockets) socket.ws.terminate();
  await server.close();
});

interface AuditEvent {
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

async function audit(sessionId: string): Promise<AuditEvent[]> {
  const res = await fetch(`${server.baseUrl}/api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${server.apiKey}` },
  });
  return ((await res.json()) as { events: AuditEvent[] }).events;
}

/** Customer consents, agent joins, asks for control, ends: the audit of that session. */
async function agentJourney(body: Record<string, unknown>) {
  const session = await createSession(server, body);
  const customer = await connect(server.wsUrl);
  const agent = await connect(server.wsUrl);
  sockets.push(customer, agent);
  const customerWelcome = await customer.hello(session.customerToken);
  await agent.hello(session.agentToken);
  customer.send({ t: 'event', event: { kind: 'consent-granted' } });
  await agent.next('event', (m) => m.event.kind === 'consent-granted');
  agent.send({ t: 'event', event: { kind: 'control-requested' } });
  await customer.next('event', (m) => m.event.kind === 'control-requested');
  agent.send({ t: 'end', reason: 'agent-ended' });
  await customer.next('ended');
  return { session, customerWelcome, events: await audit(session.sessionId) };
}

describe('bot identity', () => {
  it('refuses agentBot without a name', async () => {
    const res = await fetch(`${server.baseUrl}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentBot: true }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('agentName');
  });

  it('tells the customer and names the bot in the audit; a person’s session does not', async () => {
    const bot = await agentJourney({ agentName: 'Lumen helper', agentBot: true });
    const invite = (bot.session.raw as { customer: { invite: Record<string, unknown> } }).customer.invite;
    expect(invite).toMatchObject({ agentName: 'Lumen helper', agentBot: true });
    expect(bot.customerWelcome).toMatchObject({ agentName: 'Lumen helper', agentBot: true });
    const byAgent = bot.events.filter((event) => event.actor === 'agent');
    expect(byAgent.map((event) => event.type)).toEqual(['control-requested', 'ended']);
    for (const event of byAgent) expect(event.data).toMatchObject({ agentKind: 'bot', agentName: 'Lumen helper' });
    expect(bot.events[0]).toMatchObject({
      type: 'session-created',
      data: { agentKind: 'bot', agentName: 'Lumen helper' },
    });
    for (const event of bot.events.filter((e) => e.actor === 'customer'))
      expect(event.data).not.toHaveProperty('agentKind');

    const person = await agentJourney({ agentName: 'Dana' });
    expect(person.customerWelcome).not.toHaveProperty('agentBot');
    expect(person.events.filter((event) => event.actor === 'agent').map((event) => event.type)).toEqual([
      'control-requested',
      'ended',
    ]);
    for (const event of person.events) expect(event.data).not.toHaveProperty('agentKind');
  });
});
