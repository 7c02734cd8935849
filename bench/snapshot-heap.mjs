// `node bench/snapshot-heap.mjs [page]`: compiles and runs bench/snapshot-heap.ts (see there).
import { compileBench } from './compile.mjs';

const { main } = await compileBench('snapshot-heap', 'cobrowse-bench-heap');
await main();
