/**
 * `node bench/only.mjs network|long`: one of the slow scenarios alone,
 * printed and not saved (while working on it). Uses dist/ as built;
 * BENCH_QUICK=1 shortens it, BENCH_LONG_MINUTES sets the long session.
 */
import { join } from 'node:path';
import { launchChromium } from '../test/node/helpers/chromium.js';
import { startTestServer } from '../test/node/helpers/server.js';
import { recorderBundles } from './bundles.js';
import { longMinutes, longSessionTable, longSessionTargets, runLongSessionScenario } from './long-session.js';
import { networkTable, runNetworkScenario } from './network.js';
import { startBenchSite } from './site.js';

export async function main(which: string): Promise<void> {
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const quick = process.env['BENCH_QUICK'] === '1';
  const bundles = await recorderBundles(root);
  if (which === 'network') {
    const result = await runNetworkScenario(
      root,
      bundles,
      { allowRuns: quick ? 1 : 5, mutations: quick ? 100 : 500, pageNodes: 10_000 },
      console.log,
    );
    console.log('\n' + networkTable(result));
    return;
  }
  if (which === 'long') {
    const server = await startTestServer({}, { staticDir: join(root, 'dist', 'browser') });
    const site = await startBenchSite(bundles, server.baseUrl);
    const [customerBrowser, agentBrowser] = await Promise.all([launchChromium(), launchChromium()]);
    try {
      const result = await runLongSessionScenario(
        server,
        customerBrowser,
        agentBrowser,
        site.url,
        { minutes: longMinutes(quick), pageNodes: 10_000 },
        console.log,
      );
      console.log('\n' + longSessionTable(result));
      console.log(longSessionTargets(result));
    } finally {
      await Promise.all([customerBrowser.close(), agentBrowser.close()]);
      await site.close();
      await server.close();
    }
    return;
  }
  throw new Error(`unknown scenario "${which}": network or long`);
}
