/**
 * Request limits through @fastify/rate-limit: each limiter counts per client
 * address and over all addresses, on a sliding window, in memory for one
 * instance or in Redis when instances share their counters. The client
 * address is Fastify's request.ip, which honours only the proxies TRUST_PROXY
 * names, so a forged X-Forwarded-For cannot buy a fresh budget; it is counted
 * by addressKey, so a host with a whole IPv6 /64 has one budget, not 2^64.
 */
import { isIPv4, isIPv6 } from 'node:net';
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
    keyGenerator: (request) => `${spec.name}:ip:${addressKey(request.ip)}`,
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

/**
 * What per-address limits count: an IPv4 address as it is (also when written
 * IPv4-mapped, ::ffff:a.b.c.d), an IPv6 address by its /64, the smallest
 * network any IPv6 host is given. Anything else as it is.
 */
export function addressKey(ip: string): string {
  const address = ip.replace(/%.*$/, '');
  const mapped = /^::ffff:(?:0{1,4}:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(address)) return ip;
  const groups = ipv6Groups(address);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, as lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase();
  // A dotted IPv4 tail (::a.b.c.d, 64:ff9b::a.b.c.d) is the last two groups.
  const tail = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = rest === undefined ? [] : rest ? rest.split(':') : [];
  const missing = rest === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => parseInt(g, 16).toString(16));
}

/** Sockets this instance holds per address key (MAX_CONNECTIONS_PER_IP); the sum over instances is the bus's. */
export class AddressCounts {
  readonly #counts = new Map<string, number>();

  /** Count one more socket from `key`, unless `max` are open already. */
  take(key: string, max: number): boolean {
    const count = this.#counts.get(key) ?? 0;
    if (count >= max) return false;
    this.#counts.set(key, count + 1);
    return true;
  }

  give(key: string): void {
    const count = (this.#counts.get(key) ?? 1) - 1;
    if (count <= 0) this.#counts.delete(key);
    else this.#counts.set(key, count);
  }
}
