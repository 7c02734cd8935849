/**
 * The capture against pages that fight it, through the real capture engine,
 * codec and mirror (Pipeline):
 * - a page whose Element.prototype.getAttributeNames and hasAttributes lie:
 *   the mask and block markers are still
 *   found (they are read through the copies taken at load, dom-read.ts), so
 *   nothing marked reaches the agent. Control: the page's own methods do lie.
 * - a page that changes its DOM in every task: the snapshot still starts and
 *   finishes (the label index before the walk gets a bounded number of tasks;
 *   it started over at every change and the walk never began).
 */
import { expect } from '@open-wc/testing';
import { messageStrings } from '../oracles/message-strings.js';
import { loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';

const SECRET = 'Hunter2-Zebra';
const BLOCKED = 'Blocked-Quokka';

describe('capture on pages that fight it', function () {
  this.timeout(60_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
    document.getElementById('customer-frame')?.remove();
  });

  it('finds the markers when the page replaces getAttributeNames and hasAttributes', async () => {
    const customer = await loadCustomerPage(`<!DOCTYPE html><html><head><title>lying page</title><script>
      Element.prototype.getAttributeNames = function () { return []; };
      Element.prototype.hasAttributes = function () { return false; };
    </script></head><body>
      <p id="visible">visible-Marmot</p>
      <div data-cobrowse-mask>secret ${SECRET}</div>
      <div data-cobrowse-block style="width:80px;height:20px"><span>${BLOCKED}</span></div>
    </body></html>`);
    const marked = customer.doc.querySelector('[data-cobrowse-mask]') as Element;
    expect(marked.getAttributeNames(), 'control: the page lies').to.deep.equal([]);
    expect(marked.hasAttributes(), 'control: the page lies').to.equal(false);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const sent = messageStrings(pipeline.decoded);
    expect(
      sent.some((s) => s.includes('visible-Marmot')),
      'the page was captured',
    ).to.equal(true);
    expect(sent.filter((s) => s.includes(SECRET) || s.includes('Hunter2'))).to.deep.equal([]);
    expect(sent.filter((s) => s.includes(BLOCKED))).to.deep.equal([]);
    expect(pipeline.decodeErrors).to.deep.equal([]);
  });

  it('takes the snapshot of a page that changes its DOM in every task', async () => {
    const customer = await loadCustomerPage(`<!DOCTYPE html><html><head><title>busy page</title></head><body>
      <label for="name">Name</label><input id="name"><p id="tick">0</p>
      <script>
        let n = 0;
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          if (window.stopTicking) return;
          document.getElementById('tick').textContent = String(++n);
          channel.port2.postMessage(0);
        };
        channel.port2.postMessage(0);
      </script></body></html>`);
    const ticks = (): number => Number(customer.doc.getElementById('tick')?.textContent);
    const before = ticks();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ticks(), 'control: the page changes between tasks').to.be.greaterThan(before);
    pipeline = new Pipeline(customer);
    try {
      await pipeline.start();
      expect(pipeline.decoded.some((m) => m.t === 'snapshot' && m.final)).to.equal(true);
      expect(pipeline.mirrorDocument().getElementById('name')).to.not.equal(null);
    } finally {
      (customer.win as unknown as { stopTicking: boolean }).stopTicking = true;
    }
  });
});
