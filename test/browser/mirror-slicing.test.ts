/**
 * The mirror's first snapshot built in time slices (agent/mirror/first-snapshot.ts):
 * a big snapshot yields to the event loop, stays out of sight until built,
 * and ends up equal to the customer's page; frames that arrive mid-build are
 * held and applied in order; a failure mid-build asks for a resync. The
 * oracle is the source markup parsed by the browser (DOMParser), or the same
 * edits made with DOM calls on it, never the mirror's own code.
 */
import { expect } from '@open-wc/testing';
import { Mirror, type MirrorOptions } from '../../agent/mirror/mirror.js';
import type { DomFrame, SerializedNode } from '../../shared/protocol.js';
import { mutationsFrame, NodeBuilder, normalizedMarkup, snapshotFrame } from './helpers/mirror-frames.js';

interface Mounted {
  mirror: Mirror;
  applied: DomFrame[];
  resyncs: (number | null)[];
  /** Resolves once a final snapshot part was applied (the build is done and shown). */
  built(): Promise<void>;
  doc(): Document;
  unmount(): void;
}

function mount(options: Partial<MirrorOptions> = {}): Mounted {
  const container = document.createElement('div');
  document.body.append(container);
  const applied: DomFrame[] = [];
  const resyncs: (number | null)[] = [];
  let wake: (() => void) | null = null;
  const mirror = new Mirror({
    container,
    onResyncNeeded: (lastSeq) => resyncs.push(lastSeq),
    onFrameApplied: (frame) => {
      applied.push(frame);
      if (frame.t === 'snapshot' && frame.final) wake?.();
    },
    allowAgentFetches: true,
    ...options,
  });
  return {
    mirror,
    applied,
    resyncs,
    built: () =>
      applied.some((frame) => frame.t === 'snapshot' && frame.final)
        ? Promise.resolve()
        : new Promise<void>((resolve) => (wake = resolve)),
    doc: () => {
      const doc = mirror.iframe.contentDocument;
      if (!doc) throw new Error('no mirror document');
      return doc;
    },
    unmount: () => {
      mirror.destroy();
      container.remove();
    },
  };
}

/** A page body of about `rows` × 12 nodes: nesting, lists, tables, form fields, comments, entities. */
function bigMarkup(rows: number): string {
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    if (i % 5 === 0)
      out.push(`<table class="t${i % 3}"><tbody><tr><td>${i}</td><td>row &amp; ${i}</td></tr></tbody></table>`);
    else if (i % 5 === 1) out.push(`<ul><li>one ${i}</li><li><em>two</em> ${i}</li></ul><!-- c${i} -->`);
    else if (i % 5 === 2)
      out.push(
        `<form><label>Name <input name="n${i}" value="v${i}"></label><select><option>a</option><option selected>b</option></select></form>`,
      );
    else
      out.push(
        `<section id="s${i}" style="padding:${i % 7}px"><h2>Title ${i}</h2><p>Text <b>${i}</b> &lt; more</p></section>`,
      );
  }
  return out.join('');
}

/** The body's markup as the browser parses it: the oracle. */
function parsedBody(markup: string): string {
  return new DOMParser().parseFromString(`<!DOCTYPE html><html><head></head><body>${markup}</body></html>`, 'text/html')
    .body.innerHTML;
}

function mirroredBody(mounted: Mounted): string {
  return normalizedMarkup(mounted.doc().body).replace(/^<body>|<\/body>$/g, '');
}

/** Snapshot nodes of a page whose body holds `markup`, and the body's id. */
function pageNodes(markup: string): { nodes: SerializedNode[]; body: number } {
  const b = new NodeBuilder();
  const { body } = b.page();
  b.html(body, markup);
  return { nodes: b.nodes, body };
}

