/**
 * `SNAPSHOT_BASE_TREE=<dir> node bench/snapshot-same.mjs [pages]` (bench pages, or random-N for a random page
 * from seed N: shadow trees, slots, scrolled boxes, masked and blocked regions, fields): whether this tree's capture sends
 * the same snapshot as another tree's (a git worktree or an export of the commit to compare with).
 * Both trees' builds of bench/browser/snapshot-same-page.ts (copied into the other tree, so it
 * bundles that tree's capture and packer) are served by one site (one origin and port, so absolute
 * URLs and their masking are alike), one as `rec=ours`, the other as `rec=rrweb`: the bundle's name
 * is all that differs (a <script>'s attributes are never sent, and the page makes its URL alike).
 * The snapshot is taken without a time limit per slice, so both trees cut it into the same parts.
 * Compared, by plain JSON and byte comparisons that share no code with the capture: every message
 * as handed to the transport, and every message's packed bytes (wire layout and msgpack, each tree
 * its own). `SNAPSHOT_SAME_CONTROL=1` changes one character of one attribute value of this tree's
 * messages and one byte of its packed ones: both comparisons must then report a difference.
 * `SNAPSHOT_SAME_DUMP=<dir>` writes both trees' messages there as JSON.
 * A developer tool, not part of `npm run bench`.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../test/node/helpers/chromium.js';
import { benchPageBundle } from './bundles.js';
import { startBenchSite } from './site.js';

interface Snapshot {
  messages: Array<Record<string, unknown>>;
  packed: string[];
}
interface SameWindow {
  __same: { snapshot(seed?: number): Promise<Snapshot> };
}

const PAGE = 'snapshot-same-page.ts';

function spoil(snapshot: Snapshot): void {
  const first = snapshot.packed[0] ?? '';
  snapshot.packed[0] = `${first.slice(0, 10)}${first[10] === 'A' ? 'B' : 'A'}${first.slice(11)}`;
  for (const message of snapshot.messages) {
    for (const node of (message['nodes'] as Array<{ attributes?: Record<string, string> }> | undefined) ?? []) {
      const name = node.attributes === undefined ? undefined : Object.keys(node.attributes)[0];
      if (node.attributes !== undefined && name !== undefined) {
        node.attributes[name] = `${node.attributes[name]}x`;
        return;
      }
    }
  }
}

/** Index of the first entry that differs, -1 when none. */
function firstDifference(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

export async function main(): Promise<void> {
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const baseRoot = process.env['SNAPSHOT_BASE_TREE'];
  if (baseRoot === undefined) throw new Error('set SNAPSHOT_BASE_TREE to the tree to compare with');
  const basePage = join(baseRoot, 'bench', 'browser', PAGE);
  copyFileSync(join(root, 'bench', 'browser', PAGE), basePage);
  const pages = (process.argv[2] ?? 'gen-1000,gen-10000,long').split(',');
  const site = await startBenchSite(
    { ours: await benchPageBundle(baseRoot, PAGE), rrweb: await benchPageBundle(root, PAGE), none: '' },
    null,
  );
  const browser = await launchChromium();
  let differ = 0;
  try {
    for (const page of pages) {
      // random-N: the gen-1000 page replaced by a random one from seed N (snapshot-same-page.ts).
      const seed = page.startsWith('random-') ? Number(page.slice(7)) : undefined;
      const take = async (rec: string): Promise<Snapshot> => {
        const tab = await browser.newPage();
        const url = `${site.url}/bench?page=${seed === undefined ? page : 'gen-1000'}&rec=${rec}`;
        await tab.goto(url, { waitUntil: 'load', timeout: 120_000 });
        const snapshot = await tab.evaluate((s) => (window as unknown as SameWindow).__same.snapshot(s), seed);
        await tab.close();
        return snapshot;
      };
      const base = await take('ours');
      const here = await take('rrweb');
      if (process.env['SNAPSHOT_SAME_CONTROL'] === '1') spoil(here);
      const text = (s: Snapshot): string[] => s.messages.map((m) => JSON.stringify(m));
      const messageAt = firstDifference(text(base), text(here));
      const dump = process.env['SNAPSHOT_SAME_DUMP'];
      if (dump !== undefined) {
        writeFileSync(join(dump, `${page}-base.json`), JSON.stringify(base.messages, null, 1));
        writeFileSync(join(dump, `${page}-this.json`), JSON.stringify(here.messages, null, 1));
      }
      const bytesAt = firstDifference(base.packed, here.packed);
      const all = (s: Snapshot): Array<Record<string, unknown>> =>
        s.messages.flatMap((m) => (m['nodes'] as Array<Record<string, unknown>> | undefined) ?? []);
      const nodes = (s: Snapshot): number => all(s).length;
      // What the page exercised, as this tree sent it.
      const sent = all(here);
      const shadows = sent.filter((n) => n['kind'] === 'shadow').length;
      const scrolled = sent.filter((n) => n['scrollY'] !== undefined).length;
      const masked = sent.filter((n) => n['masked'] === true).length;
      const same = messageAt < 0 && bytesAt < 0;
      if (!same) differ++;
      console.log(
        `${page}: ${base.messages.length}/${here.messages.length} messages, ${nodes(base)}/${nodes(here)} nodes ` +
          `(${shadows} shadow roots, ${scrolled} scrolled, ${masked} masked): ` +
          (same
            ? 'SAME (messages and packed bytes)'
            : `DIFFERENT (first message differing: ${messageAt}; first packed message differing: ${bytesAt})`),
      );
    }
  } finally {
    await browser.close();
    await site.close();
  }
  process.exitCode = differ === 0 ? 0 : 1;
}
