/**
 * What browser bundles get for `import ... from 'msgpackr'` (the alias in
 * ../esbuild-aliases.mjs): only msgpackr's ESM pack and unpack, which is all
 * shared/codec.ts uses, instead of its whole UMD no-eval build (iterators,
 * streams and all): 12.1 KB gzipped instead of 15.7. The code generation in
 * unpack.js is blocked at build time by ./msgpackr-no-eval.mjs, the way
 * msgpackr's own no-eval build does it.
 *
 * Relative paths, not 'msgpackr/pack': the alias rewrites 'msgpackr/…' too.
 */
export { Packr } from '../../node_modules/msgpackr/pack.js';
export { Unpackr } from '../../node_modules/msgpackr/unpack.js';
