/**
 * `node bench/agent-replay.mjs [nodes] [runs] [intervalMs]`: the agent's side
 * of a first snapshot alone. The capture engine's messages for a generated
 * page are recorded once, encoded as the customer's channel sends them, and
 * replayed into an agent channel and Mirror in one Chromium page, one data
 * channel message per task, `intervalMs` apart (0: all waiting at once, so
 * the figure is the agent's whole work). Prints, per variant, the medians of
 * first message → shown, last message → shown and the time spent in the
 * message tasks, and the renderer's CPU time (all its threads) and main-thread
 * script, style and layout time per run (CPU time in thread ticks, so less
 * moved by other work on the machine than the elapsed times). REPLAY_BASE_TREE=<dir> (an export of another commit) adds
 * that tree's code as "base", alternating runs with this one in the same
 * browser: the fair comparison on a loaded machine. A developer tool, not
 * part of `npm run bench`. REPLAY_PROFILE=1 (with BENCH_MINIFY=0 for names)
 * prints the CPU profile of this tree's runs. Each run's trace gives the
 * longest main-thread task (wall and CPU); REPLAY_DETAIL=<ms> instead traces
 * in detail and prints what the REPLAY_DETAIL_TOP (6) tasks longest in CPU
 * over that many ms spent their time in. REPLAY_STAGE=<flags> puts the mirror
 * in a stand-in for the console's stage (bench/browser/agent-replay-page.ts:
 * opacity, visibility, pointer, inert, aria, early-transform, wheel,
 * wheel-resync), e.g. `visibility,pointer,inert,aria,early-transform,wheel`
 * for the console as it is.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../test/node/helpers/chromium.js';
import { startRendererTrace, type RendererTaskFigures } from './browser-tools.js';
import { benchPageBundle } from './bundles.js';
import {
  cpuByTaskSource,
  longTasks,
  outermostTasks,
  printFunctionTimes,
  rendererMainEvents,
  taskSource,
  type CpuProfile,
  type TraceEvent,
} from './cpu-profile-report.js';
import { startBenchSite } from './site.js';
import { startTrace } from './allow-trace.js';
import { median } from './stats.js';
import type { ReplayResult } from './browser/agent-replay-page.js';

interface ReplayWindow {
  __replay: {
    load(messages: unknown[]): number;
    run(intervalMs: number, stage?: string): Promise<ReplayResult>;
    tearDown(): void;
    warmUp(): Promise<boolean>;
  };
}
interface WireWindow {
  __wire: { snapshot(): Promise<unknown[]> };
}

/**
 * REPLAY_COLD=<pairs>: the first snapshot of a fresh page (cold code), without and with the
 * console's warm-up before it (agent/mirror/warm-up.ts), alternating, each in a page of its own;
 * with REPLAY_BASE_TREE, both for each tree. Also the harness bundle's load: main-thread script
 * CPU of adding it to the page, and the JS heap used after it (after a forced GC).
 * REPLAY_COLD_KINDS=cold (or warmed) runs only that kind.
 */
