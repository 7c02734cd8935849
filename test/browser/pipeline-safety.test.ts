import { expect } from '@open-wc/testing';
import { allRoots, loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';
import { pokeEverything } from './helpers/mirror-payloads.js';
import { agentPayloadScript, customerPayloads, mutationPayloads } from './helpers/pipeline-payloads.js';
import { until } from './helpers/inbox.js';

declare global {
  interface Window {
    __agentPwned?: string[];
    __agentPwnedParent?: string[];
  }
}

/** Payload runs recorded on this (the agent's) window, by realm. */
function runs(marker: string): { agent: string[]; customer: string[] } {
  const all = [...(window.__agentPwned ?? []), ...(window.__agentPwnedParent ?? [])].filter((entry) =>
    entry.includes(`:${marker}:`),
  );
  return {
    agent: all.filter((entry) => !entry.startsWith('customer:')),
    customer: all.filter((entry) => entry.startsWith('customer:')),
  };
}

/** Marker URLs requested by the agent window or any mirror frame. */
function agentMarkerRequests(marker: string, mirrorDocument: Document): string[] {
  const views: Window[] = [window];
  for (const root of allRoots([mirrorDocument])) {
    if (root.nodeType === Node.DOCUMENT_NODE && (root as Document).defaultView)
      views.push((root as Document).defaultView as Window);
  }
  const names: string[] = [];
  for (const view of views)
    for (const entry of view.performance.getEntriesByType('resource'))
      if (entry.name.includes(marker)) names.push(entry.name);
  return names;
}

/** A same-origin frame with scripts allowed holding a javascript: link, a javascript: form and an onclick. */
async function scriptFrame(tag: string): Promise<{ doc: Document; ran: () => string[]; remove: () => void }> {
  const js = (name: string): string => agentPayloadScript(tag, name);
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!DOCTYPE html><body><a href="javascript:${js('link')}">link</a><form action="javascript:${js('form')}"><button>go</button></form><div onclick="${js('click')}">click</div></body>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const doc = frame.contentDocument;
  if (!doc) throw new Error('the barrier frame has no document');
  return {
    doc,
    ran: () => [...new Set((window.__agentPwned ?? []).filter((entry) => entry.includes(`:${tag}:`)))],
    remove: () => frame.remove(),
  };
}

describe('pipeline: script safety end to end', function () {
  this.timeout(60_000);
  const marker = `agt${Math.random().toString(36).slice(2, 10)}`;
  let pipeline: Pipeline;
  let payloadCount = 0;

  before(async () => {
    const payloads = customerPayloads(marker);
    const js = (name: string): string => agentPayloadScript(marker, name);
    const body = payloads.map((payload) => `<div data-payload="${payload.name}">${payload.html}</div>`).join('\n');
    const frameDoc = `<!DOCTYPE html><body><img src="x:y" onerror="${js('frame-img')}"><a href="javascript:${js('frame-link')}">frame link</a><form action="javascript:${js('frame-form')}"><button>go</button></form><script>${js('frame-script')}</script></body>`;
    const html =
      `<!DOCTYPE html><html><head><title>payloads</title></head><body>${body}` +
      `<iframe id="payload-frame" srcdoc="${frameDoc.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></iframe>` +
      `<div id="payload-host"></div></body></html>`;
    const customer = await loadCustomerPage(html);
    const frame = customer.doc.getElementById('payload-frame') as HTMLIFrameElement;
    if (!frame.contentDocument?.body?.firstChild)
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    const host = customer.doc.getElementById('payload-host');
    host?.attachShadow({ mode: 'open' }).append(
      Object.assign(customer.doc.createElement('div'), {
        innerHTML: `<img src="x:y" onerror="${js('shadow-img')}"><a href="javascript:${js('shadow-link')}">shadow link</a><style>:host{background:url("javascript:${js('shadow-style')}")}</style>`,
      }),
    );
    pipeline = new Pipeline(customer);
    await pipeline.start();

    const mutations = mutationPayloads(marker);
    for (const payload of mutations) payload.apply(customer.doc);
    await pipeline.settle(3);
    payloadCount = payloads.length + mutations.length + 7;
  });

  after(() => pipeline.dispose());

  it(`writes at least 40 payloads of at least 10 families and mirrors them without a resync`, () => {
    expect(payloadCount).to.be.at.least(40);
    expect(new Set(customerPayloads(marker).map((payload) => payload.family)).size).to.be.at.least(10);
    expect(pipeline.resyncRequests, String(pipeline.mirror.stats.lastError)).to.deep.equal([]);
    expect(pipeline.decodeErrors).to.deep.equal([]);
    // The hostile page really was mirrored: its payload holders are there.
    expect(pipeline.mirrorDocument().querySelectorAll('[data-payload]').length).to.equal(
      customerPayloads(marker).length,
    );
  });

  it('the payloads are live: several of them ran in the customer page itself (control)', async () => {
    const ranInCustomer = () => new Set(runs(marker).customer.map((entry) => entry.split(':').pop()));
    await until(() => ranInCustomer().size > 5, 'payloads to run in the customer page').catch(() => undefined);
    const ran = ranInCustomer();
    console.log(`pipeline safety: ${payloadCount} payloads; ${ran.size} ran in the customer page (control)`);
    expect(ran.size, [...ran].join(', ')).to.be.greaterThan(5);
  });

  it('no payload runs in the agent window or the mirror, even after every link is clicked and every form submitted', async () => {
    const doc = pipeline.mirrorDocument();
    const documentsBefore = allRoots([doc]).filter((root) => root.nodeType === Node.DOCUMENT_NODE) as Document[];
    const locationsBefore = documentsBefore.map((view) => view.defaultView?.location.href);
    const topLocation = location.href;
    // A frame of the agent window where scripts do run, poked right after the mirror: its link, form
    // and click handler run through the same queues as the mirror's would, so once all three ran,
    // anything the mirror let through would have run too.
    // Its own tag, which does not contain the marker (its runs and requests are not the mirror's).
    const barrier = await scriptFrame(`bar${marker.slice(3)}`);
    for (const root of allRoots([doc])) pokeEverything(root);
    pokeEverything(barrier.doc);
    await until(() => barrier.ran().length === 3, 'the barrier frame’s link, form and click handler');
    barrier.remove();

    expect(runs(marker).agent).to.deep.equal([]);
    expect(agentMarkerRequests(marker, doc)).to.deep.equal([]);
    expect(location.href).to.equal(topLocation);
    expect(pipeline.mirror.iframe.contentDocument).to.equal(doc);
    const documentsAfter = allRoots([doc]).filter((root) => root.nodeType === Node.DOCUMENT_NODE) as Document[];
    expect(documentsAfter.length).to.equal(documentsBefore.length);
    documentsBefore.forEach((before, index) => expect(documentsAfter[index]).to.equal(before));
    expect(documentsAfter.map((view) => view.defaultView?.location.href)).to.deep.equal(locationsBefore);
  });

  it('leaves no script, handler or script URL in the mirror', () => {
    const found: string[] = [];
    for (const root of allRoots([pipeline.mirrorDocument()])) {
      for (const element of root.querySelectorAll('*')) {
        if (['script', 'object', 'embed', 'base', 'noscript'].includes(element.localName))
          found.push(`<${element.localName}>`);
        if (element.localName === 'iframe' && (element.hasAttribute('src') || element.hasAttribute('srcdoc')))
          found.push('iframe src/srcdoc');
        for (const attribute of element.attributes) {
          const value = attribute.value
            .replace(/[\t\n\r]/g, '')
            .trim()
            .toLowerCase();
          if (attribute.name.startsWith('on')) found.push(`${attribute.name} on <${element.localName}>`);
          if (/(^|\()\s*['"]?\s*(javascript|vbscript):/.test(value))
            found.push(`${attribute.name} on <${element.localName}>`);
        }
        if (element.localName === 'style' && /javascript:/i.test(element.textContent ?? '')) found.push('style text');
      }
    }
    expect(found).to.deep.equal([]);
  });
});
