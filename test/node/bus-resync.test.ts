/**
 * Red team s12 F4: removals and hand-overs reach other instances as Redis
 * pub/sub notes, which are at-most-once: a note published while an instance's
 * subscription is down is lost for good. That instance then kept a removed
 * viewer's socket (and let its invite in again), or the bot's socket after a
 * person took over. Now an instance reads the store again when its
 * subscription comes back, and a bot's socket acts no more once the session's
 * row names another agent.
 *
 * Two instances on one PostgreSQL and one Redis; instance B reaches Redis
 * through a TCP proxy the test cuts (a network blip for B only), so the note
 * is lost every time, not by chance. Nothing waits on time: each step waits
 * for a message, a close or the audit. Control: the same steps with the bus
 * intact.
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { ERROR_CODES } from '../../shared/errors.js';
import { backendsAvailable, useBackends, type Backends } from './helpers/scale-out.js';
import type { TestServer } from './helpers/server.js';
import { busScope } from './helpers/bus-instances.js';
import { audit, handOver } from './helpers/session-rest.js';

const bins = backendsAvailable();
let backends: () => Backends;
const { twoInstances, open, viewerOnB, botOnB, inviteStaysVoid } = busScope();

describe.skipIf(!bins)('an instance that missed bus notes reads the store again', () => {
  backends = useBackends(bins);

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}a viewer removed on A while B ${cut ? 'is cut off from Redis' : 'hears the bus'} is closed on B, and its invite stays void there`, async () => {
      // Instance A talks to Redis directly, instance B through the proxy.
      const { a, b, proxy } = await twoInstances(backends(), 'b');
      const { session, customer, v, viewer } = await viewerOnB(a, b);

      if (cut) proxy.cut();
      customer.send({ t: 'remove-viewer', viewer: v.viewer.id });
      // A recorded the removal and published its notes (before telling the customer): B was not listening.
      await customer.next('viewers', (m) => !m.viewers.some((x) => x.id === v.viewer.id));
      proxy.restore();
      expect((await viewer.closed).code).toBe(ERROR_CODES.VIEWER_REMOVED.close);

      await inviteStaysVoid(a, b, session.sessionId, v.token);
      expect(customer.messages.filter((m) => m.t === 'viewer-signal')).toEqual([]);
    }, 30_000);
  }

  /** A bot session live on two instances: the customer on A (hand-over allowed), the bot on B. */
  async function liveBotOnB() {
    const { a, b, proxy } = await twoInstances(backends(), 'b');
    return { a, proxy, ...(await botOnB(a, b)) };
  }

  /** The person's console on A: welcomed once B has let the bot's seat go (refused while it holds it). */
  async function personWelcomed(a: TestServer, token: string): Promise<void> {
    for (;;) {
      const person = await open(a);
      person.send({ t: 'hello', v: PROTOCOL_VERSION, token });
      const outcome = await Promise.race([person.next('welcome').then(() => 0), person.closed.then((c) => c.code)]);
      if (outcome === 0) return;
      expect(outcome, 'the person’s console').toBe(ERROR_CODES.ROLE_TAKEN.close);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}after a hand-over on A while B ${cut ? 'is cut off from Redis' : 'hears the bus'}, the bot on B is closed and the person takes the seat`, async () => {
      const { a, proxy, created, bot } = await liveBotOnB();
      if (cut) proxy.cut();
      const token = await handOver(a, created.sessionId);
      proxy.restore();
      expect((await bot.closed).code).toBe(ERROR_CODES.HANDED_OVER.close);
      await personWelcomed(a, token);
    }, 30_000);
  }

  it('a bot on B that acts after a hand-over it has not heard of is closed, and nothing of it is recorded', async () => {
    const { a, proxy, created, customer, bot } = await liveBotOnB();
    proxy.cut();
    await handOver(a, created.sessionId);
    customer.messages.splice(0);
    bot.send({ t: 'event', event: { kind: 'control-requested' } });
    expect((await bot.closed).code).toBe(ERROR_CODES.HANDED_OVER.close);
    proxy.restore();
    const events = (await audit(a, created.sessionId)).events.map((e) => e.type);
    expect(events.slice(events.indexOf('handed-over'))).not.toContain('control-requested');
    expect(customer.messages.some((m) => m.t === 'event' && m.event.kind === 'control-requested')).toBe(false);
  }, 30_000);
});
