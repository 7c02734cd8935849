/**
 * A throwaway Redis for tests: redis-server on a free loopback port, no
 * persistence, in a temp dir; stopped and removed afterwards. Binary from
 * REDIS_SERVER or PATH (Debian: /usr/bin/redis-server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './free-port.js';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

export function findRedisServer(): string | null {
  const candidates = [
    process.env.REDIS_SERVER ?? '',
    ...(process.env.PATH ?? '').split(':').map((dir) => join(dir, 'redis-server')),
    '/usr/bin/redis-server',
  ];
  return candidates.find((path) => path && existsSync(path)) ?? null;
}

export const REDIS_MISSING =
  'redis-server is not installed (REDIS_SERVER, PATH, /usr/bin): SKIPPING the Redis tests. `bash .ci/run` installs it (apt-get install redis-server).';

/** Test files run in parallel: another may take the free port first, so a failed start tries another. */
export async function startRedis(binary: string): Promise<RedisServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startRedisOnce(binary);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * One Redis for the calling suite, started before its first test and stopped after its last, and a factory of
 * clients to it (one retry per request), disconnected then too.
 */
export function suiteRedis(binary: string): () => Redis {
  let server: RedisServer | undefined;
  const clients: Redis[] = [];
  beforeAll(async () => {
    server = await startRedis(binary);
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('Redis did not start');
    const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  };
}

async function startRedisOnce(binary: string): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cobrowse-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  // Ready when it answers PING; bounded so a broken install fails instead of hanging.
  for (let attempt = 0; ; attempt += 1) {
    if (await answersPing(port)) break;
    if (attempt > 200 || child.exitCode !== null) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