async function coldRuns(
  browser: Awaited<ReturnType<typeof launchChromium>>,
  siteUrl: string,
  bundles: Array<[string, string]>,
  messages: unknown[],
  pairs: number,
  intervalMs: number,
): Promise<void> {
  const kinds = (process.env['REPLAY_COLD_KINDS'] ?? 'cold,warmed').split(',') as Array<'cold' | 'warmed'>;
  const names = bundles.flatMap(([tree]) => kinds.map((kind) => `${tree} ${kind}`));
  const results = new Map<string, ReplayResult[]>(names.map((n) => [n, []]));
  const cpu = new Map<string, number[]>(names.map((n) => [n, []]));
  const loadCpu = new Map<string, number[]>(names.map((n) => [n, []]));
  const heap = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let i = 0; i < pairs; i++) {
    for (const [tree, bundle] of bundles) {
      for (const kind of kinds) {
        const name = `${tree} ${kind}`;
        const page = await browser.newPage();
        await page.setViewportSize({ width: 1400, height: 900 });
        await page.goto(`${siteUrl}/bench?page=gen-10&rec=none`, { waitUntil: 'load' });
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
        const beforeLoad = await cpuFigures(cdp);
        await page.addScriptTag({ content: bundle });
        const afterLoad = await cpuFigures(cdp);
        await cdp.send('HeapProfiler.collectGarbage');
        const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
        await page.evaluate((m) => (window as unknown as ReplayWindow).__replay.load(m), messages);
        if (kind === 'warmed') await page.evaluate(() => (window as unknown as ReplayWindow).__replay.warmUp());
        const before = await cpuFigures(cdp);
        const result = await page.evaluate((ms) => (window as unknown as ReplayWindow).__replay.run(ms), intervalMs);
        const after = await cpuFigures(cdp);
        const runCpu = after.scriptMs - before.scriptMs;
        results.get(name)?.push(result);
        cpu.get(name)?.push(runCpu);
        loadCpu.get(name)?.push(afterLoad.scriptMs - beforeLoad.scriptMs);
        heap.get(name)?.push(usedSize / 1e6);
        console.log(
          `${name} ${i + 1}: first → shown ${result.totalMs.toFixed(1)} ms, painted ${result.paintedMs.toFixed(1)} ms, in message tasks ${result.messageMs.toFixed(1)} ms, script CPU ${runCpu.toFixed(1)} ms; load script CPU ${(afterLoad.scriptMs - beforeLoad.scriptMs).toFixed(1)} ms, heap after load ${(usedSize / 1e6).toFixed(2)} MB`,
        );
        await page.close();
      }
    }
  }
  for (const name of names) {
    const runs = results.get(name) ?? [];
    const m = (pick: (r: ReplayResult) => number): string => median(runs.map(pick)).toFixed(1);
    console.log(
      `${name}: median first → shown ${m((r) => r.totalMs)} ms, painted ${m((r) => r.paintedMs)} ms, in message tasks ${m((r) => r.messageMs)} ms, script CPU ${median(cpu.get(name) ?? []).toFixed(1)} ms; load script CPU ${median(loadCpu.get(name) ?? []).toFixed(1)} ms, heap after load ${median(heap.get(name) ?? []).toFixed(2)} MB`,
    );
  }
  if (bundles.length === 2)
    for (const kind of kinds) {
      const [base, ours] = bundles.map(([tree]) => `${tree} ${kind}`) as [string, string];
      const diff = (of: Map<string, number[]>): string => {
        const a = of.get(base) ?? [];
        const b = of.get(ours) ?? [];
        return median(b.map((v, j) => v - (a[j] ?? NaN))).toFixed(1);
      };
      const shown = (pick: (r: ReplayResult) => number): Map<string, number[]> =>
        new Map([base, ours].map((n) => [n, (results.get(n) ?? []).map(pick)]));
      console.log(
        `${kind}, this − base, median paired difference: script CPU ${diff(cpu)} ms, first → shown ${diff(shown((r) => r.totalMs))} ms, painted ${diff(shown((r) => r.paintedMs))} ms, load script CPU ${diff(loadCpu)} ms, heap after load ${diff(heap)} MB`,
      );
    }
}

/**
 * REPLAY_DETAIL=<ms>: a detailed trace of the page's renderer around `work`, then what each
 * main-thread task over that many ms spent its time in (the trace's nested events, summed by name).
 */
