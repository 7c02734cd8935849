// `node bench/profile.mjs [page] [rec]`: compiles and runs bench/profile-snapshot.ts (see there). Uses dist/ as built.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'node_modules', '.cache', 'cobrowse-bench');
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: { profile: join(root, 'bench', 'profile-snapshot.ts') },
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
const { main } = await import(pathToFileURL(join(out, 'profile.mjs')).href);
await main();
