/** Chromium plumbing for the benchmarks: launch with memory flags, CDP traces and metrics. */
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from '../test/node/helpers/chromium.js';

/** Precise performance.memory and a callable gc() make heap figures comparable between runs. */
export function launchBenchChromium(): Promise<LaunchedChromium> {
  // BENCH_JS_FLAGS: more V8 flags, e.g. `--trace-gc` (its lines show with DEBUG=pw:browser).
  const more = process.env['BENCH_JS_FLAGS'];
  return launchChromium({
    args: ['--enable-precise-memory-info', `--js-flags=--expose-gc${more ? ` ${more}` : ''}`],
  });
}

export async function chromiumVersion(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  const version = (await cdp.send('Browser.getVersion')) as { product: string };
  await cdp.detach();
  return version.product;
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  /** Thread (CPU) time of the event, µs: unlike dur, not inflated while the thread waits for a core. */
  tdur?: number;
  args?: { name?: string };
}

/**
 * Runs `work` under a Chromium trace ('toplevel' category) and returns the
 * longest task on any renderer main thread meanwhile, in ms: exact, unlike
 * the Long Tasks API, which only reports tasks of 50 ms or more. Also the
 * main-thread time: the thread (CPU) time of those tasks, nested task events
 * counted once, so work moved to a worker no longer counts and a busy
 * machine (other processes on the cores) does not inflate it.
 */
export async function longestRendererTask<T>(
  page: Page,
  work: () => Promise<T>,
): Promise<{ result: T; longestTaskMs: number; mainThreadMs: number }> {
  const trace = await startRendererTrace(page);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await trace.stop();
    throw error;
  }
  const figures = await trace.stop();
  return { result, longestTaskMs: figures.longestTaskMs, mainThreadMs: figures.mainThreadMs };
}

export interface RendererTaskFigures {
  longestTaskMs: number;
  /** The most thread CPU time one task took (trace tdur): less moved than wall time by other work on the machine. */
  longestTaskCpuMs: number;
  mainThreadMs: number;
  /** Main-thread tasks of 50 ms or more. */
  tasksOver50Ms: number;
}

/** Starts a Chromium trace ('toplevel') of the page's renderer; stop() reads its main-thread tasks. */
export async function startRendererTrace(page: Page): Promise<{ stop(): Promise<RendererTaskFigures> }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (data) => {
    // CDP types trace events loosely; these fields are the trace event format's own.
    events.push(...(data.value as unknown as TraceEvent[]));
  });
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['toplevel', '__metadata'] },
    transferMode: 'ReportEvents',
  });
  return {
    async stop() {
      const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await complete;
      await cdp.detach();
      return rendererTasks(events);
    },
  };
}

function rendererTasks(events: readonly TraceEvent[]): RendererTaskFigures {
  const mainThreads = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  let longest = 0;
  let longestCpu = 0;
  const tasks: Array<{ ts: number; end: number; cpu: number }> = [];
  for (const event of events) {
    if (event.ph !== 'X' || event.dur === undefined || !mainThreads.has(`${event.pid}:${event.tid}`)) continue;
    if (event.name !== 'ThreadControllerImpl::RunTask' && event.name !== 'RunTask') continue;
    longest = Math.max(longest, event.dur / 1000);
    longestCpu = Math.max(longestCpu, (event.tdur ?? event.dur) / 1000);
    if (event.ts !== undefined) tasks.push({ ts: event.ts, end: event.ts + event.dur, cpu: event.tdur ?? event.dur });
  }
  const outer = outermost(tasks);
  return {
    longestTaskMs: longest,
    longestTaskCpuMs: longestCpu,
    mainThreadMs: outer.reduce((sum, task) => sum + task.cpu, 0) / 1000,
    tasksOver50Ms: outer.filter((task) => task.end - task.ts >= 50_000).length,
  };
}

/** The tasks not nested in another (a task event inside another is the same work). */
function outermost<T extends { ts: number; end: number }>(tasks: T[]): T[] {
  tasks.sort((a, b) => a.ts - b.ts || b.end - a.end);
  const out: T[] = [];
  let outerEnd = Number.NEGATIVE_INFINITY;
  for (const task of tasks) {
    if (task.ts < outerEnd) continue;
    out.push(task);
    outerEnd = task.end;
  }
  return out;
}

/** Main-thread task time (s) the renderer spent so far, from CDP Performance.getMetrics. */
export async function metricsSession(page: Page): Promise<{ taskSeconds(): Promise<number>; detach(): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  return {
    async taskSeconds() {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as {
        metrics: Array<{ name: string; value: number }>;
      };
      return metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN;
    },
    detach: () => cdp.detach(),
  };
}
