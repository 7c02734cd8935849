/**
 * Review s13 B1: a bus note can be lost where it is published. Instance A (the customer's, where the
 * removal, the hand-over or the end happens) loses Redis long enough for ioredis to give up on its queued
 * PUBLISH; B's subscription never drops, so B has nothing to notice. A announces a resync once Redis answers
 * again, and every instance reads the store again: B closes the removed viewer (and keeps its invite void),
 * refuses the replaced bot, closes the ended session's agent.
 *
 * Two instances on one PostgreSQL and one Redis; A reaches Redis through a proxy the test cuts. Nothing waits
 * on time: the test waits for A's log to show the queued commands rejected (ioredis's "max retries per
 * request"), then for a close. Control: the same steps with the bus intact.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.js';
import { backendsAvailable, useBackends, type Backends } from './helpers/scale-out.js';
import { consentedSession } from './helpers/consented-session.js';
import { LogLines, type RedisProxy } from './helpers/redis-proxy.js';
import { busScope } from './helpers/bus-instances.js';
import { handOver } from './helpers/session-rest.js';

const bins = backendsAvailable();
let backends: () => Backends;
const bus = busScope();
const { open } = bus;

/** A (the customer's instance) through the proxy, with its log; B direct. */
async function twoInstances() {
  const log = new LogLines();
  return { ...(await bus.twoInstances(backends(), 'a', log)), log };
}

/**
 * With A cut since before `mark`: wait until ioredis rejected A's queued commands after the mark (so every
 * PUBLISH made before the mark is lost, none delivered late), then let A reach Redis again.
 */
async function loseQueuedNotes(cut: boolean, log: LogLines, mark: number, proxy: RedisProxy): Promise<void> {
  if (!cut) return;
  await log.after(mark, 'max retries per request');
  proxy.restore();
}

/** Generous: A's reconnect after the cut takes a few seconds of ioredis's back-off. */
const CLOSE_WITHIN = 60_000;

describe.skipIf(!bins)('a note lost by the instance that publishes it', () => {
  backends = useBackends(bins);

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}a viewer removed on A${cut ? ' while A is cut off from Redis' : ''} is closed on B, and its invite stays void there`, async () => {
      const { a, b, proxy, log } = await twoInstances();
      const { session, customer, v, viewer } = await bus.viewerOnB(a, b);

      if (cut) proxy.cut();
      customer.send({ t: 'remove-viewer', viewer: v.viewer.id });
      // A recorded the removal and published its notes before telling the customer.
      await customer.next('viewers', (m) => !m.viewers.some((x) => x.id === v.viewer.id), CLOSE_WITHIN);
      await loseQueuedNotes(cut, log, log.mark(), proxy);

      const closed = await Promise.race([viewer.closed, new Promise((r) => setTimeout(r, CLOSE_WITHIN))]);
      expect(closed, 'the removed viewer on B').toEqual(
        expect.objectContaining({ code: ERROR_CODES.VIEWER_REMOVED.close }),
      );
      customer.messages.splice(0);
      await bus.inviteStaysVoid(a, b, session.sessionId, v.token);
      expect(customer.messages.filter((m) => m.t === 'viewer-signal' || m.t === 'viewers')).toEqual([]);
    }, 120_000);
  }

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}a hand-over on A${cut ? ' while A is cut off from Redis' : ''} closes the idle bot on B, and the person takes the seat`, async () => {
      const { a, b, proxy, log } = await twoInstances();
      const { created, bot } = await bus.botOnB(a, b);

      if (cut) proxy.cut();
      const token = await handOver(a, created.sessionId);
      await loseQueuedNotes(cut, log, log.mark(), proxy);

      // The bot stays silent: only the instance's own reading of the store can close it.
      const closed = await Promise.race([bot.closed, new Promise((r) => setTimeout(r, CLOSE_WITHIN))]);
      expect(closed, 'the replaced bot on B').toEqual(expect.objectContaining({ code: ERROR_CODES.HANDED_OVER.close }));
      const person = await open(a);
      const welcome = await person.hello(token);
      expect(welcome.role).toBe('agent');
    }, 120_000);
  }

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}the customer ends on A${cut ? ' while A is cut off from Redis' : ''}, and the agent on B is told and closed`, async () => {
      const { a, b, proxy, log } = await twoInstances();
      const { customer, agent } = await consentedSession(open, a, { agentOn: b, body: { agentName: 'Dana' } });
      await customer.next('peer', (m) => m.present);

      if (cut) proxy.cut();
      customer.send({ t: 'end' });
      await customer.closed;
      await loseQueuedNotes(cut, log, log.mark(), proxy);

      const closed = await Promise.race([agent.closed, new Promise((r) => setTimeout(r, CLOSE_WITHIN))]);
      expect(closed, 'the agent on B').toEqual(expect.objectContaining({ code: ERROR_CODES.SESSION_ENDED.close }));
      expect(agent.messages.some((m) => m.t === 'ended')).toBe(true);
    }, 120_000);
  }
});
