/**
 * A real TURN server (Debian's coturn) on loopback for tests and the
 * benchmark, with the REST-API shared secret the signaling server uses to
 * mint time-limited credentials.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { freePort } from './free-port.js';

export const TURNSERVER_PATH = process.env['TURNSERVER_PATH'] ?? '/usr/bin/turnserver';

export interface Coturn {
  port: number;
  /** Everything coturn printed so far (with --verbose it names the REST usernames). */
  log(): string;
  close(): void;
}

/**
 * Test instrumentation only (the product's own code path is unchanged): every
 * RTCPeerConnection the page makes is forced to relay-only ICE and kept in
 * `window.__pcs` so a test can read its selected candidate pair.
 */
export const FORCE_RELAY = `
  (() => {
    const PC = window.RTCPeerConnection;
    window.__pcs = [];
    window.RTCPeerConnection = function (config = {}) {
      const pc = new PC({ ...config, iceTransportPolicy: 'relay' });
      window.__pcs.push(pc);
      return pc;
    };
    window.RTCPeerConnection.prototype = PC.prototype;
    Object.setPrototypeOf(window.RTCPeerConnection, PC);
  })();
`;

/** Starts coturn on a free loopback port; relays between loopback peers (never do that in production). */
export async function startCoturn(secret: string): Promise<Coturn> {
  const port = await freePort();
  const [minPort, maxPort] = [port + 1, port + 200].map((p) => Math.min(p, 65535));
  const turnserver = await runTurnserver([
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${maxPort}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=cobrowse.test',
    // Both browsers are on this machine, so the relay must reach loopback peers.
    '--allow-loopback-peers',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--no-multicast-peers',
    '--log-file=stdout',
    '--simple-log',
    '--verbose',
  ]);
  return { port, ...turnserver };
}

/** Runs Debian's turnserver with these arguments until its log matches `ready` (by default, its listeners are open). */
export async function runTurnserver(
  args: readonly string[],
  ready: RegExp = /listener opened on|Total General servers|IO method/i,
): Promise<Omit<Coturn, 'port'>> {
  if (!existsSync(TURNSERVER_PATH)) {
    throw new Error(
      `coturn not found at ${TURNSERVER_PATH}: install it (apt-get install -y coturn) or set TURNSERVER_PATH`,
    );
  }
  const child: ChildProcess = spawn(TURNSERVER_PATH, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const started = Date.now();
  while (!ready.test(log)) {
    if (Date.now() - started > 10_000 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`coturn did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    log: () => log,
    close: () => void child.kill('SIGTERM'),
  };
}

/** The candidate types of the pair each live connection in the page uses. */
export async function selectedPairs(page: Page): Promise<{ local: string; remote: string }[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter(
      (pc) => pc.connectionState === 'connected',
    );
    const pairs: { local: string; remote: string }[] = [];
    for (const pc of pcs) {
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((value: Record<string, unknown>, id: string) => byId.set(id, value));
      for (const entry of byId.values()) {
        if (entry['type'] !== 'transport' || typeof entry['selectedCandidatePairId'] !== 'string') continue;
        const pair = byId.get(entry['selectedCandidatePairId']);
        const local = byId.get(String(pair?.['localCandidateId']));
        const remote = byId.get(String(pair?.['remoteCandidateId']));
        pairs.push({ local: String(local?.['candidateType']), remote: String(remote?.['candidateType']) });
      }
    }
    return pairs;
  });
}
