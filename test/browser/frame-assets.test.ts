/**
 * Assets of joined cross-origin frames take the page's asset path
 * (client/capture/frame-assets.ts through PageBytes.forwardAsset): they count
 * against the page's `asset-budget` and go out only while the transport has
 * little queued. First PageBytes alone with a transport whose backlog the test
 * sets, then the whole pipeline with a partner frame on the second origin
 * (test/browser/pages/frames/flooding-partner.html) that sends two assets of
 * its own: with a 20 kB budget only the 10 kB one reaches the agent. Control:
 * the old path, straight to the transport, fails the same checks.
 */
import { expect } from '@open-wc/testing';
import type { ChannelMessage } from '../../shared/protocol.js';
import type { AssetMessage } from '../../client/capture/assets.js';
import { PageBytes } from '../../client/capture/page-bytes.js';
import { Pipeline } from './helpers/pipeline-harness.js';
import { command, framePage, mirroredFrame, OTHER, page, Traffic, until } from './helpers/cross-origin.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function data(hash: string, size: number, offset: number, length: number): AssetMessage {
  return { t: 'asset-data', hash, size, offset, data: new Uint8Array(length).fill(7) };
}

/** What a frame's capture posts for a.png (30,000 bytes, two chunks) and b.png (10,000). */
const FRAME_ASSETS: AssetMessage[] = [
  data(A, 30_000, 0, 16_384),
  data(A, 30_000, 16_384, 13_616),
  { t: 'asset', url: 'https://pay.example.net/a.png', hash: A, type: 'image/png' },
  data(B, 10_000, 0, 10_000),
  { t: 'asset', url: 'https://pay.example.net/b.png', hash: B, type: 'image/png' },
  // The same bytes again (a new capture of the frame): nothing more may pass for b.
  data(B, 10_000, 0, 10_000),
];

/** Hashes whose bytes went out, and the URLs answered with a hash. */
function summary(sent: readonly ChannelMessage[]): { bytes: Record<string, number>; bound: string[] } {
  const bytes: Record<string, number> = {};
  const bound: string[] = [];
  for (const message of sent) {
    if (message.t === 'asset-data')
      bytes[message.hash[0] ?? ''] = (bytes[message.hash[0] ?? ''] ?? 0) + message.data.byteLength;
    if (message.t === 'asset' && message.hash !== null) bound.push(message.url.split('/').pop() ?? '');
  }
  return { bytes, bound };
}

describe("a cross-origin frame's assets", function () {
  this.timeout(60_000);

  function pageBytes(budgetBytes: number, backlog: () => number): { bytes: PageBytes; sent: ChannelMessage[] } {
    const sent: ChannelMessage[] = [];
    const bytes = new PageBytes(
      {
        window,
        run: () => ({
          ids: { idOf: () => undefined, nodeOf: () => undefined },
          serializer: {
            decideNow: () => 'clear',
            decisionOf: () => 'clear',
            typing: { strict: false, echoes: { mask: (result) => result } },
          },
        }),
        ready: () => true,
        sender: { blocked: false, sendDom: () => true },
        errors: {
          caught: (error) => {
            throw error;
          },
        },
      },
      { window, send: (message) => sent.push(message) > 0, assets: { budgetBytes }, backlogBytes: backlog },
    );
    return { bytes, sent };
  }

  it("count against the page's budget and wait while the transport is backed up", async () => {
    let backlog = 1024 * 1024;
    let reads = 0;
    const { bytes, sent } = pageBytes(20_000, () => {
      reads++;
      return backlog;
    });
    try {
      for (const message of FRAME_ASSETS) bytes.forwardAsset(message);
      // Backed up: nothing goes out, however much the frame posted, while the sender looks again and again.
      await until(() => reads >= 5, 'the sender looking at the backlog');
      expect(sent).to.deep.equal([]);
      backlog = 0;
      await until(() => sent.length === 3, 'the frame assets after the backlog cleared');
      const { bytes: sentBytes, bound } = summary(sent);
      // a.png is over the 20 kB budget: no byte of it, and its URL answered as unavailable.
      expect(sentBytes).to.deep.equal({ b: 10_000 });
      expect(bound).to.deep.equal(['b.png']);
      expect(sent.find((message) => message.t === 'asset' && message.url.endsWith('a.png'))).to.deep.include({
        hash: null,
        direct: false,
      });
    } finally {
      bytes.stop();
    }

    // Control: the path they used to take, straight to the transport, fails both checks.
    const straight: ChannelMessage[] = [];
    for (const message of FRAME_ASSETS) straight.push(message);
    expect(summary(straight).bytes).to.not.deep.equal({ b: 10_000 });
  });

  it("only what fits the page's budget reaches the agent (whole pipeline)", async () => {
    const traffic = new Traffic();
    const customer = await page(`<iframe id="partner" src="${framePage('flooding-partner')}"></iframe>`);
    const pipeline = new Pipeline(customer, { frames: { origins: [OTHER] }, assets: { budgetBytes: 20_000 } });
    try {
      await pipeline.start();
      const p = pipeline;
      await until(() => mirroredFrame(p, 'partner')?.getElementById('partner') != null, 'the partner in the mirror');
      await command(customer, traffic, customer.doc.getElementById('partner') as Element, 'assets');
      await until(() => p.decoded.filter((message) => message.t === 'asset').length === 2, 'both URLs answered');
      await p.assetsArrived();
      const { bytes, bound } = summary(p.decoded);
      expect(bytes).to.deep.equal({ b: 10_000 });
      expect(bound).to.deep.equal(['b.png']);
    } finally {
      traffic.restore();
      pipeline.dispose();
    }
  });
});
