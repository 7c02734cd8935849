/**
 * The agent's browser bundle decodes the customer's messages with msgpackr
 * (shared/msgpackr-unpack.ts), whose TextDecoder for strings over 64 bytes
 * would drop a leading U+FEFF: a text or a field's value starting with one
 * arrived without it, and the value splices that follow (wire-value-diff.ts)
 * then applied to a base one character short. The bundle's no-eval plugin
 * patches that decoder to keep it. Checked here on a bundle built with the
 * product's esbuild options and run in a fresh realm, through the real
 * encoder and decoder; the control is the same program bundled with the
 * alias alone (msgpackr's unpatched pure-JavaScript reader).
 */
import * as esbuild from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const entry = (path: string): string => JSON.stringify(fileURLToPath(new URL(`../../${path}`, import.meta.url)));

const text = `\ufeff${'A field that starts with a byte order mark. '.repeat(3)}`;
const program = `
  import { MessageDecoder } from ${entry('shared/codec.ts')};
  import { MessageEncoder } from ${entry('shared/message-encoder.ts')};
  import { inflateStream } from ${entry('shared/inflate-stream.ts')};
  import { msgpackrUnpack } from ${entry('shared/msgpackr-unpack.ts')};
  const text = ${JSON.stringify(text)};
  const encoder = new MessageEncoder();
  const decoder = new MessageDecoder({ inflater: inflateStream, unpack: msgpackrUnpack() });
  const message = { t: 'mutations', seq: 1, removes: [], attrs: [], texts: [],
    adds: [{ kind: 'text', id: 2, parent: 1, text }] };
  const result = decoder.decode(encoder.encode(message));
  globalThis.decodedText = result.ok ? result.message.adds[0].text : 'error: ' + result.error.message;
`;

async function decodedBy(options: esbuild.BuildOptions): Promise<string> {
  const built = await esbuild.build({
    stdin: { contents: program, resolveDir: projectRoot, sourcefile: 'bom-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    logLevel: 'silent',
    ...options,
  });
  const code = built.outputFiles?.[0]?.text;
  if (code === undefined) throw new Error('esbuild produced no output');
  const context = vm.createContext({ TextEncoder, TextDecoder });
  vm.runInContext(code, context);
  const decoded: unknown = vm.runInContext('globalThis.decodedText', context);
  if (typeof decoded !== 'string') throw new Error('the bundle did not run');
  return decoded;
}

async function productOptions(): Promise<esbuild.BuildOptions> {
  const mod: unknown = await import(pathToFileURL(`${projectRoot}scripts/esbuild-aliases.mjs`).href);
  const options: unknown = typeof mod === 'object' && mod !== null ? Reflect.get(mod, 'BROWSER_BUILD_OPTIONS') : null;
  if (typeof options !== 'object' || options === null) throw new Error('BROWSER_BUILD_OPTIONS is not exported');
  return options as esbuild.BuildOptions;
}

describe("the agent bundle's msgpackr keeps a leading byte order mark", () => {
  it('a text over 64 bytes starting with U+FEFF arrives whole', async () => {
    expect(new TextEncoder().encode(text).length).toBeGreaterThan(64);
    expect(await decodedBy(await productOptions())).toBe(text);
  });

  it('control: msgpackr unpatched (the alias without the plugin) drops it, so the check above can fail', async () => {
    const { alias } = await productOptions();
    expect(await decodedBy({ alias })).toBe(text.slice(1));
  });
});
