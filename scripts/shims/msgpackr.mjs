/**
 * What browser bundles get for `import ... from 'msgpackr'` (the alias in
 * ../esbuild-aliases.mjs): only msgpackr's ESM pack and unpack instead of its
 * whole UMD no-eval build (iterators, streams and all): 12.1 KB gzipped
 * instead of 15.7. shared/codec.ts takes only Unpackr (it packs with
 * shared/msgpack-writer.ts), and ./msgpackr-no-eval.mjs marks pack.js free of
 * side effects, so the product's bundles leave pack.js out. The code
 * generation in unpack.js is blocked at build time by that plugin, the way
 * msgpackr's own no-eval build does it.
 *
 * Relative paths, not 'msgpackr/pack': the alias rewrites 'msgpackr/…' too.
 */
export { Packr } from '../../node_modules/msgpackr/pack.js';
export { Unpackr } from '../../node_modules/msgpackr/unpack.js';
