// `node bench/profile.mjs [page] [rec]`: compiles and runs bench/profile-snapshot.ts (see there). Uses dist/ as built.
import { compileBench } from './compile.mjs';

const { main } = await compileBench('profile-snapshot', 'cobrowse-bench');
await main();
