/**
 * Review s13 S1: one instance, no Redis. A hand-over that lands while the bot's socket joins (after its token
 * was looked up, before it was seated) sent HANDED_OVER to nobody: the bot was seated under the token read
 * before the hand-over, received what the customer sent the agent seat, and the person got ROLE_TAKEN until
 * the bot spoke. Now the join reads the session again once seated and refuses HANDED_OVER.
 *
 * No timing: the bot's lookup is held (a gate on SessionLifecycle.findByToken) until the hand-over answered,
 * then let go. Control: the bot joins first, then the hand-over.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { SessionLifecycle } from '../../signaling/sessions.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession } from './helpers/server.js';
import { handOver } from './helpers/session-rest.js';

const { start, open } = serverScope();

describe('a hand-over while the bot joins', () => {
  for (const overlap of [false, true]) {
    it(`${overlap ? 'the bot looked up before the hand-over, seated after' : 'control: the bot seated, then the hand-over'}: the bot is closed HANDED_OVER and the person takes the seat`, async () => {
      const server = await start();
      const created = await createSession(server, { agentName: 'Lumen helper', agentBot: true });
      const customer = await open(server);
      await customer.hello(created.customerToken);
      customer.send({ t: 'event', event: { kind: 'consent-granted', handover: true } });
      await customer.next('ice-servers');

      const original = SessionLifecycle.prototype.findByToken;
      let looked: () => void = () => undefined;
      const lookedUp = new Promise<void>((resolve) => (looked = resolve));
      let letGo: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (letGo = resolve));
      SessionLifecycle.prototype.findByToken = async function (this: SessionLifecycle, ...args) {
        const found = await original.apply(this, args);
        if (overlap && found?.role === 'agent') {
          looked();
          await gate;
        }
        return found;
      };
      const bot = await open(server);
      let token: string;
      try {
        if (overlap) {
          bot.send({ t: 'hello', v: PROTOCOL_VERSION, token: created.agentToken });
          await lookedUp;
          token = await handOver(server, created.sessionId);
          letGo();
        } else {
          await bot.hello(created.agentToken);
          token = await handOver(server, created.sessionId);
        }
      } finally {
        SessionLifecycle.prototype.findByToken = original;
      }
      // A generous bound, so that a bot left seated fails here rather than at the test's timeout.
      const closed = await Promise.race([bot.closed, new Promise((r) => setTimeout(r, 15_000))]);
      expect(closed, 'the bot').toEqual(expect.objectContaining({ code: ERROR_CODES.HANDED_OVER.close }));
      const person = await open(server);
      const welcome = await person.hello(token);
      expect(welcome.role).toBe('agent');
      customer.send({
        t: 'event',
        event: { kind: 'page-visited', url: 'https://shop.example/statements', title: 'Statements' },
      });
      await person.next('event', (m) => m.event.kind === 'page-visited');
      expect(bot.messages.some((m) => m.t === 'event' && m.event.kind === 'page-visited')).toBe(false);
    }, 30_000);
  }
});
