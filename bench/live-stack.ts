/**
 * What the live scenarios (latency, agent build, viewers, long session) run
 * on: the signaling server serving dist/browser, the bench site wired to it,
 * and a customer and an agent Chromium, each pair closed after its scenario.
 */
import { join } from 'node:path';
import { launchChromium, type LaunchedChromium } from '../test/node/helpers/chromium.js';
import { startTestServer, type TestServer } from '../test/node/helpers/server.js';
import { startBenchSite, type BenchSite } from './site.js';

/** A customer and an agent Chromium (separate processes, as two people's browsers) for `run`, closed after it. */
export async function withBrowserPair<T>(
  run: (customer: LaunchedChromium, agent: LaunchedChromium) => Promise<T>,
): Promise<T> {
  const [customer, agent] = await Promise.all([launchChromium(), launchChromium()]);
  try {
    return await run(customer, agent);
  } finally {
    await Promise.all([customer.close(), agent.close()]);
  }
}

/** The server and bench site for `run`, closed after it. */
export async function withServerAndSite<T>(
  root: string,
  bundles: Parameters<typeof startBenchSite>[0],
  run: (server: TestServer, site: BenchSite) => Promise<T>,
): Promise<T> {
  const server = await startTestServer({}, { staticDir: join(root, 'dist', 'browser') });
  try {
    const site = await startBenchSite(bundles, server.baseUrl);
    try {
      return await run(server, site);
    } finally {
      await site.close();
    }
  } finally {
    await server.close();
  }
}
