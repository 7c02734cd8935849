/**
 * Scenario 5: signaling capacity. The server runs alone in a child process;
 * this process holds sessions (a customer and an agent WebSocket each,
 * authenticated, heartbeats answered by `ws`), steps the count up, and at
 * each step measures the server's RSS and the join latency of fresh
 * sessions. Bounded: it stops at the last step, on the first failure, over
 * 1 GB RSS, or when its time budget is spent.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../shared/protocol.js';
import { quantile } from './stats.js';

export interface SignalingStep {
  sessions: number;
  rssBytes: number;
  rssPerSessionBytes: number;
  joinP50Ms: number;
  joinP99Ms: number;
  /** Held sockets that closed while held (should be 0). */
  dropped: number;
}

export interface SignalingResult {
  /** Open files allowed per process here (each socket is one, on both ends). */
  fileLimit: number | null;
  baselineRssBytes: number;
  steps: SignalingStep[];
  maxSessionsHeld: number;
  stoppedBecause: string;
  heartbeatSeconds: number;
}

const API_KEY = 'bench-api-key-0123456789abcdef';
const HEARTBEAT_SECONDS = 2;
const RSS_LIMIT = 2 * 1024 * 1024 * 1024;

export interface Child {
  process: ChildProcess;
  port: number;
  rss(): Promise<number>;
  stop(): Promise<void>;
}

/** The server alone in a child process; `env` adds to the bench's own (e.g. DATABASE_URL). */
export async function startChild(script: string, env: Record<string, string> = {}): Promise<Child> {
  const child = fork(script, [], {
    env: {
      ...process.env,
      ...env,
      API_KEY,
      // Every connection comes from 127.0.0.1 here.
      MAX_CONNECTIONS_PER_IP: '100000',
      HEARTBEAT_INTERVAL: String(HEARTBEAT_SECONDS),
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`signaling server exited with ${code}`)));
  });
  return {
    process: child,
    port,
    rss: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { rss: number }).rss));
        child.send('rss');
      }),
    stop: () =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send('stop');
      }),
  };
}

interface Tokens {
  customer: string;
  agent: string;
}

export async function createSession(port: number): Promise<Tokens> {
  const res = await fetch(`http://127.0.0.1:${port}/api/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agentName: 'Bench' }),
  });
  if (res.status !== 201) throw new Error(`create session: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { customer: { invite: { token: string } }; agent: { token: string } };
  return { customer: body.customer.invite.token, agent: body.agent.token };
}

/** Opens a socket and authenticates; resolves once welcomed. */
export function join(port: number, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no welcome within 15 s'));
    }, 15_000);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, token })));
    ws.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      if (text.includes('"t":"welcome"')) {
        clearTimeout(timer);
        resolve(ws);
      } else if (text.includes('"t":"error"')) {
        clearTimeout(timer);
        reject(new Error(`refused: ${text}`));
      }
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`closed ${code} before welcome`));
    });
  });
}

export async function inParallel<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  });
  await Promise.all(workers);
  return results;
}

export async function runSignalingScenario(
  serverScript: string,
  options: { steps: readonly number[]; joinSamples: number; budgetMs: number },
  log: (line: string) => void,
): Promise<SignalingResult> {
  const started = Date.now();
  const child = await startChild(serverScript);
  const held: WebSocket[] = [];
  let dropped = 0;
  const steps: SignalingStep[] = [];
  let stoppedBecause = 'all steps done';
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baselineRss = await child.rss();
    for (const target of options.steps) {
      if (Date.now() - started > options.budgetMs) {
        stoppedBecause = `time budget of ${options.budgetMs / 1000} s spent`;
        break;
      }
      const add = target - held.length / 2;
      try {
        await inParallel(add, 32, async () => {
          const tokens = await createSession(child.port);
          const customer = await join(child.port, tokens.customer);
          const agent = await join(child.port, tokens.agent);
          for (const ws of [customer, agent]) {
            ws.once('close', () => dropped++);
            held.push(ws);
          }
        });
      } catch (error) {
        stoppedBecause = `failed adding sessions towards ${target}: ${error instanceof Error ? error.message : String(error)}`;
        break;
      }
      // Hold through more than one heartbeat round before measuring.
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_SECONDS * 1000 + 500));
      const samples: number[] = [];
      for (let i = 0; i < options.joinSamples; i++) {
        const tokens = await createSession(child.port);
        const customer = await join(child.port, tokens.customer);
        const t0 = performance.now();
        const agent = await join(child.port, tokens.agent);
        samples.push(performance.now() - t0);
        customer.close();
        agent.close();
      }
      const rss = await child.rss();
      const step: SignalingStep = {
        sessions: target,
        rssBytes: rss,
        rssPerSessionBytes: (rss - baselineRss) / target,
        joinP50Ms: quantile(samples, 0.5),
        joinP99Ms: quantile(samples, 0.99),
        dropped,
      };
      steps.push(step);
      log(
        `  signaling ${target} sessions: RSS ${(rss / 1048576).toFixed(0)} MB (${(step.rssPerSessionBytes / 1024).toFixed(1)} KB/session), join p99 ${step.joinP99Ms.toFixed(1)} ms, dropped ${dropped}`,
      );
      if (dropped > 0) {
        stoppedBecause = `${dropped} held sockets closed`;
        break;
      }
      if (rss > RSS_LIMIT) {
        stoppedBecause = 'RSS over 2 GB';
        break;
      }
    }
    const good = steps.filter((s) => s.dropped === 0);
    return {
      fileLimit: openFileLimit(),
      baselineRssBytes: baselineRss,
      steps,
      maxSessionsHeld: good[good.length - 1]?.sessions ?? 0,
      stoppedBecause,
      heartbeatSeconds: HEARTBEAT_SECONDS,
    };
  } finally {
    for (const ws of held) {
      ws.removeAllListeners('close');
      ws.terminate();
    }
    await child.stop();
  }
}

/** `ulimit -n` of this process (and so of its children), or null if unknown. */
export function openFileLimit(): number | null {
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}
