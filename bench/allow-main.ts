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
  ALLOW_CATEGORIES,
  channelTransit,
  markTs,
  otherThreads,
  startProfile,
  startTrace,
  summarise,
  type PageProfile,
  type PageTrace,
  type WindowCpu,
  windowCpu,
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
  cpu: RunCpu[];
}

/** ALLOW_CPU=1: the thread CPU of each side's share of the path, from a light trace of each run. */
interface RunCpu {
  /** The customer from Allow until the last part is on the data channel. */
  customer: WindowCpu;
  /** The agent from the first part received until the snapshot is built. */
  agent: WindowCpu;
  /** Both browsers, every thread, from Allow until the agent built the snapshot. */
  bothAll: number;
}

type PageTraceEvents = Parameters<typeof windowCpu>[0];

const CPU_CATEGORIES = ['toplevel', '__metadata', 'blink.user_timing'];

function runCpu(customerTrace: PageTraceEvents, agentTrace: PageTraceEvents): RunCpu | null {
  const allow = markTs(customerTrace, 'allow');
  const lastOut = markTs(customerTrace, 'snapshot-last-part-out');
  const firstIn = markTs(agentTrace, 'agent-first-part');
  const built = markTs(agentTrace, 'agent-snapshot-applied');
  if (allow === undefined || lastOut === undefined || firstIn === undefined || built === undefined) return null;
  return {
    customer: windowCpu(customerTrace, allow, lastOut),
    agent: windowCpu(agentTrace, firstIn, built),
    bothAll: windowCpu(customerTrace, allow, built).all + windowCpu(agentTrace, allow, built).all,
  };
}

function cpuLine(c: RunCpu): string {
  const f = (x: number): string => x.toFixed(0);
  return `CPU customer main ${f(c.customer.main)} (all ${f(c.customer.all)}, V8 background ${f(c.customer.v8Background)}), agent main ${f(c.agent.main)} (all ${f(c.agent.all)}, V8 background ${f(c.agent.v8Background)}), both browsers Allow → built ${f(c.bothAll)} ms`;
}

/** The trace's categories: allow-trace's own, plus ALLOW_TRACE_CATEGORIES (comma-separated, e.g. disabled-by-default-v8.compile). */
function traceCategories(): string[] | undefined {
  const extra = process.env['ALLOW_TRACE_CATEGORIES'];
  return extra ? [...ALLOW_CATEGORIES, ...extra.split(',')] : undefined;
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
    variants.push({ name, server, site: await startBenchSite(bundles, server.baseUrl), runs: [], cpu: [] });
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
            // ALLOW_READ_MS: time the customer takes to read the prompt before Allow (default 0: click at once);
            // ALLOW_READ_MS_BASE sets the base variant's apart, to compare the two waits on one tree.
            const readMs = Number(
              (v.name === 'base' ? process.env['ALLOW_READ_MS_BASE'] : undefined) ??
                process.env['ALLOW_READ_MS'] ??
                '0',
            );
            if (readMs > 0) await new Promise((resolve) => setTimeout(resolve, readMs));
            if (process.env['ALLOW_TRACE'] === '1')
              traces = await Promise.all([customer, agent].map((page) => startTrace(page, traceCategories())));
            else if (process.env['ALLOW_CPU'] === '1')
              traces = await Promise.all([customer, agent].map((page) => startTrace(page, CPU_CATEGORIES)));
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
          const [customerTrace = [], agentTrace = []] = await Promise.all(traces.map((t) => t.stop()));
          const cpu = runCpu(customerTrace, agentTrace);
          if (cpu !== null) {
            v.cpu.push(cpu);
            console.log(`${v.name} run ${i + 1}: ${cpuLine(cpu)}`);
          }
          if (process.env['ALLOW_TRACE'] === '1') printTrace(customerTrace, agentTrace, `${v.name}-${i + 1}`);
        }
        const line = ALLOW_STAGES.map((s) => `${s.id}=${live.stages[s.id]?.toFixed(0) ?? '-'}`).join(' ');
        console.log(
          `${v.name} run ${i + 1}: whole frame ${live.fullFrameMs.toFixed(0)} ms | painted=${live.paintedMs.toFixed(0)} ${line}`,
        );
        await Promise.all([live.customer.close(), live.agent.close()]);
      }
    }
    for (const v of variants) {
      const whole = v.runs.map((r) => r.fullFrameMs);
      console.log(
        `\n${v.name}: Allow → whole first frame, ${nodes} nodes: median ${median(whole).toFixed(0)} ms (runs ${whole.map((x) => x.toFixed(0)).join(', ')})\n`,
      );
      console.log(breakdownTable(medianBreakdown(v.runs.map((r) => r.stages))));
      console.log(`\n${v.name}: first frame painted, median ${median(v.runs.map((r) => r.paintedMs)).toFixed(0)} ms`);
      if (v.cpu.length > 0) {
        const m = (pick: (c: RunCpu) => number): number => median(v.cpu.map(pick));
        console.log(
          `${v.name}: median ${cpuLine({
            customer: {
              main: m((c) => c.customer.main),
              all: m((c) => c.customer.all),
              v8Background: m((c) => c.customer.v8Background),
            },
            agent: {
              main: m((c) => c.agent.main),
              all: m((c) => c.agent.all),
              v8Background: m((c) => c.agent.v8Background),
            },
            bothAll: m((c) => c.bothAll),
          })}`,
        );
      }
    }
  } finally {
    await Promise.all([customerBrowser.close(), agentBrowser.close()]);
    for (const v of variants) {
      await v.site.close();
      await v.server.close();
    }
  }
}

/** ALLOW_TRACE=1: both pages' main-thread tasks and other threads on the Allow timeline (and ALLOW_TRACE_FILE). */
function printTrace(customerTrace: PageTraceEvents, agentTrace: PageTraceEvents, run: string): void {
  // ALLOW_TRACE_FILE=<prefix>: both pages' raw trace events, for a closer look than the summary.
  const traceFile = process.env['ALLOW_TRACE_FILE'];
  if (traceFile) {
    writeFileSync(`${traceFile}-customer-${run}.json`, JSON.stringify(customerTrace));
    writeFileSync(`${traceFile}-agent-${run}.json`, JSON.stringify(agentTrace));
  }
  const allowTs = markTs(customerTrace, 'allow');
  console.log(
    `customer main thread (ms after Allow):\n${summarise(customerTrace, 'allow', Number(process.env['ALLOW_TRACE_MIN_MS'] ?? '3')).join('\n')}`,
  );
  if (allowTs !== undefined) console.log(`customer other threads:\n${otherThreads(customerTrace, allowTs).join('\n')}`);
  console.log(
    `agent main thread (ms after Allow, one clock):\n${summarise(agentTrace, 'agent-offer-received', 3, allowTs).join('\n')}`,
  );
  if (allowTs !== undefined) console.log(`agent other threads:\n${otherThreads(agentTrace, allowTs).join('\n')}`);
  if (allowTs !== undefined) console.log(channelTransit(customerTrace, agentTrace, allowTs).join('\n'));
}
