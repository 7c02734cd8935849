/**
 * Review s14 R2: a note the publishing instance lost stayed lost unless the store-based resync (5a90308)
 * happened to re-create it (an end, the bot's close, a removal). Among those it did not: the customer's
 * `{t:'agent'}` after a hand-over on another instance (the page keeps showing the bot and keeps the control
 * it granted the bot), and the consent to an agent waiting on another instance (no consent event, no relay
 * credential). Now the publisher keeps the notes Redis did not take and publishes them again, in order, once
 * Redis answers (bus-outbox.ts), whatever they say.
 *
 * Two instances on one PostgreSQL and one Redis; A reaches Redis through a proxy the test cuts. The test waits
 * for A's log to show its queued commands rejected (the note lost where it was published), restores the
 * proxy, then waits for the message on B. Control: the same steps with the bus intact.
 */
import { describe, expect, it } from 'vitest';
import { backendsAvailable, useBackends, type Backends } from './helpers/scale-out.js';
import { LogLines, type RedisProxy } from './helpers/redis-proxy.js';
import { busScope } from './helpers/bus-instances.js';
import { handOver } from './helpers/session-rest.js';

const bins = backendsAvailable();
let backends: () => Backends;
const bus = busScope();
const { open } = bus;

/** Generous: A's reconnect after the cut takes a few seconds of ioredis's back-off. */
const WITHIN = 60_000;

/** With A cut since before `mark`: once ioredis rejected A's queued commands, let A reach Redis again. */
async function loseQueuedNotes(cut: boolean, log: LogLines, mark: number, proxy: RedisProxy): Promise<void> {
  if (!cut) return;
  await log.after(mark, 'max retries per request');
  proxy.restore();
}

describe.skipIf(!bins)('a note lost by the instance that publishes it is published again', () => {
  backends = useBackends(bins);

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}a hand-over on A${cut ? ' while A is cut off from Redis' : ''}: the customer on B is told a person took over`, async () => {
      const log = new LogLines();
      const { a, b, proxy } = await bus.twoInstances(backends(), 'a', log);
      const { created, customer } = await bus.botSessionCustomerOn(a, b);
      const bot = await open(b);
      await bot.hello(created.agentToken);

      const mark = log.mark();
      if (cut) proxy.cut();
      await handOver(a, created.sessionId);
      await loseQueuedNotes(cut, log, mark, proxy);
      const told = await customer.next('agent', undefined, WITHIN);
      expect(told).toEqual(expect.objectContaining({ agentName: 'Dana', agentBot: false }));
      await bot.closed;
    }, 120_000);
  }

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}consent on A${cut ? ' while A is cut off from Redis' : ''}: the agent waiting on B gets its relay credential and the consent`, async () => {
      const log = new LogLines();
      const { a, b, proxy } = await bus.twoInstances(backends(), 'a', log);
      const { customer, agent } = await bus.agentWaitingOnB(a, b);

      const mark = log.mark();
      if (cut) proxy.cut();
      customer.send({ t: 'event', event: { kind: 'consent-granted' } });
      await customer.next('ice-servers', undefined, WITHIN);
      await loseQueuedNotes(cut, log, mark, proxy);
      await agent.next('event', (m) => m.event.kind === 'consent-granted', WITHIN);
      // The relay credential came first, as A sent them.
      const types = agent.messages.map((m) => m.t);
      expect(types.indexOf('ice-servers', 1)).toBeGreaterThan(0);
      expect(types.indexOf('ice-servers', 1)).toBeLessThan(types.lastIndexOf('event'));
    }, 120_000);
  }
});
