import { expect } from '@open-wc/testing';
import { Mirror } from '../../agent/mirror/mirror.js';
import {
  mountMirror,
  mutationsFrame,
  NodeBuilder,
  normalizedMarkup,
  parseFrame,
  snapshotFrame,
  type MountedMirror,
} from './helpers/mirror-frames.js';

/** A small page: a list with two items and an input. */
function basePage(): { nodes: NodeBuilder['nodes']; list: number; input: number; itemText: number } {
  const b = new NodeBuilder();
  const { body } = b.page();
  const list = b.el(body, 'ul');
  const item = b.el(list, 'li');
  const itemText = b.text(item, 'first');
  const item2 = b.el(list, 'li');
  b.text(item2, 'second');
  const input = b.el(body, 'input', { type: 'text' }, { value: 'a' });
  return { nodes: b.nodes, list, input, itemText };
}

/** The mirror's DOM with node ids, for comparing two mirrors. */
function fingerprint(mounted: MountedMirror): string {
  const doc = mounted.doc();
  const ids: string[] = [];
  for (const element of doc.querySelectorAll('*')) {
    const id = mounted.mirror.idOf(element);
    if (id !== undefined) ids.push(`${element.localName}#${id}=${(element as HTMLInputElement).value ?? ''}`);
  }
  return `${normalizedMarkup(doc.documentElement)}\n${ids.join(',')}`;
}

