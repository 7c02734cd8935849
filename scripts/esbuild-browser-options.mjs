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

/**
 * A banner asking V8 to compile every function of the bundle when the bundle itself is compiled
 * (Chromium's explicit compile hint), which Chromium does off the main thread while the script
 * streams in, instead of one function at a time on the main thread at its first call. For the
 * customer session bundle: its first snapshot otherwise compiled the capture code as it reached it
 * (bench/snapshot-pair.mjs, paired: 1k-node page 32.4 -> 25.3 ms of main-thread CPU, 10k
 * 74-83 -> 69-73 ms).
 */
export const EAGER_COMPILE_BANNER = { js: '//# allFunctionsCalledOnLoad' };

/**
 * The agent console's banner: the same hint, so that the mirror's decode and build code is compiled with the
 * console (streamed in while the agent signs in and waits) instead of in the customer's first snapshot.
 */
export const AGENT_CONSOLE_BANNER = EAGER_COMPILE_BANNER;
