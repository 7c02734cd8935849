/**
 * Realistic networks (reported, not targets): the latency scenario's Allow →
 * whole first frame and mutation → mirror, with both browsers forced onto the
 * TURN relay (a real coturn), first on loopback and then with 50 ms added to
 * every round trip and 1 % of datagrams lost.
 *
 * tc netem does not exist on these machines (no sch_netem kernel module), so
 * the impairment is done in user space: the browsers reach coturn through a
 * UDP proxy (bench/udp-impairment.ts) and the signaling server through a TCP
 * proxy (bench/tcp-delay.ts). A datagram from the customer to the agent
 * crosses the UDP proxy twice (customer → coturn, coturn → agent), so each
 * crossing holds it for a quarter of the added round trip and drops it with
 * probability 1 − √(1 − loss).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { FORCE_RELAY, selectedPairs, startCoturn } from '../test/node/helpers/coturn.js';
import { launchChromium, type LaunchedChromium } from '../test/node/helpers/chromium.js';
import { startTestServer } from '../test/node/helpers/server.js';
import { goLive, measureMutations, percentiles, type LiveSession, type Percentiles } from './latency.js';
import type { Recorder } from './site.js';
import { startBenchSite } from './site.js';
import { median } from './stats.js';
import { startTcpDelay } from './tcp-delay.js';
import { startUdpImpairment } from './udp-impairment.js';

export interface NetworkCondition {
  name: string;
  addedRttMs: number;
  lossPercent: number;
  /** Allow → the whole 10k-node page in the mirror, median of runs, ms. */
  allowToFullFrameMs: number;
  allowRunsMs: number[];
  mutation: Percentiles;
  /** Every connected peer connection used a relayed candidate pair (checked, not assumed). */
  relayed: boolean;
  datagrams: { forwarded: number; dropped: number };
}

export interface NetworkResult {
  pageNodes: number;
  conditions: NetworkCondition[];
}

const SECRET = 'bench-turn-secret-0123456789abcdef';

/** True when the page has a live connection and every one uses a relayed local candidate (FORCE_RELAY keeps them). */
async function usesRelay(page: Page): Promise<boolean> {
  const pairs = await selectedPairs(page);
  return pairs.length > 0 && pairs.every((pair) => pair.local === 'relay');
}

async function runCondition(
  root: string,
  bundles: Record<Recorder, string>,
  condition: { name: string; addedRttMs: number; lossPercent: number },
  options: { allowRuns: number; mutations: number; pageNodes: number },
  log: (line: string) => void,
): Promise<NetworkCondition> {
  const coturn = await startCoturn(SECRET);
  const crossingLoss = 1 - Math.sqrt(1 - condition.lossPercent / 100);
  const udp = await startUdpImpairment({
    targetPort: coturn.port,
    oneWayDelayMs: condition.addedRttMs / 4,
    lossRate: crossingLoss,
    seed: 7,
  });
  const server = await startTestServer(
    { TURN_SECRET: SECRET, TURN_URLS: `turn:127.0.0.1:${udp.port}?transport=udp`, TURN_TTL: '600' },
    { staticDir: join(root, 'dist', 'browser') },
  );
  const tcp = await startTcpDelay(Number(new URL(server.baseUrl).port), condition.addedRttMs / 2);
  // Links the server hands out (the agent's) go through the delay as well.
  server.config.publicUrl = tcp.url;
  const site = await startBenchSite(bundles, tcp.url);
  const browsers: LaunchedChromium[] = [];
  try {
    const [customerBrowser, agentBrowser] = await Promise.all([launchChromium(), launchChromium()]);
    browsers.push(customerBrowser, agentBrowser);
    for (const browser of browsers) await browser.context.addInitScript(FORCE_RELAY);
    const harness = { server: { ...server, baseUrl: tcp.url }, customerBrowser, agentBrowser };
    const url = `${site.url}/customer?page=gen-${options.pageNodes}`;
    const warm = await goLive(harness, url);
    await Promise.all([warm.customer.close(), warm.agent.close()]);
    const runs: LiveSession[] = [];
    for (let i = 0; i < options.allowRuns; i++) {
      const live = await goLive(harness, url);
      runs.push(live);
      if (i < options.allowRuns - 1) await Promise.all([live.customer.close(), live.agent.close()]);
    }
    const last = runs[runs.length - 1];
    if (!last) throw new Error('no live session');
    const relayed = (await usesRelay(last.customer)) && (await usesRelay(last.agent));
    const mutation = await measureMutations(last, options.mutations, 10);
    await Promise.all([last.customer.close(), last.agent.close()]);
    const result: NetworkCondition = {
      ...condition,
      allowToFullFrameMs: median(runs.map((r) => r.fullFrameMs)),
      allowRunsMs: runs.map((r) => Math.round(r.fullFrameMs)),
      mutation: percentiles(mutation),
      relayed,
      datagrams: udp.stats(),
    };
    log(
      `  ${condition.name}: allow → whole page ${result.allowToFullFrameMs.toFixed(0)} ms (runs ${result.allowRunsMs.join(', ')}), mutation p50 ${result.mutation.p50.toFixed(1)} / p99 ${result.mutation.p99.toFixed(1)} ms, relayed ${relayed}, datagrams dropped ${result.datagrams.dropped} of ${result.datagrams.forwarded + result.datagrams.dropped}`,
    );
    return result;
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
    await site.close();
    await tcp.close();
    await server.close();
    await udp.close();
    coturn.close();
  }
}

export async function runNetworkScenario(
  root: string,
  bundles: Record<Recorder, string>,
  options: { allowRuns: number; mutations: number; pageNodes: number },
  log: (line: string) => void,
): Promise<NetworkResult> {
  const conditions: NetworkCondition[] = [];
  for (const condition of [
    { name: 'TURN relay on loopback', addedRttMs: 0, lossPercent: 0 },
    { name: 'TURN relay, +50 ms round trip, 1 % loss', addedRttMs: 50, lossPercent: 1 },
  ]) {
    conditions.push(await runCondition(root, bundles, condition, options, log));
  }
  return { pageNodes: options.pageNodes, conditions };
}

export function networkTable(n: NetworkResult): string {
  const f = (v: number): string => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
  return [
    `| Realistic network (both browsers relay-only through coturn; ${n.pageNodes.toLocaleString('en')}-node page) | Allow → whole first frame (median; runs) | Mutation → mirror p50 / p95 / p99 | Relayed | Datagrams dropped |`,
    '|---|---|---|---|---|',
    ...n.conditions.map(
      (c) =>
        `| ${c.name} | ${f(c.allowToFullFrameMs)} (${c.allowRunsMs.join(', ')}) | ${f(c.mutation.p50)} / ${f(c.mutation.p95)} / ${f(c.mutation.p99)} (n=${c.mutation.count}) | ${c.relayed ? 'yes' : 'NO'} | ${c.datagrams.dropped} of ${c.datagrams.forwarded + c.datagrams.dropped} |`,
    ),
  ].join('\n');
}
