// The bench's TypeScript entries run in Node after esbuild compiles them into node_modules/.cache
// (bare imports then resolve from the project). Shared by run.mjs, profile.mjs, wire-run.mjs, allow.mjs.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Compiles `bench/<name>.ts` (and `extra` entries, name → file under bench/) into
 * node_modules/.cache/<cacheDir>-<checkout>/ and returns the compiled module of `name`;
 * BENCH_ROOT is set to the project for it. The checkout's path is part of the directory
 * because git worktrees may share one node_modules.
 */
export async function compileBench(name, cacheDir, extra = {}) {
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 8);
  const out = join(root, 'node_modules', '.cache', `${cacheDir}-${checkout}`);
  mkdirSync(out, { recursive: true });
  const entryPoints = { [name]: join(root, 'bench', `${name}.ts`) };
  for (const [entry, file] of Object.entries(extra)) entryPoints[entry] = join(root, 'bench', file);
  await esbuild.build({
    entryPoints,
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  process.env.BENCH_ROOT = root;
  return import(pathToFileURL(join(out, `${name}.mjs`)).href);
}
