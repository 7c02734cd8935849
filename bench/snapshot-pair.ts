/**
 * `node bench/snapshot-pair.mjs [page] [pairs]`: our snapshot of one bench page
 * with this tree's code and with another tree's (SNAPSHOT_BASE_TREE, a git
 * worktree of the commit to compare with), in one Chromium, alternating run by
 * run: on a shared machine this is the only fair before/after. Per pair it
 * reads the renderer's main-thread CPU from a trace (nested tasks counted
 * once, as bench/snapshot.ts does), GC time, the longest task by wall time
 * and by CPU (under load a task's wall time includes time the thread waited
 * for a core), and the thread time between `performance.mark('c>name')` and
 * `performance.mark('c<name')` pairs if the code under test carries such marks
 * (added by hand while working; the product has none). Prints medians and the
 * median of the per-pair differences. SNAPSHOT_DETAIL=1 also prints, per run,
 * its major GCs (with why V8 started marking: its old-generation limit and
 * use) and what its two longest tasks by CPU spent their time in (V8's GC
 * phases included). BENCH_WARM_UP=1 runs the capture's warm-up before each snapshot (see WARM_UP);
 * SNAPSHOT_DEFLATE=main measures the deflate-on-the-main-thread fallback.
 * A developer tool, not part of `npm run bench`.
 */
import type { LaunchedChromium } from '../test/node/helpers/chromium.js';
import { launchBenchChromium } from './browser-tools.js';
import { recorderBundles } from './bundles.js';
import type { TraceEvent } from './cpu-profile-report.js';
import { startBenchSite } from './site.js';
import { settleBenchPage } from './snapshot.js';

interface BenchWindow {
  __bench: { snapshot(): Promise<{ bytes: number; messages: number }>; stop(): void };
}

/** Trace fields the figures need beyond TraceEvent's: thread timestamps and durations. */
type TimedEvent = TraceEvent & { tts?: number; tdur?: number };

const GC_EVENT = /^(MinorGC|MajorGC)$/;
const CATEGORIES = ['toplevel', 'blink.user_timing', 'v8', '__metadata'];
/**
 * BENCH_WARM_UP=1: each tree's capture warm-up (client/capture/warm-up.ts, run by a session while the
 * consent prompt shows) runs before its snapshot; a tree whose bench page predates the option ignores it.
 */
const WARM_UP = process.env['BENCH_WARM_UP'] === '1';
/** SNAPSHOT_DEFLATE=main: the deflate stream on the main thread (the fallback for pages whose CSP forbids workers). */
const DEFLATE_MAIN = process.env['SNAPSHOT_DEFLATE'] === 'main';
/** SNAPSHOT_DETAIL=1 (see above). */
const DETAIL = process.env['SNAPSHOT_DETAIL'] === '1';
const DETAIL_CATEGORIES = ['devtools.timeline', 'disabled-by-default-v8.gc'];

function mainThreads(events: readonly TimedEvent[]): Set<string> {
  return new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
}

/** The run's major GCs, and its two longest main-thread tasks by CPU with their nested events over 0.5 ms, summed by name. */
function printLongest(events: readonly TimedEvent[], label: string): void {
  const main = mainThreads(events);
  const onMain = events.filter((e) => main.has(`${e.pid}:${e.tid}`) && e.ph === 'X');
  const tasks = onMain
    .filter((e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask')
    .sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0))
    .slice(0, 2);
  const majors = onMain.filter((e) => e.name === 'MajorGC');
  console.log(
    `\n${label}: ${majors.length} major GCs (ms wall/CPU): ` +
      majors.map((e) => `${((e.dur ?? 0) / 1000).toFixed(1)}/${((e.tdur ?? 0) / 1000).toFixed(1)}`).join(' '),
  );
  for (const e of onMain.filter((e) => /IncrementalMarkingStart|^MajorGC$/.test(e.name)))
    console.log(`  ${e.name} ${JSON.stringify(e.args)}`);
  for (const task of tasks) {
    const end = task.ts + (task.dur ?? 0);
    const sums = new Map<string, number>();
    for (const e of onMain)
      if (e !== task && e.ts >= task.ts && e.ts < end && (e.dur ?? 0) > 500)
        sums.set(e.name, (sums.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
    const parts = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(
      `${label}: task ${((task.dur ?? 0) / 1000).toFixed(1)} ms (CPU ${((task.tdur ?? 0) / 1000).toFixed(1)}): ` +
        parts.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', '),
    );
  }
}

/** One traced snapshot in a fresh tab: its figures by name (ms, except bytes). */
async function once(
  browser: LaunchedChromium,
  url: string,
  page: string,
  tree: string,
): Promise<Record<string, number>> {
  const tab = await browser.newPage();
  try {
    await tab.goto(`${url}/bench?page=${page}&rec=ours${DEFLATE_MAIN ? '&deflate=main' : ''}`, {
      waitUntil: 'load',
      timeout: 600_000,
    });
    await settleBenchPage(tab, WARM_UP);
    const cdp = await tab.context().newCDPSession(tab);
    const events: TimedEvent[] = [];
    cdp.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as TimedEvent[])));
    await cdp.send('Tracing.start', {
      traceConfig: { includedCategories: [...CATEGORIES, ...(DETAIL ? DETAIL_CATEGORIES : [])] },
      transferMode: 'ReportEvents',
    });
    const result = await tab.evaluate(() => (window as unknown as BenchWindow).__bench.snapshot());
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    if (DETAIL) printLongest(events, `${page} ${tree}`);
    // Messages: the snapshot's parts plus the other messages it sent (assets, input frames).
    return { ...figures(events), bytes: result.bytes, messages: result.messages };
  } finally {
    await tab.close();
  }
}

