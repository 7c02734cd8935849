/**
 * esbuild plugin for browser bundles that include simple-peer: its Node
 * dependencies (readable-stream, buffer, debug, randombytes, and through them
 * events, string_decoder, process, safe-buffer, ...) weigh about 80 KB
 * minified, against about 17 KB for simple-peer itself. It uses a sliver of
 * them, so they resolve to the small modules beside this file, which keep
 * what simple-peer and shared/peer.ts rely on (see each file's header and
 * test/node/shims.test.ts).
 *
 * Only imports made by simple-peer's own files are redirected: another
 * package that asks for `buffer` still gets the real polyfill. Node code
 * (tests, node-datachannel) loads the real packages; only esbuild's browser
 * bundles see this.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const shimsDir = dirname(fileURLToPath(import.meta.url));

/** Package name → shim file, for imports from simple-peer. */
export const SIMPLE_PEER_SHIMS = Object.freeze({
  'readable-stream': join(shimsDir, 'readable-stream.cjs'),
  buffer: join(shimsDir, 'buffer.cjs'),
  debug: join(shimsDir, 'debug.cjs'),
  randombytes: join(shimsDir, 'randombytes.cjs'),
  'queue-microtask': join(shimsDir, 'queue-microtask.cjs'),
});

const SHIMMED = new RegExp(`^(${Object.keys(SIMPLE_PEER_SHIMS).join('|')})$`);
const SIMPLE_PEER_FILE = /[\\/]node_modules[\\/]simple-peer[\\/]/;

/** esbuild plugin: simple-peer's Node dependencies → SIMPLE_PEER_SHIMS. */
export const simplePeerShims = Object.freeze({
  name: 'simple-peer-shims',
  setup(build) {
    build.onResolve({ filter: SHIMMED }, (args) => {
      if (!SIMPLE_PEER_FILE.test(args.importer)) return undefined;
      return { path: SIMPLE_PEER_SHIMS[args.path] };
    });
  },
});
