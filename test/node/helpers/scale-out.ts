/**
 * Several signaling instances on one PostgreSQL and one Redis, started by
 * the test (helpers/postgres.ts, helpers/redis.ts): what "scale-out" means.
 */
import { afterAll, beforeAll } from 'vitest';
import { findPostgresBin, POSTGRES_MISSING, startPostgres, type PostgresServer } from './postgres.js';
import { findRedisServer, REDIS_MISSING, startRedis, type RedisServer } from './redis.js';

export const SCALE_AUDIT_KEY = 'scale-out-audit-key-0123456789abcdefghijklmn';
/** Shared by every instance, as operators must: a cookie from one instance is good on the others. */
export const SCALE_AGENT_AUTH_SECRET = 'scale-out-agent-auth-secret-0123456789abcdef';

export interface Backends {
  postgres: PostgresServer;
  redis: RedisServer;
  stop(): Promise<void>;
}

/** Null (after a loud warning) when PostgreSQL or Redis is not installed. */
export function backendsAvailable(): { pgBin: string; redisBin: string } | null {
  const pgBin = findPostgresBin();
  const redisBin = findRedisServer();
  if (!pgBin) console.warn(`\n!!! ${POSTGRES_MISSING}\n`);
  if (!redisBin) console.warn(`\n!!! ${REDIS_MISSING}\n`);
  return pgBin && redisBin ? { pgBin, redisBin } : null;
}

export async function startBackends(bins: { pgBin: string; redisBin: string }): Promise<Backends> {
  const [postgres, redis] = await Promise.all([startPostgres(bins.pgBin), startRedis(bins.redisBin)]);
  return {
    postgres,
    redis,
    async stop() {
      await Promise.allSettled([postgres.stop(), redis.stop()]);
    },
  };
}

/**
 * Registers, in the calling describe, PostgreSQL and Redis started before its
 * tests and stopped after them; returns what gives the running backends (and
 * throws if they did not start).
 */
export function useBackends(bins: { pgBin: string; redisBin: string } | null): () => Backends {
  let backends: Backends | undefined;
  beforeAll(async () => {
    backends = await startBackends(bins ?? { pgBin: '', redisBin: '' });
  }, 120_000);
  afterAll(async () => {
    await backends?.stop();
  });
  return () => {
    if (!backends) throw new Error('backends did not start');
    return backends;
  };
}

/** The environment of one instance of a deployment. */
export function instanceEnv(databaseUrl: string, redisUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    AUDIT_KEY: SCALE_AUDIT_KEY,
    AGENT_AUTH_SECRET: SCALE_AGENT_AUTH_SECRET,
    PRESENCE_TTL: '1',
  };
}
