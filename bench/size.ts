/**
 * Scenario 4: customer code size, minified and gzipped, built the way
 * scripts/build.mjs builds it, against rrweb's record entry built the same
 * way. The bundles' source maps say which inputs weigh what (bundle-inputs.ts).
 */
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { productBrowserOptions } from './bundles.js';
import { inputCosts, type InputCost, type SourceMapJson } from './bundle-inputs.js';

export interface BundleSize {
  name: string;
  minBytes: number;
  gzipBytes: number;
  /**
   * Heaviest inputs by minified bytes in the output (package or file, by the bundle's source map), with
   * what each adds to the min+gzip bytes (bundle-inputs.ts). `SIZE_ALL_INPUTS=1`: every input, not only
   * the heaviest eight.
   */
  top: InputCost[];
}

export interface SizeResult {
  loader: BundleSize;
  /** The customer UI (prompts, indicator, English), fetched the first time the customer is shown anything. */
  view?: BundleSize;
  /** The session bundle as Allow loads it: its entry and the chunks the entry imports statically. */
  session: BundleSize;
  /**
   * The session's chunks loaded later by a dynamic import, each on its own (remote control: fetched when the
   * agent asks for control, client/session/remote-control.ts). Empty for a tree whose session is one file.
   */
  sessionLazy?: BundleSize[];
  /** The deflate module (shared/deflate-worker.ts), loaded with the session into a worker or the page. */
  deflate?: BundleSize;
  /** The session bundle at start with every npm package left out: how much of it is our own code. */
  sessionOwnCode?: { minBytes: number; gzipBytes: number };
  /** Loader + view + session at start + deflate: what the customer's page loads once a session is live. */
  customerAtStart?: { minBytes: number; gzipBytes: number };
  /** Loader + view + every chunk of the session + deflate: all the customer's side can load. */
  customerTotal: { minBytes: number; gzipBytes: number };
  rrwebRecord: BundleSize;
}

const COMMON: esbuild.BuildOptions = {
  bundle: true,
  minify: true,
  write: false,
  // Only read to tell which output bytes came from which input (bundle-inputs.ts); the code is the same without.
  sourcemap: 'external',
  legalComments: 'none',
  logLevel: 'warning',
};

/** esbuild plugin: every bare import (an npm package) stays out of the bundle. */
const packagesExternal: esbuild.Plugin = {
  name: 'packages-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
  },
};

function groupInput(path: string): string {
  // lit-html comes through the lit-pristine-document plugin, whose patched text has no source map of its own:
  // its bytes follow the mapping of the module the plugin puts in front of it.
  if (path.endsWith('scripts/shims/lit-document.mjs')) return 'lit-html (and scripts/shims/lit-document.mjs)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return pkg?.[1] ?? path;
}

const TOP_COUNT = process.env['SIZE_ALL_INPUTS'] === '1' ? Number.MAX_SAFE_INTEGER : 8;

/** One output file's size and heaviest inputs, read with its source map among `files`. */
function sizeOf(name: string, js: esbuild.OutputFile, files: readonly esbuild.OutputFile[]): BundleSize {
  const map = files.find((file) => file.path === `${js.path}.map`);
  if (!map) throw new Error(`${name}: no source map for ${js.path}`);
  const outputDir = dirname(js.path);
  const top = inputCosts(
    js.contents,
    JSON.parse(map.text) as SourceMapJson,
    (source) => groupInput(relative(process.cwd(), resolve(outputDir, source))),
    TOP_COUNT,
  );
  return { name, minBytes: js.contents.length, gzipBytes: gzipSync(js.contents, { level: 9 }).length, top };
}

/** Files loaded one after the other: their bytes add up, and so do their gzips (each is sent on its own). */
function together(name: string, parts: readonly BundleSize[]): BundleSize {
  return {
    name,
    minBytes: parts.reduce((sum, part) => sum + part.minBytes, 0),
    gzipBytes: parts.reduce((sum, part) => sum + part.gzipBytes, 0),
    top: parts
      .flatMap((part) => part.top)
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, TOP_COUNT),
  };
}

async function measure(name: string, options: esbuild.BuildOptions): Promise<BundleSize> {
  return (await measureSplit(name, options)).atStart;
}

/**
 * A bundle split at its dynamic imports (esbuild `splitting`, as scripts/build.mjs builds the session): what its
 * entry loads at once (the entry and the chunks it imports statically, at any depth), and each chunk loaded
 * later by a dynamic import with what it imports that is not loaded at once. Without `splitting`: the one file.
 */
