/**
 * `node bench/only.mjs network|long|latency|agent|snapshot|viewers|size [arg]`: one scenario
 * alone, printed and not saved (while working on it); viewers is also written to
 * bench/results/viewers.json and .md, as the full run writes it. Uses dist/ as built;
 * BENCH_QUICK=1 shortens it, BENCH_LONG_MINUTES sets the long session,
 * BENCH_RUNS the snapshot runs per page (pages: gen-10000,gen-100000,...).
 */
import { runAgentBuildScenario } from './agent-build.js';
import { launchBenchChromium } from './browser-tools.js';
import { recorderBundles } from './bundles.js';
import { runLatencyScenario } from './latency.js';
import { runSizeScenario, type BundleSize } from './size.js';
import { runSnapshotScenario } from './snapshot.js';
import { runSteadyScenario } from './steady.js';
import { longMinutes, longSessionTable, longSessionTargets, runLongSessionScenario } from './long-session.js';
import { networkTable, runNetworkScenario } from './network.js';
import { startBenchSite } from './site.js';
import { withBrowserPair, withServerAndSite } from './live-stack.js';
import { runViewersScenario, viewersTable, writeViewersResults } from './viewers.js';

export async function main(which: string, arg = ''): Promise<void> {
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const quick = process.env['BENCH_QUICK'] === '1';
  if (which === 'size') {
    const result = await runSizeScenario(root);
    const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;
    const rows: [string, { minBytes: number; gzipBytes: number; top?: BundleSize['top'] } | undefined][] = [
      ['loader', result.loader],
      ['customer UI', result.view],
      ['session at start', result.session],
      ['session own', result.sessionOwnCode],
      ...(result.sessionLazy ?? []).map((chunk): [string, BundleSize] => [`lazy ${chunk.name}`, chunk]),
      ['deflate', result.deflate],
      ['customer at start', result.customerAtStart],
      ['customer total', result.customerTotal],
      ['rrweb record', result.rrwebRecord],
    ];
    for (const [name, size] of rows) {
      if (size === undefined) continue;
      const top = (size.top ?? []).map((t) => `${t.input} ${kb(t.bytes)} (gz ${kb(t.gzipBytes)})`).join(', ');
      console.log(
        `${name.padEnd(24)} min ${kb(size.minBytes).padStart(10)}  min+gzip ${kb(size.gzipBytes).padStart(9)}  ${top}`,
      );
    }
    return;
  }
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
  if (which === 'viewers') {
    await withServerAndSite(root, bundles, (server, site) =>
      withBrowserPair(async (customerBrowser, agentBrowser) => {
        const result = await runViewersScenario(
          server,
          customerBrowser,
          agentBrowser,
          site.url,
          { pageNodes: Number(arg || 10_000), seconds: quick ? 5 : 20, rounds: quick ? 1 : 3 },
          console.log,
        );
        console.log('\n' + viewersTable(result));
        if (!quick) writeViewersResults(root, result, new Date().toISOString());
      }),
    );
    return;
  }
  if (which === 'long') {
    await withServerAndSite(root, bundles, (server, site) =>
      withBrowserPair(async (customerBrowser, agentBrowser) => {
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
      }),
    );
    return;
  }
  if (which === 'latency') {
    await withServerAndSite(root, bundles, (server, site) =>
      withBrowserPair(async (customerBrowser, agentBrowser) => {
        const result = await runLatencyScenario(
          server,
          customerBrowser,
          agentBrowser,
          site.url,
          {
            allowRuns: quick ? 1 : 5,
            mutations: quick ? 200 : 1000,
            pointerMoves: quick ? 60 : 300,
            pageNodes: Number(arg || 10_000),
          },
          console.log,
        );
        console.log(JSON.stringify({ ...result, allowStagesMs: undefined }, null, 1));
      }),
    );
    return;
  }
  if (which === 'agent') {
    await withServerAndSite(root, bundles, (server, site) =>
      withBrowserPair(async (customerBrowser, agentBrowser) => {
        const result = await runAgentBuildScenario(
          server,
          customerBrowser,
          agentBrowser,
          site.url,
          { pageNodes: Number(arg || 100_000), runs: quick ? 1 : 3 },
          console.log,
        );
        console.log(JSON.stringify(result));
      }),
    );
    return;
  }
  if (which === 'snapshot') {
    const site = await startBenchSite(bundles, null);
    const browser = await launchBenchChromium();
    try {
      const runs = Number(process.env['BENCH_RUNS'] ?? '3');
      const pages = (arg || 'gen-10000').split(',');
      const results = await runSnapshotScenario(
        browser,
        site.url,
        pages.map((page) => ({ page, label: page, runs })),
        console.log,
      );
      for (const r of results)
        console.log(
          JSON.stringify({
            page: r.page,
            ours: { cpu: r.ours.mainThreadSamplesMs, longest: r.ours.longestTaskMs, bytes: r.ours.bytes },
            fallback: { cpu: r.oursMainThread?.mainThreadSamplesMs, longest: r.oursMainThread?.longestTaskMs },
            rrweb: { cpu: r.rrweb.mainThreadSamplesMs, gzip: r.rrweb.gzipBytes },
          }),
        );
    } finally {
      await browser.close();
      await site.close();
    }
    return;
  }
  if (which === 'steady') {
    const site = await startBenchSite(bundles, null);
    const browser = await launchBenchChromium();
    try {
      const result = await runSteadyScenario(browser, site.url, Number(arg || '20'), console.log);
      console.log(JSON.stringify({ ours: result.ours, rrweb: result.rrweb }));
    } finally {
      await browser.close();
      await site.close();
    }
    return;
  }
  throw new Error(`unknown scenario "${which}": network, long, latency, agent, snapshot, viewers, size or steady`);
}
