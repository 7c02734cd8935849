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
import { zodJitless } from './shims/zod-jitless.mjs';

/**
 * msgpackr: only its ESM pack and unpack (shims/msgpackr.mjs), with the
 * `new Function` of its record readers blocked by the msgpackrNoEval plugin.
 */
export const BROWSER_ALIASES = Object.freeze({
  msgpackr: fileURLToPath(new URL('./shims/msgpackr.mjs', import.meta.url)),
});

/**
 * Spread into esbuild's build options for browser bundles: `{ ...BROWSER_BUILD_OPTIONS, entryPoints, ... }`.
 * Its plugins include simple-peer's shims too, so that spreading it after
 * browserBundleOptions (which has them alone) keeps both.
 */
export const BROWSER_BUILD_OPTIONS = Object.freeze({
  alias: BROWSER_ALIASES,
  plugins: [msgpackrNoEval, zodJitless, simplePeerShims, litPristineDocument, templateIndentation],
});
