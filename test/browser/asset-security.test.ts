/**
 * What the customer's browser must never read for the agent, whatever the
 * page refers to: documents and captions (embed, object, track, @import), any
 * response that is not an image or a font the mirror can use (a font served
 * as octet-stream is recognised by its magic bytes, only when CSS refers to
 * it), and a body that never ends or never starts. The responses come from a
 * test middleware (test/browser/plugins/asset-fixtures.mjs); every secret
 * body holds SECRET, looked for in every byte the pipeline put on the wire.
 */
import { expect } from '@open-wc/testing';
import { loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { AssetSender } from '../../client/capture/assets.js';

type AssetFrame = Extract<ChannelMessage, { t: 'asset' }>;

const FIXTURES = '/__asset-fixtures';
const SECRET = 'ACCOUNT-SECRET-4711';

const PAGE = `<!doctype html><html lang="en"><head><title>Statements</title><style>
  @import "${FIXTURES}/imported.css";
  @font-face { font-family: Brand; src: url("${FIXTURES}/font.bin") format("woff2"); }
  .a { background-image: url("${FIXTURES}/secret.bin"); }
  .b { background-image: url("${FIXTURES}/untyped.bin"); }
</style></head><body>
<embed id="embed" src="${FIXTURES}/statement.pdf" type="application/pdf" width="40" height="40">
<object id="object" data="${FIXTURES}/summary.html" width="40" height="40"></object>
<video id="video" width="40" height="30"><track kind="captions" src="${FIXTURES}/captions.vtt" default></video>
<img id="page-as-image" src="${FIXTURES}/page-as-image.png" alt="">
<img id="font-as-image" src="${FIXTURES}/font.bin" alt="">
<div class="a">a</div><div class="b" style="font-family: Brand">b</div>
</body></html>`;

/** Every decoded message as text, binary fields as Latin-1: SECRET is ASCII, so it shows wherever it went. */
function channelText(pipeline: Pipeline): string {
  return pipeline.decoded
    .map((message) =>
      JSON.stringify(message, (_key, value: unknown) =>
        value instanceof Uint8Array ? String.fromCharCode(...value) : value,
      ),
    )
    .join('\n');
}

function answers(pipeline: Pipeline): Map<string, AssetFrame> {
  const frames = pipeline.decoded.filter((message): message is AssetFrame => message.t === 'asset');
  return new Map(frames.map((frame) => [frame.url.slice(frame.url.indexOf(FIXTURES) + FIXTURES.length + 1), frame]));
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never: ${what}`);
}

describe('assets: what the customer never sends', function () {
  this.timeout(60_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  it('sends no document, caption, imported sheet or untyped bytes; a font served as octet-stream goes as a font', async () => {
    const customer = await loadCustomerPage(PAGE);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const byName = answers(pipeline);
    // Documents and captions are not even asked for.
    for (const name of ['statement.pdf', 'summary.html', 'captions.vtt', 'imported.css']) {
      expect(byName.has(name), `${name} is not an asset`).to.equal(false);
    }
    // Fetched by an image or CSS, but not an image or a font: refused.
    for (const name of ['page-as-image.png', 'secret.bin', 'untyped.bin', 'font.bin']) {
      if (name === 'font.bin') continue;
      expect(byName.get(name)?.hash, name).to.equal(null);
    }
    const font = byName.get('font.bin');
    expect(font?.hash, 'the woff2 font referenced from CSS').to.be.a('string');
    expect(font?.type).to.equal('font/woff2');
    expect(channelText(pipeline), 'a secret body went over the channel').to.not.contain(SECRET);
    // The customer's browser did not fetch the documents for the agent: each was fetched once at most (by the page).
    const fetched = customer.win.performance
      .getEntriesByType('resource')
      .filter((entry) => /statement|summary|captions|imported/.test(entry.name))
      .map((entry) => (entry as PerformanceResourceTiming).initiatorType);
    expect(
      fetched.filter((initiator) => initiator === 'fetch'),
      fetched.join(),
    ).to.deep.equal([]);
  });

  it('control: the oracle sees a secret when it is on the wire', async () => {
    const customer = await loadCustomerPage(`<!doctype html><title>x</title><p>${SECRET}</p>`);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    expect(channelText(pipeline)).to.contain(SECRET);
  });
});

describe('assets: bodies that never end or never start', function () {
  this.timeout(60_000);

  function sender(options: ConstructorParameters<typeof AssetSender>[1]): {
    sender: AssetSender;
    sent: ChannelMessage[];
  } {
    const sent: ChannelMessage[] = [];
    const img = document.createElement('img');
    const assetSender = new AssetSender(
      {
        window,
        run: () => ({ ids: { nodeOf: (id) => (id > 0 ? img : undefined) }, serializer: { decisionOf: () => 'clear' } }),
        send: (message) => {
          sent.push(message);
          return true;
        },
        backlog: () => 0,
        errors: { caught: () => undefined },
      },
      options,
    );
    return { sender: assetSender, sent };
  }

  it('gives up an endless stream past the per-asset maximum, and a stalled one at its timeout; other assets still go', async () => {
    const { sender: assetSender, sent } = sender({ timeoutMs: 1_500 });
    const adds = [
      // Four endless streams and a stalled one would take every parallel fetch.
      ...[1, 2, 3, 4].map((n) => ({
        kind: 'el' as const,
        id: n,
        parent: 0,
        tag: 'img',
        attributes: { src: `${location.origin}${FIXTURES}/endless.mjpg?${n}` },
      })),
      {
        kind: 'el' as const,
        id: 5,
        parent: 0,
        tag: 'img',
        attributes: { src: `${location.origin}${FIXTURES}/stalled.png` },
      },
      {
        kind: 'el' as const,
        id: 6,
        parent: 0,
        tag: 'img',
        attributes: { src: `${location.origin}/test/browser/pages/assets/photo.png` },
      },
    ];
    assetSender.noteFrame({ t: 'mutations', seq: 1, removes: [], adds, attrs: [], texts: [] });
    await waitUntil(() => assetSender.stats.pending === 0, 'every asset answered');
    const byName = new Map(
      sent
        .filter((message): message is AssetFrame => message.t === 'asset')
        .map((frame) => [frame.url.split('/').pop(), frame]),
    );
    for (const n of [1, 2, 3, 4]) expect(byName.get(`endless.mjpg?${n}`)?.hash, `stream ${n}`).to.equal(null);
    expect(byName.get('stalled.png')?.hash).to.equal(null);
    expect(byName.get('photo.png')?.hash).to.be.a('string');
    assetSender.stop();
  });
});

describe('assets: a URL with a user name and password', function () {
  this.timeout(60_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  it('is neither fetched nor answered, and is no capture error; the same image without them goes', async () => {
    const sent: ChannelMessage[] = [];
    const errors: unknown[] = [];
    const img = document.createElement('img');
    const assetSender = new AssetSender({
      window,
      run: () => ({ ids: { nodeOf: (id) => (id > 0 ? img : undefined) }, serializer: { decisionOf: () => 'clear' } }),
      send: (message) => {
        sent.push(message);
        return true;
      },
      backlog: () => 0,
      errors: { caught: (error) => errors.push(error) },
    });
    const photo = `/test/browser/pages/assets/photo.png`;
    const withCredentials = `${location.protocol}//agent-user:Hunter2-pass@${location.host}${photo}`;
    const style = `background-image:url("${withCredentials}?css")`;
    const adds = [
      { kind: 'el' as const, id: 1, parent: 0, tag: 'div', attributes: { style } as Record<string, string> },
      { kind: 'el' as const, id: 2, parent: 0, tag: 'img', attributes: { src: `${withCredentials}?img` } },
      { kind: 'el' as const, id: 3, parent: 0, tag: 'img', attributes: { src: `${location.origin}${photo}?plain` } },
    ];
    assetSender.noteFrame({ t: 'mutations', seq: 1, removes: [], adds, attrs: [], texts: [] });
    await waitUntil(() => sent.some((m) => m.t === 'asset' && m.url.endsWith('?plain')), 'the plain image answered');
    await waitUntil(() => assetSender.stats.pending === 0, 'every asset answered');
    assetSender.stop();
    // Control: the frame handed to the sender named the credentials.
    expect(JSON.stringify(adds)).to.contain('Hunter2-pass');
    const text = JSON.stringify(sent, (_key, value: unknown) =>
      value instanceof Uint8Array ? `${value.byteLength} bytes` : value,
    );
    expect(text).to.not.contain('Hunter2-pass');
    expect(text).to.not.contain('agent-user');
    expect(errors.map(String)).to.deep.equal([]);
    const plain = sent.find((m): m is AssetFrame => m.t === 'asset' && m.url.endsWith('?plain'));
    expect(plain?.hash).to.be.a('string');
  });

  it('goes out of the page with its user name and password masked: src, srcset, href, a style attribute, a <style> rule', async () => {
    const creds = `${location.protocol}//agent-user:Hunter2-pass@${location.host}`;
    const photo = '/test/browser/pages/assets/photo.png';
    const html = `<!doctype html><html lang="en"><head><title>Creds</title><style>
      .a { background-image: url("${creds}${photo}?rule"); }</style></head><body>
      <img id="i" src="${creds}${photo}?src" srcset="${creds}${photo}?1x 1x, ${creds}${photo}?2x 2x" alt="">
      <a id="l" href="${creds}/account">account</a><div class="a" style="background:url(${creds}${photo}?style)">a</div>
      <img src="${location.origin}${photo}?plain" alt=""></body></html>`;
    // Control: the page holds the credentials.
    expect(html).to.contain('Hunter2-pass');
    pipeline = new Pipeline(await loadCustomerPage(html));
    await pipeline.start();
    const text = channelText(pipeline);
    expect(text).to.contain('photo.png?plain');
    expect(text).to.contain('photo.png?rule');
    expect(text).to.not.contain('Hunter2-pass');
    expect(text).to.not.contain('agent-user');
  });
});

