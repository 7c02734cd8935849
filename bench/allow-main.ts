/**
 * `node bench/allow.mjs [runs]`: only the Allow → first frame runs of the
 * latency scenario (10k nodes), with the per-stage breakdown, without the
 * rest of the bench. Serves the bundles from ALLOW_STATIC_DIR (default
 * dist/browser); with ALLOW_BASE_STATIC_DIR, alternates runs between those
 * bundles ("base") and these ("this"), each with its own server and site.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../test/node/helpers/chromium.js';
import { startTestServer, type TestServer } from '../test/node/helpers/server.js';
import { ALLOW_STAGES, breakdownTable, medianBreakdown } from './allow-breakdown.js';
import {
  markTs,
  otherThreads,
  startProfile,
  startTrace,
  summarise,
  type PageProfile,
  type PageTrace,
} from './allow-trace.js';
import { recorderBundles } from './bundles.js';
import { goLive, type LiveSession } from './latency.js';
import { startBenchSite, type BenchSite } from './site.js';
import { median } from './stats.js';

interface Variant {
  name: string;
  server: TestServer;
  site: BenchSite;
  runs: LiveSession[];
}

export async function main(): Promise<void> {
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const runs = Number(process.argv[2] ?? '5');
  const nodes = Number(process.env['ALLOW_NODES'] ?? '10000');
  const bundles = await recorderBundles(root);
  const dirs: Array<[string, string]> = [['this', process.env['ALLOW_STATIC_DIR'] ?? join(root, 'dist', 'browser')]];
  const baseDir = process.env['ALLOW_BASE_STATIC_DIR'];
  if (baseDir) dirs.unshift(['base', baseDir]);
  const variants: Variant[] = [];
  for (const [name, staticDir] of dirs) {
    const server = await startTestServer({}, { staticDir });
    variants.push({ name, server, site: await startBenchSite(bundles, server.baseUrl), runs: [] });
  }
  const [customerBrowser, agentBrowser] = await Promise.all([launchChromium(), launchChromium()]);
  try {
    const url = (v: Variant): string => `${v.site.url}/customer?page=gen-${nodes}`;
    // One unmeasured run each warms both browsers and the server's code paths.
    for (const v of variants) {
      const warm = await goLive({ server: v.server, customerBrowser, agentBrowser }, url(v));
      await Promise.all([warm.customer.close(), warm.agent.close()]);
    }
    for (let i = 0; i < runs; i++) {
      for (const v of variants) {
        let traces: PageTrace[] = [];
        let profiles: PageProfile[] = [];
        const live = await goLive({ server: v.server, customerBrowser, agentBrowser }, url(v), {
          beforeAllow: async (customer, agent) => {
            if (process.env['ALLOW_TRACE'] === '1')
              traces = await Promise.all([startTrace(customer), startTrace(agent)]);
            if (process.env['ALLOW_PROFILE'] === '1')
              profiles = await Promise.all([startProfile(customer), startProfile(agent)]);
          },
        });
        v.runs.push(live);
        if (profiles.length === 2) {
          const [customerTop, agentTop] = await Promise.all(profiles.map((p) => p.stop()));
          console.log(
            `customer self time:\n${(customerTop ?? []).join('\n')}\nagent self time:\n${(agentTop ?? []).join('\n')}`,
          );
        }
        if (traces.length === 2) {
          const [customerTrace, agentTrace] = await Promise.all(traces.map((t) => t.stop()));
          // ALLOW_TRACE_FILE=<prefix>: both pages' raw trace events, for a closer look than the summary.
          const traceFile = process.env['ALLOW_TRACE_FILE'];
          if (traceFile) {
            const suffix = `${v.name}-${i + 1}.json`;
            writeFileSync(`${traceFile}-customer-${suffix}`, JSON.stringify(customerTrace ?? []));
            writeFileSync(`${traceFile}-agent-${suffix}`, JSON.stringify(agentTrace ?? []));
          }
          const allowTs = markTs(customerTrace ?? [], 'allow');
          console.log(
            `customer main thread (ms after Allow):\n${summarise(customerTrace ?? [], 'allow', Number(process.env['ALLOW_TRACE_MIN_MS'] ?? '3')).join('\n')}`,
          );
          if (allowTs !== undefined)
            console.log(`customer other threads:\n${otherThreads(customerTrace ?? [], allowTs).join('\n')}`);
          console.log(
            `agent main thread (ms after Allow, one clock):\n${summarise(agentTrace ?? [], 'agent-offer-received', 3, allowTs).join('\n')}`,
          );
          if (allowTs !== undefined)
            console.log(`agent other threads:\n${otherThreads(agentTrace ?? [], allowTs).join('\n')}`);
        }
        const line = ALLOW_STAGES.map((s) => `${s.id}=${live.stages[s.id]?.toFixed(0) ?? '-'}`).join(' ');
        console.log(`${v.name} run ${i + 1}: whole frame ${live.fullFrameMs.toFixed(0)} ms | ${line}`);
        await Promise.all([live.customer.close(), live.agent.close()]);
      }
    }
    for (const v of variants) {
      const whole = v.runs.map((r) => r.fullFrameMs);
      console.log(
        `\n${v.name}: Allow → whole first frame, ${nodes} nodes: median ${median(whole).toFixed(0)} ms (runs ${whole.map((x) => x.toFixed(0)).join(', ')})\n`,
      );
      console.log(breakdownTable(medianBreakdown(v.runs.map((r) => r.stages))));
    }
  } finally {
    await Promise.all([customerBrowser.close(), agentBrowser.close()]);
    for (const v of variants) {
      await v.site.close();
      await v.server.close();
    }
  }
}
