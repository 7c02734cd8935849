/**
 * The chain-head witness shared through a real Redis (audit-witness.ts):
 * instances that raise a session's count out of order leave the highest, an
 * instance that wrote nothing reads it, and a Redis that fails neither
 * throws nor forgets what this process wrote. The control: a witness without
 * Redis knows nothing of another instance's writes.
 */
import { describe, expect, it } from 'vitest';
import { HeadWitness } from '../../signaling/audit-witness.js';
import { findRedisServer, REDIS_MISSING, suiteRedis } from './helpers/redis.js';

const bin = findRedisServer();
if (!bin) console.warn(`\n!!! ${REDIS_MISSING}\n`);

describe.skipIf(!bin)('audit head witness over Redis', () => {
  const client = suiteRedis(bin ?? '');

  it('keeps the highest count across instances, whatever order they write in', async () => {
    const a = new HeadWitness();
    const b = new HeadWitness();
    const fresh = new HeadWitness();
    const errors: unknown[] = [];
    for (const witness of [a, b, fresh]) witness.share(client(), (error) => errors.push(error));
    await a.saw('s-1', 7, 'h');
    await b.saw('s-1', 5, 'h'); // a late, lower write from another instance
    expect(await b.highest('s-1')).toBe(7);
    expect(await fresh.highest('s-1')).toBe(7);
    expect(await fresh.highest('s-2')).toBeUndefined();
    expect(errors).toEqual([]);
    // Control: without Redis, an instance knows only what it wrote.
    expect(await new HeadWitness().highest('s-1')).toBeUndefined();
  });

  it('a failing Redis is reported, never thrown, and this process still remembers its own writes', async () => {
    const redis = client();
    const errors: unknown[] = [];
    const witness = new HeadWitness();
    witness.share(redis, (error) => errors.push(error));
    redis.disconnect();
    await witness.saw('s-3', 4, 'h');
    expect(await witness.highest('s-3')).toBe(4);
    expect(errors.length).toBeGreaterThan(0);
  });
});
