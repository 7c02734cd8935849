/**
 * Scenario 6: three signaling instances on one PostgreSQL and one Redis (the
 * scale-out deployment), each alone in a child process. Sessions are held
 * with the customer on one instance and the agent on the next; fresh joins
 * and a consent event relayed between instances are timed while they are
 * held. PostgreSQL and Redis are started here, in temp dirs, as the tests do.
 */
import { startPostgres, findPostgresBin } from '../test/node/helpers/postgres.js';
import { findRedisServer, startRedis } from '../test/node/helpers/redis.js';
import { createSession, inParallel, join, startChild, type Child } from './signaling.js';
import { quantile } from './stats.js';

export interface ClusterResult {
  instances: number;
  sessionsHeld: number;
  /** The agent's join (open → welcome) on another instance than the customer's. */
  joinP50Ms: number;
  joinP99Ms: number;
  /** A customer event until the agent on another instance receives it. */
  relayP50Ms: number;
  relayP99Ms: number;
  samples: number;
  rssBytesPerInstance: number[];
}

const AUDIT_KEY = 'bench-cluster-audit-key-0123456789abcdefghij';

export async function runClusterScenario(
  serverScript: string,
  options: { instances: number; sessions: number; samples: number },
  log: (line: string) => void,
): Promise<ClusterResult> {
  const pgBin = findPostgresBin();
  const redisBin = findRedisServer();
  if (!pgBin || !redisBin)
    throw new Error(
      'PostgreSQL and redis-server are needed for the cluster scenario (apt-get install postgresql redis-server)',
    );
  const [postgres, redis] = await Promise.all([startPostgres(pgBin), startRedis(redisBin)]);
  const children: Child[] = [];
  const held: { close(): void; terminate(): void }[] = [];
  try {
    const databaseUrl = await postgres.createDatabase();
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, AUDIT_KEY };
    // One at a time: the first runs the migrations, the others find them done.
    for (let i = 0; i < options.instances; i += 1) children.push(await startChild(serverScript, env));
    const ports = children.map((child) => child.port);
    const portOf = (i: number): number => ports[i % ports.length] as number;

    await inParallel(options.sessions, 16, async (i) => {
      const tokens = await createSession(portOf(i));
      held.push(await join(portOf(i), tokens.customer), await join(portOf(i + 1), tokens.agent));
    });
    log(`  cluster: ${options.sessions} sessions held over ${options.instances} instances`);

    const joins: number[] = [];
    const relays: number[] = [];
    for (let i = 0; i < options.samples; i += 1) {
      const tokens = await createSession(portOf(i));
      const customer = await join(portOf(i), tokens.customer);
      const t0 = performance.now();
      const agent = await join(portOf(i + 1), tokens.agent);
      joins.push(performance.now() - t0);
      const relayed = new Promise<number>((resolve) => {
        agent.on('message', (data) => {
          if (data.toString().includes('"kind":"consent-granted"')) resolve(performance.now());
        });
      });
      const t1 = performance.now();
      customer.send(JSON.stringify({ t: 'event', event: { kind: 'consent-granted' } }));
      relays.push((await relayed) - t1);
      customer.close();
      agent.close();
    }
    const rssBytesPerInstance = await Promise.all(children.map((child) => child.rss()));
    const result: ClusterResult = {
      instances: options.instances,
      sessionsHeld: options.sessions,
      joinP50Ms: quantile(joins, 0.5),
      joinP99Ms: quantile(joins, 0.99),
      relayP50Ms: quantile(relays, 0.5),
      relayP99Ms: quantile(relays, 0.99),
      samples: options.samples,
      rssBytesPerInstance,
    };
    log(
      `  cluster: join across instances p50 ${result.joinP50Ms.toFixed(1)} ms, p99 ${result.joinP99Ms.toFixed(1)} ms; relay p50 ${result.relayP50Ms.toFixed(1)} ms, p99 ${result.relayP99Ms.toFixed(1)} ms`,
    );
    return result;
  } finally {
    for (const socket of held) socket.terminate();
    await Promise.all(children.map((child) => child.stop()));
    await Promise.allSettled([postgres.stop(), redis.stop()]);
  }
}
