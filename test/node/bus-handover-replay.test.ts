/**
 * Review s14b O1: a hand-over posted to instance A while A cannot reach Redis. A keeps the note that closes the bot
 * (bus-outbox.ts) and publishes it once Redis answers; by then the person who took over may hold the agent seat on
 * B. The replayed note must close only the agent the session replaced, never the person (before the fix: closed
 * 4420 "A person from support took over this session" within a second of the restore). Oracle: the person's own
 * socket on B, open with nothing but its welcome 25 s after the restore (the replay comes on A's reconnect, well
 * inside that window; the control, without the cut, checks the same). Real PostgreSQL, Redis, two instances.
 */
import { describe, expect, it } from 'vitest';
import { backendsAvailable, useBackends, type Backends } from './helpers/scale-out.js';
import { LogLines } from './helpers/redis-proxy.js';
import { busScope } from './helpers/bus-instances.js';
import { handOver } from './helpers/session-rest.js';

const bins = backendsAvailable();
let backends: () => Backends;
const bus = busScope();
const { open } = bus;

describe.skipIf(!bins)('a replayed hand-over note (review s14b O1)', () => {
  backends = useBackends(bins);
  for (const cut of [false, true]) {
    it(`${cut ? 'A cut' : 'control'}: the person seated on B stays seated`, async () => {
      const log = new LogLines();
      const { a, b, proxy } = await bus.twoInstances(backends(), 'a', log);
      const { created } = await bus.botSessionCustomerOn(a, b);
      const bot = await open(b);
      await bot.hello(created.agentToken);

      const mark = log.mark();
      if (cut) proxy.cut();
      const token = await handOver(a, created.sessionId);
      if (cut) await log.after(mark, 'max retries per request');
      // The person's console joins B while A is still cut off (or, control, after the hand-over reached B).
      let person = await open(b);
      let welcomed = false;
      for (let i = 0; i < 10 && !welcomed; i++) {
        try {
          await person.hello(token);
          welcomed = true;
        } catch {
          await new Promise((r) => setTimeout(r, 500));
          person = await open(b);
        }
      }
      expect(welcomed, 'person welcomed on B').toBe(true);
      if (cut) proxy.restore();
      // Wait long enough for A to reconnect and flush (heartbeat + back-off), then see whether the person is closed.
      const outcome = await Promise.race([
        person.closed.then((c) => `closed ${c.code} ${c.reason}`),
        new Promise<string>((r) => setTimeout(() => r('still open'), 25_000)),
      ]);
      expect(outcome).toBe('still open');
      expect(person.messages.map((m) => m.t)).toEqual(['welcome']);
    }, 120_000);
  }
});
