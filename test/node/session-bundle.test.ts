/**
 * What the customer's session bundle (fetched once a customer allows sharing)
 * is made of, built the way scripts/build.mjs builds it: no simple-peer (the
 * customer's side runs on shared/peer-native.ts, which speaks its signals),
 * while the agent console still carries it (the control, so the check can
 * fail); no msgpackr (shared/msgpack-writer.ts writes its bytes,
 * shared/msgpack-reader.ts reads the agent's); no columnar node-list reader
 * (shared/node-list-decode.ts: 3.0 KB min, 1.0 KB gzip of the session bundle).
 */
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BROWSER_BUILD_OPTIONS } from '../../scripts/esbuild-aliases.mjs';
import { browserBundleOptions } from '../../scripts/esbuild-browser-options.mjs';

const root = join(import.meta.dirname, '..', '..');

/** The input paths of one browser bundle, from esbuild's metafile. */
async function inputsOf(entry: string): Promise<string[]> {
  const result = await esbuild.build({
    ...browserBundleOptions,
    ...BROWSER_BUILD_OPTIONS,
    entryPoints: [join(root, entry)],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    outdir: join(root, 'dist', 'unused'),
    logLevel: 'warning',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return Object.entries(output?.inputs ?? {})
    .filter(([, info]) => info.bytesInOutput > 0)
    .map(([input]) => input);
}

/** The minified text of one browser bundle built like the deflate module (scripts/build.mjs). */
async function textOf(entry: string): Promise<string> {
  const result = await esbuild.build({
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    ...BROWSER_BUILD_OPTIONS,
    entryPoints: [join(root, entry)],
    bundle: true,
    minify: true,
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0]?.text ?? '';
}

describe('customer session bundle', () => {
  it('the deflate module throws ProtocolErrors without the error table; the session bundle has the table (control)', async () => {
    const tableEntry = 'The token is missing, unknown or revoked.';
    expect((await textOf('shared/deflate-worker.ts')).includes(tableEntry)).toBe(false);
    expect((await textOf('client/session-entry.ts')).includes(tableEntry)).toBe(true);
  });

  it('carries no msgpackr: packs with shared/msgpack-writer.ts, reads with msgpack-reader.ts; the agent console reads with msgpackr (control)', async () => {
    const session = await inputsOf('client/session-entry.ts');
    expect(session.filter((input) => input.includes('node_modules/msgpackr/'))).toEqual([]);
    expect(session.some((input) => input.endsWith('shared/msgpack-writer.ts'))).toBe(true);
    expect(session.some((input) => input.endsWith('shared/msgpack-reader.ts'))).toBe(true);
    const agent = await inputsOf('agent/console.ts');
    expect(agent.some((input) => input.includes('node_modules/msgpackr/unpack.js'))).toBe(true);
  });

  it('carries no columnar node-list reader (the customer never receives node lists); the agent console does (control)', async () => {
    const session = await inputsOf('client/session-entry.ts');
    expect(session.filter((input) => input.endsWith('shared/node-list-decode.ts'))).toEqual([]);
    const agent = await inputsOf('agent/console.ts');
    expect(agent.some((input) => input.endsWith('shared/node-list-decode.ts'))).toBe(true);
  });

  it("keeps zod's config private and jitless: the session bundle sets no page global; the others carry no zod", async () => {
    for (const entry of ['client/cobrowse.ts', 'client/cobrowse-ui.ts', 'shared/deflate-worker.ts'])
      expect((await textOf(entry)).includes('__zod_globalConfig'), entry).toBe(false);
    const session = await textOf('client/session-entry.ts');
    // Control: the session bundle has zod, whose config lives on an object of its own, preset to jitless.
    expect(/\{__zod_globalConfig:\{jitless:!0\}\}/.test(session), 'the private config').toBe(true);
    expect(/globalThis\)?\.__zod_globalConfig/.test(session), 'a read of the page global').toBe(false);
  });

  it('carries no simple-peer nor its stand-ins; the agent console does', async () => {
    const session = await inputsOf('client/session-entry.ts');
    const fromSimplePeer = (input: string): boolean =>
      input.includes('node_modules/simple-peer/') || input.includes('scripts/shims/readable-stream');
    expect(session.filter(fromSimplePeer)).toEqual([]);
    expect(session.some((input) => input.endsWith('shared/peer-native.ts'))).toBe(true);
    const agent = await inputsOf('agent/console.ts');
    expect(agent.some(fromSimplePeer)).toBe(true);
  });
});
