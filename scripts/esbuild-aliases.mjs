/**
 * esbuild settings for every browser bundle that includes shared/ (the
 * customer's session code above all): customer pages may carry a
 * Content-Security-Policy without 'unsafe-eval', so the bundle must never
 * generate code at run time. Checked by test/node/codec.test.ts.
 */

/**
 * msgpackr's default build compiles record readers with `new Function`; its
 * `index-no-eval` entry (same API, CommonJS/UMD, which esbuild bundles fine)
 * does not.
 */
export const BROWSER_ALIASES = Object.freeze({ msgpackr: 'msgpackr/index-no-eval' });

/**
 * Classic zod 4 compiles object parsers with `new Function` and probes for it
 * when a schema is built, which a strict CSP reports as a violation even
 * though zod catches the error. shared/protocol.ts uses zod/mini, which never
 * generates code; this banner stays as a safeguard should classic zod ever
 * reach a browser bundle: it presets the global config zod reads at load time
 * (zod/v4/core/core.js) to jitless, before any bundled module runs. Side
 * effect: a zod 4 loaded later by the host page on the same realm is jitless
 * too.
 */
export const BROWSER_BANNER = Object.freeze({
  js: 'globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig ?? {}, { jitless: true });',
});

/** Spread into esbuild's build options for browser bundles: `{ ...BROWSER_BUILD_OPTIONS, entryPoints, ... }`. */
export const BROWSER_BUILD_OPTIONS = Object.freeze({ alias: BROWSER_ALIASES, banner: BROWSER_BANNER });
