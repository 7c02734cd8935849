/**
 * Signaling instances as real processes (so a test can SIGKILL one): the
 * server entry (signaling/server.ts) bundled once with esbuild, packages
 * left external, and started with an environment like an operator's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { freePort } from './free-port.js';

const root = resolve(import.meta.dirname, '../../..');

/** Bundle the server entry into node_modules/.cache (where its packages resolve). */
export async function bundleServer(): Promise<string> {
  const dir = join(root, 'node_modules', '.cache', 'cobrowse-test-server');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `server-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, 'signaling', 'server.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

export interface ServerProcess {
  baseUrl: string;
  wsUrl: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no close frames, no cleanup, as a crash or an OOM kill. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServerProcess(entry: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-instance-'));
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DEMO: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  // A ceiling against a hang on a loaded machine; it measures nothing.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}:\n${output}`);
    const healthy = await fetch(`${baseUrl}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) throw new Error(`instance never became healthy:\n${output}`);
    await new Promise((done) => setTimeout(done, 50));
  }
  const exited = async () => {
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    child,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited();
    },
    async stop() {
      child.kill('SIGTERM');
      await exited();
    },
  };
}
