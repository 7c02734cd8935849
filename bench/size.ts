/**
 * Scenario 4: customer code size, minified and gzipped, built the way
 * scripts/build.mjs builds it, against rrweb's record entry built the same
 * way. The metafile says which modules weigh what.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { productBrowserOptions } from './bundles.js';

export interface BundleSize {
  name: string;
  minBytes: number;
  gzipBytes: number;
  /** Heaviest inputs by minified bytes in the output (package or file). */
  top: Array<{ input: string; bytes: number }>;
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
  metafile: true,
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
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return pkg?.[1] ?? path;
}

async function measure(name: string, options: esbuild.BuildOptions): Promise<BundleSize> {
  const result = await esbuild.build({ ...COMMON, ...options });
  const js = result.outputFiles?.find((file) => file.path.endsWith('.js'));
  if (!js || !result.metafile) throw new Error(`${name}: no output`);
  const output =
    Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined) ??
    Object.values(result.metafile.outputs)[0];
  const grouped = new Map<string, number>();
  for (const [input, info] of Object.entries(output?.inputs ?? {}))
    grouped.set(groupInput(input), (grouped.get(groupInput(input)) ?? 0) + info.bytesInOutput);
  const top = [...grouped.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([input, bytes]) => ({ input, bytes }));
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
