/**
 * `SNAPSHOT_BASE_TREE=<dir> node bench/snapshot-same.mjs [pages]`: whether this tree's capture sends
 * the same snapshot as another tree's (a git worktree or an export of the commit to compare with).
 * Both trees' wire-dump page bundles are served by one site (one origin and port, so absolute URLs
 * and their masking are alike), one as `rec=ours`, the other as `rec=rrweb` (the bundle's name is
 * all that differs, and a <script>'s attributes are never sent). Per page it takes the snapshot's
 * messages as each engine hands them to its transport and compares, by a plain JSON comparison
 * that shares no code with the capture, the whole node list (parts joined: slice boundaries follow
 * the clock), every other field of its first and last parts but seq, part and final, and any
 * other message but assets (those follow fetches). `SNAPSHOT_SAME_CONTROL=1` changes one
 * character of one attribute value of this tree's list before comparing: the control must report
 * a difference. A developer tool, not part of `npm run bench`.
 */
import { launchChromium } from '../test/node/helpers/chromium.js';
import { benchPageBundle } from './bundles.js';
import { startBenchSite } from './site.js';

interface WireWindow {
  __wire: { snapshot(): Promise<Array<Record<string, unknown>>> };
}

/**
 * The snapshot as one node list, plus its first and last parts' other fields (the ones between
 * only repeat the page's URL, title and viewport) and any other message. The page's URL names
 * the bundle (`rec=`): made alike.
 */
function flatten(messages: Array<Record<string, unknown>>): { nodes: unknown[]; rest: string[] } {
  const nodes: unknown[] = [];
  const parts: string[] = [];
  const rest: string[] = [];
  for (const message of messages) {
    const text = (value: unknown): string => JSON.stringify(value).replaceAll('rec=rrweb', 'rec=ours');
    // Asset messages follow fetches that finish when they will.
    if (message['t'] === 'asset' || message['t'] === 'asset-data') continue;
    if (message['t'] !== 'snapshot') {
      rest.push(text(message));
      continue;
    }
    const { nodes: part, seq: _seq, part: _part, final: _final, ...others } = message;
    nodes.push(...(part as unknown[]));
    parts.push(text(others));
  }
  return { nodes, rest: [parts[0] ?? '', parts.at(-1) ?? '', ...rest] };
}

function spoil(nodes: unknown[]): void {
  for (const node of nodes) {
    const attributes = (node as { attributes?: Record<string, string> }).attributes;
    const name = attributes === undefined ? undefined : Object.keys(attributes)[0];
    if (attributes !== undefined && name !== undefined) {
      attributes[name] = `${attributes[name]}x`;
      return;
    }
  }
}

export async function main(): Promise<void> {
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const baseRoot = process.env['SNAPSHOT_BASE_TREE'];
  if (baseRoot === undefined) throw new Error('set SNAPSHOT_BASE_TREE to the tree to compare with');
  const pages = (process.argv[2] ?? 'gen-1000,gen-10000,long').split(',');
  const site = await startBenchSite(
    {
      ours: await benchPageBundle(baseRoot, 'wire-dump-page.ts'),
      rrweb: await benchPageBundle(root, 'wire-dump-page.ts'),
      none: '',
    },
    null,
  );
  const browser = await launchChromium();
  let differ = 0;
  try {
    for (const page of pages) {
      const take = async (rec: string): Promise<ReturnType<typeof flatten>> => {
        const tab = await browser.newPage();
        await tab.goto(`${site.url}/bench?page=${page}&rec=${rec}`, { waitUntil: 'load', timeout: 120_000 });
        const messages = await tab.evaluate(() => (window as unknown as WireWindow).__wire.snapshot());
        await tab.close();
        return flatten(messages);
      };
      const base = await take('ours');
      const here = await take('rrweb');
      if (process.env['SNAPSHOT_SAME_CONTROL'] === '1') spoil(here.nodes);
      let first = -1;
      const count = Math.max(base.nodes.length, here.nodes.length);
      for (let i = 0; i < count && first < 0; i++)
        if (JSON.stringify(base.nodes[i]) !== JSON.stringify(here.nodes[i])) first = i;
      const restSame = JSON.stringify(base.rest) === JSON.stringify(here.rest);
      const same = first < 0 && restSame;
      if (!same) differ++;
      console.log(
        `${page}: ${base.nodes.length} vs ${here.nodes.length} nodes, ${same ? 'SAME' : 'DIFFERENT'}` +
          (first >= 0
            ? ` (first at node ${first}: ${JSON.stringify(base.nodes[first])} vs ${JSON.stringify(here.nodes[first])})`
            : '') +
          (restSame ? '' : ` (other fields differ: ${base.rest.join(' ')} vs ${here.rest.join(' ')})`),
      );
    }
  } finally {
    await browser.close();
    await site.close();
  }
  process.exitCode = differ === 0 ? 0 : 1;
}
