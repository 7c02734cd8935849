/**
 * Request limits through @fastify/rate-limit: each limiter counts per client
 * address and over all addresses, on a sliding window, in memory for one
 * instance or in Redis when instances share their counters. The client
 * address is Fastify's request.ip, which honours only the proxies TRUST_PROXY
 * names, so a forged X-Forwarded-For cannot buy a fresh budget.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { memoryWindowStore, redisWindowStore } from './sliding-window.js';

export interface LimitSpec {
  /** Names the counters (shared by every instance through Redis). */
  name: string;
  perAddress: number;
  global: number;
  windowMs: number;
}

/** Resolves true when the request is within both limits (and counts it). */
export type RequestLimiter = (request: FastifyRequest) => Promise<boolean>;

/** Register the limiter plugin once; `redis` makes the counters shared. */
export async function registerRequestLimits(app: FastifyInstance, redis: Redis | null): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: false,
    store: redis ? redisWindowStore(redis) : memoryWindowStore(),
    // A limiter that cannot reach Redis refuses rather than letting guessing through.
    skipOnError: false,
  });
}

/** A limiter for one kind of request, to call at the start of its handler. */
export function createLimiter(app: FastifyInstance, spec: LimitSpec): RequestLimiter {
  const perAddress = app.createRateLimit({
    max: spec.perAddress,
    timeWindow: spec.windowMs,
    keyGenerator: (request) => `${spec.name}:ip:${request.ip}`,
  });
  const overall = app.createRateLimit({
    max: spec.global,
    timeWindow: spec.windowMs,
    keyGenerator: () => `${spec.name}:all`,
  });
  return async (request) => {
    const mine = await perAddress(request);
    if (!mine.isAllowed && mine.isExceeded) return false;
    const all = await overall(request);
    return all.isAllowed || !all.isExceeded;
  };
}
