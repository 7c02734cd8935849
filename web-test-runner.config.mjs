// Browser tests: real elements in Debian's Chromium (CHROME_PATH overrides the path).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { BROWSER_BUILD_OPTIONS } from './scripts/esbuild-aliases.mjs';
import { browserBundleOptions } from './scripts/esbuild-browser-options.mjs';
import { pixelCompareCommand } from './test/browser/plugins/pixel-compare.mjs';
import { assetFixtures } from './test/browser/plugins/asset-fixtures.mjs';
import { appBundles } from './test/browser/plugins/app-bundles.mjs';
import { layoutTextCommand } from './test/browser/plugins/layout-text.mjs';

const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  throw new Error(
    `Chromium not found at ${executablePath}. Install it (apt-get install -y chromium) or set CHROME_PATH.`,
  );
}

const root = dirname(fileURLToPath(import.meta.url));
/** Test only: the key the in-process server accepts, handed to test pages by the virtual module. */
const TEST_API_KEY = 'browser-test-api-key-0123456789abcdef';

/**
 * Modules that include shared/peer.ts (simple-peer is CommonJS and requires
 * Node packages), so the dev server's per-file esbuild cannot serve them. They
 * are bundled the way scripts/build.mjs bundles the session (same options:
 * browserBundleOptions carries the plugin that swaps simple-peer's Node
 * dependencies for scripts/shims/), so the tests run what ships. Served in
 * place of the file; keys are request paths without the extension.
 */
const BUNDLED_ENTRIES = new Set(['/client/cobrowse', '/client/session-entry', '/test/browser/helpers/customer-agent']);
/** React ships as CommonJS: a React page for the masking tests. */
BUNDLED_ENTRIES.add('/test/browser/helpers/react-checkout');
/** The customer view, fetched by the element by URL (`./cobrowse-ui.js` next to it), as the build lays it out. */
BUNDLED_ENTRIES.add('/client/cobrowse-ui');
/** Agent element tests: the element (its session code includes shared/peer.ts) and the simulated customer. */
for (const entry of ['/test/browser/helpers/agent-view', '/test/browser/helpers/agent-customer'])
  BUNDLED_ENTRIES.add(entry);

