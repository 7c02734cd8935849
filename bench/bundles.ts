/** esbuild builds the benchmark needs: the in-page recorder bundles, and the code-size bundles with their metafiles. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

/** The product's own browser build options (msgpackr alias and no-eval plugin, zod jitless plugin, simple-peer shims). */
export async function productBrowserOptions(root: string): Promise<esbuild.BuildOptions> {
  const aliases = (await import(pathToFileURL(join(root, 'scripts', 'esbuild-aliases.mjs')).href)) as {
    BROWSER_BUILD_OPTIONS: esbuild.BuildOptions;
  };
  return aliases.BROWSER_BUILD_OPTIONS;
}

/**
 * The banner the tree's customer session bundle (for our in-page capture bundle) or agent console (for the
 * agent replay harness) ships with (scripts/esbuild-browser-options.mjs), if any: the bench bundle carries it
 * too, so the bench runs that code as the product loads it.
 */
async function productBanner(root: string, entry: string): Promise<{ js: string } | undefined> {
  const options = (await import(pathToFileURL(join(root, 'scripts', 'esbuild-browser-options.mjs')).href)) as {
    EAGER_COMPILE_BANNER?: { js: string };
    AGENT_CONSOLE_BANNER?: { js: string };
  };
  if (entry === 'ours.ts') return options.EAGER_COMPILE_BANNER;
  if (entry === 'agent-replay-page.ts') return options.AGENT_CONSOLE_BANNER;
  return undefined;
}

/** One in-page bundle (bench/browser/<entry>) as IIFE source text, built with the product's browser options. */
export async function benchPageBundle(root: string, entry: string): Promise<string> {
  const banner = await productBanner(root, entry);
  const result = await esbuild.build({
    ...(await productBrowserOptions(root)),
    ...(banner === undefined ? {} : { banner }),
    entryPoints: [join(root, 'bench', 'browser', entry)],
    bundle: true,
    // BENCH_MINIFY=0 keeps names readable in CPU profiles.
    minify: process.env['BENCH_MINIFY'] !== '0',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error(`no output for ${entry}`);
  return file.text;
}

/** The customer's deflate module (shared/deflate-worker.ts) as ESM source text, served as /cobrowse-deflate.js. */
export async function deflateModule(root: string): Promise<string> {
  const result = await esbuild.build({
    ...(await productBrowserOptions(root)),
    entryPoints: [join(root, 'shared', 'deflate-worker.ts')],
    bundle: true,
    minify: process.env['BENCH_MINIFY'] !== '0',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('no output for the deflate module');
  return file.text;
}

/** The three in-page bundles (ours, rrweb, none) as IIFE source text, and the deflate module ours loads. */
export async function recorderBundles(root: string): Promise<Record<'ours' | 'rrweb' | 'none' | 'deflate', string>> {
  const build = (name: string): Promise<string> => benchPageBundle(root, `${name}.ts`);
  return {
    ours: await build('ours'),
    rrweb: await build('rrweb'),
    none: await build('none'),
    deflate: await deflateModule(root),
  };
}
