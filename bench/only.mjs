// `node bench/only.mjs network|long`: compiles and runs bench/only.ts (see there). Uses dist/ as built.
import { compileBench } from './compile.mjs';

const { main } = await compileBench('only', 'cobrowse-bench-only');
await main(process.argv[2] ?? '');
