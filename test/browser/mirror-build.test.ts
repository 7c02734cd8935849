import { expect } from '@open-wc/testing';
import { BLOCKED_LABEL, FOCUS_ATTRIBUTE, MASKED_ATTRIBUTE } from '../../agent/mirror/masked-style.js';
import { MIRROR_CSP } from '../../agent/mirror/build-node.js';
import {
  mountMirror,
  mutationsFrame,
  NodeBuilder,
  normalizedMarkup,
  parseFrame,
  settle,
  snapshotFrame,
  type MountedMirror,
} from './helpers/mirror-frames.js';

describe('mirror: building a snapshot', () => {
  let mounted: MountedMirror;
  beforeEach(() => {
    mounted = mountMirror();
  });
  afterEach(() => mounted.unmount());

  it('creates a sandboxed iframe that allows nothing but same-origin access, sized to the viewport', () => {
    const b = new NodeBuilder();
    b.page();
    mounted.mirror.apply(snapshotFrame(b.nodes, { viewportWidth: 640, viewportHeight: 360 }));
    const iframe = mounted.mirror.iframe;
    expect(iframe.getAttribute('sandbox')).to.equal('allow-same-origin');
    expect(iframe.getBoundingClientRect().width).to.equal(640);
    expect(iframe.getBoundingClientRect().height).to.equal(360);
    expect(mounted.mirror.viewport).to.deep.equal({ w: 640, h: 360, dpr: 1 });
    expect(mounted.mirror.fitScale(320, 1000)).to.equal(0.5);
    const head = mounted.doc().head;
    const first = head.firstElementChild;
    expect(first?.localName).to.equal('meta');
    expect(first?.getAttribute('http-equiv')).to.equal('Content-Security-Policy');
    expect(first?.getAttribute('content')).to.equal(MIRROR_CSP);
    expect(MIRROR_CSP)
      .to.contain("script-src 'none'")
      .and.contain("object-src 'none'")
      .and.contain("base-uri 'none'")
      .and.contain("form-action 'none'");
  });

  it('rebuilds structure, text and comments equal to the source markup, with ids both ways', () => {
    const source = `<main class="shop"><h1 id="t">Cart <em>(2)</em></h1><!-- note --><table><tbody><tr><td>A</td><td>1</td></tr></tbody></table>
      <ul style="display:flex;gap:4px"><li>one</li><li>two</li></ul><p>a &amp; b &lt; c</p><img src="https://cdn.shop.example/a.png" alt="a"></main>`;
    const b = new NodeBuilder();
    const { body } = b.page();
    b.html(body, source);
    mounted.mirror.apply(snapshotFrame(b.nodes));
    const expected = new DOMParser().parseFromString(`<body>${source}</body>`, 'text/html').body;
    expect(normalizedMarkup(mounted.doc().body).replace(/^<body>|<\/body>$/g, '')).to.equal(expected.innerHTML);
    expect(mounted.doc().compatMode).to.equal('CSS1Compat');
    for (const node of b.nodes) {
      const mirrored = mounted.mirror.nodeById(node.id);
      expect(mirrored, `node ${node.id}`).to.not.equal(undefined);
      if (mirrored) expect(mounted.mirror.idOf(mirrored)).to.equal(node.id);
    }
    expect(mounted.mirror.nodeById(0)).to.equal(mounted.doc());
    expect(mounted.mirror.stats.nodes).to.equal(b.nodes.length + 1);
  });

  it('shows the page at the customer’s scroll position when the view becomes visible after the snapshot', async () => {
    // The console shows the mirror only once the first frame is in: the snapshot lands in a hidden frame.
    mounted.container.hidden = true;
    const b = new NodeBuilder();
    const { body } = b.page();
    const article = b.el(body, 'article', { style: 'height:20000px' });
    const box = b.el(body, 'div', { style: 'height:100px;overflow:auto' }, { scrollY: 700 });
    b.el(box, 'div', { style: 'height:3000px' });
    mounted.mirror.apply(snapshotFrame(b.nodes, { scrollY: 8461 }));
    expect(mounted.mirror.nodeById(article)).to.not.equal(undefined);
    mounted.container.hidden = false;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    expect(mounted.doc().defaultView?.scrollY).to.equal(8461);
    expect(mounted.mirror.scroll.y).to.equal(8461);
    expect((mounted.mirror.nodeById(box) as HTMLElement).scrollTop).to.equal(700);
  });

  it('stays in quirks mode when the customer page had no doctype', () => {
    const b = new NodeBuilder();
    b.page(0, false);
    mounted.mirror.apply(snapshotFrame(b.nodes));
    expect(mounted.doc().compatMode).to.equal('BackCompat');
  });

  it('creates SVG and MathML elements in their namespaces, with xlink attributes namespaced', () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const svg = b.el(body, 'svg', { width: '100', height: '50', viewBox: '0 0 100 50' }, { namespace: 'svg' });
    const gradient = b.el(svg, 'linearGradient', { id: 'g' }, { namespace: 'svg' });
    const use = b.el(svg, 'use', { 'xlink:href': '#g' }, { namespace: 'svg' });
    const math = b.el(body, 'math', {}, { namespace: 'math' });
    const mi = b.el(math, 'mi', {}, { namespace: 'math' });
    b.text(mi, 'x');
    mounted.mirror.apply(snapshotFrame(b.nodes));
    const svgEl = mounted.mirror.nodeById(svg) as Element;
    expect(svgEl.namespaceURI).to.equal('http://www.w3.org/2000/svg');
    expect((mounted.mirror.nodeById(gradient) as Element).localName).to.equal('linearGradient');
    expect((mounted.mirror.nodeById(use) as Element).getAttributeNS('http://www.w3.org/1999/xlink', 'href')).to.equal(
      '#g',
    ); // fragment references stay local to the mirrored document
    expect((mounted.mirror.nodeById(mi) as Element).namespaceURI).to.equal('http://www.w3.org/1998/Math/MathML');
    expect(svgEl.getBoundingClientRect().width).to.equal(100);
  });

  it('attaches open shadow roots with adopted sheets, and falls back to a wrapper on hosts that cannot have one', () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const host = b.el(body, 'x-card');
    const shadow = b.root('shadow', host, [':host{display:block;width:123px} p{color:rgb(1, 2, 3)}']);
    const p = b.el(shadow, 'p');
    b.text(p, 'inside');
    const oddHost = b.el(body, 'a', { href: 'https://shop.example/' });
    const oddShadow = b.root('shadow', oddHost);
    b.text(oddShadow, 'shadow text');
    mounted.mirror.apply(snapshotFrame(b.nodes));
    const hostEl = mounted.mirror.nodeById(host) as Element;
    expect(hostEl.shadowRoot).to.not.equal(null);
    expect(mounted.mirror.nodeById(shadow)).to.equal(hostEl.shadowRoot);
    const pEl = mounted.mirror.nodeById(p) as Element;
    expect(getComputedStyle(pEl).color).to.equal('rgb(1, 2, 3)');
    expect(hostEl.getBoundingClientRect().width).to.equal(123);
    const wrapper = mounted.mirror.nodeById(oddShadow) as Element;
    expect(wrapper.localName).to.equal('cobrowse-shadow');
    expect((mounted.mirror.nodeById(oddHost) as Element).textContent).to.equal('shadow text');
  });

  it('builds a same-origin iframe document into a nested sandboxed frame', () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const frame = b.el(body, 'iframe', { src: 'https://shop.example/frame.html', width: '300', height: '100' });
    const frameDoc = b.root('doc', frame, ['p{color:rgb(9, 8, 7)}']);
    const inner = b.page(frameDoc);
    const p = b.el(inner.body, 'p');
    b.text(p, 'in the frame');
    mounted.mirror.apply(snapshotFrame(b.nodes));
    const frameEl = mounted.mirror.nodeById(frame) as HTMLIFrameElement;
    expect(frameEl.getAttribute('src')).to.equal(null);
    expect(frameEl.getAttribute('sandbox')).to.equal('allow-same-origin');
    const nested = mounted.mirror.nodeById(frameDoc) as Document;
    expect(nested).to.equal(frameEl.contentDocument);
    expect(nested.compatMode).to.equal('CSS1Compat');
    expect(nested.body.textContent).to.equal('in the frame');
    expect(nested.head.firstElementChild?.getAttribute('http-equiv')).to.equal('Content-Security-Policy');
    expect(getComputedStyle(mounted.mirror.nodeById(p) as Element).color).to.equal('rgb(9, 8, 7)');
  });

  it('applies CSSOM rules of <style> and <link>, and later sheet changes', () => {
    const b = new NodeBuilder();
    const { head, body } = b.page();
    const style = b.el(head, 'style', {}, { cssRules: ['#a { color: rgb(0, 128, 0); }'] });
    b.text(style, '#a { color: red; }');
    const link = b.el(
      head,
      'link',
      { rel: 'stylesheet', href: 'https://shop.example/site.css' },
      { cssRules: ['#b { color: rgb(0, 0, 255); }'] },
    );
    const a = b.el(body, 'p', { id: 'a' });
    b.text(a, 'a');
    const bEl = b.el(body, 'p', { id: 'b' });
    b.text(bEl, 'b');
    mounted.mirror.apply(snapshotFrame(b.nodes));
    expect(getComputedStyle(mounted.mirror.nodeById(a) as Element).color).to.equal('rgb(0, 128, 0)');
    expect(getComputedStyle(mounted.mirror.nodeById(bEl) as Element).color).to.equal('rgb(0, 0, 255)');
    expect((mounted.mirror.nodeById(link) as Element).localName).to.equal('style');

    mounted.mirror.apply(
      mutationsFrame(1, {
        sheets: [
          { id: style, cssRules: ['#a { color: rgb(1, 1, 1); }'] },
          { id: link, cssRules: ['#b { color: rgb(2, 2, 2); }'] },
          { id: 0, cssRules: ['body { background-color: rgb(3, 3, 3); }'] },
        ],
      }),
    );
    expect(getComputedStyle(mounted.mirror.nodeById(a) as Element).color).to.equal('rgb(1, 1, 1)');
    expect(getComputedStyle(mounted.mirror.nodeById(bEl) as Element).color).to.equal('rgb(2, 2, 2)');
    expect(getComputedStyle(mounted.doc().body).backgroundColor).to.equal('rgb(3, 3, 3)');
    expect(mounted.resyncs).to.deep.equal([]);
  });

  it('adopts the document constructed sheets', () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const p = b.el(body, 'p');
    mounted.mirror.apply(snapshotFrame(b.nodes, { adopted: ['p { margin-left: 17px; }'] }));
    expect(getComputedStyle(mounted.mirror.nodeById(p) as Element).marginLeft).to.equal('17px');
  });

  it('shows form state as properties and attributes, also after input frames', () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const text = b.el(body, 'input', { type: 'text' }, { value: 'Ada' });
    const box = b.el(body, 'input', { type: 'checkbox' }, { checked: true });
    const select = b.el(body, 'select', {}, { value: 'b' });
    const optionA = b.el(select, 'option', { value: 'a' });
    const optionB = b.el(select, 'option', { value: 'b' }, { selected: true });
    const area = b.el(body, 'textarea', {}, { value: 'typed' });
    b.text(area, 'default');
    mounted.mirror.apply(snapshotFrame(b.nodes));
    const textEl = mounted.mirror.nodeById(text) as HTMLInputElement;
    expect(textEl.value).to.equal('Ada');
    expect(textEl.getAttribute('value')).to.equal('Ada');
    const boxEl = mounted.mirror.nodeById(box) as HTMLInputElement;
    expect(boxEl.checked).to.equal(true);
    expect(boxEl.hasAttribute('checked')).to.equal(true);
    expect((mounted.mirror.nodeById(select) as HTMLSelectElement).value).to.equal('b');
    // Selectedness as the property only: toggling the attribute would make the browser choose a default option.
    expect((mounted.mirror.nodeById(optionB) as HTMLOptionElement).selected).to.equal(true);
    expect((mounted.mirror.nodeById(area) as HTMLTextAreaElement).value).to.equal('typed');

    mounted.mirror.apply(parseFrame({ t: 'input', seq: 1, id: text, value: 'Grace' }));
    mounted.mirror.apply(parseFrame({ t: 'input', seq: 2, id: box, checked: false }));
    mounted.mirror.apply(parseFrame({ t: 'input', seq: 3, id: optionA, selected: true }));
    expect(textEl.value).to.equal('Grace');
    expect(textEl.getAttribute('value')).to.equal('Grace');
    expect(boxEl.checked).to.equal(false);
    expect(boxEl.hasAttribute('checked')).to.equal(false);
    expect((mounted.mirror.nodeById(select) as HTMLSelectElement).value).to.equal('a');
    mounted.mirror.apply(parseFrame({ t: 'input', seq: 4, id: optionA, selected: false }));
    mounted.mirror.apply(parseFrame({ t: 'input', seq: 5, id: optionB, selected: false }));
    // The customer's list has nothing selected (selectedIndex = -1); the browser would pick the first option.
    expect((mounted.mirror.nodeById(select) as HTMLSelectElement).selectedIndex).to.equal(-1);
    expect(mounted.resyncs).to.deep.equal([]);
  });

  it('marks masked fields visibly without changing their size', () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const plain = b.el(body, 'input', { type: 'text', style: 'width:150px;height:20px' }, { value: 'hello' });
    const masked = b.el(
      body,
      'input',
      { type: 'text', style: 'width:150px;height:20px' },
      { value: '••••••••', masked: true },
    );
    const span = b.el(body, 'span');
    const secretText = b.text(span, '•••• •••• •••• ••••', true);
    mounted.mirror.apply(snapshotFrame(b.nodes));
    const plainEl = mounted.mirror.nodeById(plain) as HTMLElement;
    const maskedEl = mounted.mirror.nodeById(masked) as HTMLElement;
    expect(maskedEl.hasAttribute(MASKED_ATTRIBUTE)).to.equal(true);
    expect(getComputedStyle(maskedEl).backgroundImage).to.contain('repeating-linear-gradient');
    expect(getComputedStyle(plainEl).backgroundImage).to.equal('none');
    expect(maskedEl.getBoundingClientRect().width).to.equal(plainEl.getBoundingClientRect().width);
    expect(maskedEl.getBoundingClientRect().height).to.equal(plainEl.getBoundingClientRect().height);
    expect(mounted.mirror.isMasked(masked)).to.equal(true);
    expect(mounted.mirror.isMasked(plain)).to.equal(false);
    expect(mounted.mirror.isMasked(secretText)).to.equal(true);
    expect((mounted.mirror.nodeById(span) as Element).hasAttribute(MASKED_ATTRIBUTE)).to.equal(true);
  });

  it('renders blocked elements as a labelled box of the captured size', () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const blockedDiv = b.el(
      body,
      'div',
      { class: 'card', style: 'width:10px', 'data-cobrowse-block': '' },
      { blocked: { width: 200, height: 80 } },
    );
    const blockedImg = b.el(
      body,
      'img',
      { src: 'https://shop.example/secret.png' },
      { blocked: { width: 64, height: 32 } },
    );
    mounted.mirror.apply(snapshotFrame(b.nodes));
    const div = mounted.mirror.nodeById(blockedDiv) as Element;
    expect(div.getBoundingClientRect().width).to.equal(200);
    expect(div.getBoundingClientRect().height).to.equal(80);
    expect(getComputedStyle(div, '::before').content).to.equal(JSON.stringify(BLOCKED_LABEL));
    const img = mounted.mirror.nodeById(blockedImg) as Element;
    expect(img.localName).to.equal('cobrowse-blocked');
    expect(img.hasAttribute('src')).to.equal(false);
    expect(img.getBoundingClientRect().width).to.equal(64);
    expect(img.getBoundingClientRect().height).to.equal(32);
    // A later style change from the page cannot resize the placeholder.
    mounted.mirror.apply(
      mutationsFrame(1, { attrs: [{ id: blockedDiv, attributes: { style: 'width:5px;height:5px' } }] }),
    );
    expect(div.getBoundingClientRect().width).to.equal(200);
  });

  it('applies mutations: removes, adds before a sibling, moves, attributes and text', () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const list = b.el(body, 'ul');
    const one = b.el(list, 'li');
    const oneText = b.text(one, 'one');
    const two = b.el(list, 'li');
    b.text(two, 'two');
    mounted.mirror.apply(snapshotFrame(b.nodes));
    const listEl = mounted.mirror.nodeById(list) as Element;

    const adds = new NodeBuilder(100);
    const zero = adds.el(list, 'li', { class: 'new' }, { next: one });
    adds.text(zero, 'zero');
    mounted.mirror.apply(
      mutationsFrame(1, {
        adds: adds.nodes,
        texts: [{ id: oneText, text: 'uno' }],
        attrs: [{ id: list, attributes: { class: 'items', title: null } }],
      }),
    );
    expect(listEl.textContent).to.equal('zerounotwo');
    expect(listEl.getAttribute('class')).to.equal('items');

    // A move: remove, then add again (whole subtree) at the end.
    mounted.mirror.apply(
      mutationsFrame(2, {
        removes: [one],
        adds: [
          { kind: 'el', id: one, parent: list, next: null, tag: 'li' },
          { kind: 'text', id: oneText, parent: one, text: 'uno' },
        ],
      }),
    );
    expect(listEl.textContent).to.equal('zerotwouno');
    mounted.mirror.apply(mutationsFrame(3, { removes: [two] }));
    expect(listEl.textContent).to.equal('zerouno');
    expect(mounted.mirror.nodeById(two)).to.equal(undefined);
    expect(mounted.mirror.nodeById(two + 1)).to.equal(undefined);
    expect(mounted.resyncs).to.deep.equal([]);
    expect(mounted.applied.length).to.equal(4);
  });

  it('follows window and element scroll after layout, and shows the customer focus', async () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const tall = b.el(body, 'div', { style: 'height:3000px' });
    const box = b.el(body, 'div', { style: 'height:50px;overflow:auto' }, { scrollX: 0, scrollY: 40 });
    b.el(box, 'div', { style: 'height:500px' });
    const input = b.el(body, 'input', {});
    mounted.mirror.apply(snapshotFrame(b.nodes, { scrollY: 1200, focus: input }));
    expect(mounted.doc().defaultView?.scrollY).to.equal(1200);
    expect((mounted.mirror.nodeById(box) as Element).scrollTop).to.equal(40);
    expect((mounted.mirror.nodeById(input) as Element).hasAttribute(FOCUS_ATTRIBUTE)).to.equal(true);
    expect(mounted.doc().activeElement).to.not.equal(mounted.mirror.nodeById(input));
    mounted.mirror.apply(parseFrame({ t: 'scroll', seq: 1, id: 0, x: 0, y: 700 }));
    mounted.mirror.apply(parseFrame({ t: 'scroll', seq: 2, id: box, x: 0, y: 90 }));
    mounted.mirror.apply(parseFrame({ t: 'focus', seq: 3, id: tall }));
    mounted.mirror.apply(parseFrame({ t: 'viewport', seq: 4, width: 500, height: 400, devicePixelRatio: 2 }));
    mounted.mirror.apply(parseFrame({ t: 'nav', seq: 5, url: 'https://shop.example/done', title: 'Done' }));
    await settle(50);
    expect(mounted.doc().defaultView?.scrollY).to.equal(700);
    expect(mounted.mirror.scroll).to.deep.equal({ x: 0, y: 700 });
    expect((mounted.mirror.nodeById(box) as Element).scrollTop).to.equal(90);
    expect((mounted.mirror.nodeById(input) as Element).hasAttribute(FOCUS_ATTRIBUTE)).to.equal(false);
    expect((mounted.mirror.nodeById(tall) as Element).hasAttribute(FOCUS_ATTRIBUTE)).to.equal(true);
    expect(mounted.mirror.viewport).to.deep.equal({ w: 500, h: 400, dpr: 2 });
    expect(mounted.mirror.page).to.deep.equal({ url: 'https://shop.example/done', title: 'Done' });
    expect(mounted.resyncs).to.deep.equal([]);
  });

  it('applies text selection and media state without failing', () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const p = b.el(body, 'p');
    const text = b.text(p, 'select me please');
    const video = b.el(body, 'video', { autoplay: '' });
    mounted.mirror.apply(snapshotFrame(b.nodes));
    mounted.mirror.apply(
      parseFrame({ t: 'selection', seq: 1, ranges: [{ start: text, startOffset: 7, end: text, endOffset: 9 }] }),
    );
    expect(mounted.doc().getSelection()?.toString()).to.equal('me');
    mounted.mirror.apply(parseFrame({ t: 'media', seq: 2, id: video, paused: true, time: 0 }));
    const videoEl = mounted.mirror.nodeById(video) as HTMLVideoElement;
    expect(videoEl.muted).to.equal(true);
    expect(videoEl.hasAttribute('autoplay')).to.equal(false);
    expect(mounted.resyncs).to.deep.equal([]);
  });

  it('shows a snapshot that comes in parts only on the final part, applying frames queued in between', () => {
    const b = new NodeBuilder();
    const { body } = b.page();
    const p = b.el(body, 'p');
    b.text(p, 'first');
    const firstPart = b.nodes.splice(0);
    const later = b.el(body, 'p');
    const laterText = b.text(later, 'second');
    mounted.mirror.apply(snapshotFrame(firstPart, { seq: 10, part: 0, final: false }));
    // The first snapshot is built as it arrives, out of sight (see mirror-resync.test.ts for later ones).
    expect(getComputedStyle(mounted.mirror.iframe).visibility).to.equal('hidden');
    mounted.mirror.apply(snapshotFrame(b.nodes, { seq: 11, part: 1, final: false }));
    mounted.mirror.apply(mutationsFrame(12, { texts: [{ id: laterText, text: 'changed' }] }));
    mounted.mirror.apply(snapshotFrame([], { seq: 13, part: 2, final: true }));
    expect(getComputedStyle(mounted.mirror.iframe).visibility).to.equal('visible');
    expect(mounted.doc().body.textContent).to.equal('firstchanged');
    expect(mounted.resyncs).to.deep.equal([]);
  });
});
