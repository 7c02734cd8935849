/** Scenario 1: initial snapshot of generated pages and a long page, ours and rrweb in the same Chromium. */
import type { Page } from 'playwright-core';
import type { LaunchedChromium } from '../test/node/helpers/chromium.js';
import type { SnapshotRun } from './browser/ours.js';
import { longestRendererTask } from './browser-tools.js';
import type { Recorder } from './site.js';
import { median } from './stats.js';

export interface SnapshotCase {
  page: string;
  label: string;
  runs: number;
}

export interface SnapshotFigures {
  nodes: number;
  /** Median time to a complete snapshot, ms. */
  ms: number;
  /** Median main-thread CPU time of the renderer during the snapshot (trace, nested tasks counted once), ms; absent in older results. */
  mainThreadMs?: number;
  mainThreadSamplesMs?: number[];
  /** Median of the longest main-thread task per run (trace), ms. */
  longestTaskMs: number;
  longestTaskMaxMs: number;
  /** Ours: encoded wire bytes. rrweb: JSON bytes. */
  bytes: number;
  /** rrweb only: the JSON gzip-compressed with pako's default level. */
  gzipBytes?: number;
  /** Median peak JS heap above the pre-snapshot baseline, bytes. */
  peakHeap: number;
  samplesMs: number[];
}

export interface SnapshotResult {
  page: string;
  label: string;
  /** Ours as shipped: deflate in a worker. */
  ours: SnapshotFigures;
  /** Ours where the page's CSP forbids workers: deflate on the main thread. */
  oursMainThread?: SnapshotFigures;
  rrweb: SnapshotFigures;
}

type Variant = 'ours' | 'ours-main' | 'rrweb';

interface BenchWindow {
  __bench: {
    gc(): void;
    prepare?(warmUp?: boolean): Promise<string>;
    snapshot(): Promise<SnapshotRun>;
    sizes(): { bytes: number; gzipBytes: number } | null;
    stop(): void;
  };
}

async function runOnce(
  browser: LaunchedChromium,
  siteUrl: string,
  page: string,
  variant: Variant,
): Promise<SnapshotRun & { traceLongest: number; mainThreadMs: number; gzip?: number; json?: number }> {
  const tab = await browser.newPage();
  const recorder: Recorder = variant === 'rrweb' ? 'rrweb' : 'ours';
  const deflate = variant === 'ours-main' ? '&deflate=main' : '';
  try {
    // A 300k-node page takes minutes to load on a busy 2-core machine.
    await tab.goto(`${siteUrl}/bench?page=${page}&rec=${recorder}${deflate}`, {
      waitUntil: 'load',
      timeout: 600_000,
    });
    await settleBenchPage(tab);
    const { result, longestTaskMs, mainThreadMs } = await longestRendererTask(tab, () =>
      tab.evaluate(() => (window as unknown as BenchWindow).__bench.snapshot()),
    );
    const sizes = await tab.evaluate(() => (window as unknown as BenchWindow).__bench.sizes());
    await tab.evaluate(() => (window as unknown as BenchWindow).__bench.stop());
    return {
      ...result,
      traceLongest: longestTaskMs,
      mainThreadMs,
      ...(sizes ? { json: sizes.bytes, gzip: sizes.gzipBytes } : {}),
    };
  } finally {
    await tab.close();
  }
}

function figures(runs: Array<Awaited<ReturnType<typeof runOnce>>>): SnapshotFigures {
  const first = runs[0];
  if (first === undefined) throw new Error('no runs');
  const out: SnapshotFigures = {
    nodes: first.nodes,
    ms: median(runs.map((r) => r.ms)),
    mainThreadMs: median(runs.map((r) => r.mainThreadMs)),
    mainThreadSamplesMs: runs.map((r) => Math.round(r.mainThreadMs * 10) / 10),
    longestTaskMs: median(runs.map((r) => Math.max(r.traceLongest, r.longestTask))),
    longestTaskMaxMs: Math.max(...runs.map((r) => Math.max(r.traceLongest, r.longestTask))),
    bytes: median(runs.map((r) => r.json ?? r.bytes)),
    peakHeap: median(runs.map((r) => r.peakHeap)),
    samplesMs: runs.map((r) => Math.round(r.ms * 10) / 10),
  };
  if (first.gzip !== undefined) out.gzipBytes = median(runs.map((r) => r.gzip ?? 0));
  return out;
}

/** Readies a loaded bench page for a measured snapshot (also bench/snapshot-pair.ts). */
export async function settleBenchPage(tab: Page, warmUp = false): Promise<void> {
  // Our deflate worker (or its module) is started once per page, as a session does before its snapshot;
  // with `warmUp` our capture's warm-up runs too, as it does while a session's consent prompt shows.
  await tab.evaluate((warm) => (window as unknown as BenchWindow).__bench.prepare?.(warm), warmUp);
  // Let the page settle before measuring: the page's own first style and layout pass (0.7 s at
  // 100k nodes) is not recording cost, but whichever recorder reads layout first would pay it.
  await tab.evaluate(
    () =>
      new Promise((resolve) => {
        void document.body.getBoundingClientRect();
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50)));
      }),
  );
  // The heap baseline's forced GC runs here, outside the traced window (it is no recording cost).
  await tab.evaluate(() => (window as unknown as BenchWindow).__bench.gc());
  await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 20)));
}

export async function runSnapshotScenario(
  browser: LaunchedChromium,
  siteUrl: string,
  cases: readonly SnapshotCase[],
  log: (line: string) => void,
): Promise<SnapshotResult[]> {
  const results: SnapshotResult[] = [];
  for (const c of cases) {
    const byVariant: Record<Variant, Array<Awaited<ReturnType<typeof runOnce>>>> = {
      ours: [],
      'ours-main': [],
      rrweb: [],
    };
    // Alternate recorders so drift on a shared machine hits all alike.
    try {
      for (let i = 0; i < c.runs; i++) {
        for (const variant of ['ours', 'ours-main', 'rrweb'] as const)
          byVariant[variant].push(await runOnce(browser, siteUrl, c.page, variant));
      }
    } catch (error) {
      // One page failing (a timeout on a loaded machine) must not lose the others' figures.
      log(`  snapshot ${c.label}: FAILED ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      continue;
    }
    const result: SnapshotResult = {
      page: c.page,
      label: c.label,
      ours: figures(byVariant.ours),
      oursMainThread: figures(byVariant['ours-main']),
      rrweb: figures(byVariant.rrweb),
    };
    log(
      `  snapshot ${c.label}: main thread ours ${result.ours.mainThreadMs?.toFixed(1)} ms (CSP fallback ${result.oursMainThread?.mainThreadMs?.toFixed(1)} ms), rrweb ${result.rrweb.mainThreadMs?.toFixed(1)} ms; wall ours ${result.ours.ms.toFixed(1)} ms; ${result.ours.bytes} B vs rrweb ${result.rrweb.gzipBytes} B gz (${result.ours.nodes} nodes)`,
    );
    results.push(result);
  }
  return results;
}
