// `node bench/wire-bytes.mjs [dir] [pages]`: compiles bench/wire-bytes.ts and breaks down the dumped snapshots' bytes.
import { compileBench } from './compile.mjs';

const { main } = await compileBench('wire-bytes', 'cobrowse-wire-bytes');
main();
