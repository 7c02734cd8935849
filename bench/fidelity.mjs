// `node bench/fidelity.mjs`: only the fidelity bytes scenario (bench/fidelity-bytes.ts), on dist/ as built.
import { compileBench } from './compile.mjs';

const { runFidelityBench } = await compileBench('fidelity-bytes', 'cobrowse-bench-fidelity');
await runFidelityBench();
