/**
 * Dumps the ChannelMessages our capture engine sends for the bench pages and
 * the steady-state scenario (steady.json, and the snapshot before it in
 * steady-snapshot.json) to JSON files, with rrweb's JSON gzip sizes beside
 * them, so the wire format can be measured in Node without a browser.
 * Run: node bench/wire-run.mjs [outDir] [steadySeconds]
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../test/node/helpers/chromium.js';
import { benchPageBundle } from './bundles.js';
import { startBenchSite } from './site.js';

interface WireWindow {
  __wire: {
    snapshot(): Promise<unknown[]>;
    steady(ms: number): Promise<unknown[]>;
    steadySnapshot(): unknown[];
    stop(): void;
  };
}
interface RrwebWindow {
  __bench: {
    snapshot(): Promise<unknown>;
    sizes(): { bytes: number; gzipBytes: number };
    startRecording(): Promise<void>;
    activity(ms: number): Promise<{ bytes: number; gzipBytes?: number; messages: number }>;
    stop(): void;
  };
}

export async function main(): Promise<void> {
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const outDir = process.argv[2] ?? '/tmp/wire';
  const steadySeconds = Number(process.argv[3] ?? '20');
  const pages = (process.env['WIRE_PAGES'] ?? 'gen-1000,gen-10000,gen-100000,long').split(',').filter(Boolean);
  mkdirSync(outDir, { recursive: true });
  const site = await startBenchSite(
    {
      ours: await benchPageBundle(root, 'wire-dump-page.ts'),
      rrweb: await benchPageBundle(root, 'rrweb.ts'),
      none: '',
    },
    null,
  );
  const browser = await launchChromium();
  const rrweb: Record<string, { bytes: number; gzipBytes: number }> = {};
  try {
    for (const page of pages) {
      const tab = await browser.newPage();
      await tab.goto(`${site.url}/bench?page=${page}&rec=ours`, { waitUntil: 'load', timeout: 120_000 });
      const messages = await tab.evaluate(() => (window as unknown as WireWindow).__wire.snapshot());
      writeFileSync(join(outDir, `${page}.json`), JSON.stringify(messages));
      await tab.close();
      const rr = await browser.newPage();
      await rr.goto(`${site.url}/bench?page=${page}&rec=rrweb`, { waitUntil: 'load', timeout: 120_000 });
      await rr.evaluate(() => (window as unknown as RrwebWindow).__bench.snapshot());
      rrweb[page] = await rr.evaluate(() => (window as unknown as RrwebWindow).__bench.sizes());
      await rr.close();
      console.log(`${page}: ${messages.length} messages; rrweb gzip ${rrweb[page]?.gzipBytes} B`);
    }
    if (steadySeconds > 0) {
      const tab = await browser.newPage();
      await tab.goto(`${site.url}/bench?page=steady&rec=ours`, { waitUntil: 'load' });
      const messages = await tab.evaluate(
        (ms) => (window as unknown as WireWindow).__wire.steady(ms),
        steadySeconds * 1000,
      );
      writeFileSync(join(outDir, 'steady.json'), JSON.stringify(messages));
      // What went on the stream before them: the steady page's snapshot.
      const before = await tab.evaluate(() => (window as unknown as WireWindow).__wire.steadySnapshot());
      writeFileSync(join(outDir, 'steady-snapshot.json'), JSON.stringify(before));
      await tab.close();
      const rr = await browser.newPage();
      await rr.goto(`${site.url}/bench?page=steady&rec=rrweb`, { waitUntil: 'load' });
      await rr.evaluate(() => (window as unknown as RrwebWindow).__bench.startRecording());
      await rr.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
      const run = await rr.evaluate(
        (ms) => (window as unknown as RrwebWindow).__bench.activity(ms),
        steadySeconds * 1000,
      );
      rrweb['steady'] = { bytes: run.bytes / steadySeconds, gzipBytes: (run.gzipBytes ?? 0) / steadySeconds };
      await rr.close();
      console.log(`steady: ${messages.length} messages; rrweb gzip ${rrweb['steady']?.gzipBytes} B/s`);
    }
    writeFileSync(join(outDir, 'rrweb.json'), JSON.stringify(rrweb, null, 2));
  } finally {
    await browser.close();
    await site.close();
  }
}
