/**
 * Consent landing while the agent's or a viewer's socket joins (review s12,
 * T1): the welcome came from the session read before the socket was
 * registered (STUN only, consented: false), and the consent's relay
 * credential and event went to everyone registered then, which it was not
 * yet, so that peer had no relay (a stuck "Connecting" on a relay-only
 * network) until it reconnected. A delay after the join's session read only
 * widens the window, as a slow Redis or database would. The oracle: some
 * message to the peer carries a relay username, and the consent event
 * reaches it; the controls join without the overlap.
 */
import { describe, expect, it } from 'vitest';
import { SessionLifecycle } from '../../signaling/sessions.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';
import type { TestSocket } from './helpers/ws-client.js';

const TURN = {
  TURN_SECRET: 'turn-secret-0123456789abcdef',
  TURN_URLS: 'turn:turn.example:3478',
  TURN_TTL: '1800',
  STUN_URLS: 'stun:stun.example:3478',
};
const { start, open } = serverScope();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Message = TestSocket['messages'][number];
const hasRelay = (m: Message) =>
  'iceServers' in m && (m.iceServers as { username?: string }[]).some((s) => s.username !== undefined);
const isConsent = (m: Message) =>
  m.t === 'event' && 'event' in m && (m.event as { kind: string }).kind === 'consent-granted';

async function inviteViewer(s: TestServer, sessionId: string): Promise<{ token: string }> {
  const res = await fetch(`${s.baseUrl}/api/sessions/${sessionId}/viewers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Sam Supervisor', kind: 'supervisor' }),
  });
  return (await res.json()) as { token: string };
}

describe('consent while a peer joins', () => {
  for (const slow of [false, true]) {
    it(`the agent gets a relay credential and the consent (${slow ? 'join overlaps consent' : 'control: no overlap'})`, async () => {
      const server = await start(TURN);
      const session = await createSession(server, { ttlSeconds: 600 });
      const customer = await open(server);
      await customer.hello(session.customerToken);
      const original = SessionLifecycle.prototype.findByToken;
      let delayed = false;
      SessionLifecycle.prototype.findByToken = async function (this: SessionLifecycle, ...args) {
        const found = await original.apply(this, args);
        if (slow && found?.role === 'agent' && !delayed) {
          delayed = true;
          await sleep(400);
        }
        return found;
      };
      try {
        const agent = await open(server);
        const welcome = agent.hello(session.agentToken);
        await sleep(100); // the agent's lookup is done, its attach not yet
        customer.send({ t: 'event', event: { kind: 'consent-granted' } });
        await customer.next('ice-servers');
        const w = await welcome;
        expect(w.consented).toBe(false); // welcomed as pending: the consent must still reach it
        await expect.poll(() => [w, ...agent.messages].some(hasRelay), { timeout: 5_000 }).toBe(true);
        await expect.poll(() => w.consented || agent.messages.some(isConsent), { timeout: 5_000 }).toBe(true);
      } finally {
        SessionLifecycle.prototype.findByToken = original;
      }
    }, 20_000);
  }

  for (const slow of [false, true]) {
    it(`a viewer gets a relay credential and the consent (${slow ? 'join overlaps consent' : 'control: no overlap'})`, async () => {
      const server = await start(TURN);
      const session = await createSession(server, { ttlSeconds: 600 });
      const customer = await open(server);
      await customer.hello(session.customerToken);
      customer.send({ t: 'event', event: { kind: 'consent-shown' } });
      const agent = await open(server);
      await agent.hello(session.agentToken);
      const invited = await inviteViewer(server, session.sessionId);
      const original = SessionLifecycle.prototype.get;
      let armed = slow;
      SessionLifecycle.prototype.get = async function (this: SessionLifecycle, ...args) {
        const found = await original.apply(this, args);
        if (armed) {
          armed = false;
          await sleep(400);
        }
        return found;
      };
      try {
        const viewer = await open(server);
        const welcome = viewer.hello(invited.token);
        await sleep(100);
        customer.send({ t: 'event', event: { kind: 'consent-granted' } });
        await customer.next('ice-servers');
        const w = await welcome;
        expect(w.consented).toBe(false);
        await expect.poll(() => [w, ...viewer.messages].some(hasRelay), { timeout: 5_000 }).toBe(true);
        await expect.poll(() => w.consented || viewer.messages.some(isConsent), { timeout: 5_000 }).toBe(true);
      } finally {
        SessionLifecycle.prototype.get = original;
      }
    }, 20_000);
  }
});
