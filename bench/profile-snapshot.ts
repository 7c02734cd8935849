/**
 * `node bench/profile.mjs [page] [rec]`: one snapshot of a bench page under the
 * CPU profiler and a detailed trace, to find where the capture's time goes
 * (self time by function, and what each main-thread task over 30 ms did).
 * A developer tool, not part of `npm run bench`.
 */
import { launchBenchChromium } from './browser-tools.js';
import { recorderBundles } from './bundles.js';
import {
  longTasks,
  printFunctionTimes,
  rendererMainEvents,
  type CpuProfile,
  type TraceEvent,
} from './cpu-profile-report.js';
import { startBenchSite, type Recorder } from './site.js';

export async function main(): Promise<void> {
  const page = process.argv[2] ?? 'gen-100000';
  const rec = (process.argv[3] ?? 'ours') as Recorder;
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
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
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Tracing.start', {
      traceConfig: {
        includedCategories: [
          'toplevel',
          '__metadata',
          'devtools.timeline',
          'v8',
          'blink',
          'disabled-by-default-devtools.timeline',
        ],
      },
      transferMode: 'ReportEvents',
    });
    await cdp.send('Profiler.start');
    const result = await tab.evaluate(() =>
      (window as unknown as { __bench: { snapshot(): Promise<unknown> } }).__bench.snapshot(),
    );
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
      profile: CpuProfile;
    };
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    console.log(JSON.stringify(result));

    printFunctionTimes(profile, { self: 35, inclusive: 45 });
    const onMain = rendererMainEvents(events);
    const taskMs = Number(process.env['PROFILE_TASK_MS'] ?? 30);
    const tasks = longTasks(onMain, taskMs);
    console.log(`\nTasks over ${taskMs} ms: ${tasks.length}`);
    for (const task of tasks) {
      const inside = onMain.filter(
        (e) => e.ts >= task.ts && e.ts < task.ts + (task.dur ?? 0) && e !== task && (e.dur ?? 0) > 1000,
      );
      const sums = new Map<string, number>();
      for (const e of inside) sums.set(e.name, (sums.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
      console.log(
        `- ${((task.dur ?? 0) / 1000).toFixed(1)} ms: ${[...sums.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([n, d]) => `${n} ${d.toFixed(1)}`)
          .join(', ')}`,
      );
    }
    await cdp.detach();
  } finally {
    await browser.close();
    await site.close();
  }
}
