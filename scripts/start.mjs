// `npm start`: build when the build is missing or older than the sources, then run the compiled server.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverEntry = join(root, 'dist', 'node', 'signaling', 'server.js');
const buildInfo = join(root, 'dist', 'build-info.json');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sourceDirs = ['shared', 'signaling', 'client', 'agent'].map((d) => join(root, d)).filter(existsSync);
const stale =
  !existsSync(serverEntry) ||
  !existsSync(buildInfo) ||
  statSync(buildInfo).mtimeMs < Math.max(...sourceDirs.map(newestSource));
if (stale) {
  console.log('Building…');
  const { buildAll } = await import('./build.mjs');
  await buildAll();
}

const child = spawn(process.execPath, [serverEntry], { stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
