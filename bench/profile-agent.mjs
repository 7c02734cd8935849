// `node bench/profile-agent.mjs [nodes]`: compiles and runs bench/profile-agent.ts (see there). Uses dist/ as built.
import { compileBench } from './compile.mjs';

const { main } = await compileBench('profile-agent', 'cobrowse-bench-profile-agent');
await main(process.argv[2] ?? '100000');
