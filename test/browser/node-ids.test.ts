import { expect } from '@open-wc/testing';
import { NodeIds, TOP_DOCUMENT_ID } from '../../client/capture/node-ids.js';

describe('NodeIds (ids on the nodes, strong reverse map swept of detached nodes)', () => {
  let host: HTMLElement;
  beforeEach(() => {
    host = document.createElement('div');
    document.body.append(host);
  });
  afterEach(() => host.remove());

  it('numbers nodes from 1, keeps an id for the node, and finds the node by id', () => {
    const ids = new NodeIds(document);
    const a = host.appendChild(document.createElement('p'));
    const b = host.appendChild(document.createTextNode('x'));
    expect(ids.idOf(document)).to.equal(TOP_DOCUMENT_ID);
    expect(ids.has(a)).to.equal(false);
    expect(ids.ensure(a)).to.equal(1);
    expect(ids.ensure(b)).to.equal(2);
    expect(ids.ensure(a)).to.equal(1);
    expect(ids.nodeOf(1)).to.equal(a);
    expect(ids.nodeOf(2)).to.equal(b);
    expect(ids.nodeOf(3)).to.equal(undefined);
    expect(ids.assigned).to.equal(2);
  });

  it('gives a fresh id on request, and the old id no longer names the node', () => {
    const ids = new NodeIds(document);
    const a = host.appendChild(document.createElement('p'));
    ids.ensure(a);
    expect(ids.assignFresh(a)).to.equal(2);
    expect(ids.idOf(a)).to.equal(2);
    expect(ids.nodeOf(2)).to.equal(a);
  });

  it('does not see the ids of another run on the same nodes', () => {
    const first = new NodeIds(document);
    const a = host.appendChild(document.createElement('p'));
    first.ensure(a);
    const second = new NodeIds(document);
    expect(second.has(a)).to.equal(false);
    expect(second.ensure(a)).to.equal(1);
    expect(first.idOf(a)).to.equal(1);
  });

  it('answers undefined for a removed node, drops it on a sweep, and finds it again when it comes back with its id', () => {
    const ids = new NodeIds(document);
    const a = host.appendChild(document.createElement('p'));
    const id = ids.ensure(a);
    a.remove();
    expect(ids.nodeOf(id)).to.equal(undefined);
    ids.sweep();
    expect(ids.held).to.equal(1); // the document only
    host.append(a);
    expect(ids.ensure(a)).to.equal(id);
    expect(ids.nodeOf(id)).to.equal(a);
  });

  it('sweeps detached nodes by itself once enough nodes were removed, so removed subtrees can be collected', () => {
    const ids = new NodeIds(document);
    const list = host.appendChild(document.createElement('ul'));
    for (let i = 0; i < 1000; i++) ids.ensure(list.appendChild(document.createElement('li')));
    expect(ids.held).to.equal(1001);
    list.replaceChildren();
    ids.noteRemoved(60_000);
    expect(ids.held).to.equal(1);
  });

  it('spreads a sweep over the ids that follow instead of checking every held node in one call', () => {
    const ids = new NodeIds(document);
    const list = host.appendChild(document.createElement('ul'));
    for (let i = 0; i < 49_990; i++) ids.ensure(list.appendChild(document.createElement('li')));
    list.replaceChildren(); // all detached, and not reported
    const live = host.appendChild(document.createElement('p'));
    // The 50,000th new id starts a sweep; a sweep done at once (the old behaviour) would leave 11 held here.
    for (let i = 0; i < 10; i++) ids.ensure(live.appendChild(document.createTextNode('x')));
    expect(ids.held).to.be.greaterThan(49_000);
    // The sweep goes on with every new id and is done long before as many ids again.
    for (let i = 0; i < 10_000; i++) ids.ensure(live.appendChild(document.createTextNode('x')));
    expect(ids.held).to.equal(1 + 10 + 10_000);
    for (let i = 1; i <= 49_990; i++) expect(ids.nodeOf(i)).to.equal(undefined);
    expect(ids.nodeOf(49_991)?.isConnected).to.equal(true);
  });

  it('starts no sweep while a snapshot walks (its new ids are no churn); removals reported after it still do', () => {
    const ids = new NodeIds(document);
    ids.walking(true);
    const list = host.appendChild(document.createElement('ul'));
    for (let i = 0; i < 30_000; i++) ids.ensure(list.appendChild(document.createElement('li')));
    list.replaceChildren(); // detached, and not reported
    for (let i = 0; i < 30_000; i++) ids.ensure(host.appendChild(document.createTextNode('x')));
    expect(ids.held).to.equal(1 + 60_000);
    ids.walking(false);
    ids.noteRemoved(50_000);
    expect(ids.held).to.equal(1 + 30_000);
  });

  it('control: the same new ids outside a walk start a sweep that drops the detached ones', () => {
    const ids = new NodeIds(document);
    const list = host.appendChild(document.createElement('ul'));
    for (let i = 0; i < 30_000; i++) ids.ensure(list.appendChild(document.createElement('li')));
    list.replaceChildren();
    for (let i = 0; i < 30_000; i++) ids.ensure(host.appendChild(document.createTextNode('x')));
    expect(ids.held).to.equal(1 + 30_000);
  });

  it('stays bounded on a page that keeps replacing its content (new ids and one removal report per replacement)', () => {
    const ids = new NodeIds(document);
    const list = host.appendChild(document.createElement('ul'));
    let most = 0;
    for (let round = 0; round < 30; round++) {
      if (list.firstChild !== null) {
        list.replaceChildren();
        ids.noteRemoved(1);
      }
      for (let i = 0; i < 10_000; i++) ids.ensure(list.appendChild(document.createElement('li')));
      most = Math.max(most, ids.held);
    }
    // At most the live page plus one sweep distance (50,000 new ids) of removed nodes.
    expect(most).to.be.at.most(10_001 + 50_000 + 10_000);
    ids.sweep();
    expect(ids.held).to.equal(10_001);
  });

  it("frees the reverse map's arrays once their nodes are dropped, and allocates none for reserved ids", () => {
    const ids = new NodeIds(document);
    const list = host.appendChild(document.createElement('ul'));
    for (let round = 0; round < 30; round++) {
      list.replaceChildren();
      for (let i = 0; i < 10_000; i++) ids.ensure(list.appendChild(document.createElement('li')));
    }
    ids.sweep();
    expect(ids.held).to.equal(10_001);
    // 300,000 ids over 19 arrays of 16,384; the live 10,000 are the last ones, in at most 2 of them, plus the document's.
    expect(ids.chunks).to.be.at.most(3);
    for (let i = 0; i < 1_000_000; i++) ids.reserve();
    const late = ids.ensure(host.appendChild(document.createElement('p')));
    expect(ids.nodeOf(late)?.isConnected).to.equal(true);
    expect(ids.chunks).to.be.at.most(4);
    // Ids past those handed out (or wrapping to a held one) name nothing.
    expect(ids.nodeOf(late + 1)).to.equal(undefined);
    expect(ids.nodeOf(2 ** 32 + 1)).to.equal(undefined);
    expect(ids.nodeOf(2 ** 32 + late)).to.equal(undefined);
  });

  it('keeps nodes of an open shadow root and drops those of a removed iframe', async () => {
    const ids = new NodeIds(document);
    const shadowHost = host.appendChild(document.createElement('div'));
    const inShadow = shadowHost.attachShadow({ mode: 'open' }).appendChild(document.createElement('span'));
    const frame = host.appendChild(document.createElement('iframe'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const frameDoc = frame.contentDocument!;
    const inFrame = frameDoc.body.appendChild(frameDoc.createElement('b'));
    const shadowId = ids.ensure(inShadow);
    const docId = ids.ensure(frameDoc);
    const frameNodeId = ids.ensure(inFrame);
    expect(ids.nodeOf(shadowId)).to.equal(inShadow);
    expect(ids.nodeOf(frameNodeId)).to.equal(inFrame);
    frame.remove();
    expect(ids.nodeOf(docId)).to.equal(undefined);
    expect(ids.nodeOf(frameNodeId)).to.equal(undefined);
    expect(ids.nodeOf(shadowId)).to.equal(inShadow);
  });
});
