// `node bench/only.mjs network|long|latency|snapshot|steady [arg]`: compiles and runs bench/only.ts (see there). Uses dist/ as built.
import { compileBench } from './compile.mjs';

const { main } = await compileBench('only', 'cobrowse-bench-only');
await main(process.argv[2] ?? '', process.argv[3] ?? '');
