/**
 * Assets over the channel: the mirror shows the customer's images, sprites,
 * background images and blob: images from what the customer sent, and its
 * documents make no request of their own. Oracles: the mirror windows'
 * resource timing and CSP violation events (what the agent's browser
 * fetched or tried to), and Playwright screenshots of customer vs mirror
 * elements compared with pixelmatch, with a control that the comparison
 * fails on a mirror image that did not arrive.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import {
  allRoots,
  CUSTOMER_FRAME_ID,
  fidelityDifferences,
  loadCustomerPage,
  MIRROR_CONTAINER_ID,
  Pipeline,
} from './helpers/pipeline-harness.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { ASSET_CHUNK_BYTES, AssetSender } from '../../client/capture/assets.js';

type AssetFrame = Extract<ChannelMessage, { t: 'asset' }>;
type AssetDataFrame = Extract<ChannelMessage, { t: 'asset-data' }>;
interface Comparison {
  width?: number;
  height?: number;
  differentPixels?: number;
  error?: string;
}

const BASE = '/test/browser/pages/assets';
const CARD = '4111111111111111';

const PAGE = `<!doctype html><html lang="en"><head><title>Assets</title><style>
  body { margin: 0; font: 16px sans-serif; }
  .tiled { width: 96px; height: 48px; background: url("${BASE}/tile.png") repeat; }
  img, svg, div { display: block; margin: 4px; }
</style></head><body>
<img id="photo" src="${BASE}/photo.png" alt="photo">
<img id="copy" src="${BASE}/photo-copy.png" alt="same bytes, another URL">
<div id="tiled" class="tiled"></div>
<div id="inline-bg" style="width:32px;height:32px;background-image:url('${BASE}/tile.png')"></div>
<svg id="icons" width="60" height="24"><use href="${BASE}/sprite.svg#star" width="24" height="24"/><use href="${BASE}/sprite.svg#box" x="30" width="24" height="24"/></svg>
<img id="blob" alt="blob">
<video id="video" poster="${BASE}/tile.png" width="64" height="48"></video>
<audio id="audio" src="${BASE}/none.ogg"></audio>
<img id="card" src="${BASE}/${CARD}.png" alt="card" width="10" height="10">
<div data-cobrowse-mask><img id="hidden" src="${BASE}/tile.png?masked-region" width="16" height="16"></div>
<a id="link" href="${BASE}/photo.png">a link is not fetched</a>
</body></html>`;

async function compare(id: string): Promise<Comparison> {
  return (await executeServerCommand<Comparison, unknown>('cobrowse-compare-pixels', {
    a: { frames: [`#${CUSTOMER_FRAME_ID}`], selector: `#${id}` },
    b: { frames: [`#${MIRROR_CONTAINER_ID} iframe`], selector: `#${id}` },
  })) as Comparison;
}

function assets(pipeline: Pipeline): AssetFrame[] {
  return pipeline.decoded.filter((message): message is AssetFrame => message.t === 'asset');
}

function assetData(pipeline: Pipeline): AssetDataFrame[] {
  return pipeline.decoded.filter((message): message is AssetDataFrame => message.t === 'asset-data');
}

/** Every URL the mirror's documents fetched (resource timing) or tried to (CSP violations). */
function watchMirrorRequests(pipeline: Pipeline): () => string[] {
  const violations: string[] = [];
  const doc = pipeline.mirrorDocument();
  doc.addEventListener('securitypolicyviolation', (event) => violations.push(`blocked ${event.blockedURI}`));
  return () => {
    const fetched: string[] = [...violations];
    for (const root of allRoots([pipeline.mirrorDocument()])) {
      if (root.nodeType !== Node.DOCUMENT_NODE) continue;
      const view = (root as Document).defaultView;
      for (const entry of view?.performance.getEntriesByType('resource') ?? []) {
        if (/^https?:/.test(entry.name)) fetched.push(entry.name);
      }
    }
    return fetched;
  };
}

