/**
 * `node bench/profile.mjs [page] [rec]`: one snapshot of a bench page under the
 * CPU profiler and a detailed trace, to find where the capture's time goes
 * (self time by function, and what each main-thread task over 30 ms did).
 * `PROFILE_TASK_MS` sets which tasks are listed; `PROFILE_CPU=0` leaves the
 * CPU profiler off (it lengthens every task), for the long tasks as the bench
 * sees them: each with its place among the main thread's tasks, wall and
 * thread time, what ran inside and the `performance.mark`s it holds (added by
 * hand while working; the product has none). `PROFILE_LINES=name[,name]` also
 * lists the source lines of those functions with the most samples. A developer
 * tool, not part of `npm run bench`.
 */
import { writeFile } from 'node:fs/promises';
import { launchBenchChromium } from './browser-tools.js';
import { recorderBundles } from './bundles.js';
import {
  frameKey,
  longTasks,
  markEvents,
  printFunctionTimes,
  printLineTimes,
  rendererMainEvents,
  type CpuProfile,
  type TraceEvent,
} from './cpu-profile-report.js';
import { startBenchSite, type Recorder } from './site.js';

export async function main(): Promise<void> {
  const page = process.argv[2] ?? 'gen-100000';
  const rec = (process.argv[3] ?? 'ours') as Recorder;
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const cpuProfile = process.env['PROFILE_CPU'] !== '0';
  process.env['BENCH_MINIFY'] = '0';
  const bundles = await recorderBundles(root);
  const site = await startBenchSite(bundles, null);
  const browser = await launchBenchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(`${site.url}/bench?page=${page}&rec=${rec}`, { waitUntil: 'load', timeout: 120_000 });
    // As bench/snapshot.ts does: the deflate worker is started before the snapshot, as a session starts it.
    await tab.evaluate(() => (window as unknown as { __bench: { prepare?(): Promise<string> } }).__bench.prepare?.());
    await tab.evaluate(
      () =>
        new Promise((resolve) => {
          void document.body.getBoundingClientRect();
          requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50)));
        }),
    );
    await tab.evaluate(() => (window as unknown as { __bench: { gc(): void } }).__bench.gc());
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 20)));
    const cdp = await tab.context().newCDPSession(tab);
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as TraceEvent[])));
    if (cpuProfile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    }
    await cdp.send('Tracing.start', {
      traceConfig: {
        includedCategories: [
          'toplevel',
          '__metadata',
          'devtools.timeline',
          'v8',
          'blink',
          'disabled-by-default-devtools.timeline',
          'blink.user_timing',
          ...(process.env['PROFILE_INVALIDATIONS'] === '1'
            ? ['disabled-by-default-devtools.timeline.invalidationTracking']
            : []),
        ],
      },
      transferMode: 'ReportEvents',
    });
    if (cpuProfile) await cdp.send('Profiler.start');
    const allocations = process.env['PROFILE_ALLOC'] === '1';
    if (allocations)
      await cdp.send('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    const result = await tab.evaluate(() =>
      (window as unknown as { __bench: { snapshot(): Promise<unknown> } }).__bench.snapshot(),
    );
    const sampled = allocations
      ? ((await cdp.send('HeapProfiler.stopSampling')) as unknown as { profile: { head: AllocationNode } }).profile
      : null;
    const profile = cpuProfile
      ? ((await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }).profile
      : null;
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    console.log(JSON.stringify(result));
    const traceFile = process.env['PROFILE_TRACE_FILE'];
    if (traceFile !== undefined) await writeFile(traceFile, JSON.stringify(events));

    if (profile !== null) printFunctionTimes(profile, { self: 35, inclusive: 45 });
    for (const name of (process.env['PROFILE_LINES'] ?? '').split(',').filter(Boolean))
      if (profile !== null) printLineTimes(profile, name, bundles[rec]);
    if (sampled !== null) printAllocations(sampled.head);
    const onMain = rendererMainEvents(events);
    const marks = markEvents(events);
    const all = longTasks(onMain, 0).sort((a, b) => a.ts - b.ts);
    const taskMs = Number(process.env['PROFILE_TASK_MS'] ?? 30);
    const tasks = longTasks(onMain, taskMs);
    console.log(`\nTasks over ${taskMs} ms: ${tasks.length} (of ${all.length} tasks)`);
    for (const task of tasks) {
      const end = task.ts + (task.dur ?? 0);
      const inside = onMain.filter((e) => e.ts >= task.ts && e.ts < end && e !== task && (e.dur ?? 0) > 1000);
      const sums = new Map<string, number>();
      for (const e of inside) sums.set(e.name, (sums.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
      const held = marks.filter((e) => e.ts >= task.ts && e.ts < end).map((e) => e.name);
      const cpu = (task as TraceEvent & { tdur?: number }).tdur;
      console.log(
        `- #${all.indexOf(task)} ${((task.dur ?? 0) / 1000).toFixed(1)} ms (thread ${cpu === undefined ? '?' : (cpu / 1000).toFixed(1)})${held.length > 0 ? ` [${held.join(' ')}]` : ''}: ${[
          ...sums.entries(),
        ]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([n, d]) => `${n} ${d.toFixed(1)}`)
          .join(', ')}`,
      );
      if (profile !== null) console.log(`    ${topFunctionsBetween(profile, task.ts, end, 12)}`);
    }
    printGcSummary(onMain);
    if (process.env['PROFILE_INVALIDATIONS'] === '1') printInvalidations(events);
    await cdp.detach();
  } finally {
    await browser.close();
    await site.close();
  }
}

