// `node bench/agent-replay.mjs [nodes] [runs] [intervalMs]`: compiles and runs bench/agent-replay.ts (see there).
import { compileBench } from './compile.mjs';

const { main } = await compileBench('agent-replay', 'cobrowse-bench-agent-replay');
await main();
