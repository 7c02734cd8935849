// `npm run bench`: builds the product bundles, compiles the benchmark (TypeScript) with esbuild
// into node_modules/.cache so its bare imports resolve from the project, then runs it.
// BENCH_SKIP_BUILD=1 reuses dist/ as it is; BENCH_QUICK=1 runs a shortened pass (smoke test only).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'node_modules', '.cache', 'cobrowse-bench');
mkdirSync(out, { recursive: true });

if (process.env.BENCH_SKIP_BUILD !== '1') {
  const started = Date.now();
  const { buildAll } = await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href);
  await buildAll();
  console.log(`Built the product in ${Date.now() - started} ms.`);
}

await esbuild.build({
  entryPoints: { main: join(root, 'bench', 'main.ts'), 'signaling-server': join(root, 'bench', 'signaling-server.ts') },
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
const { main } = await import(pathToFileURL(join(out, 'main.mjs')).href);
await main();