describe('mirror: sequence gaps and resync', () => {
  let mounted: MountedMirror;
  beforeEach(() => {
    mounted = mountMirror();
  });
  afterEach(() => mounted.unmount());

  it('asks once on a gap, ignores later frames, and recovers on the next snapshot', () => {
    const page = basePage();
    mounted.mirror.apply(snapshotFrame(page.nodes, { seq: 0 }));
    mounted.mirror.apply(mutationsFrame(1, { texts: [{ id: page.itemText, text: 'one' }] }));
    // seq 2 is lost.
    mounted.mirror.apply(mutationsFrame(3, { texts: [{ id: page.itemText, text: 'three' }] }));
    mounted.mirror.apply(mutationsFrame(4, { texts: [{ id: page.itemText, text: 'four' }] }));
    mounted.mirror.apply(parseFrame({ t: 'input', seq: 5, id: page.input, value: 'ignored' }));
    expect(mounted.resyncs).to.deep.equal([1]);
    expect(mounted.mirror.nodeById(page.itemText)?.textContent).to.equal('one');
    expect((mounted.mirror.nodeById(page.input) as HTMLInputElement).value).to.equal('a');
    expect(mounted.mirror.stats.gaps).to.equal(1);
    expect(mounted.mirror.stats.framesIgnored).to.equal(3);

    const fresh = basePage();
    mounted.mirror.apply(snapshotFrame(fresh.nodes, { seq: 6 }));
    mounted.mirror.apply(mutationsFrame(7, { texts: [{ id: fresh.itemText, text: 'after' }] }));
    expect(mounted.mirror.nodeById(fresh.itemText)?.textContent).to.equal('after');
    expect(mounted.resyncs).to.deep.equal([1]);
  });

  it('treats a duplicate seq as a desync', () => {
    const page = basePage();
    mounted.mirror.apply(snapshotFrame(page.nodes, { seq: 0 }));
    mounted.mirror.apply(mutationsFrame(1, {}));
    mounted.mirror.apply(mutationsFrame(1, {}));
    expect(mounted.resyncs).to.deep.equal([1]);
    expect(mounted.mirror.stats.duplicates).to.equal(1);
  });

  it('asks for a snapshot when frames arrive before any snapshot', () => {
    mounted.mirror.apply(mutationsFrame(4, {}));
    mounted.mirror.apply(mutationsFrame(5, {}));
    expect(mounted.resyncs).to.deep.equal([null]);
  });

  it('asks on a frame that cannot be applied (an add whose parent does not exist), without throwing', () => {
    const page = basePage();
    mounted.mirror.apply(snapshotFrame(page.nodes, { seq: 0 }));
    expect(() =>
      mounted.mirror.apply(mutationsFrame(1, { adds: [{ kind: 'el', id: 900, parent: 899, tag: 'div' }] })),
    ).not.to.throw();
    expect(mounted.resyncs).to.deep.equal([0]);
    expect(mounted.mirror.stats.applyFailures).to.equal(1);
    expect(mounted.mirror.stats.lastError).to.contain('899');
    // Later frames are ignored until a snapshot.
    mounted.mirror.apply(mutationsFrame(2, { texts: [{ id: page.itemText, text: 'x' }] }));
    expect(mounted.resyncs).to.deep.equal([0]);
    expect(mounted.mirror.nodeById(page.itemText)?.textContent).to.equal('first');
  });

  it('asks on an attribute or text change for a node it does not have, and on a sibling from another parent', () => {
    const page = basePage();
    mounted.mirror.apply(snapshotFrame(page.nodes, { seq: 0 }));
    mounted.mirror.apply(
      mutationsFrame(1, { adds: [{ kind: 'el', id: 901, parent: page.list, next: page.input, tag: 'li' }] }),
    );
    expect(mounted.resyncs).to.deep.equal([0]);
  });

  it('after a dropped frame and a new snapshot, equals a mirror built from scratch from that snapshot', () => {
    const page = basePage();
    mounted.mirror.apply(snapshotFrame(page.nodes, { seq: 0 }));
    const adds = new NodeBuilder(200);
    const added = adds.el(page.list, 'li', { class: 'added' });
    adds.text(added, 'added');
    mounted.mirror.apply(
      mutationsFrame(1, { adds: adds.nodes, attrs: [{ id: page.list, attributes: { class: 'changed' } }] }),
    );
    mounted.mirror.apply(parseFrame({ t: 'input', seq: 2, id: page.input, value: 'typed' }));
    // seq 3 dropped; 4 reveals the gap.
    mounted.mirror.apply(mutationsFrame(4, { removes: [page.list] }));
    expect(mounted.resyncs).to.deep.equal([2]);

    // The customer's page as it is now, with different content and ids.
    const b = new NodeBuilder(1000);
    const { body } = b.page();
    const section = b.el(body, 'section', { class: 'now' });
    b.text(section, 'current state');
    const field = b.el(body, 'input', { type: 'text' }, { value: 'current' });
    const host = b.el(body, 'x-host');
    const shadow = b.root('shadow', host);
    b.text(shadow, 'shadow text');
    const recovery = snapshotFrame(b.nodes, { seq: 5, scrollY: 0 });
    mounted.mirror.apply(recovery);

    const scratch = mountMirror();
    try {
      scratch.mirror.apply(recovery);
      expect(fingerprint(mounted)).to.equal(fingerprint(scratch));
      expect(mounted.mirror.nodeById(page.list)).to.equal(undefined);
      expect(mounted.mirror.nodeById(added)).to.equal(undefined);
      expect((mounted.mirror.nodeById(field) as HTMLInputElement).value).to.equal('current');
      expect((mounted.mirror.nodeById(host) as Element).shadowRoot?.textContent).to.equal('shadow text');
      expect(mounted.mirror.stats.nodes).to.equal(scratch.mirror.stats.nodes);
    } finally {
      scratch.unmount();
    }
    mounted.mirror.apply(mutationsFrame(6, { texts: [] }));
    expect(mounted.resyncs).to.deep.equal([2]);
  });

  it('asks when a snapshot part is missing', () => {
    const page = basePage();
    mounted.mirror.apply(snapshotFrame(page.nodes.slice(0, 3), { seq: 0, part: 0, final: false }));
    mounted.mirror.apply(snapshotFrame(page.nodes.slice(3), { seq: 2, part: 2, final: true }));
    // Nothing of the unfinished snapshot was applied: the customer must send everything again.
    expect(mounted.resyncs).to.deep.equal([null]);
  });

  it('builds the first snapshot as its parts arrive, hidden until the final part', () => {
    const page = basePage();
    mounted.mirror.apply(snapshotFrame(page.nodes.slice(0, 5), { seq: 0, part: 0, final: false }));
    // Already in the (hidden) mirror document: building overlaps the customer's capture.
    expect(mounted.mirror.nodeById(page.list)).to.not.equal(undefined);
    expect(getComputedStyle(mounted.mirror.iframe).visibility).to.equal('hidden');
    mounted.mirror.apply(mutationsFrame(1, { texts: [{ id: page.itemText, text: 'queued' }] }));
    mounted.mirror.apply(snapshotFrame(page.nodes.slice(5), { seq: 2, part: 1, final: true }));
    expect(getComputedStyle(mounted.mirror.iframe).visibility).to.equal('visible');
    expect((mounted.mirror.nodeById(page.input) as HTMLInputElement).value).to.equal('a');
    expect(mounted.mirror.nodeById(page.itemText)?.textContent).to.equal('queued');

    // Built part by part or in one go, the mirror is the same.
    const whole = mountMirror();
    try {
      whole.mirror.apply(snapshotFrame(page.nodes, { seq: 0 }));
      whole.mirror.apply(mutationsFrame(1, { texts: [{ id: page.itemText, text: 'queued' }] }));
      expect(fingerprint(mounted)).to.equal(fingerprint(whole));
    } finally {
      whole.unmount();
    }
  });

  it('keeps the last page on screen while a later snapshot arrives, and replaces it whole', () => {
    const page = basePage();
    mounted.mirror.apply(snapshotFrame(page.nodes, { seq: 0 }));
    const before = fingerprint(mounted);
    const next = basePage();
    mounted.mirror.apply(snapshotFrame(next.nodes.slice(0, 5), { seq: 1, part: 0, final: false }));
    expect(getComputedStyle(mounted.mirror.iframe).visibility).to.equal('visible');
    expect(fingerprint(mounted)).to.equal(before);
    mounted.mirror.apply(snapshotFrame(next.nodes.slice(5), { seq: 2, part: 1, final: true }));
    expect(mounted.mirror.stats.snapshots).to.equal(2);
  });

  it('stays hidden when the first snapshot breaks off, and shows the next whole one', () => {
    const page = basePage();
    mounted.mirror.apply(snapshotFrame(page.nodes.slice(0, 5), { seq: 0, part: 0, final: false }));
    mounted.mirror.apply(snapshotFrame(page.nodes.slice(5), { seq: 5, part: 1, final: true }));
    expect(mounted.resyncs).to.deep.equal([null]);
    expect(getComputedStyle(mounted.mirror.iframe).visibility).to.equal('hidden');
    mounted.mirror.apply(snapshotFrame(page.nodes, { seq: 6 }));
    expect(getComputedStyle(mounted.mirror.iframe).visibility).to.equal('visible');
    expect((mounted.mirror.nodeById(page.input) as HTMLInputElement).value).to.equal('a');
  });

  it('survives an onResyncNeeded handler that throws', () => {
    const container = document.createElement('div');
    document.body.append(container);
    let calls = 0;
    const page = basePage();
    const mirror = new Mirror({
      container,
      onResyncNeeded: () => {
        calls++;
        throw new Error('console bug');
      },
    });
    mirror.apply(snapshotFrame(page.nodes, { seq: 0 }));
    expect(() => mirror.apply(mutationsFrame(9, {}))).not.to.throw();
    expect(calls).to.equal(1);
    mirror.destroy();
    container.remove();
  });
});
