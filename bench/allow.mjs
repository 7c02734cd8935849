// `node bench/allow.mjs [runs]`: the Allow → first frame breakdown alone (bench/allow-main.ts).
// Builds the browser bundles into a private directory (so it neither disturbs nor is disturbed
// by a concurrent `npm run build`), compiles the bench with esbuild and runs it.
// ALLOW_BASE_TREE=<dir>: also build that source tree's bundles (e.g. an export of an older
// commit) and alternate runs between it and this tree, on a loaded machine the only fair comparison.
// ALLOW_MINIFY=0 keeps names readable for ALLOW_PROFILE=1 / ALLOW_TRACE=1.
// ALLOW_CPU=1: each side's thread CPU on the path (a light trace per run; less moved by the machine's load
// than the elapsed times): the customer from Allow to the last part on the channel, the agent from the
// first part to the built snapshot, both browsers' every thread from Allow to built.
// ALLOW_READ_MS=<ms>: the customer reads the prompt that long before Allow (ALLOW_READ_MS_BASE: the base's).
// ALLOW_TRACE=1 also pairs the customer's k-th data channel send with the agent's k-th message task (transit).
// ALLOW_TRACE_CATEGORIES=<a,b>: more trace categories for ALLOW_TRACE (e.g. disabled-by-default-v8.compile).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { BROWSER_BUILD_OPTIONS } from '../scripts/esbuild-aliases.mjs';
import { browserBundleOptions } from '../scripts/esbuild-browser-options.mjs';
import { compileBench, root } from './compile.mjs';

/** The three browser bundles of a source tree, built as scripts/build.mjs does, into a fresh directory. */
async function buildBundles(tree) {
  const staticDir = mkdtempSync(join(tmpdir(), 'cobrowse-allow-'));
  const { EAGER_COMPILE_BANNER: banner, AGENT_CONSOLE_BANNER: agentBanner } = await import(
    pathToFileURL(join(tree, 'scripts', 'esbuild-browser-options.mjs')).href
  );
  const common = {
    logLevel: 'warning',
    bundle: true,
    minify: process.env.ALLOW_MINIFY !== '0',
    legalComments: 'none',
    absWorkingDir: tree,
  };
  await Promise.all([
    esbuild.build({
      ...common,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      ...BROWSER_BUILD_OPTIONS,
      entryPoints: [join(tree, 'client/cobrowse.ts')],
      outfile: join(staticDir, 'cobrowse.js'),
    }),
    // The customer UI (prompt) and the deflate module the session loads beside itself.
    ...['client/cobrowse-ui.ts', 'shared/deflate-worker.ts'].map((entry) =>
      esbuild.build({
        ...common,
        platform: 'browser',
        format: 'esm',
        target: 'es2022',
        ...BROWSER_BUILD_OPTIONS,
        entryPoints: [join(tree, entry)],
        outfile: join(staticDir, entry.endsWith('ui.ts') ? 'cobrowse-ui.js' : 'cobrowse-deflate.js'),
      }),
    ),
    esbuild.build({
      ...common,
      ...browserBundleOptions,
      ...BROWSER_BUILD_OPTIONS,
      // The tree's own banner for it, if it has one (a tree from before the compile hint has none).
      ...(banner === undefined ? {} : { banner }),
      entryPoints: [join(tree, 'client/session-entry.ts')],
      outfile: join(staticDir, 'cobrowse-session.js'),
    }),
    esbuild.build({
      ...common,
      ...browserBundleOptions,
      ...BROWSER_BUILD_OPTIONS,
      // Likewise the console's (none before it had one).
      ...(agentBanner === undefined ? {} : { banner: agentBanner }),
      entryPoints: [join(tree, 'agent/console.ts')],
      outfile: join(staticDir, 'agent/console.js'),
    }),
  ]);
  cpSync(join(tree, 'agent/index.html'), join(staticDir, 'agent/index.html'));
  cpSync(join(tree, 'agent/console.css'), join(staticDir, 'agent/console.css'));
  return staticDir;
}

process.env.ALLOW_STATIC_DIR = await buildBundles(root);
if (process.env.ALLOW_BASE_TREE) process.env.ALLOW_BASE_STATIC_DIR = await buildBundles(process.env.ALLOW_BASE_TREE);

const { main } = await compileBench('allow-main', 'cobrowse-allow');
try {
  await main();
} finally {
  for (const dir of [process.env.ALLOW_STATIC_DIR, process.env.ALLOW_BASE_STATIC_DIR])
    if (dir) rmSync(dir, { recursive: true, force: true });
}
