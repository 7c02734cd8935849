// esbuild options every browser bundle that includes shared/peer.ts needs.
// simple-peer 9 is CommonJS written for Node: it requires readable-stream,
// buffer, debug and randombytes, which would pull in about 80 KB (minified) of
// Node polyfills. The plugin resolves those four, for simple-peer's imports
// only, to the small modules in shims/ (see shims/simple-peer-shims.mjs).
// Nothing is put on the page's globals: no `Buffer` or `process` leaks into
// the customer's page (msgpackr then takes its plain Uint8Array path).
// `global` is still read by queue-microtask (under simple-peer), hence the define.
import { simplePeerShims } from './shims/simple-peer-shims.mjs';

/** Spread into esbuild.build({ ...browserBundleOptions, entryPoints, outfile }). */
export const browserBundleOptions = {
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  define: { global: 'globalThis' },
  plugins: [simplePeerShims],
};
