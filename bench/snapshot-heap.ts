/**
 * `node bench/snapshot-heap.mjs [page]`: what our snapshot of a bench page
 * keeps on the JS heap, in a fresh tab: used heap after the bench's forced GC,
 * right after the snapshot, and after another forced GC (what stays while the
 * capture runs). SNAPSHOT_BASE_TREE=<dir> measures another tree's code too, in
 * the same Chromium. HEAP_SNAP=1 also takes a heap snapshot before and after
 * and lists the 20 object kinds that grew most (self size and count; Blink's
 * own C++ objects left out). Why it matters: V8 starts a major GC once the old
 * generation grows past its limit (10.97 MB after the forced GC on these
 * pages, bench/snapshot-pair.mjs SNAPSHOT_DETAIL=1), and on a 300k-node page
 * its pause lands in a slice. A developer tool, not part of `npm run bench`.
 */
import type { CDPSession } from 'playwright-core';
import { launchBenchChromium } from './browser-tools.js';
import { recorderBundles } from './bundles.js';
import { startBenchSite } from './site.js';
import { settleBenchPage } from './snapshot.js';

interface BenchWindow {
  __bench: { snapshot(): Promise<{ bytes: number }>; gc(): void };
}

interface HeapSnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

type Kinds = Map<string, { bytes: number; count: number }>;

const mb = (bytes: number): string => (bytes / 1048576).toFixed(2);

/** Self size and count per object kind ("type:name"), Blink's C++ objects left out. */
async function heapKinds(cdp: CDPSession): Promise<Kinds> {
  const chunks: string[] = [];
  const onChunk = (data: { chunk: string }): void => void chunks.push(data.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snap = JSON.parse(chunks.join('')) as HeapSnapshotJson;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const kinds: Kinds = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt] ?? 0] ?? '?';
    const name = snap.strings[snap.nodes[i + nameAt] ?? 0] ?? '';
    if (type === 'synthetic' || name.startsWith('blink::') || name.startsWith('cppgc')) continue;
    const key = type === 'string' || type === 'number' || type === 'closure' ? type : `${type}:${name.slice(0, 40)}`;
    const kind = kinds.get(key) ?? { bytes: 0, count: 0 };
    kind.bytes += snap.nodes[i + sizeAt] ?? 0;
    kind.count++;
    kinds.set(key, kind);
  }
  return kinds;
}

async function usedHeap(cdp: CDPSession): Promise<number> {
  return ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
}

export async function main(): Promise<void> {
  const page = process.argv[2] ?? 'gen-100000';
  const kindsToo = process.env['HEAP_SNAP'] === '1';
  const trees: Array<[string, string]> = [['this', process.env['BENCH_ROOT'] ?? process.cwd()]];
  const baseRoot = process.env['SNAPSHOT_BASE_TREE'];
  if (baseRoot !== undefined) trees.push(['base', baseRoot]);
  const browser = await launchBenchChromium();
  try {
    for (const [name, root] of trees) {
      const site = await startBenchSite(await recorderBundles(root), null);
      const tab = await browser.newPage();
      try {
        await tab.goto(`${site.url}/bench?page=${page}&rec=ours`, { waitUntil: 'load', timeout: 600_000 });
        await settleBenchPage(tab);
        const cdp = await tab.context().newCDPSession(tab);
        const kindsBefore = kindsToo ? await heapKinds(cdp) : new Map();
        const before = await usedHeap(cdp);
        await tab.evaluate(() => (window as unknown as BenchWindow).__bench.snapshot());
        const after = await usedHeap(cdp);
        await tab.evaluate(() => (window as unknown as BenchWindow).__bench.gc());
        const kept = await usedHeap(cdp);
        console.log(
          `${name} ${page}: used ${mb(before)} MB before, ${mb(after)} MB after the snapshot, ${mb(kept)} MB after a forced GC (kept ${mb(kept - before)} MB)`,
        );
        if (kindsToo) {
          const grown = [...(await heapKinds(cdp)).entries()].map(([key, kind]) => ({
            key,
            bytes: kind.bytes - (kindsBefore.get(key)?.bytes ?? 0),
            count: kind.count - (kindsBefore.get(key)?.count ?? 0),
          }));
          for (const g of grown.sort((a, b) => b.bytes - a.bytes).slice(0, 20))
            console.log(`  ${g.key.padEnd(48)} ${mb(g.bytes).padStart(8)} MB ${String(g.count).padStart(8)}`);
        }
        await cdp.detach();
      } finally {
        await tab.close();
        await site.close();
      }
    }
  } finally {
    await browser.close();
  }
}
