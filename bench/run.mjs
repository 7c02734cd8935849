// `npm run bench`: builds the product bundles, compiles the benchmark (TypeScript) with esbuild
// into node_modules/.cache so its bare imports resolve from the project, then runs it.
// BENCH_SKIP_BUILD=1 reuses dist/ as it is; BENCH_QUICK=1 runs a shortened pass (smoke test only).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileBench, root } from './compile.mjs';

if (process.env.BENCH_SKIP_BUILD !== '1') {
  const started = Date.now();
  const { buildAll } = await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href);
  await buildAll();
  console.log(`Built the product in ${Date.now() - started} ms.`);
}

// main.ts starts the signaling server of the capacity scenario from signaling-server.mjs beside it.
const { main } = await compileBench('main', 'cobrowse-bench', { 'signaling-server': 'signaling-server.ts' });
await main();
// Issue #15: asset and canvas bytes (bench/fidelity-bytes.ts), results in bench/results/fidelity.{json,md}.
await (await compileBench('fidelity-bytes', 'cobrowse-bench-fidelity')).runFidelityBench();
