/**
 * Relay (TURN) credentials only once the customer consented (red team s11,
 * F6): before consent no socket (the customer's consent socket, the agent's
 * link, an invited viewer) gets one, in its welcome or otherwise; with
 * consent each gets its own ('ice-servers', the agent's before the consent
 * event it follows); once the session ended none is issued. The oracle
 * recomputes coturn's check (HMAC-SHA1 of the username under the secret) and
 * reads the expiry and label from the username, without the server's code.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import type { ServerMessage } from '../../shared/protocol.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';
import type { TestSocket } from './helpers/ws-client.js';

const SECRET = 'turn-secret-0123456789abcdef';
const TURN = {
  TURN_SECRET: SECRET,
  TURN_URLS: 'turn:turn.example:3478',
  TURN_TTL: '1800',
  STUN_URLS: 'stun:stun.example:3478',
};

const { start, open } = serverScope();

type IceServers = { urls: string | string[]; username?: string; credential?: string }[];

/** The relay credentials in a list of ICE servers, each checked as coturn would: label, expiry, HMAC. */
function relays(servers: IceServers): { label: string; expiresAt: number }[] {
  return servers
    .filter((ice) => ice.username !== undefined || ice.credential !== undefined)
    .map((ice) => {
      const username = ice.username ?? '';
      expect(ice.credential).toBe(createHmac('sha1', SECRET).update(username).digest('base64'));
      const [expiry, label] = username.split(/:(.*)/s);
      return { label: label ?? '', expiresAt: Number(expiry) * 1000 };
    });
}

/** Every credential a socket received so far, in any message. */
const credentialsIn = (messages: ServerMessage[]) =>
  messages.flatMap((m) => ('iceServers' in m ? relays(m.iceServers) : []));

/** A round trip through the socket's queue: every message sent before it has been handled. */
async function settled(socket: TestSocket, ts: number): Promise<void> {
  socket.send({ t: 'ping', ts });
  await socket.next('pong', (m) => m.ts === ts);
}

async function inviteViewer(s: TestServer, sessionId: string): Promise<{ token: string; viewer: { id: string } }> {
  const res = await fetch(`${s.baseUrl}/api/sessions/${sessionId}/viewers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Sam Supervisor', kind: 'supervisor' }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { token: string; viewer: { id: string } };
}

const turnFor = (s: TestServer, token: string) =>
  fetch(`${s.baseUrl}/api/turn-credentials`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

describe('relay credentials and consent', () => {
  it('none to any socket before consent; each its own with consent; none after the end', async () => {
    const server = await start(TURN);
    const session = await createSession(server, { ttlSeconds: 600 });
    const customer = await open(server);
    const customerWelcome = await customer.hello(session.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-shown' } });
    const agent = await open(server);
    const agentWelcome = await agent.hello(session.agentToken);
    const invited = await inviteViewer(server, session.sessionId);
    const viewer = await open(server);
    const viewerWelcome = await viewer.hello(invited.token);
    await customer.next('viewers', (m) => m.viewers.length === 1);
    for (const [i, socket] of [customer, agent, viewer].entries()) await settled(socket, i);

    // Before consent: STUN only, and no credential in any message of any socket.
    for (const welcome of [customerWelcome, agentWelcome, viewerWelcome]) {
      expect(welcome.consented).toBe(false);
      expect(welcome.iceServers).toEqual([{ urls: ['stun:stun.example:3478'] }]);
    }
    for (const socket of [customer, agent, viewer]) expect(credentialsIn(socket.messages)).toEqual([]);

    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    const forCustomer = await customer.next('ice-servers');
    const forAgent = await agent.next('ice-servers');
    const forViewer = await viewer.next('ice-servers');
    const labels = [forCustomer, forAgent, forViewer].map((m) => relays(m.iceServers).map((r) => r.label));
    expect(labels).toEqual([
      [`${session.sessionId}-customer`],
      [`${session.sessionId}-agent`],
      [`${session.sessionId}-${invited.viewer.id}`],
    ]);
    for (const m of [forCustomer, forAgent, forViewer]) {
      expect(m.iceServers[0]).toEqual({ urls: ['stun:stun.example:3478'] });
      // No longer than the session: its 600 s, not TURN_TTL's 1800.
      for (const relay of relays(m.iceServers)) expect(relay.expiresAt).toBeLessThanOrEqual(agentWelcome.expiresAt);
    }
    // The agent and the viewer have theirs before the consent event they follow.
    for (const socket of [agent, viewer]) {
      await socket.next('event', (m) => m.event.kind === 'consent-granted');
      const order = socket.messages.map((m) => (m.t === 'event' ? m.event.kind : m.t));
      expect(order.indexOf('ice-servers')).toBeLessThan(order.indexOf('consent-granted'));
    }
    // A welcome after consent carries one (here a viewer invited now).
    const late = await inviteViewer(server, session.sessionId);
    const lateViewer = await open(server);
    const lateWelcome = await lateViewer.hello(late.token);
    expect(relays(lateWelcome.iceServers).map((r) => r.label)).toEqual([`${session.sessionId}-${late.viewer.id}`]);

    // Ended: a hello is refused without a welcome, and the REST endpoint gives none.
    const ended = await fetch(`${server.baseUrl}/api/sessions/${session.sessionId}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    expect(ended.status).toBeLessThan(300);
    await agent.next('ended');
    for (const token of [session.customerToken, session.agentToken, late.token]) {
      const after = await open(server);
      after.send({ t: 'hello', v: customerWelcome.v, token });
      await after.closed;
      expect(after.messages.map((m) => m.t)).toEqual(['error']);
    }
    expect((await turnFor(server, session.agentToken)).status).toBe(410);
  });
});
