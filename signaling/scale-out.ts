/**
 * What the server shares with its sibling instances, chosen by REDIS_URL:
 * the session bus (presence, routing, timers), the support-code book and the
 * Redis client for rate-limit counters. Without Redis everything stays in
 * this process, as one instance needs.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { ServerConfig } from './config.js';
import { connecting } from './connection-errors.js';
import { RedisBus } from './redis-bus.js';
import { LocalBus, type SessionBus } from './session-bus.js';
import { memoryCodeBook, redisCodeBook, type SupportCodeBook } from './support-code-book.js';

export interface SharedState {
  bus: SessionBus;
  codeBook: SupportCodeBook;
  /** For the rate limiter's counters; null keeps them in memory. */
  redis: Redis | null;
  close(): Promise<void>;
}

export async function openSharedState(config: ServerConfig, log: FastifyBaseLogger): Promise<SharedState> {
  if (!config.redisUrl) {
    const bus = new LocalBus();
    return { bus, codeBook: memoryCodeBook(), redis: null, close: () => bus.close() };
  }
  const url = config.redisUrl;
  const bus = await connecting('Redis', 'REDIS_URL', url, () =>
    RedisBus.connect({ url, presenceTtlMs: config.presenceTtlMs, log }),
  );
  return { bus, codeBook: redisCodeBook(bus.redis), redis: bus.redis, close: () => bus.close() };
}
