/**
 * esbuild plugin: msgpackr's unpack.js compiles a fast reader for each
 * record structure with `new Function`, which a Content-Security-Policy
 * without 'unsafe-eval' refuses (and reports). Our codec never sends
 * records, but a hostile peer can: a record definition is read whatever the
 * Unpackr's options. Like msgpackr's own no-eval build (its rollup config
 * replaces `Function` with the undefined `BlockedFunction`), the call is
 * turned into one that throws, which msgpackr catches and then keeps to its
 * interpreted reader. Checked by test/node/codec.test.ts. Its TextDecoder
 * keeps a leading byte order mark, as shared/msgpack-reader.ts does.
 */
import { readFile } from 'node:fs/promises';

const UNPACK = /[\\/]node_modules[\\/]msgpackr[\\/]unpack\.js$/;

const PACK = /[\\/]node_modules[\\/]msgpackr[\\/]pack\.js$/;

/**
 * esbuild plugin: no `new Function` in msgpackr's unpack.js. And msgpackr's
 * pack.js counts as free of side effects, so that a bundle that packs with
 * shared/msgpack-writer.ts (the product's) leaves it out, although the alias
 * module re-exports its Packr for bundles that do use it.
 */
export const msgpackrNoEval = Object.freeze({
  name: 'msgpackr-no-eval',
  setup(build) {
    build.onResolve({ filter: /msgpackr[\\/]pack\.js$/ }, async (args) => {
      if (args.pluginData?.msgpackrPack) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { msgpackrPack: true },
      });
      if (resolved.errors.length > 0 || !PACK.test(resolved.path)) return undefined;
      return { path: resolved.path, sideEffects: false };
    });
    build.onLoad({ filter: UNPACK }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      // unpack.js declares `var BlockedFunction;` for exactly this replacement.
      if (!/\bvar BlockedFunction\b/.test(source))
        throw new Error('msgpackr/unpack.js changed: BlockedFunction is gone; review the no-eval patch.');
      // Its TextDecoder for strings over 64 bytes would drop a leading U+FEFF (a text or a field's value
      // starting with one would lose it, and later value splices would apply to the wrong base).
      const decoder = /\bdecoder = new TextDecoder\(\);/;
      if (!decoder.test(source))
        throw new Error('msgpackr/unpack.js changed: its TextDecoder is gone; review the byte order mark patch.');
      const contents = source
        .replace(/\bnew Function\(/g, 'new BlockedFunction(')
        .replace(decoder, "decoder = new TextDecoder('utf-8', { ignoreBOM: true });");
      return { contents, loader: 'js' };
    });
  },
});
