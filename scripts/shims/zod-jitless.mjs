/**
 * esbuild plugin: zod's global config, made private to the bundle and
 * jitless. Classic zod 4 compiles object parsers with `new Function` and
 * probes for it when a schema is built, which a strict CSP reports as a
 * violation even though zod catches the error; shared/protocol.ts uses
 * zod/mini, which never generates code, and this stays as a safeguard should
 * classic zod ever reach a browser bundle. zod keeps its config on
 * `globalThis.__zod_globalConfig` (zod/v4/core/core.js), created when zod
 * loads: the plugin points those reads at an object of the module's own,
 * preset to jitless. So a bundle with zod (the customer's session bundle)
 * adds no global to the customer's page, not even while it is evaluated
 * before consent (test/e2e/consent-preload.test.ts), and neither changes nor
 * follows the config of a zod the page loads itself; bundles without zod
 * (the loader, the customer UI, the deflate module) carry nothing of it. It
 * used to be a banner on every browser bundle that set the page's global.
 * Checked by test/node/codec.test.ts and test/node/session-bundle.test.ts.
 */
import { readFile } from 'node:fs/promises';

const CORE = /[\\/]node_modules[\\/]zod[\\/]v4[\\/]core[\\/]core\.js$/;
/** `globalThis.__zod_globalConfig` and `(_a = globalThis).__zod_globalConfig`, as zod 4 writes them. */
const GLOBAL_READ = /globalThis(?=\)?\.__zod_globalConfig\b)/g;
const HOLDER = '__cobrowseZod';

export const zodJitless = Object.freeze({
  name: 'zod-jitless',
  setup(build) {
    build.onLoad({ filter: CORE }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const reads = source.match(GLOBAL_READ)?.length ?? 0;
      const patched = source.replace(GLOBAL_READ, HOLDER);
      if (reads < 2 || patched.includes('__zod_globalConfig') === false || /globalThis\W*__zod/.test(patched))
        throw new Error('zod/v4/core/core.js changed how it keeps __zod_globalConfig; review the zod-jitless plugin.');
      return {
        contents: `var ${HOLDER} = { __zod_globalConfig: { jitless: true } };\n${patched}`,
        loader: 'js',
      };
    });
  },
});