function figures(events: readonly TimedEvent[]): Record<string, number> {
  const main = mainThreads(events);
  const out: Record<string, number> = { cpu: 0, gc: 0, majorGcs: 0, longestWall: 0, longestCpu: 0 };
  const open = new Map<string, number>();
  const tasks: Array<{ ts: number; end: number; cpu: number }> = [];
  for (const e of events) {
    if (!main.has(`${e.pid}:${e.tid}`)) continue;
    const cpu = (e.tdur ?? e.dur ?? 0) / 1000;
    if (e.name.startsWith('c>') && e.tts !== undefined) open.set(e.name.slice(2), e.tts);
    else if (e.name.startsWith('c<') && e.tts !== undefined) {
      const name = e.name.slice(2);
      out[name] = (out[name] ?? 0) + (e.tts - (open.get(name) ?? e.tts)) / 1000;
    } else if (e.ph === 'X' && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask')) {
      tasks.push({ ts: e.ts, end: e.ts + (e.dur ?? 0), cpu });
      out['longestWall'] = Math.max(out['longestWall'] ?? 0, (e.dur ?? 0) / 1000);
      out['longestCpu'] = Math.max(out['longestCpu'] ?? 0, cpu);
    } else if (e.ph === 'X' && GC_EVENT.test(e.name)) {
      out['gc'] = (out['gc'] ?? 0) + cpu;
      if (e.name === 'MajorGC') out['majorGcs'] = (out['majorGcs'] ?? 0) + 1;
    }
  }
  tasks.sort((a, b) => a.ts - b.ts || b.end - a.end);
  let outerEnd = Number.NEGATIVE_INFINITY;
  for (const task of tasks) {
    if (task.ts < outerEnd) continue;
    out['cpu'] = (out['cpu'] ?? 0) + task.cpu;
    outerEnd = task.end;
  }
  return out;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export async function main(): Promise<void> {
  const page = process.argv[2] ?? 'gen-10000';
  const pairs = Number(process.argv[3] ?? 8);
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const baseRoot = process.env['SNAPSHOT_BASE_TREE'];
  if (baseRoot === undefined) throw new Error('set SNAPSHOT_BASE_TREE to the tree to compare with (a git worktree)');
  const sites = {
    base: await startBenchSite(await recorderBundles(baseRoot), null),
    this: await startBenchSite(await recorderBundles(root), null),
  };
  const browser = await launchBenchChromium();
  const runs: Record<'base' | 'this', Array<Record<string, number>>> = { base: [], this: [] };
  try {
    for (let i = 0; i < pairs; i++) {
      // Alternate which goes first, so drift on a shared machine hits both alike.
      for (const tree of i % 2 === 0 ? (['base', 'this'] as const) : (['this', 'base'] as const))
        runs[tree].push(await once(browser, sites[tree].url, page, tree));
      process.stdout.write('.');
    }
  } finally {
    await browser.close();
    await sites.base.close();
    await sites.this.close();
  }
  console.log(`\n${page}, ${pairs} pairs: medians, and the median of (this - base) per pair (ms; bytes in bytes)`);
  for (const name of Object.keys(runs.this[0] ?? {})) {
    const base = runs.base.map((r) => r[name] ?? 0);
    const here = runs.this.map((r) => r[name] ?? 0);
    const diff = here.map((value, i) => value - (base[i] ?? 0));
    console.log(
      `${name.padEnd(12)} base ${median(base).toFixed(1).padStart(9)}  this ${median(here).toFixed(1).padStart(9)}  diff ${median(diff).toFixed(1).padStart(8)}`,
    );
  }
  // Per pair, for a sign test: on a loaded machine one pair can swing by more than the change measured.
  const cpuDiffs = runs.this.map((r, i) => (r['cpu'] ?? 0) - (runs.base[i]?.['cpu'] ?? 0));
  console.log(
    `cpu per pair (this - base): ${cpuDiffs.map((d) => d.toFixed(1)).join(' ')}; this lower in ${cpuDiffs.filter((d) => d < 0).length} of ${cpuDiffs.length}`,
  );
}
