/**
 * A sliding-window counter for @fastify/rate-limit: the count of the current
 * fixed window plus the previous window's count weighted by how much of it
 * still overlaps the sliding window. Unlike a fixed window, a client cannot
 * double its budget by bursting at a window's edge. In memory for one
 * instance; in Redis (one Lua call, atomic) when instances share limits.
 */
import type { Redis } from 'ioredis';

export interface WindowCount {
  /** Weighted requests in the last window, this one included. */
  current: number;
  /** Milliseconds until the current fixed window rolls over. */
  ttl: number;
}

type Callback = (error: Error | null, result?: WindowCount) => void;

/** The store shape @fastify/rate-limit calls (its own FastifyRateLimitStore). */
export interface RateLimitStore {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): RateLimitStore;
}

export type RateLimitStoreCtor = new (options: unknown) => RateLimitStore;

/** The sliding estimate from two fixed-window counts. */
export function slidingCount(previous: number, current: number, windowMs: number, now: number): WindowCount {
  const intoWindow = now % windowMs;
  const weight = (windowMs - intoWindow) / windowMs;
  return { current: Math.floor(previous * weight) + current, ttl: windowMs - intoWindow };
}

const MAX_KEYS = 100_000;

/** In-process counters (the embedded, one-instance mode). */
export function memoryWindowStore(now: () => number = Date.now): RateLimitStoreCtor {
  const counts = new Map<string, { window: number; current: number; previous: number }>();
  class MemoryWindowStore implements RateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number): void {
      const at = now();
      const window = Math.floor(at / timeWindow);
      let entry = counts.get(key);
      if (!entry || entry.window < window - 1) {
        // Forget idle keys instead of growing without bound under a spray of addresses.
        if (!entry && counts.size >= MAX_KEYS) counts.clear();
        entry = { window, current: 0, previous: 0 };
        counts.set(key, entry);
      } else if (entry.window === window - 1) {
        entry = { window, current: 0, previous: entry.current };
        counts.set(key, entry);
      }
      entry.current += 1;
      callback(null, slidingCount(entry.previous, entry.current, timeWindow, at));
    }
    child(): RateLimitStore {
      return this;
    }
  }
  return MemoryWindowStore;
}

const SLIDING_WINDOW_LUA = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1] * 2) end
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
return {current, previous}
`;

const countPair = (value: unknown): [number, number] => {
  if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number') return [value[0], value[1]];
  throw new Error('unexpected answer from the rate-limit script');
};

/** Counters in Redis, shared by every instance; time is the instance's clock (instances run NTP). */
export function redisWindowStore(
  redis: Redis,
  prefix = 'cobrowse:rate:',
  now: () => number = Date.now,
): RateLimitStoreCtor {
  class RedisWindowStore implements RateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number): void {
      const at = now();
      const window = Math.floor(at / timeWindow);
      redis
        .eval(
          SLIDING_WINDOW_LUA,
          2,
          `${prefix}${key}:${timeWindow}:${window}`,
          `${prefix}${key}:${timeWindow}:${window - 1}`,
          String(timeWindow),
        )
        .then(
          (answer) => {
            const [current, previous] = countPair(answer);
            callback(null, slidingCount(previous, current, timeWindow, at));
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
    }
    child(): RateLimitStore {
      return this;
    }
  }
  return RedisWindowStore;
}
