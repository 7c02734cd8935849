/**
 * Stylesheets from another site that the page loaded without CORS (no
 * `crossorigin`), served from the test server's second origin: the page
 * cannot read their rules. With CORS on the server (as most CDNs), the
 * capture fetches the sheet again in CORS mode and sends its rules masked,
 * URLs absolute, so the mirror shows it under the `channel` policy; without
 * CORS it stays missing under `channel` and the agent's browser loads it
 * only under `fallback` with a console that allows agent fetches.
 * Oracle: the customer's computed border of the elements those sheets style.
 */
import { expect } from '@open-wc/testing';
import { loadCustomerPage, nextFrames, Pipeline, type PipelineOptions } from './helpers/pipeline-harness.js';

const OTHER = `${location.protocol}//${location.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${location.port}`;
const PAGE = `<!doctype html><html><head>
<link rel="stylesheet" href="${OTHER}/__asset-fixtures/cdn-cors.css">
<link rel="stylesheet" href="${OTHER}/__asset-fixtures/cdn-plain.css">
</head><body><p class="cdn-cors">from a CDN with CORS</p><p class="cdn-plain">from a CDN without</p></body></html>`;

function border(doc: Document, selector: string): string {
  return (doc.defaultView as Window).getComputedStyle(doc.querySelector(selector) as Element).borderTopWidth;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await nextFrames(window, 1);
  }
  throw new Error(`never: ${what}`);
}

describe('mirror: stylesheets of other sites the page cannot read', function () {
  this.timeout(30_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  async function mirrored(options: PipelineOptions): Promise<Pipeline> {
    const customer = await loadCustomerPage(PAGE);
    await until(() => border(customer.doc, '.cdn-plain') === '7px', 'the customer styled by both sheets');
    expect(() => customer.doc.styleSheets[0]?.cssRules).to.throw();
    pipeline = new Pipeline(customer, options);
    await pipeline.start();
    return pipeline;
  }

  it('channel: a sheet whose server allows CORS is fetched again and sent masked; one that does not stays missing', async () => {
    const p = await mirrored({});
    await until(() => border(p.mirrorDocument(), '.cdn-cors') === '7px', 'the CORS sheet in the mirror');
    await p.settle(2);
    expect(border(p.mirrorDocument(), '.cdn-plain')).to.equal('0px');
    const sent = JSON.stringify(p.decoded);
    expect(sent).to.contain(`${OTHER}/test/browser/pages/assets/tile.png`);
    expect(sent).to.not.contain('4111 1111 1111 1111');
    expect(sent).to.not.contain('cdn-plain {');
  });

  it('fallback with a console that allows it: the agent loads the sheet without CORS itself', async () => {
    const p = await mirrored({ assets: { policy: 'fallback' }, allowAgentFetches: true });
    await until(() => border(p.mirrorDocument(), '.cdn-cors') === '7px', 'the CORS sheet in the mirror');
    await until(() => border(p.mirrorDocument(), '.cdn-plain') === '7px', 'the sheet the agent loaded');
  });
});
