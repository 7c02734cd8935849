// `node bench/network-run.mjs`: only the realistic-network scenario (bench/network.ts), printed, not saved. Uses dist/ as built.
import { compileBench } from './compile.mjs';

const { runNetworkScenario, networkTable } = await compileBench('network', 'cobrowse-bench-network');
const { recorderBundles } = await compileBench('bundles', 'cobrowse-bench-network');
const root = process.env.BENCH_ROOT;
const quick = process.env.BENCH_QUICK === '1';
const result = await runNetworkScenario(
  root,
  await recorderBundles(root),
  { allowRuns: quick ? 1 : 5, mutations: quick ? 100 : 500, pageNodes: 10_000 },
  console.log,
);
console.log('\n' + networkTable(result));