/** The real signaling server, in-process on 127.0.0.1:0 with a temporary data dir, for customer tests. */
function cobrowseTestServer(state) {
  let app = null;
  let dataDir = null;
  const bundles = new Map();
  const bundle = (entry) => {
    let built = bundles.get(entry);
    if (!built) {
      built = esbuild
        .build({
          ...browserBundleOptions,
          ...BROWSER_BUILD_OPTIONS,
          // React's entry picks its build by process.env.NODE_ENV (no product code reads it).
          define: { ...browserBundleOptions.define, 'process.env.NODE_ENV': '"production"' },
          absWorkingDir: root,
          entryPoints: [join(root, entry)],
          bundle: true,
          write: false,
          sourcemap: 'inline',
          logLevel: 'warning',
        })
        .then((result) => result.outputFiles[0].text);
      bundles.set(entry, built);
    }
    return built;
  };
  return {
    name: 'cobrowse-test-server',
    async serverStart() {
      const appModule = join(root, 'dist', 'node', 'signaling', 'app.js');
      if (!existsSync(appModule))
        execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
      const { build } = await import(pathToFileURL(appModule).href);
      const { loadConfig } = await import(pathToFileURL(join(root, 'dist', 'node', 'signaling', 'config.js')).href);
      dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-wtr-'));
      const config = loadConfig({
        API_KEY: TEST_API_KEY,
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
      });
      app = await build({ config, logger: false, staticDir: join(dataDir, 'no-static-files') });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      state.serverUrl = `http://127.0.0.1:${address.port}`;
      config.publicUrl = state.serverUrl;
    },
    async serverStop() {
      await app?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async serve(context) {
      if (context.path === '/__cobrowse-test-server.js') {
        return {
          body: `export const serverUrl = ${JSON.stringify(state.serverUrl)};\nexport const apiKey = ${JSON.stringify(TEST_API_KEY)};\n`,
          type: 'js',
        };
      }
      const entry = context.path.replace(/\.(ts|js)$/, '');
      // The loader fetches a catalog by URL (`./i18n/es.js` next to it), as the build lays them out.
      if (/^\/client\/i18n\/[a-z]+$/.test(entry) && existsSync(join(root, `${entry.slice(1)}.ts`)))
        return { body: await bundle(`${entry.slice(1)}.ts`), type: 'js' };
      if (BUNDLED_ENTRIES.has(entry)) return { body: await bundle(`${entry.slice(1)}.ts`), type: 'js' };
      // The customer's deflate module, looked up next to whichever bundle runs the session (shared/deflate-offload.ts).
      if (entry.endsWith('/cobrowse-deflate')) return { body: await bundle('shared/deflate-worker.ts'), type: 'js' };
      return undefined;
    },
  };
}

/**
 * `/__api/*` → the server's `/api/*`: keeps test pages same-origin (the server
 * has no CORS on its REST API, on purpose), with the real status codes.
 */
function apiProxy(state) {
  return async (context, next) => {
    if (!context.path.startsWith('/__api/')) return next();
    const chunks = [];
    for await (const chunk of context.req) chunks.push(chunk);
    const headers = {};
    for (const name of ['authorization', 'content-type']) if (context.get(name)) headers[name] = context.get(name);
    const target = `${state.serverUrl}/api/${context.path.slice('/__api/'.length)}${context.search}`;
    const response = await fetch(target, {
      method: context.method,
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    context.status = response.status;
    context.type = response.headers.get('content-type') ?? 'text/plain';
    context.body = Buffer.from(await response.arrayBuffer());
  };
}

/**
 * Compares a fresh screenshot with the committed one, pixel by pixel
 * (pixelmatch; anti-aliasing differences ignored). A differing shot is written
 * to test/artifacts/diff/ with a diff image beside it, for a person to look at.
 */
function compareWithCommitted(file, png) {
  const expected = PNG.sync.read(readFileSync(file));
  const actual = PNG.sync.read(png);
  const totalPixels = actual.width * actual.height;
  const sameSize = expected.width === actual.width && expected.height === actual.height;
  let differentPixels = totalPixels;
  let diff;
  if (sameSize) {
    diff = new PNG({ width: actual.width, height: actual.height });
    differentPixels = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, {
      threshold: 0.1,
    });
  }
  if (differentPixels > 0) {
    const dir = join(root, 'test', 'artifacts', 'diff');
    mkdirSync(dir, { recursive: true });
    const name = file
      .split('/')
      .pop()
      .replace(/\.png$/, '');
    writeFileSync(join(dir, `${name}.actual.png`), png);
    if (diff) writeFileSync(join(dir, `${name}.diff.png`), PNG.sync.write(diff));
  }
  return {
    sameSize,
    expectedSize: `${expected.width}x${expected.height}`,
    actualSize: `${actual.width}x${actual.height}`,
    differentPixels,
    ratio: differentPixels / totalPixels,
  };
}

/**
 * `executeServerCommand('cobrowse-screenshot', { path, selector?, compareWith? })`:
 * a PNG of the page (or one element) compared with the committed PNG at
 * `compareWith ?? path` (see test/browser/helpers/screenshots.ts). The committed
 * file is written only when missing or with UPDATE_SCREENSHOTS=1, so an
 * ordinary run leaves the work tree clean.
 */
function screenshotCommand() {
  return {
    name: 'cobrowse-screenshot',
    async executeCommand({ command, payload, session }) {
      if (command !== 'cobrowse-screenshot') return undefined;
      const page = session.browser.getPage(session.id);
      const target = payload.selector ? page.locator(payload.selector).first() : page;
      const png = await target.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' });
      const maxBytes = payload.maxBytes ?? 100 * 1024;
      const file = join(root, payload.compareWith ?? payload.path);
      const fits = png.byteLength < maxBytes;
      const saved = !payload.compareWith && fits && (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(file));
      if (saved) writeFileSync(file, png);
      const comparison = saved ? undefined : compareWithCommitted(file, png);
      return { bytes: png.byteLength, saved, fits, comparison };
    },
  };
}

const serverState = { serverUrl: '' };

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  middleware: [apiProxy(serverState), assetFixtures()],
  plugins: [
    cobrowseTestServer(serverState),
    screenshotCommand(),
    pixelCompareCommand(),
    layoutTextCommand(),
    appBundles(root),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
  ],
  concurrency: 1,
  testsFinishTimeout: Number(process.env.WTR_FINISH_TIMEOUT ?? 180_000),
  testFramework: { config: { timeout: 20_000 } },
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-quic',
        ],
      },
    }),
  ],
};
