/**
 * Scenario 4: customer code size, minified and gzipped, built the way
 * scripts/build.mjs builds it, against rrweb's record entry built the same
 * way. The bundles' source maps say which inputs weigh what (bundle-inputs.ts).
 */
import { dirname, join, relative, resolve } from 'node:path';
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
  session: BundleSize;
  /** The deflate module (shared/deflate-worker.ts), loaded with the session into a worker or the page. */
  deflate?: BundleSize;
  /** The session bundle with every npm package left out: how much of it is our own code. */
  sessionOwnCode?: { minBytes: number; gzipBytes: number };
  /** Loader + view + session + deflate: everything the customer's page loads once a session is live. */
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

async function measure(name: string, options: esbuild.BuildOptions): Promise<BundleSize> {
  const result = await esbuild.build({ ...COMMON, ...options });
  const js = result.outputFiles?.find((file) => file.path.endsWith('.js'));
  const map = result.outputFiles?.find((file) => file.path.endsWith('.js.map'));
  if (!js || !map) throw new Error(`${name}: no output`);
  const outputDir = dirname(js.path);
  const top = inputCosts(
    js.contents,
    JSON.parse(map.text) as SourceMapJson,
    (source) => groupInput(relative(process.cwd(), resolve(outputDir, source))),
    process.env['SIZE_ALL_INPUTS'] === '1' ? Number.MAX_SAFE_INTEGER : 8,
  );
  return { name, minBytes: js.contents.length, gzipBytes: gzipSync(js.contents, { level: 9 }).length, top };
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
  const session = await measure('session', {
    ...browserBundleOptions,
    ...product,
    entryPoints: [join(root, 'client', 'session-entry.ts')],
    outdir,
  });
  const own = await measure('session, own code', {
    ...browserBundleOptions,
    ...product,
    alias: {},
    plugins: [packagesExternal],
    entryPoints: [join(root, 'client', 'session-entry.ts')],
    outdir,
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
  return {
    loader,
    view,
    session,
    deflate,
    sessionOwnCode: { minBytes: own.minBytes, gzipBytes: own.gzipBytes },
    customerTotal: {
      minBytes: loader.minBytes + view.minBytes + session.minBytes + deflate.minBytes,
      gzipBytes: loader.gzipBytes + view.gzipBytes + session.gzipBytes + deflate.gzipBytes,
    },
    rrwebRecord,
  };
}
