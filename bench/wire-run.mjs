// Compiles bench/wire-dump.ts (like bench/run.mjs does for the bench) and runs it; uses dist/ as it is.
import { compileBench } from './compile.mjs';

const { main } = await compileBench('wire-dump', 'cobrowse-wire');
await main();
