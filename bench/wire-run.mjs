// Compiles bench/wire-dump.ts (like bench/run.mjs does for the bench) and runs it; uses dist/ as it is.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'node_modules', '.cache', 'cobrowse-wire');
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: { 'wire-dump': join(root, 'bench', 'wire-dump.ts') },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
process.env.BENCH_ROOT = root;
const { main } = await import(pathToFileURL(join(out, 'wire-dump.mjs')).href);
await main();
