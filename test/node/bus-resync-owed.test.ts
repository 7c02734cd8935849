/**
 * Review s14 R2, the subscriber's side: notes published while an instance's subscription is down are lost for
 * good, and its resync after resubscribing (bus-resync.test.ts) re-created only an end, the bot's close and a
 * removal from the store. Now it also sends what its sockets were owed: the customer not told of a hand-over
 * learns who took over ({t:'agent'}), the agent welcomed before the consent gets its relay credential and the
 * consent event.
 *
 * Two instances on one PostgreSQL and one Redis; B reaches Redis through a proxy the test cuts while A acts.
 * Nothing waits on time: each step waits for a message. Control: the same steps with the bus intact.
 */
import { describe, expect, it } from 'vitest';
import { backendsAvailable, useBackends, type Backends } from './helpers/scale-out.js';
import { busScope } from './helpers/bus-instances.js';
import { handOver } from './helpers/session-rest.js';

const bins = backendsAvailable();
let backends: () => Backends;
const { twoInstances, agentWaitingOnB, botSessionCustomerOn } = busScope();

/** Generous: B's reconnect after the cut takes a few seconds of ioredis's back-off. */
const WITHIN = 60_000;

describe.skipIf(!bins)('an instance that missed bus notes sends its sockets what they were owed', () => {
  backends = useBackends(bins);

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}a hand-over on A while B ${cut ? 'is cut off from Redis' : 'hears the bus'}: the customer on B is told a person took over`, async () => {
      const { a, b, proxy } = await twoInstances(backends(), 'b');
      const { created, customer } = await botSessionCustomerOn(a, b);

      if (cut) proxy.cut();
      await handOver(a, created.sessionId);
      proxy.restore();
      const told = await customer.next('agent', undefined, WITHIN);
      expect(told).toEqual(expect.objectContaining({ agentName: 'Dana', agentBot: false }));
    }, 120_000);
  }

  for (const cut of [false, true]) {
    it(`${cut ? '' : 'control, bus intact: '}consent on A while B ${cut ? 'is cut off from Redis' : 'hears the bus'}: the agent waiting on B gets its relay credential and the consent`, async () => {
      const { a, b, proxy } = await twoInstances(backends(), 'b');
      const { customer, agent } = await agentWaitingOnB(a, b);

      if (cut) proxy.cut();
      customer.send({ t: 'event', event: { kind: 'consent-granted' } });
      await customer.next('ice-servers');
      proxy.restore();
      await agent.next('event', (m) => m.event.kind === 'consent-granted', WITHIN);
      const types = agent.messages.map((m) => m.t);
      expect(types.indexOf('ice-servers', 1)).toBeGreaterThan(0);
      expect(types.indexOf('ice-servers', 1)).toBeLessThan(types.lastIndexOf('event'));
    }, 120_000);
  }
});
