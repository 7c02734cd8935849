/**
 * `MIRROR_BASE_TREE=<dir> node bench/mirror-same.mjs [pages]`: whether this tree's agent builds the
 * same mirror as another tree's (an export of the commit to compare with) from the same snapshot.
 * Per bench page (default gen-1000, gen-10000, gen-100000, long, steady) the capture's snapshot
 * messages are recorded once, then replayed through each tree's agent channel and Mirror (the
 * agent-replay page bundle, its harness copied into the base tree so only the product code
 * differs), and the built mirror is described by a plain DOM walk that shares no code with the
 * mirror (agent-replay-page.ts describeMirror: nodes, attributes in order, texts, form state,
 * shadow roots, frame documents, sheets), blob URLs numbered in order of appearance. `MIRROR_SAME_CONTROL=1` changes one character of this
 * tree's description: the control must report a difference. Images still showing the stand-in of
 * an asset on its way are waited for (a bounded number of tasks) before a mirror is described. An
 * older tree to compare with needs shared/node-list-decode.ts (an empty module will do: the
 * harness passes its columnarNodeLists when there is one). A developer tool, not part of
 * `npm run bench`.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../test/node/helpers/chromium.js';
import { benchPageBundle } from './bundles.js';
import { startBenchSite } from './site.js';

interface ReplayWindow {
  __replay: { load(messages: unknown[]): number; dump(): Promise<string> };
}
interface WireWindow {
  __wire: { snapshot(): Promise<unknown[]> };
}

/**
 * Blob URLs (assets the mirror made) are random per page: numbered in the order they first appear. An SVG
 * asset is a base64 data: URL since 1017e5a (a blob: before): numbered the same way, so trees on either
 * side of that change compare.
 */
function blobsNumbered(text: string): string {
  const seen = new Map<string, number>();
  return text.replace(/blob:[^"\s)]+|data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+(#[^"\s)]*)?/g, (url) => {
    if (!seen.has(url)) seen.set(url, seen.size);
    return `blob:#${seen.get(url)}`;
  });
}

export async function main(): Promise<void> {
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const base = process.env['MIRROR_BASE_TREE'];
  if (base === undefined) throw new Error('set MIRROR_BASE_TREE to the tree to compare with');
  const pages = (process.argv[2] ?? 'gen-1000,gen-10000,gen-100000,long,steady').split(',');
  const harness = join('bench', 'browser', 'agent-replay-page.ts');
  copyFileSync(join(root, harness), join(base, harness));
  const site = await startBenchSite(
    { ours: await benchPageBundle(root, 'wire-dump-page.ts'), rrweb: '', none: '' },
    null,
  );
  const bundles = {
    this: await benchPageBundle(root, 'agent-replay-page.ts'),
    base: await benchPageBundle(base, 'agent-replay-page.ts'),
  };
  const browser = await launchChromium();
  let differing = 0;
  try {
    for (const name of pages) {
      const capture = await browser.newPage();
      await capture.goto(`${site.url}/bench?page=${name}&rec=ours`, { waitUntil: 'load', timeout: 120_000 });
      const messages = await capture.evaluate(() => (window as unknown as WireWindow).__wire.snapshot());
      await capture.close();
      const texts: Record<string, string> = {};
      for (const [tree, bundle] of Object.entries(bundles)) {
        const page = await browser.newPage();
        await page.setViewportSize({ width: 1400, height: 900 });
        await page.goto(`${site.url}/bench?page=gen-10&rec=none`, { waitUntil: 'load' });
        await page.addScriptTag({ content: bundle });
        await page.evaluate((m) => (window as unknown as ReplayWindow).__replay.load(m), messages);
        texts[tree] = blobsNumbered(await page.evaluate(() => (window as unknown as ReplayWindow).__replay.dump()));
        await page.close();
      }
      let mine = texts['this'] ?? '';
      if (process.env['MIRROR_SAME_CONTROL'] === '1') {
        const at = mine.indexOf('class=');
        mine = `${mine.slice(0, at)}klass=${mine.slice(at + 6)}`;
      }
      const theirs = texts['base'] ?? '';
      const same = mine === theirs;
      if (!same) differing++;
      const lines = mine.split('\n').length;
      let first = '';
      if (!same) {
        const a = mine.split('\n');
        const b = theirs.split('\n');
        const at = a.findIndex((line, i) => line !== b[i]);
        first = ` first difference at line ${at + 1}: ${JSON.stringify(a[at]?.slice(0, 120))} vs ${JSON.stringify(b[at]?.slice(0, 120))}`;
      }
      console.log(`${name}: ${same ? 'SAME' : 'DIFFERENT'} (${lines} lines, ${mine.length} chars)${first}`);
    }
  } finally {
    await browser.close();
    await site.close();
  }
  if (differing > 0) process.exitCode = 1;
}
