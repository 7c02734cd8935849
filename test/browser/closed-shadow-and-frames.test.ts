/**
 * Closed shadow roots and nested same-origin iframes in the mirror. A closed
 * root is reachable only when the loader ran before it was attached
 * (client/closed-shadow-roots.ts): such roots are mirrored like open ones,
 * and one attached earlier stays an empty host (the documented condition).
 * Oracles: the customer's real DOM (reached through the references the
 * loader kept) against the mirror, computed style and boxes, and screenshots
 * of the component compared with pixelmatch.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import {
  CUSTOMER_FRAME_ID,
  fidelityDifferences,
  loadCustomerPage,
  MIRROR_CONTAINER_ID,
  Pipeline,
} from './helpers/pipeline-harness.js';
import { keepClosedShadowRoots } from '../../client/closed-shadow-roots.js';
import { pristine } from '../../client/pristine.js';

const COMPONENTS = `<!doctype html><html lang="en"><head><title>Closed roots</title><style>body{margin:0;font:16px sans-serif}</style>
<script>
  window.defineCard = (name) => customElements.define(name, class extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: 'closed' });
      root.innerHTML = '<style>:host{display:block;width:180px;padding:8px;border:2px solid #264;background:#dfe} b{color:#a20}</style><b>Closed</b> <slot></slot><p part="p">inside</p>';
    }
  });
</script></head><body>
<early-card id="early">light child</early-card>
<late-card id="late">light child</late-card>
<p id="after">after</p>
</body></html>`;

interface Comparison {
  differentPixels?: number;
  error?: string;
}

describe('mirror: closed shadow roots and nested iframes', function () {
  this.timeout(60_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  it('mirrors closed roots attached after the loader ran; one attached before stays an empty host', async () => {
    const customer = await loadCustomerPage(COMPONENTS);
    // Attached before the loader: out of reach.
    customer.win.eval("defineCard('early-card')");
    // The loader runs (its wrapper goes on this realm's attachShadow), then the page defines its component.
    keepClosedShadowRoots(customer.win, pristine.closedShadowRoots);
    customer.win.eval("defineCard('late-card')");
    const late = customer.doc.getElementById('late') as Element;
    expect(late.shadowRoot).to.equal(null);
    expect(pristine.closedShadowRoots.get(late)).to.not.equal(undefined);

    pipeline = new Pipeline(customer);
    await pipeline.start();
    const mirrorLate = pipeline.mirrorDocument().getElementById('late') as Element;
    expect(mirrorLate.shadowRoot?.textContent).to.contain('Closed');
    expect(pipeline.mirrorDocument().getElementById('early')?.shadowRoot ?? null).to.equal(null);
    const differences = fidelityDifferences(pipeline);
    // The early card's closed content is invisible to the capture and to the oracle alike; its box differs.
    expect(differences.filter((line) => !/early|<html>|<body>|#after|<late-card|<p#after/.test(line))).to.deep.equal(
      [],
    );
    const shot = (await executeServerCommand('cobrowse-compare-pixels', {
      a: { frames: [`#${CUSTOMER_FRAME_ID}`], selector: '#late' },
      b: { frames: [`#${MIRROR_CONTAINER_ID} iframe`], selector: '#late' },
    })) as Comparison;
    expect(shot.error).to.equal(undefined);
    expect(shot.differentPixels).to.equal(0);

    // A closed root attached while sharing is mirrored too.
    customer.win.eval("defineCard('live-card')");
    const live = customer.doc.createElement('live-card');
    live.id = 'live';
    customer.doc.body.append(live);
    await pipeline.settle(3);
    expect(pipeline.mirrorDocument().getElementById('live')?.shadowRoot?.textContent).to.contain('Closed');
  });

  it('mirrors same-origin iframes nested four deep, and changes at the deepest level', async () => {
    const inner = (depth: number): string =>
      depth === 0
        ? '<p id="deepest" style="color:rgb(0,100,0)">deepest</p>'
        : `<div style="padding:4px;border:1px solid #999">level ${depth}<iframe style="width:${200 + depth * 40}px;height:${60 + depth * 40}px;border:0" srcdoc="${`<!doctype html>${inner(depth - 1)}`
            .replace(/&/g, '&amp;')
            .replace(/"/g, '&quot;')}"></iframe></div>`;
    const customer = await loadCustomerPage(
      `<!doctype html><html lang="en"><head><title>Frames</title></head><body style="margin:0">${inner(4)}</body></html>`,
    );
    // srcdoc frames load on their own: wait until the deepest one has its paragraph.
    const deepest = async (): Promise<Document | null> => {
      let doc: Document | null = customer.doc;
      for (let i = 0; i < 4 && doc !== null; i++) doc = doc.querySelector('iframe')?.contentDocument ?? null;
      return doc?.getElementById('deepest') ? doc : null;
    };
    for (let i = 0; i < 200 && (await deepest()) === null; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    pipeline = new Pipeline(customer);
    await pipeline.start();
    expect(fidelityDifferences(pipeline)).to.deep.equal([]);
    const doc = (await deepest()) as Document;
    (doc.getElementById('deepest') as HTMLElement).textContent = 'changed at depth four';
    await pipeline.settle(3);
    expect(fidelityDifferences(pipeline)).to.deep.equal([]);
    let mirrorDoc: Document | null = pipeline.mirrorDocument();
    for (let i = 0; i < 4 && mirrorDoc !== null; i++)
      mirrorDoc = mirrorDoc.querySelector('iframe')?.contentDocument ?? null;
    expect(mirrorDoc?.getElementById('deepest')?.textContent).to.equal('changed at depth four');
  });
});
