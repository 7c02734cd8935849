/**
 * Review s13 B1's remaining case: an instance dies between writing the store and publishing its note (no
 * resync is ever announced by it). Instance A records a hand-over while cut off from Redis and never reaches
 * Redis again (it died, as far as the others can tell); B's bot would keep the seat. The instance that starts
 * next (a restart or a replacement: C here) has every instance read the store again, so B closes the bot.
 *
 * Two instances plus the one started after, on one PostgreSQL and one Redis; A through a proxy the test cuts
 * and restores only after the assertions. Control: the bus intact, the hand-over's note closes the bot.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.js';
import { backendsAvailable, instanceEnv, useBackends, type Backends } from './helpers/scale-out.js';
import { busScope } from './helpers/bus-instances.js';
import { serverScope } from './helpers/server-scope.js';
import { handOver } from './helpers/session-rest.js';

const bins = backendsAvailable();
let backends: () => Backends;
const bus = busScope();
const { start } = serverScope();

/** Generous: a bound on a wait, not a timing. */
const CLOSE_WITHIN = 60_000;

describe.skipIf(!bins)('an instance that died between its store write and its publish', () => {
  backends = useBackends(bins);

  for (const crash of [false, true]) {
    it(`${crash ? 'A dies after recording a hand-over unsent; the next instance to start' : 'control, bus intact: the hand-over on A'} closes the bot on B`, async () => {
      const { a, b, proxy } = await bus.twoInstances(backends(), 'a');
      const { created, bot } = await bus.botOnB(a, b);
      if (crash) proxy.cut();
      await handOver(a, created.sessionId);
      if (crash) {
        // A never reaches Redis again while the test looks (its note and its own announcement are gone with it).
        await start(instanceEnv(a.config.databaseUrl ?? '', backends().redis.url));
      }
      const closed = await Promise.race([bot.closed, new Promise((r) => setTimeout(r, CLOSE_WITHIN))]);
      proxy.restore();
      expect(closed, 'the replaced bot on B').toEqual(expect.objectContaining({ code: ERROR_CODES.HANDED_OVER.close }));
    }, 120_000);
  }
});
