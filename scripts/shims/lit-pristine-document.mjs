/**
 * esbuild plugin: lit-html renders through lit-document.mjs instead of
 * the page's `document`, whose methods a page can clobber (`<img
 * name="createElement">`) or replace. lit-html keeps `document` in one
 * module-level constant (`l=document` in its production build); the build
 * fails if a Lit upgrade changes that, rather than shipping unprotected.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const litDocument = join(dirname(fileURLToPath(import.meta.url)), 'lit-document.mjs');
const DOCUMENT_CONSTANT = /(^|[,;{\s])([A-Za-z_$][\w$]*)=document,/g;

export const litPristineDocument = Object.freeze({
  name: 'lit-pristine-document',
  setup(build) {
    build.onLoad({ filter: /[\\/]lit-html[\\/]lit-html\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const matches = [...source.matchAll(DOCUMENT_CONSTANT)];
      if (matches.length !== 1) {
        return {
          errors: [
            { text: `lit-pristine-document: expected one "x=document," in ${args.path}, found ${matches.length}` },
          ],
        };
      }
      const patched = source.replace(DOCUMENT_CONSTANT, '$1$2=__cobrowseLitDocument,');
      return {
        contents: `import { litDocument as __cobrowseLitDocument } from ${JSON.stringify(litDocument)};\n${patched}`,
        loader: 'js',
      };
    });
  },
});
