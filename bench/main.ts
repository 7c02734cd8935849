/**
 * `npm run bench`: every scenario in one run, side by side with rrweb in the
 * same Chromium, then the markdown table on stdout and
 * bench/results/latest.{json,md}. A failing scenario is reported and its
 * targets marked missed; the others still run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../test/node/helpers/server.js';
import { chromiumVersion, launchBenchChromium } from './browser-tools.js';
import { recorderBundles } from './bundles.js';
import { runLatencyScenario, type LatencyResult } from './latency.js';
import { longMinutes, runLongSessionScenario, type LongSessionResult } from './long-session.js';
import { runNetworkScenario, type NetworkResult } from './network.js';
import { runAgentBuildScenario, type AgentBuildResult } from './agent-build.js';
import { buildTargets, markdown, updateReadme, writeResults, type BenchResults } from './report.js';
import { runClusterScenario, type ClusterResult } from './cluster.js';
import { runSignalingScenario, type SignalingResult } from './signaling.js';
import { runSizeScenario, type SizeResult } from './size.js';
import { withBrowserPair } from './live-stack.js';
import { startBenchSite } from './site.js';
import { runSnapshotScenario, type SnapshotResult } from './snapshot.js';
import { runSteadyScenario, type SteadyResult } from './steady.js';
import { runViewersScenario, writeViewersResults } from './viewers.js';

/** Compiled beside this module by bench/run.mjs (the cache directory is per checkout). */
const signalingServerModule = fileURLToPath(new URL('./signaling-server.mjs', import.meta.url));

const log = (line: string): void => console.log(line);

