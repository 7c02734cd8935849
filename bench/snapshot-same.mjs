// `SNAPSHOT_BASE_TREE=<dir> node bench/snapshot-same.mjs [pages]`: compiles and runs bench/snapshot-same.ts (see there).
import { compileBench } from './compile.mjs';

const { main } = await compileBench('snapshot-same', 'cobrowse-bench-same');
await main();
