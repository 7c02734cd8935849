// Build everything `npm start` and the tests need:
//   dist/node/     server and protocol code compiled by tsc (run as plain JS in production)
//   dist/browser/  the customer loader, the customer session bundle and the agent console (esbuild)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { BROWSER_BUILD_OPTIONS } from './esbuild-aliases.mjs';
import { AGENT_CONSOLE_BANNER, EAGER_COMPILE_BANNER, browserBundleOptions } from './esbuild-browser-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const watchless = { logLevel: 'warning', bundle: true, minify: true, sourcemap: 'linked', legalComments: 'none' };

/** Browser bundles: the loader every page carries must stay tiny, so it gets no Node shims. */
export const bundles = [
  {
    name: 'customer loader',
    entry: 'client/cobrowse.ts',
    outfile: 'browser/cobrowse.js',
    options: { platform: 'browser', format: 'esm', target: 'es2022', ...BROWSER_BUILD_OPTIONS },
  },
  // The customer UI (prompts, indicator, toasts, English), fetched the first time the customer is shown anything.
  {
    name: 'customer view',
    entry: 'client/cobrowse-ui.ts',
    outfile: 'browser/cobrowse-ui.js',
    options: { platform: 'browser', format: 'esm', target: 'es2022', ...BROWSER_BUILD_OPTIONS },
  },
  // Non-English catalogs of the customer UI, fetched by the loader only for a page in that language.
  // And the integrator wording module, fetched only by pages that set wording.
  ...['es', 'fr', 'de', 'pt', 'ja', 'ar', 'wording'].map((lang) => ({
    name: `customer catalog (${lang})`,
    entry: `client/i18n/${lang}.ts`,
    outfile: `browser/i18n/${lang}.js`,
    options: { platform: 'browser', format: 'esm', target: 'es2022' },
  })),
  {
    name: 'customer session',
    entry: 'client/session-entry.ts',
    outfile: 'browser/cobrowse-session.js',
    // Compiled whole while it streams in (the prompt shows meanwhile), not function by function in the first snapshot.
    // Split at its dynamic imports: remote control's code is a chunk fetched only when control may be granted
    // (client/session/remote-control.ts); see sessionSplitOptions.
    options: { ...browserBundleOptions, ...BROWSER_BUILD_OPTIONS, banner: EAGER_COMPILE_BANNER },
    split: true,
  },
  // The customer's deflate stream, run in a worker (or imported where the page's CSP forbids one).
  {
    name: 'customer deflate',
    entry: 'shared/deflate-worker.ts',
    outfile: 'browser/cobrowse-deflate.js',
    options: { platform: 'browser', format: 'esm', target: 'es2022', ...BROWSER_BUILD_OPTIONS },
  },
  {
    name: 'agent console',
    entry: 'agent/console.ts',
    outfile: 'browser/agent/console.js',
    // Compiled whole as it loads, so the customer's first snapshot does not compile the mirror function by function.
    options: { ...browserBundleOptions, ...BROWSER_BUILD_OPTIONS, banner: AGENT_CONSOLE_BANNER },
  },
];
const staticFiles = [
  ['agent/index.html', 'browser/agent/index.html'],
  ['agent/console.css', 'browser/agent/console.css'],
];

/**
 * esbuild options that split a bundle written as `outfile` at its dynamic imports: the entry keeps its name, the
 * chunks go beside it as cobrowse-<name>-<hash>.js (the server sends any cobrowse*.js cross-origin, as the entry:
 * signaling/app.ts), imported by URLs relative to the entry's own, so they load from wherever it was loaded.
 * The hash: an entry of an earlier build (a page loaded before a deploy) never runs a newer build's chunk.
 * Code both the entry and a chunk use goes into a shared chunk the entry imports.
 */
export function splitOptions(outfile) {
  return {
    splitting: true,
    outdir: dirname(outfile),
    entryNames: basename(outfile, '.js'),
    chunkNames: 'cobrowse-[name]-[hash]',
  };
}

export async function buildAll() {
  // Compile first: a type error leaves the previous build in place instead of no build at all.
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  execFileSync(tsc, ['-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  rmSync(join(out, 'browser'), { recursive: true, force: true });
  mkdirSync(join(out, 'browser'), { recursive: true });
  const sizes = {};
  for (const bundle of bundles) {
    const entry = join(root, bundle.entry);
    if (!existsSync(entry)) throw new Error(`${bundle.name}: entry ${bundle.entry} is missing`);
    const outfile = join(out, bundle.outfile);
    const result = await esbuild.build({
      ...watchless,
      ...bundle.options,
      entryPoints: [entry],
      ...(bundle.split ? splitOptions(outfile) : { outfile }),
      metafile: true,
    });
    const output =
      result.metafile.outputs[`dist/${bundle.outfile}`] ??
      Object.values(result.metafile.outputs).find((o) => o.entryPoint);
    sizes[bundle.outfile] = output?.bytes ?? null;
    // The chunks too, under their own names.
    for (const [path, chunk] of Object.entries(result.metafile.outputs))
      if (path.endsWith('.js') && path !== `dist/${bundle.outfile}`) sizes[relative('dist', path)] = chunk.bytes;
  }
  for (const [from, to] of staticFiles) {
    mkdirSync(dirname(join(out, to)), { recursive: true });
    cpSync(join(root, from), join(out, to));
  }
  writeFileSync(join(out, 'build-info.json'), JSON.stringify({ builtAt: new Date().toISOString(), sizes }, null, 2));
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const sizes = await buildAll();
  for (const [file, bytes] of Object.entries(sizes))
    console.log(`  ${file.padEnd(32)} ${(bytes / 1024).toFixed(1)} KB`);
  console.log(`Built in ${Date.now() - started} ms.`);
}
