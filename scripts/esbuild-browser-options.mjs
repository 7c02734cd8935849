// esbuild options every browser bundle that includes shared/peer.ts needs:
// simple-peer 9 (and readable-stream under it) reads the Node globals
// `global`, `Buffer` and `process`. `define` maps `global`; the injected shim
// provides the other two from the npm `buffer` and `process` packages.
import { fileURLToPath } from 'node:url';

const nodeGlobalsShim = fileURLToPath(new URL('./shims/node-globals.js', import.meta.url));

/** Spread into esbuild.build({ ...browserBundleOptions, entryPoints, outfile }). */
export const browserBundleOptions = {
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  define: { global: 'globalThis' },
  inject: [nodeGlobalsShim],
};