/** The functions with the most self time among the profile's samples in [from, to) (trace clock, µs). */
function topFunctionsBetween(profile: CpuProfile, from: number, to: number, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let at = profile.startTime ?? 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at >= to) continue;
    const node = byId.get(profile.samples[i] as number);
    if (!node) continue;
    const key = frameKey(node);
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
}

/** The main thread's garbage collections in the window: count, total and the phases inside them. */
function printGcSummary(onMain: TraceEvent[]): void {
  for (const kind of ['MinorGC', 'MajorGC', 'V8.GCIncrementalMarking']) {
    const gcs = onMain.filter((e) => e.name === kind);
    if (gcs.length === 0) continue;
    const ms = (e: TraceEvent): number => (e.dur ?? 0) / 1000;
    const cpu = (e: TraceEvent): number => ((e as TraceEvent & { tdur?: number }).tdur ?? e.dur ?? 0) / 1000;
    const phases = new Map<string, number>();
    for (const gc of gcs) {
      const end = gc.ts + (gc.dur ?? 0);
      for (const e of onMain)
        if (e !== gc && e.ts >= gc.ts && e.ts < end && e.name.startsWith('V8.GC_'))
          phases.set(e.name, (phases.get(e.name) ?? 0) + ms(e));
    }
    const longest = [...gcs].sort((a, b) => ms(b) - ms(a)).slice(0, 6);
    console.log(
      `\n${kind}: ${gcs.length}, ${gcs.reduce((n, e) => n + ms(e), 0).toFixed(1)} ms wall, ${gcs.reduce((n, e) => n + cpu(e), 0).toFixed(1)} ms thread; longest ${longest.map((e) => `${ms(e).toFixed(1)}/${cpu(e).toFixed(1)}`).join(' ')}`,
    );
    for (const [name, total] of [...phases.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12))
      console.log(`  ${total.toFixed(1).padStart(7)} ms  ${name}`);
  }
}

/** Style and layout invalidations (PROFILE_INVALIDATIONS=1): what made a slice's first layout read pay for a layout. */
function printInvalidations(events: TraceEvent[]): void {
  const counts = new Map<string, number>();
  for (const e of events) {
    if (!/Invalidat|ScheduleStyle/.test(e.name)) continue;
    const data = (e.args as { data?: Record<string, unknown> } | undefined)?.data ?? {};
    const key = `${e.name} ${String(data['reason'] ?? '')} ${String(data['nodeName'] ?? '')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  console.log('\nInvalidations:');
  for (const [key, n] of [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${n} ${key}`);
}

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

/** PROFILE_ALLOC=1: bytes allocated during the snapshot by function (sampled; survivors and garbage alike). */
function printAllocations(head: AllocationNode): void {
  const self = new Map<string, number>();
  let total = 0;
  const visit = (node: AllocationNode): void => {
    const f = node.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) visit(child);
  };
  visit(head);
  console.log(`\nAllocated (sampled, total ${(total / 1e6).toFixed(1)} MB):`);
  for (const [key, bytes] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`${(bytes / 1e6).toFixed(2).padStart(8)} MB  ${key}`);
}