async function withTaskDetail<T>(page: Page, minMs: number, work: () => Promise<T>): Promise<T> {
  const trace = await startTrace<TraceEvent>(page, [
    'toplevel',
    '__metadata',
    'devtools.timeline',
    'disabled-by-default-devtools.timeline',
    'blink',
  ]);
  const result = await work();
  const events = await trace.stop();
  const onMain = rendererMainEvents(events);
  const t0 = onMain.reduce((min, e) => Math.min(min, e.ts ?? Infinity), Infinity);
  // Outermost task events: a build slice continued by scheduler.yield (where the hidden mirror's hit test runs)
  // is a RunTask event with no ThreadControllerImpl::RunTask around it.
  const allTasks = longTasks(onMain, 0);
  const tasks = outermostTasks(longTasks(onMain, minMs));
  console.log(`  main-thread CPU by task source: ${cpuByTaskSource(onMain, 10)}`);
  tasks.sort((a, b) => (b.tdur ?? b.dur ?? 0) - (a.tdur ?? a.dur ?? 0));
  for (const task of tasks.slice(0, Number(process.env['REPLAY_DETAIL_TOP'] ?? '6'))) {
    const end = (task.ts ?? 0) + (task.dur ?? 0);
    const sums = new Map<string, number>();
    for (const e of onMain)
      if (e !== task && (e.ts ?? 0) >= (task.ts ?? 0) && (e.ts ?? 0) < end && (e.dur ?? 0) > 1000)
        sums.set(e.name, (sums.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
    const parts = [...sums.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
    console.log(
      `  task @${(((task.ts ?? 0) - t0) / 1000).toFixed(0)} ms ${taskSource(task, allTasks)} ${((task.dur ?? 0) / 1000).toFixed(1)} ms (CPU ${((task.tdur ?? 0) / 1000).toFixed(1)}): ${parts.join(', ')}`,
    );
  }
  return result;
}

interface CpuFigures {
  /** The renderer process's CPU time, all threads (Performance.getMetrics ProcessTime). */
  processMs: number;
  scriptMs: number;
  styleLayoutMs: number;
}

/** Cumulative CPU figures of a page's renderer (a run's are the difference). */
async function cpuFigures(cdp: CDPSession): Promise<CpuFigures> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  const get = (name: string): number => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return {
    processMs: get('ProcessTime'),
    scriptMs: get('ScriptDuration'),
    styleLayoutMs: get('RecalcStyleDuration') + get('LayoutDuration'),
  };
}

export async function main(): Promise<void> {
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const nodes = Number(process.argv[2] ?? '10000');
  const runs = Number(process.argv[3] ?? '9');
  const intervalMs = Number(process.argv[4] ?? '0');
  const trees: Array<[string, string]> = [['this', root]];
  const base = process.env['REPLAY_BASE_TREE'];
  if (base) {
    const page = join('bench', 'browser', 'agent-replay-page.ts');
    // The same harness for both: only the product code differs.
    copyFileSync(join(root, page), join(base, page));
    trees.unshift(['base', base]);
  }
  const site = await startBenchSite(
    { ours: await benchPageBundle(root, 'wire-dump-page.ts'), rrweb: '', none: '' },
    null,
  );
  const browser = await launchChromium();
  try {
    const capture = await browser.newPage();
    await capture.goto(`${site.url}/bench?page=gen-${nodes}&rec=ours`, { waitUntil: 'load', timeout: 120_000 });
    const messages = await capture.evaluate(() => (window as unknown as WireWindow).__wire.snapshot());
    await capture.close();
    const coldPairs = Number(process.env['REPLAY_COLD'] ?? '0');
    if (coldPairs > 0) {
      const bundles: Array<[string, string]> = [];
      for (const [name, tree] of trees) bundles.push([name, await benchPageBundle(tree, 'agent-replay-page.ts')]);
      await coldRuns(browser, site.url, bundles, messages, coldPairs, intervalMs);
      return;
    }
    const variants: Array<{
      name: string;
      page: Page;
      cdp: CDPSession;
      results: ReplayResult[];
      cpu: CpuFigures[];
      tasks: RendererTaskFigures[];
    }> = [];
    for (const [name, tree] of trees) {
      const page = await browser.newPage();
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.goto(`${site.url}/bench?page=gen-10&rec=none`, { waitUntil: 'load' });
      await page.addScriptTag({ content: await benchPageBundle(tree, 'agent-replay-page.ts') });
      const bytes = await page.evaluate((m) => (window as unknown as ReplayWindow).__replay.load(m), messages);
      console.log(`${name}: ${messages.length} messages, ${bytes} bytes on the wire`);
      // One run on cold code (as the console's first snapshot is), reported apart, warms it for the others.
      const cold = await page.evaluate((ms) => (window as unknown as ReplayWindow).__replay.run(ms), intervalMs);
      console.log(
        `${name} cold run: first → shown ${cold.totalMs.toFixed(1)} ms, painted ${cold.paintedMs.toFixed(1)} ms, in message tasks ${cold.messageMs.toFixed(1)} ms`,
      );
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      variants.push({ name, page, cdp, results: [], cpu: [], tasks: [] });
    }
    const profiled = process.env['REPLAY_PROFILE'] === '1' ? variants[variants.length - 1] : undefined;
    const cdp = profiled ? await profiled.page.context().newCDPSession(profiled.page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    for (let i = 0; i < runs; i++) {
      for (const v of variants) {
        await v.page.bringToFront();
        const before = await cpuFigures(v.cdp);
        const replayRun = (): Promise<ReplayResult> =>
          v.page.evaluate(([ms, stage]) => (window as unknown as ReplayWindow).__replay.run(ms, stage), [
            intervalMs,
            process.env['REPLAY_STAGE'] ?? '',
          ] as const);
        const detailMs = Number(process.env['REPLAY_DETAIL'] ?? '0');
        let result: ReplayResult;
        let tasks: RendererTaskFigures;
        if (detailMs > 0) {
          result = await withTaskDetail(v.page, detailMs, replayRun);
          tasks = { longestTaskMs: NaN, longestTaskCpuMs: NaN, mainThreadMs: NaN, tasksOver50Ms: NaN };
        } else {
          const trace = await startRendererTrace(v.page);
          result = await replayRun();
          tasks = await trace.stop();
        }
        // Read before the teardown: removing the run's mirror (about 7 ms of script at 10k nodes) is not the run's work.
        const after = await cpuFigures(v.cdp);
        await v.page.evaluate(() => (window as unknown as ReplayWindow).__replay.tearDown());
        v.tasks.push(tasks);
        v.results.push(result);
        const cpu = {
          processMs: after.processMs - before.processMs,
          scriptMs: after.scriptMs - before.scriptMs,
          styleLayoutMs: after.styleLayoutMs - before.styleLayoutMs,
        };
        v.cpu.push(cpu);
        console.log(
          `${v.name} run ${i + 1}: first → shown ${result.totalMs.toFixed(1)} ms, painted ${result.paintedMs.toFixed(1)} ms, last → shown ${result.lastToShownMs.toFixed(1)} ms, in message tasks ${result.messageMs.toFixed(1)} ms, ${result.slices} slices, ${result.layouts} layouts; longest task ${tasks.longestTaskMs.toFixed(1)} ms (CPU ${tasks.longestTaskCpuMs.toFixed(1)}), ${tasks.tasksOver50Ms} over 50 ms; renderer CPU ${cpu.processMs.toFixed(1)} ms (script ${cpu.scriptMs.toFixed(1)}, style and layout ${cpu.styleLayoutMs.toFixed(1)})`,
        );
      }
    }
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      printFunctionTimes(profile, { self: 45, inclusive: 45 });
    }
    for (const v of variants) {
      const m = (pick: (r: ReplayResult) => number): string => median(v.results.map(pick)).toFixed(1);
      console.log(
        `${v.name}: ${nodes} nodes, every ${intervalMs} ms: median first → shown ${m((r) => r.totalMs)} ms, painted ${m((r) => r.paintedMs)} ms, last → shown ${m((r) => r.lastToShownMs)} ms, in message tasks ${m((r) => r.messageMs)} ms`,
      );
      const t = (pick: (r: RendererTaskFigures) => number): string => median(v.tasks.map(pick)).toFixed(1);
      console.log(
        `${v.name}: median longest task ${t((r) => r.longestTaskMs)} ms (CPU ${t((r) => r.longestTaskCpuMs)} ms), tasks over 50 ms ${t((r) => r.tasksOver50Ms)}`,
      );
      const c = (pick: (r: CpuFigures) => number): string => median(v.cpu.map(pick)).toFixed(1);
      console.log(
        `${v.name}: median renderer CPU ${c((r) => r.processMs)} ms, script ${c((r) => r.scriptMs)} ms, style and layout ${c((r) => r.styleLayoutMs)} ms`,
      );
    }
  } finally {
    await browser.close();
    await site.close();
  }
}