describe('mirror: the first snapshot built in slices', () => {
  let mounted: Mounted[] = [];
  const use = (options?: Partial<MirrorOptions>): Mounted => {
    const m = mount(options);
    mounted.push(m);
    return m;
  };
  afterEach(() => {
    for (const m of mounted) m.unmount();
    mounted = [];
  });

  it('yields while a big snapshot is built, keeps it out of sight until done, and equals the customer page', async () => {
    const markup = bigMarkup(3000);
    const { nodes } = pageNodes(markup);
    expect(nodes.length).to.be.greaterThan(20_000);
    const m = use();
    m.mirror.apply(snapshotFrame(nodes));
    // apply() returned after one slice: the rest is built in later tasks.
    expect(m.mirror.building).to.equal(true);
    expect(getComputedStyle(m.mirror.iframe).visibility).to.equal('hidden');
    expect(getComputedStyle(m.mirror.iframe).pointerEvents).to.equal('none');
    expect(m.applied).to.deep.equal([]);
    await m.built();
    expect(m.mirror.building).to.equal(false);
    expect(getComputedStyle(m.mirror.iframe).visibility).to.equal('visible');
    expect(getComputedStyle(m.mirror.iframe).pointerEvents).to.equal('auto');
    expect(getComputedStyle(m.mirror.iframe).contentVisibility).to.equal('visible');
    expect(m.mirror.stats.buildSlices).to.be.greaterThan(1);
    // Laid out piece by piece while hidden (layout-pacer.ts), not all at once when shown.
    expect(m.mirror.stats.buildLayouts).to.be.greaterThan(0);
    expect(m.mirror.stats.buildLayouts).to.be.lessThan(m.mirror.stats.buildSlices);
    expect(mirroredBody(m)).to.equal(parsedBody(markup));
    // Never closed, so Chrome's autofill never starts scanning the customer's forms in it (build-node.ts).
    expect(m.doc().readyState).to.equal('loading');
    expect(m.resyncs).to.deep.equal([]);

    // Control: the oracle tells a mirror that lost one text node from the same page.
    const broken = use();
    const lossy = nodes.filter((node) => !(node.kind === 'text' && node.text === 'row & 500'));
    expect(lossy.length).to.equal(nodes.length - 1);
    broken.mirror.apply(snapshotFrame(lossy));
    await broken.built();
    expect(mirroredBody(broken)).to.not.equal(parsedBody(markup));
  });

  it("hit-tests a big hidden page in a slice before the one that shows it (its first paint's compositing inputs)", async () => {
    const { nodes } = pageNodes(bigMarkup(600));
    const m = use();
    m.mirror.apply(snapshotFrame(nodes));
    expect(m.mirror.building).to.equal(true);
    // The mirror document exists from part 0 on: record each hit test of it.
    const doc = m.doc();
    const tests: Array<{ slices: number; hidden: boolean }> = [];
    const elementFromPoint = doc.elementFromPoint.bind(doc);
    doc.elementFromPoint = (x: number, y: number) => {
      tests.push({
        slices: m.mirror.stats.buildSlices,
        hidden: getComputedStyle(m.mirror.iframe).visibility === 'hidden',
      });
      return elementFromPoint(x, y);
    };
    await m.built();
    const shownAfter = m.mirror.stats.buildSlices;
    expect(tests).to.have.length(1);
    expect(tests[0]?.hidden).to.equal(true);
    // Control: the slice count moves between the hit test and the show, so an oracle of the same call
    // in the showing slice would fail.
    expect(tests[0]?.slices).to.be.lessThan(shownAfter);

    // A page built within apply() itself is shown there, without the extra slice or hit test.
    const small = use();
    const view = small.mirror.iframe.contentWindow as (Window & typeof globalThis) | null;
    if (!view) throw new Error('no mirror window');
    let smallTests = 0;
    const original = view.Document.prototype.elementFromPoint;
    view.Document.prototype.elementFromPoint = function (this: Document, x: number, y: number) {
      smallTests++;
      return original.call(this, x, y);
    };
    small.mirror.apply(snapshotFrame(pageNodes('<p>small</p>').nodes));
    expect(small.mirror.building).to.equal(false);
    expect(smallTests).to.equal(0);
  });

  it('lays the page out in a slice of its own before the hit test that precedes showing it', async () => {
    const { nodes } = pageNodes(bigMarkup(600));
    const m = use();
    m.mirror.apply(snapshotFrame(nodes));
    expect(m.mirror.building).to.equal(true);
    const doc = m.doc();
    const view = m.mirror.iframe.contentWindow as (Window & typeof globalThis) | null;
    if (!view) throw new Error('no mirror window');
    // What the build had added when it laid the page out (layout-pacer.ts forces it with getBoundingClientRect)
    // and when it hit-tested it, and in which slice.
    const seen = (): { slices: number; elements: number } => ({
      slices: m.mirror.stats.buildSlices,
      elements: doc.getElementsByTagName('*').length,
    });
    const layouts: Array<{ slices: number; elements: number }> = [];
    const hitTests: Array<{ slices: number; elements: number }> = [];
    const rect = view.Element.prototype.getBoundingClientRect;
    view.Element.prototype.getBoundingClientRect = function (this: Element) {
      if (this === doc.documentElement) layouts.push(seen());
      return rect.call(this);
    };
    const elementFromPoint = doc.elementFromPoint.bind(doc);
    doc.elementFromPoint = (x: number, y: number) => {
      hitTests.push(seen());
      return elementFromPoint(x, y);
    };
    await m.built();
    view.Element.prototype.getBoundingClientRect = rect;
    expect(hitTests).to.have.length(1);
    const hit = hitTests[0];
    const before = layouts.filter((layout) => layout.slices <= (hit?.slices ?? 0)).at(-1);
    // Everything the hit test finds was laid out already, in an earlier slice: the hit test lays nothing out.
    expect(before?.elements).to.equal(hit?.elements);
    expect(before?.slices).to.be.lessThan(hit?.slices ?? 0);
    expect(mirroredBody(m)).to.equal(parsedBody(bigMarkup(600)));
  });

  it('lets a big page into a rendering update while still hidden, then shows it in a later one', async () => {
    /** What each rendering update found, read at its start (animation frame callbacks) from the iframe's computed style. */
    const watchUpdates = (m: Mounted): { updates: Array<{ rendered: boolean; visible: boolean }>; stop(): void } => {
      const updates: Array<{ rendered: boolean; visible: boolean }> = [];
      let watching = true;
      const watch = (): void => {
        if (!watching) return;
        const style = getComputedStyle(m.mirror.iframe);
        updates.push({ rendered: style.contentVisibility === 'visible', visible: style.visibility === 'visible' });
        requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
      return { updates, stop: () => (watching = false) };
    };
    const buildWatched = async (rows: number): Promise<Array<{ rendered: boolean; visible: boolean }>> => {
      const m = use();
      const watched = watchUpdates(m);
      m.mirror.apply(snapshotFrame(pageNodes(bigMarkup(rows)).nodes));
      expect(m.mirror.building).to.equal(true);
      await m.built();
      // Two more rendering updates: the one that shows it.
      for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
      watched.stop();
      expect(mirroredBody(m)).to.equal(parsedBody(bigMarkup(rows)));
      return watched.updates;
    };
    const hiddenRenders = (updates: Array<{ rendered: boolean; visible: boolean }>): number => {
      const firstVisible = updates.findIndex((update) => update.visible);
      expect(firstVisible).to.be.at.least(0);
      // Never visible before it is built and shown, and rendered from then on.
      expect(updates.slice(firstVisible).every((update) => update.visible && update.rendered)).to.equal(true);
      return updates.slice(0, firstVisible).filter((update) => update.rendered).length;
    };

    expect(pageNodes(bigMarkup(4000)).nodes.length).to.be.greaterThan(25_000);
    // Pre-painted while hidden: the update that first shows it does not walk the whole page too.
    expect(hiddenRenders(await buildWatched(4000))).to.be.greaterThan(0);
    // Control: a smaller page, also built in slices, is shown without one (the oracle can fail).
    expect(pageNodes(bigMarkup(600)).nodes.length).to.be.lessThan(25_000);
    expect(hiddenRenders(await buildWatched(600))).to.equal(0);
  });

  it('builds the same page with one small step per slice as in one go', async () => {
    const markup = bigMarkup(60);
    const sliced = use({ sliceBudgetMs: 0 });
    const whole = use({ sliceBudgetMs: 10_000 });
    for (const m of [sliced, whole]) {
      const { nodes } = pageNodes(markup);
      m.mirror.apply(snapshotFrame(nodes.slice(0, 200), { seq: 0, part: 0, final: false }));
      m.mirror.apply(snapshotFrame(nodes.slice(200), { seq: 1, part: 1, final: true }));
    }
    // A budget of 0 builds 16 nodes per slice; a budget nothing reaches builds each part in its own apply().
    expect(sliced.mirror.building).to.equal(true);
    expect(whole.mirror.building).to.equal(false);
    // Control for the layout count above: a page built within its parts' apply() calls is laid out only when shown.
    expect(whole.mirror.stats.buildLayouts).to.equal(0);
    await sliced.built();
    expect(sliced.mirror.stats.buildSlices).to.be.greaterThan(20);
    expect(mirroredBody(sliced)).to.equal(parsedBody(markup));
    expect(mirroredBody(sliced)).to.equal(mirroredBody(whole));
  });

  it('holds frames that arrive mid-build and applies them in order once the page is built', async () => {
    const markup = bigMarkup(200);
    const b = new NodeBuilder();
    const { body } = b.page();
    const list = b.el(body, 'ul', { id: 'late' });
    const first = b.el(list, 'li');
    const firstText = b.text(first, 'first');
    b.html(body, markup);
    const part0 = b.nodes.splice(0, 300);
    const part1 = b.nodes.splice(0);
    const m = use({ sliceBudgetMs: 0 });
    m.mirror.apply(snapshotFrame(part0, { seq: 10, part: 0, final: false }));
    // Between the parts: a text change of a node the mirror has not even built yet.
    m.mirror.apply(mutationsFrame(11, { texts: [{ id: firstText, text: 'changed' }] }));
    m.mirror.apply(snapshotFrame(part1, { seq: 12, part: 1, final: true }));
    // After the final part, while the build is still going on: add, then remove, then change.
    const adds = new NodeBuilder(900_000);
    const second = adds.el(list, 'li', { class: 'new' });
    adds.text(second, 'second');
    m.mirror.apply(mutationsFrame(13, { adds: adds.nodes }));
    m.mirror.apply(mutationsFrame(14, { removes: [first] }));
    m.mirror.apply(mutationsFrame(15, { attrs: [{ id: list, attributes: { class: 'done' } }] }));
    expect(m.mirror.building).to.equal(true);
    expect(m.applied.map((frame) => frame.seq)).to.deep.equal([]);
    await m.built();
    expect(m.applied.map((frame) => frame.seq)).to.deep.equal([10, 12, 11, 13, 14, 15]);

    // The oracle: the same edits with DOM calls on the parsed source.
    const expected = new DOMParser().parseFromString(
      `<!DOCTYPE html><html><head></head><body><ul id="late"><li>first</li></ul>${markup}</body></html>`,
      'text/html',
    );
    const ul = expected.getElementById('late');
    const li = ul?.firstElementChild;
    if (!ul || !li?.firstChild) throw new Error('bad oracle page');
    li.firstChild.textContent = 'changed';
    const added = expected.createElement('li');
    added.className = 'new';
    added.textContent = 'second';
    ul.append(added);
    li.remove();
    ul.className = 'done';
    expect(mirroredBody(m)).to.equal(expected.body.innerHTML);
    expect(m.resyncs).to.deep.equal([]);
  });

  it('asks for a resync when a later slice finds a node that does not fit, and drops the frames held', async () => {
    const { nodes, body } = pageNodes(bigMarkup(50));
    // Deep in the part: a node whose parent the page never had.
    nodes.splice(400, 0, { kind: 'el', id: 999_999, parent: 888_888, tag: 'p' });
    const m = use({ sliceBudgetMs: 0 });
    m.mirror.apply(snapshotFrame(nodes, { seq: 0 }));
    m.mirror.apply(mutationsFrame(1, { attrs: [{ id: body, attributes: { class: 'held' } }] }));
    expect(m.resyncs).to.deep.equal([]);
    while (m.resyncs.length === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(m.resyncs).to.deep.equal([null]);
    expect(m.mirror.building).to.equal(false);
    expect(m.mirror.stats.applyFailures).to.equal(1);
    expect(m.applied).to.deep.equal([]);
    expect(m.doc().body?.getAttribute('class') ?? null).to.equal(null);

    // The next snapshot starts over and is shown.
    const again = pageNodes('<p>fresh</p>');
    m.mirror.apply(snapshotFrame(again.nodes, { seq: 2 }));
    await m.built();
    expect(mirroredBody(m)).to.equal('<p>fresh</p>');
  });

  it("shows a big page built in slices at the customer's window and element scroll positions", async () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    b.html(body, bigMarkup(300));
    const box = b.el(body, 'div', { style: 'height:100px;overflow:auto' }, { scrollY: 700 });
    b.el(box, 'div', { style: 'height:3000px' });
    b.html(body, bigMarkup(300));
    const m = use({ sliceBudgetMs: 0 });
    m.mirror.apply(snapshotFrame(b.nodes, { scrollY: 5000, viewportWidth: 800, viewportHeight: 600 }));
    expect(m.mirror.building).to.equal(true);
    await m.built();
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    expect(m.doc().documentElement.scrollHeight).to.be.greaterThan(5600);
    expect(m.doc().defaultView?.scrollY).to.equal(5000);
    expect((m.mirror.nodeById(box) as HTMLElement).scrollTop).to.equal(700);
  });

  it("applies a <style>'s CSSOM rules once its text is in, not only when the whole snapshot is built", async () => {
    const b = new NodeBuilder();
    const { head, body } = b.page();
    // CSS-in-JS: rules inserted through CSSOM, the element's text says otherwise.
    const style = b.el(head, 'style', {}, { cssRules: ['p { color: rgb(0, 128, 0); }'] });
    b.text(style, 'p { color: red; }');
    const p = b.el(body, 'p');
    b.text(p, 'styled');
    const part0 = b.nodes.splice(0);
    b.html(body, bigMarkup(40));
    const m = use({ sliceBudgetMs: 0 });
    m.mirror.apply(snapshotFrame(part0, { seq: 0, part: 0, final: false }));
    // Part 0 fits one slice (16 nodes); the final part has not even arrived.
    expect(part0.length).to.be.lessThan(16);
    expect(m.mirror.building).to.equal(true);
    const early = getComputedStyle(m.mirror.nodeById(p) as Element).color;
    m.mirror.apply(snapshotFrame(b.nodes, { seq: 1, part: 1, final: true }));
    await m.built();
    expect(early).to.equal('rgb(0, 128, 0)');
    expect(getComputedStyle(m.mirror.nodeById(p) as Element).color).to.equal('rgb(0, 128, 0)');
    expect((m.mirror.nodeById(style) as HTMLStyleElement).sheet?.cssRules.length).to.equal(1);
  });

  it('starts over when a new snapshot begins before the first one is built', async () => {
    const m = use({ sliceBudgetMs: 0 });
    m.mirror.apply(snapshotFrame(pageNodes(bigMarkup(100)).nodes, { seq: 0 }));
    expect(m.mirror.building).to.equal(true);
    m.mirror.apply(snapshotFrame(pageNodes('<p>newer</p>').nodes, { seq: 5 }));
    await m.built();
    // Let the slice the old build had scheduled run: it must do nothing.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(mirroredBody(m)).to.equal('<p>newer</p>');
    expect(m.applied.map((frame) => frame.seq)).to.deep.equal([5]);
    expect(m.resyncs).to.deep.equal([]);
  });
});