describe('mirror: assets over the channel', function () {
  this.timeout(60_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  async function start(): Promise<Pipeline> {
    const customer = await loadCustomerPage(PAGE);
    // The page makes a blob: image, as upload previews do; the agent's browser could never load it.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#84c"/><circle cx="10" cy="10" r="6" fill="#fe0"/></svg>`;
    const blobUrl = customer.win.URL.createObjectURL(new customer.win.Blob([svg], { type: 'image/svg+xml' }));
    const blobImage = customer.doc.getElementById('blob') as HTMLImageElement;
    blobImage.src = blobUrl;
    await blobImage.decode();
    // blob: previews are sent only when the integrator opts in (asset-blobs).
    const started = new Pipeline(customer, { assets: { blobs: true } });
    pipeline = started;
    await started.start();
    return started;
  }

  it('shows images, sprites, backgrounds and blob: images the customer sent, and fetches nothing itself', async () => {
    const customer = await loadCustomerPage('<!doctype html><title>x</title><p>warm-up</p>');
    customer.frame.remove();
    const active = await start();
    const requests = watchMirrorRequests(active);
    // A later image goes the same way.
    const late = active.customer.doc.createElement('img');
    late.id = 'late';
    late.src = `${BASE}/tile.png#late`;
    active.customer.doc.body.append(late);
    await late.decode();
    await active.settle(3);

    expect(requests(), 'requests made by the mirror').to.deep.equal([]);
    expect(fidelityDifferences(active)).to.deep.equal([]);
    for (const id of ['photo', 'copy', 'tiled', 'inline-bg', 'icons', 'blob', 'video', 'late']) {
      const result = await compare(id);
      expect(result.error, id).to.equal(undefined);
      const twinOf = active.mirror.nodeById(
        active.engine.idOf(active.customer.doc.getElementById(id) as Node) as number,
      ) as Element;
      expect(result.differentPixels, `${id}: ${JSON.stringify(result)} ${twinOf.outerHTML.slice(0, 300)}`).to.equal(0);
    }
    // Control: the same comparison fails where the mirror's image is missing.
    const twin = active.mirror.nodeById(
      active.engine.idOf(active.customer.doc.getElementById('photo') as Node) as number,
    );
    (twin as HTMLImageElement).src = '';
    const broken = await compare('photo');
    expect(broken.error ?? broken.differentPixels ?? 0, JSON.stringify(broken)).to.not.equal(0);
  });

  it('sends each content once, never a masked URL, nothing from a masked region', async () => {
    const active = await start();
    const answers = assets(active);
    const byUrl = new Map(answers.map((answer) => [answer.url, answer]));
    const origin = active.customer.win.location.origin;
    const photo = byUrl.get(`${origin}${BASE}/photo.png`);
    const copy = byUrl.get(`${origin}${BASE}/photo-copy.png`);
    expect(photo?.hash).to.be.a('string');
    expect(copy?.hash).to.equal(photo?.hash);
    // Deduplicated: the bytes of each hash went out once.
    const hashes = assetData(active)
      .filter((data) => data.offset === 0)
      .map((data) => data.hash);
    expect(new Set(hashes).size).to.equal(hashes.length);
    expect(active.engine.stats.assets.deduplicated).to.be.greaterThan(0);
    // The card number's URL went out masked, answered with nothing, and was never fetched by the customer either.
    const cardAnswer = answers.find((answer) => answer.url.includes('card') || answer.url.includes('\u2022'));
    expect(cardAnswer?.hash).to.equal(null);
    expect(cardAnswer?.direct).to.equal(false);
    for (const answer of answers) expect(answer.url).to.not.contain(CARD);
    const customerFetches = active.customer.win.performance.getEntriesByType('resource').map((entry) => entry.name);
    expect(customerFetches.filter((name) => name.includes('\u2022') || name.includes('%E2%80%A2'))).to.deep.equal([]);
    // The image inside the masked region is not sent (its URL is only used there).
    expect([...byUrl.keys()].filter((url) => url.includes('masked-region'))).to.deep.equal([]);
    // A link's URL is not an asset.
    expect(
      [...byUrl.keys()].every((url) => !url.endsWith('/photo.png#') && url !== `${origin}${BASE}/photo.png#`),
    ).to.equal(true);
  });

  it("a customer's 'direct' is not honoured unless the console allows it: nothing is fetched by the agent", async () => {
    const customer = await loadCustomerPage(PAGE);
    pipeline = new Pipeline(customer, { assets: { policy: 'direct' } });
    const requests = watchMirrorRequests(pipeline);
    await pipeline.start();
    const twin = pipeline.mirror.nodeById(pipeline.engine.idOf(customer.doc.getElementById('photo') as Node) as number);
    expect((twin as HTMLImageElement).src).to.not.contain(`${BASE}/photo.png`);
    expect(requests(), 'requests made by the mirror').to.deep.equal([]);
  });

  it("'direct', where the console allows it, leaves every URL to the agent's browser", async () => {
    const customer = await loadCustomerPage(PAGE);
    pipeline = new Pipeline(customer, { assets: { policy: 'direct' }, allowAgentFetches: true });
    await pipeline.start();
    expect(assets(pipeline)).to.deep.equal([]);
    const twin = pipeline.mirror.nodeById(pipeline.engine.idOf(customer.doc.getElementById('photo') as Node) as number);
    expect((twin as HTMLImageElement).src).to.equal(`${customer.win.location.origin}${BASE}/photo.png`);
  });

  it('holds asset data while the transport is backed up, then sends it in chunks (DOM frames never queue behind it)', async () => {
    const sent: ChannelMessage[] = [];
    let backlog = 1_000_000;
    const bytes = new Uint8Array(50_000).map((_, i) => (i * 7919) & 255);
    const url = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
    const img = document.createElement('img');
    const sender = new AssetSender(
      {
        window,
        run: () => ({
          ids: { nodeOf: (id) => (id === 5 ? img : undefined) },
          serializer: { decisionOf: () => 'clear' },
        }),
        send: (message) => {
          sent.push(message);
          return true;
        },
        backlog: () => backlog,
        errors: { caught: (error) => console.error(error) },
      },
      { blobs: true },
    );
    sender.noteFrame({
      t: 'mutations',
      seq: 1,
      removes: [],
      adds: [{ kind: 'el', id: 5, parent: 1, tag: 'img', attributes: { src: url } }],
      attrs: [],
      texts: [],
    });
    for (let i = 0; i < 500 && sender.stats.sent === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sender.stats.sent).to.equal(1);
    expect(sent, 'nothing goes out while the transport holds 1 MB').to.deep.equal([]);
    backlog = 0;
    for (let i = 0; i < 500 && sender.stats.pending > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const chunks = sent.filter((message) => message.t === 'asset-data');
    expect(chunks.length).to.equal(Math.ceil(bytes.length / ASSET_CHUNK_BYTES));
    for (const chunk of chunks)
      expect(chunk.t === 'asset-data' && chunk.data.byteLength).to.be.at.most(ASSET_CHUNK_BYTES);
    expect(sent[sent.length - 1]?.t).to.equal('asset');
    sender.stop();
    URL.revokeObjectURL(url);
  });
});