async function attempt<T>(name: string, errors: string[], work: () => Promise<T>): Promise<T | null> {
  const started = Date.now();
  log(`${name}…`);
  try {
    const result = await work();
    log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    return result;
  } catch (error) {
    const message = `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    errors.push(message.split('\n').slice(0, 4).join(' | '));
    log(`  FAILED ${message}`);
    return null;
  }
}

export async function main(): Promise<void> {
  const started = Date.now();
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const quick = process.env['BENCH_QUICK'] === '1';
  const steadySeconds = quick ? 4 : 20;
  const errors: string[] = [];
  const notes: string[] = [
    "Snapshot: fresh page per run, ours (deflate in a worker), ours with the CSP fallback (deflate on the main thread) and rrweb alternating. Main-thread time is the CPU time (trace tdur) of the renderer main thread's tasks from start() until the last part is compressed (ours: packing in the send callback, time-sliced) and around record() (rrweb, synchronous full snapshot; its JSON and gzip not counted); wall time likewise. Longest task from the same trace; heap is the highest performance.memory sample (between tasks and at completion) above a post-GC baseline.",
    `Steady state: a ${steadySeconds} s window of the scripted minute at its real rates (typing 5 chars/s, a row every 60 ms, 4 toggles every 250 ms, a scroll every 100 ms, style change every animation frame); main-thread time is the CDP TaskDuration delta minus the same page without a recorder.`,
    'Latency: two Chromium processes, real signaling server, real WebRTC data channel on loopback; Allow → first frame is the median of 5 sessions after one discarded warm-up session; timestamps from performance.timeOrigin + performance.now() on both sides (one machine, one clock). Mutation latency is read by a MutationObserver on the mirror document; pointer latency by a MutationObserver on the agent cursor.',
    'Sizes: gzip level 9 of esbuild minified output, built with the same options as scripts/build.mjs; rrweb is `export { record } from "rrweb"` built the same way.',
    'Realistic networks: both browsers forced to relay-only ICE through a real coturn; the impaired condition adds 50 ms to every round trip and drops 1 % of datagrams end to end, in user space (bench/udp-impairment.ts in front of coturn, bench/tcp-delay.ts in front of the signaling server), because tc netem is not available on this machine.',
    'Long session: one live session on the 10k page with a scripted customer (a text edit every 100 ms, a row added every 500 ms and the oldest removed past 100, typing, scrolling, class toggles); JS heap after a forced GC and DOM node counts per minute via CDP. The customer keeps detached nodes in its id map until a sweep (every 50,000 new ids or removals, node-ids.ts), so its DOM count grows between sweeps by design.',
  ];
  if (quick) notes.push('BENCH_QUICK=1: shortened smoke run, figures are not representative.');

  let chromium = 'unknown';
  let snapshot: SnapshotResult[] | null = null;
  let steady: SteadyResult | null = null;
  let latency: LatencyResult | null = null;
  let size: SizeResult | null = null;
  let signaling: SignalingResult | null = null;
  let network: NetworkResult | null = null;
  let longSession: LongSessionResult | null = null;
  let agentBuild: AgentBuildResult | null = null;

  // BENCH_ONLY=signaling: only the server scenarios, merged into the last full results.
  const onlySignaling = process.env['BENCH_ONLY'] === 'signaling';
  if (onlySignaling) {
    const previous = join(root, 'bench', 'results', 'latest.json');
    if (existsSync(previous)) {
      const last = JSON.parse(readFileSync(previous, 'utf8')) as Partial<BenchResults>;
      chromium = last.chromium ?? chromium;
      snapshot = last.snapshot ?? null;
      steady = last.steady ?? null;
      latency = last.latency ?? null;
      size = last.size ?? null;
      network = last.network ?? null;
      longSession = last.longSession ?? null;
      agentBuild = last.agentBuild ?? null;
      notes.push(`BENCH_ONLY=signaling: browser and size figures are from the run of ${last.date ?? '?'}.`);
    }
  } else {
    await runBrowserScenarios();
  }

  async function runBrowserScenarios(): Promise<void> {
    size = await attempt('code size', errors, () => runSizeScenario(root));

    const bundles = await recorderBundles(root);
    const signalingServer = await startTestServer({}, { staticDir: join(root, 'dist', 'browser') });
    const site = await startBenchSite(bundles, signalingServer.baseUrl);
    try {
      const browser = await launchBenchChromium();
      try {
        const first = await browser.newPage();
        chromium = await chromiumVersion(first);
        await first.close();
        snapshot = await attempt('snapshot', errors, () =>
          runSnapshotScenario(
            browser,
            site.url,
            quick
              ? [
                  { page: 'gen-1000', label: '1k', runs: 1 },
                  { page: 'gen-10000', label: '10k', runs: 1 },
                  { page: 'gen-100000', label: '100k', runs: 1 },
                  { page: 'long', label: 'long', runs: 1 },
                ]
              : [
                  { page: 'gen-1000', label: '1k', runs: 7 },
                  { page: 'gen-10000', label: '10k', runs: 5 },
                  { page: 'gen-100000', label: '100k', runs: 3 },
                  { page: 'gen-300000', label: '300k', runs: 1 },
                  { page: 'long', label: 'long', runs: 5 },
                ],
            log,
          ),
        );
        steady = await attempt('steady state', errors, () => runSteadyScenario(browser, site.url, steadySeconds, log));
      } finally {
        await browser.close();
      }

      latency = await attempt('latency', errors, () =>
        withBrowserPair((customerBrowser, agentBrowser) =>
          runLatencyScenario(
            signalingServer,
            customerBrowser,
            agentBrowser,
            site.url,
            {
              allowRuns: quick ? 1 : 5,
              mutations: quick ? 200 : 1000,
              pointerMoves: quick ? 60 : 300,
              pageNodes: 10_000,
            },
            log,
          ),
        ),
      );
      agentBuild = await attempt('agent: first snapshot of a 100k-node page', errors, () =>
        withBrowserPair((customerBrowser, agentBrowser) =>
          runAgentBuildScenario(
            signalingServer,
            customerBrowser,
            agentBrowser,
            site.url,
            { pageNodes: 100_000, runs: quick ? 1 : 3 },
            log,
          ),
        ),
      );
      const viewers = await attempt('viewers: customer cost of 1 and 4 agents', errors, () =>
        withBrowserPair((customerBrowser, agentBrowser) =>
          runViewersScenario(
            signalingServer,
            customerBrowser,
            agentBrowser,
            site.url,
            { pageNodes: 10_000, seconds: quick ? 5 : 20, rounds: quick ? 1 : 3 },
            log,
          ),
        ),
      );
      if (viewers && !quick) writeViewersResults(root, viewers, new Date().toISOString());
      const minutes = longMinutes(quick);
      longSession = await attempt(`long session (${minutes} min, scripted customer)`, errors, () =>
        withBrowserPair((customerBrowser, agentBrowser) =>
          runLongSessionScenario(
            signalingServer,
            customerBrowser,
            agentBrowser,
            site.url,
            { minutes, pageNodes: 10_000 },
            log,
          ),
        ),
      );
    } finally {
      await site.close();
      await signalingServer.close();
    }
    network = await attempt('realistic networks (TURN relay, +50 ms round trip, 1 % loss)', errors, () =>
      runNetworkScenario(
        root,
        bundles,
        { allowRuns: quick ? 1 : 5, mutations: quick ? 100 : 500, pageNodes: 10_000 },
        log,
      ),
    );
  }

  signaling = await attempt('signaling capacity', errors, () =>
    runSignalingScenario(
      signalingServerModule,
      // The top step stays under the open-file limit of one process (both ends hold a file per socket).
      {
        steps: quick ? [200, 500] : [1000, 2500, 5000, 7500, 9500],
        joinSamples: quick ? 20 : 200,
        budgetMs: quick ? 60_000 : 300_000,
      },
      log,
    ),
  );
  const cluster: ClusterResult | null = await attempt('scale-out (3 instances, PostgreSQL + Redis)', errors, () =>
    runClusterScenario(
      signalingServerModule,
      { instances: 3, sessions: quick ? 150 : 1500, samples: quick ? 30 : 300 },
      log,
    ),
  );

  const buildInfo = join(root, 'dist', 'build-info.json');
  if (existsSync(buildInfo))
    notes.push(
      `Product bundles from dist/ built at ${(JSON.parse(readFileSync(buildInfo, 'utf8')) as { builtAt?: string }).builtAt ?? '?'}.`,
    );
  const cpuList = cpus();
  const partial: Omit<BenchResults, 'targets'> = {
    date: new Date().toISOString(),
    chromium,
    node: process.versions.node,
    cores: cpuList.length,
    cpu: cpuList[0]?.model ?? 'unknown',
    durationSeconds: (Date.now() - started) / 1000,
    notes,
    snapshot,
    steady,
    latency,
    size,
    signaling,
    cluster,
    network,
    longSession,
    agentBuild,
    errors,
  };
  const results: BenchResults = { ...partial, targets: buildTargets(partial) };
  writeResults(root, results);
  // A quick pass is a smoke test: its figures do not go into the README.
  if (!quick && updateReadme(root, results)) log('README.md: Performance table updated from this run.');
  console.log('\n' + markdown(results));
  console.log(`Wrote bench/results/latest.json and latest.md in ${Math.round(results.durationSeconds)} s.`);
}
