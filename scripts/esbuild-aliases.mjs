/**
 * esbuild settings for every browser bundle that includes shared/ (the
 * customer's session code above all): customer pages may carry a
 * Content-Security-Policy without 'unsafe-eval', so the bundle must never
 * generate code at run time. Checked by test/node/codec.test.ts.
 */

import { fileURLToPath } from 'node:url';
import { msgpackrNoEval } from './shims/msgpackr-no-eval.mjs';
import { litPristineDocument } from './shims/lit-pristine-document.mjs';
import { simplePeerShims } from './shims/simple-peer-shims.mjs';
import { templateIndentation } from './shims/template-indentation.mjs';

/**
 * msgpackr: only its ESM pack and unpack (shims/msgpackr.mjs), with the
 * `new Function` of its record readers blocked by the msgpackrNoEval plugin.
 */
export const BROWSER_ALIASES = Object.freeze({
  msgpackr: fileURLToPath(new URL('./shims/msgpackr.mjs', import.meta.url)),
});

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

/**
 * Spread into esbuild's build options for browser bundles: `{ ...BROWSER_BUILD_OPTIONS, entryPoints, ... }`.
 * Its plugins include simple-peer's shims too, so that spreading it after
 * browserBundleOptions (which has them alone) keeps both.
 */
export const BROWSER_BUILD_OPTIONS = Object.freeze({
  alias: BROWSER_ALIASES,
  banner: BROWSER_BANNER,
  plugins: [msgpackrNoEval, simplePeerShims, litPristineDocument, templateIndentation],
});