const IMAGES = `${location.origin}/test/browser/pages/assets`;
const BLOCKED_PAGE = `<!doctype html><html lang="en"><head><title>Identity</title><style>
  .id-scan { width: 80px; height: 40px; list-style-image: url("${IMAGES}/tile.png?id-list");
    border: 10px solid; border-image: url("${IMAGES}/tile.png?id-border") 10 round; }
  .id-scan::after { content: url("${IMAGES}/photo.png?id-after"); }
  .logo::after, .id-scan::before { content: url("${IMAGES}/photo.png?shared"); }
</style></head><body>
<div id="id-scan" class="id-scan" data-cobrowse-block><li>ID number</li></div>
<div class="logo">logo</div>
<img id="preview" alt="preview of the picked file">
</body></html>`;

describe('assets: blocked regions and blob: previews', function () {
  this.timeout(60_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  async function start(options: { blobs?: boolean } = {}): Promise<Pipeline> {
    const customer = await loadCustomerPage(BLOCKED_PAGE);
    // A preview of what the customer picked in a file input, as upload forms make them.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><text y="15">${SECRET}</text></svg>`;
    const preview = customer.doc.getElementById('preview') as HTMLImageElement;
    preview.src = customer.win.URL.createObjectURL(new customer.win.Blob([svg], { type: 'image/svg+xml' }));
    await preview.decode();
    pipeline = new Pipeline(customer, { assets: options });
    await pipeline.start();
    return pipeline;
  }

  it('does not send assets used only by rules of a blocked element, nor blob: previews unless the integrator opts in', async () => {
    const active = await start();
    const sent = [...answers(active).values()].filter((frame) => frame.hash !== null).map((frame) => frame.url);
    expect(
      sent.filter((url) => /id-(list|border|after)/.test(url)),
      sent.join(),
    ).to.deep.equal([]);
    // A URL also used by a rule of a shown element still goes.
    expect(
      sent.some((url) => url.endsWith('?shared')),
      sent.join(),
    ).to.equal(true);
    expect(sent.filter((url) => url.startsWith('blob:'))).to.deep.equal([]);
    expect(channelText(active)).to.not.contain(SECRET);
  });

  it('sends blob: previews with asset-blobs', async () => {
    const active = await start({ blobs: true });
    const sent = [...answers(active).values()].filter((frame) => frame.hash !== null).map((frame) => frame.url);
    expect(sent.filter((url) => url.startsWith('blob:')).length).to.equal(1);
    expect(channelText(active), 'control: the oracle sees the preview when it is sent').to.contain(SECRET);
  });

  it("shows no page image on the mirror's blocked box (generated content, border and list images)", async () => {
    const active = await start();
    const twin = active.mirror.nodeById(
      active.engine.idOf(active.customer.doc.getElementById('id-scan') as Node) as number,
    ) as Element;
    const view = twin.ownerDocument.defaultView as Window;
    expect(view.getComputedStyle(twin, '::after').content).to.equal('none');
    expect(view.getComputedStyle(twin).borderImageSource).to.equal('none');
    expect(view.getComputedStyle(twin).listStyleImage).to.equal('none');
    expect(view.getComputedStyle(twin, '::before').content).to.contain('Hidden');
    // Control: the page's rule does reach the box (the customer's own copy has the image).
    const original = active.customer.doc.getElementById('id-scan') as Element;
    expect(active.customer.win.getComputedStyle(original, '::after').content).to.contain('id-after');
  });
});

describe('assets: placeholders the mirror did not hand out', function () {
  this.timeout(60_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  it("a page's own link text that looks like a placeholder does not become a blob: document of the console", async () => {
    const placeholder =
      'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7#cobrowse-asset-0';
    // The only asset is an SVG, so placeholder 0 stands for it.
    const customer = await loadCustomerPage(`<!doctype html><html lang="en"><head><title>x</title></head><body>
      <img id="svg" src="${IMAGES}/sprite.svg" width="20" height="20" alt="">
      <a id="evil" href="${placeholder}">open</a></body></html>`);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const twinOf = (id: string): Element =>
      pipeline?.mirror.nodeById(pipeline.engine.idOf(customer.doc.getElementById(id) as Node) as number) as Element;
    // The image the mirror asked for did arrive (an SVG as a data: URL, never a blob: document of the console).
    expect(twinOf('svg').getAttribute('src')).to.match(/^data:image\/svg\+xml;base64,/);
    const href = twinOf('evil').getAttribute('href') ?? '';
    expect(href, 'the link').to.equal(placeholder);
  });
});
