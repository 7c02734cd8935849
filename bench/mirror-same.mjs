// `MIRROR_BASE_TREE=<dir> node bench/mirror-same.mjs [pages]`: compiles and runs bench/mirror-same.ts (see there).
import { compileBench } from './compile.mjs';

const { main } = await compileBench('mirror-same', 'cobrowse-bench-mirror-same');
await main();
