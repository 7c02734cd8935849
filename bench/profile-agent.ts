/**
 * `node bench/profile-agent.mjs [nodes]`: the agent building a first snapshot
 * (Allow on a generated page) under the CPU profiler and a detailed trace of
 * the agent's renderer: self time by function, and what each agent
 * main-thread task over 30 ms did. A developer tool, not part of `npm run bench`.
 * AGENT_TRACE_OUT=<file> also writes the raw trace events (JSON) for a closer look.
 * AGENT_NO_PROFILER=1 traces without the CPU profiler (which slows the script down several times, so
 * wall times then are the bench's); AGENT_TASK_MS=<ms> sets which tasks are listed (30). The agent's
 * main-thread CPU by task source (what posted each task, e.g. OnMessage for the data channel,
 * ScheduledActionSendBeginMainFrame for rendering updates) is printed either way. The agent console is
 * the one the signaling server serves from dist/browser: run `npm run build` after changing agent code.
 */
import { writeFileSync } from 'node:fs';
import type { CDPSession } from 'playwright-core';
import { recorderBundles } from './bundles.js';
import {
  cpuByTaskSource,
  longTasks,
  printFunctionTimes,
  rendererMainEvents,
  type CpuProfile,
  type TraceEvent,
} from './cpu-profile-report.js';
import { goLive } from './latency.js';
import { withBrowserPair, withServerAndSite } from './live-stack.js';

export async function main(nodes = '100000'): Promise<void> {
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const bundles = await recorderBundles(root);
  const profiled = process.env['AGENT_NO_PROFILER'] !== '1';
  const taskMs = Number(process.env['AGENT_TASK_MS'] ?? '30');
  await withServerAndSite(root, bundles, (server, site) =>
    withBrowserPair(async (customerBrowser, agentBrowser) => {
      let cdp: CDPSession | null = null;
      const events: TraceEvent[] = [];
      const live = await goLive({ server, customerBrowser, agentBrowser }, `${site.url}/customer?page=gen-${nodes}`, {
        beforeAllow: async (_customer, agent) => {
          cdp = await agent.context().newCDPSession(agent);
          cdp.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as TraceEvent[])));
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
          await cdp.send('Tracing.start', {
            traceConfig: {
              includedCategories: [
                'toplevel',
                '__metadata',
                'devtools.timeline',
                'disabled-by-default-devtools.timeline',
                'blink',
                'v8',
                'loading',
                'renderer.scheduler',
              ],
            },
            transferMode: 'ReportEvents',
          });
          if (profiled) await cdp.send('Profiler.start');
        },
      });
      const session = cdp as CDPSession | null;
      if (!session) throw new Error('not traced');
      const empty: CpuProfile & { startTime: number } = { nodes: [], samples: [], timeDeltas: [], startTime: 0 };
      const { profile } = profiled
        ? ((await session.send('Profiler.stop')) as unknown as { profile: CpuProfile & { startTime: number } })
        : { profile: empty };
      const complete = new Promise<void>((resolve) => session.once('Tracing.tracingComplete', () => resolve()));
      await session.send('Tracing.end');
      await complete;
      console.log(JSON.stringify(live.stages), live.fullFrameMs);
      // Present only when the console was built with a part-size hook (a local experiment).
      console.log(
        'parts',
        JSON.stringify(await live.agent.evaluate(() => (window as { __parts?: unknown }).__parts ?? null)),
      );
      if (profiled) printFunctionTimes(profile, { self: 40, inclusive: 40 });
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const onMain = rendererMainEvents(events);
      console.log(`\nAgent main-thread CPU by task source: ${cpuByTaskSource(onMain, 12)}`);
      const tasks = longTasks(onMain, taskMs);
      console.log(`\nTasks over ${taskMs} ms: ${tasks.length}`);
      const sampleTimes: number[] = [];
      let t = profile.startTime;
      for (const delta of profile.timeDeltas) sampleTimes.push((t += delta));
      const t0 = tasks[0]?.ts ?? 0;
      for (const task of tasks) {
        const jsSelf = new Map<string, number>();
        for (let i = 0; i < sampleTimes.length; i++) {
          const at = sampleTimes[i] ?? 0;
          if (at < task.ts || at >= task.ts + (task.dur ?? 0)) continue;
          const f = byId.get(profile.samples[i] as number)?.callFrame;
          const key = f ? `${f.functionName || '(anon)'}` : '?';
          jsSelf.set(key, (jsSelf.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
        }
        console.log(
          `  @${((task.ts - t0) / 1000).toFixed(0)} ms samples: ${[...jsSelf.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 8)
            .map(([n, d]) => `${n} ${d.toFixed(1)}`)
            .join(', ')}`,
        );
        const inside = onMain.filter(
          (e) => e.ts >= task.ts && e.ts < task.ts + (task.dur ?? 0) && e !== task && (e.dur ?? 0) > 1000,
        );
        const sums = new Map<string, number>();
        for (const e of inside) sums.set(e.name, (sums.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
        const from = task.args?.src_func ?? task.args?.data?.src_func ?? '';
        console.log(
          `- ${((task.dur ?? 0) / 1000).toFixed(1)} ms, CPU ${((task.tdur ?? 0) / 1000).toFixed(1)} ms (${from} ${task.args?.src_file ?? task.args?.data?.src_file ?? ''}): ${[
            ...sums.entries(),
          ]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 10)
            .map(([n, d]) => `${n} ${d.toFixed(1)}`)
            .join(', ')}`,
        );
      }
      const traceOut = process.env['AGENT_TRACE_OUT'];
      if (traceOut) writeFileSync(traceOut, JSON.stringify(events));
      await session.detach();
      await live.customer.close();
      await live.agent.close();
    }),
  );
}
