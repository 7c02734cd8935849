/**
 * Review s14 J2 and J1: one instance, no Redis. The agent's join looks its token up, then awaits the store
 * before it is seated; what lands in that window must not be lost or misread.
 *
 * J2: a bot whose lookup came before the hand-over, resuming once the person is seated, evicted the person
 * (HANDED_OVER to the person who took over) because the eviction compared the holder with the joiner's stale
 * read. Now the joiner is held to a fresh read: the stale bot is refused, the person keeps the seat.
 * J1: an end committed in the same window told nobody (no socket yet), and the agent stayed seated in the ended
 * session. Now the join reads the session again once seated and closes it SESSION_ENDED.
 *
 * No timing: the bot's lookup is held (a gate on SessionLifecycle.findByToken) until the hand-over or the end
 * answered. Controls: the bot joins after the hand-over / before the end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { SessionLifecycle } from '../../signaling/sessions.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';
import { handOver } from './helpers/session-rest.js';
import type { TestSocket } from './helpers/ws-client.js';

const { start, open } = serverScope();
const original = SessionLifecycle.prototype.findByToken;
afterEach(() => {
  SessionLifecycle.prototype.findByToken = original;
});

/** Holds the first agent lookup once `held`: resolves `lookedUp` then waits for `letGo`. */
function gateAgentLookup(held: boolean): { lookedUp: Promise<void>; letGo: () => void } {
  let looked: () => void = () => undefined;
  const lookedUp = new Promise<void>((resolve) => (looked = resolve));
  let letGo: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (letGo = resolve));
  let first = true;
  SessionLifecycle.prototype.findByToken = async function (this: SessionLifecycle, ...args) {
    const found = await original.apply(this, args);
    if (held && first && found?.role === 'agent') {
      first = false;
      looked();
      await gate;
    }
    return found;
  };
  return { lookedUp, letGo };
}

/** A bot session with its customer consented (handover allowed). */
async function botSession(server: TestServer): Promise<{
  created: Awaited<ReturnType<typeof createSession>>;
  customer: TestSocket;
}> {
  const created = await createSession(server, { agentName: 'Lumen helper', agentBot: true });
  const customer = await open(server);
  await customer.hello(created.customerToken);
  customer.send({ t: 'event', event: { kind: 'consent-granted', handover: true } });
  await customer.next('ice-servers');
  return { created, customer };
}

describe('a stale bot join after the person took the seat (J2)', () => {
  for (const held of [false, true]) {
    it(`${held ? 'the bot looked up before the hand-over, resumes after the person is seated' : 'control: the bot joins after the hand-over'}: the person keeps the seat`, async () => {
      const server = await start();
      const { created, customer } = await botSession(server);
      const { lookedUp, letGo } = gateAgentLookup(held);
      const bot = await open(server);
      if (held) {
        bot.send({ t: 'hello', v: PROTOCOL_VERSION, token: created.agentToken });
        await lookedUp;
      }
      const token = await handOver(server, created.sessionId);
      const person = await open(server);
      expect((await person.hello(token)).role).toBe('agent');
      if (held) letGo();
      else bot.send({ t: 'hello', v: PROTOCOL_VERSION, token: created.agentToken });
      const botClosed = await bot.closed;
      // The stale bot never held the seat: no welcome (on main it evicted the person and was welcomed).
      expect(botClosed.code).toBe(held ? ERROR_CODES.HANDED_OVER.close : ERROR_CODES.UNAUTHORIZED.close);
      expect(bot.messages.some((m) => m.t === 'welcome')).toBe(false);
      // The person still holds the seat: the customer's next page reaches it, and it was told no error.
      customer.send({
        t: 'event',
        event: { kind: 'page-visited', url: 'https://shop.example/statements', title: 'Statements' },
      });
      await person.next('event', (m) => m.event.kind === 'page-visited');
      expect(person.messages.filter((m) => m.t === 'error')).toEqual([]);
    }, 30_000);
  }
});

describe('an end while the agent joins (J1)', () => {
  for (const overlap of [false, true]) {
    it(`${overlap ? 'looked up before the end, seated after' : 'control: seated, then the end'}: the agent is told and closed`, async () => {
      const server = await start();
      const { created } = await botSession(server);
      const { lookedUp, letGo } = gateAgentLookup(overlap);
      const end = async () => {
        const res = await fetch(`${server.baseUrl}/api/sessions/${created.sessionId}/end`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({}),
        });
        expect(res.status).toBeLessThan(300);
      };
      const bot = await open(server);
      if (overlap) {
        bot.send({ t: 'hello', v: PROTOCOL_VERSION, token: created.agentToken });
        await lookedUp;
        await end();
        letGo();
      } else {
        await bot.hello(created.agentToken);
        await end();
      }
      // A generous bound, so that an agent left seated fails here rather than at the test's timeout.
      const closed = await Promise.race([bot.closed, new Promise((r) => setTimeout(r, 15_000))]);
      expect(closed, 'the agent').toEqual(expect.objectContaining({ code: ERROR_CODES.SESSION_ENDED.close }));
      expect(bot.messages.some((m) => m.t === 'ended')).toBe(true);
    }, 30_000);
  }
});