async function measureSplit(
  name: string,
  options: esbuild.BuildOptions,
): Promise<{ atStart: BundleSize; lazy: BundleSize[] }> {
  const result = await esbuild.build({ ...COMMON, ...options, metafile: true });
  const files = result.outputFiles ?? [];
  const outputs = result.metafile?.outputs ?? {};
  const fileOf = (path: string): esbuild.OutputFile | undefined =>
    files.find((file) => file.path === resolve(options.absWorkingDir ?? process.cwd(), path));
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined && path.endsWith('.js'));
  if (entry === undefined) throw new Error(`${name}: no output`);
  /** `from` and the outputs it imports statically, at any depth. */
  const staticClosure = (from: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(from)) return seen;
    seen.add(from);
    for (const imported of outputs[from]?.imports ?? [])
      if (imported.kind === 'import-statement' && outputs[imported.path] !== undefined)
        staticClosure(imported.path, seen);
    return seen;
  };
  const sized = (label: string, paths: Iterable<string>): BundleSize =>
    together(
      label,
      [...paths].map((path) => {
        const js = fileOf(path);
        if (!js) throw new Error(`${name}: ${path} not written`);
        return sizeOf(path, js, files);
      }),
    );
  const atStart = staticClosure(entry);
  const lazyEntries = [
    ...new Set(
      [...Object.values(outputs)].flatMap((output) =>
        output.imports.filter((i) => i.kind === 'dynamic-import' && outputs[i.path] !== undefined).map((i) => i.path),
      ),
    ),
  ];
  const lazy = lazyEntries.map((path) =>
    sized(
      basename(path).replace(/-[A-Z0-9]{8}\.js$/, ''),
      [...staticClosure(path)].filter((p) => !atStart.has(p)),
    ),
  );
  return { atStart: sized(name, atStart), lazy };
}

export async function runSizeScenario(root: string): Promise<SizeResult> {
  const product = await productBrowserOptions(root);
  const { browserBundleOptions } = (await import(
    pathToFileURL(join(root, 'scripts', 'esbuild-browser-options.mjs')).href
  )) as { browserBundleOptions: esbuild.BuildOptions };
  // Beside the compiled bench (its cache directory is per checkout, see bench/compile.mjs).
  const outdir = fileURLToPath(new URL('./size', import.meta.url));
  const loader = await measure('loader', {
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    ...product,
    entryPoints: [join(root, 'client', 'cobrowse.ts')],
    outdir,
  });
  const view = await measure('view', {
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    ...product,
    entryPoints: [join(root, 'client', 'cobrowse-ui.ts')],
    outdir,
  });
  // As in scripts/build.mjs: browserBundleOptions (simple-peer's shims, `global`), then `product`
  // (msgpackr's ESM pack/unpack without code generation, zod's jitless preset, both plugins).
  // Split at its dynamic imports as scripts/build.mjs splits it (a tree whose session has none: one file).
  const split = { splitting: true, outdir, chunkNames: 'cobrowse-[name]-[hash]' };
  const session = await measureSplit('session', {
    ...browserBundleOptions,
    ...product,
    entryPoints: [join(root, 'client', 'session-entry.ts')],
    ...split,
  });
  const own = await measureSplit('session, own code', {
    ...browserBundleOptions,
    ...product,
    alias: {},
    plugins: [packagesExternal],
    entryPoints: [join(root, 'client', 'session-entry.ts')],
    ...split,
  });
  const deflate = await measure('deflate', {
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    ...product,
    entryPoints: [join(root, 'shared', 'deflate-worker.ts')],
    outdir,
  });
  const rrwebRecord = await measure('rrweb record', {
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    stdin: {
      contents: "export { record } from 'rrweb';",
      resolveDir: root,
      loader: 'js',
      sourcefile: 'rrweb-record.js',
    },
    outdir,
  });
  const atStart = together('customer at session start', [loader, view, session.atStart, deflate]);
  const total = together('customer total', [atStart, ...session.lazy]);
  return {
    loader,
    view,
    session: session.atStart,
    sessionLazy: session.lazy,
    deflate,
    sessionOwnCode: { minBytes: own.atStart.minBytes, gzipBytes: own.atStart.gzipBytes },
    customerAtStart: { minBytes: atStart.minBytes, gzipBytes: atStart.gzipBytes },
    customerTotal: { minBytes: total.minBytes, gzipBytes: total.gzipBytes },
    rrwebRecord,
  };
}
