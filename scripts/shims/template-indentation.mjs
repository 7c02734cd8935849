/**
 * esbuild plugin: drops the indentation after line breaks, and block
 * comments, in the customer's Lit element and its view (their html`` and
 * css`` templates, which esbuild cannot minify). The
 * loader ships on every page of the site; this keeps about 0.6 KB (min+gzip)
 * of spaces out of it. Line breaks stay, so template whitespace still
 * separates words, and JavaScript outside templates is minified anyway.
 */
import { readFile } from 'node:fs/promises';

export const templateIndentation = Object.freeze({
  name: 'template-indentation',
  setup(build) {
    build.onLoad({ filter: /[\\/]client[\\/](cobrowse-session|ui[\\/][a-z-]+)\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      // Block comments go too: those inside css`` would otherwise ship.
      const compact = source
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\n[ \t]+/g, '\n')
        // Between two tags of a template and inside css``, a line break is not needed either.
        .replace(/>\n</g, '><')
        .replace(/css`[^`]*`/g, (sheet) => sheet.replace(/\n/g, ''));
      return { contents: compact, loader: 'ts' };
    });
  },
});
