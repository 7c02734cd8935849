/**
 * `node bench/profile.mjs [page] [rec]`: one snapshot of a bench page under the
 * CPU profiler and a detailed trace, to find where the capture's time goes
 * (self time by function, and what each main-thread task over 30 ms did).
 * A developer tool, not part of `npm run bench`.
 */
import { launchBenchChromium } from './browser-tools.js';
import { recorderBundles } from './bundles.js';
import { startBenchSite, type Recorder } from './site.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

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
      profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
    };
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    console.log(JSON.stringify(result));

    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < profile.samples.length; i++) {
      const node = byId.get(profile.samples[i] as number);
      if (!node) continue;
      const f = node.callFrame;
      const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    }
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    console.log(`\nSelf time (total ${total.toFixed(0)} ms):`);
    for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 35))
      console.log(`${v.toFixed(1).padStart(8)} ms  ${k}`);

    // Inclusive time: a sample counts once for every distinct function on its stack.
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const inclusive = new Map<string, number>();
    for (let i = 0; i < profile.samples.length; i++) {
      const seen = new Set<string>();
      for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
        const f = byId.get(id)?.callFrame;
        if (!f) break;
        const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      }
    }
    console.log(`\nInclusive time:`);
    for (const [k, v] of [...inclusive.entries()].sort((a, b) => b[1] - a[1]).slice(0, 45))
      console.log(`${v.toFixed(1).padStart(8)} ms  ${k}`);

    const main = new Set(
      events
        .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
        .map((e) => `${e.pid}:${e.tid}`),
    );
    const tasks = events.filter(
      (e) =>
        e.ph === 'X' &&
        main.has(`${e.pid}:${e.tid}`) &&
        (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') &&
        (e.dur ?? 0) > 30_000,
    );
    console.log(`\nTasks over 30 ms: ${tasks.length}`);
    for (const task of tasks) {
      const inside = events.filter(
        (e) =>
          e.ph === 'X' &&
          main.has(`${e.pid}:${e.tid}`) &&
          e.ts >= task.ts &&
          e.ts < task.ts + (task.dur ?? 0) &&
          e !== task &&
          (e.dur ?? 0) > 3000,
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
