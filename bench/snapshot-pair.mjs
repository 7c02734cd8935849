// `SNAPSHOT_BASE_TREE=<dir> node bench/snapshot-pair.mjs [page] [pairs]`: compiles and runs bench/snapshot-pair.ts (see there).
import { compileBench } from './compile.mjs';

const { main } = await compileBench('snapshot-pair', 'cobrowse-bench-pair');
await main();
