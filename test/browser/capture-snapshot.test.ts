import { expect } from '@open-wc/testing';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import type { ChannelMessage, SerializedNode } from '../../shared/protocol.js';
import { channelMessage } from '../../shared/protocol.js';
import { CaptureTestMirror } from './helpers/capture-mirror.js';
import { capturePage, nextFrames, RecordingTransport, type TestPage } from './helpers/capture-page.js';

type El = Extract<SerializedNode, { kind: 'el' }>;

const BROAD_PAGE = `<!DOCTYPE html>
<html><head><base href="https://shop.example/catalog/">
<title>Broad page</title>
<style id="plain">.a { color: red; }</style>
<style id="cssom">.b { color: blue; }</style>
<script>window.__ran = 1;</script>
</head>
<body onload="alert(1)">
<a id="rel" href="../cart?x=1" onclick="steal()">cart</a>
<img id="img" src="img/a.png" srcset="img/a.png 1x, /img/b.png 2x" alt="a">
<div id="styled" style="background: url('bg.png')">bg</div>
<form id="form" action="submit">
  <input id="text" type="text" value="initial">
  <input id="email" type="email"><input id="number" type="number" value="5"><input id="date" type="date" value="2024-01-02">
  <input id="range" type="range" value="30"><input id="color" type="color" value="#ff0000">
  <input id="cb" type="checkbox" checked><input id="radio1" type="radio" name="r"><input id="radio2" type="radio" name="r" checked>
  <input id="file" type="file"><input id="search" type="search"><input id="tel" type="tel"><input id="url" type="url">
  <textarea id="ta">hello</textarea>
  <select id="sel"><option value="a">A</option><option value="b" selected>B</option></select>
  <button formaction="go" type="submit">Go</button>
</form>
<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>c</td></tr></tbody></table>
<svg id="svg" width="10" height="10"><a href="link"><circle r="3"/></a><use xlink:href="#c"/><foreignObject><div>fo</div></foreignObject></svg>
<math><mi>x</mi></math>
<div id="host"></div>
<div id="scroller" style="height:50px;overflow:auto"><div style="height:500px">tall</div></div>
<!-- a comment -->
<iframe id="inner" srcdoc="<p id=deep>inside</p>"></iframe>
</body></html>`;

function elements(messages: ChannelMessage[]): El[] {
  const out: El[] = [];
  for (const m of messages) if (m.t === 'snapshot') for (const n of m.nodes) if (n.kind === 'el') out.push(n);
  return out;
}

function byIdAttr(messages: ChannelMessage[], id: string): El {
  const found = elements(messages).find((n) => n.attributes?.id === id);
  if (!found) throw new Error(`no element with id=${id}`);
  return found;
}

describe('capture: snapshot', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
    engine = undefined;
    page = undefined;
  });

  it('captures every field of a broad page, valid against the protocol', async () => {
    page = await capturePage(BROAD_PAGE);
    const { doc, win } = page;
    const inner = doc.getElementById('inner') as HTMLIFrameElement;
    if (inner.contentDocument?.getElementById('deep') === null)
      await new Promise((r) => inner.addEventListener('load', r, { once: true }));
    (doc.getElementById('cssom') as HTMLStyleElement).sheet?.insertRule('.inserted { color: green; }', 1);
    const adopted = new win.CSSStyleSheet();
    adopted.replaceSync('.adopted { margin: 1px; background: url(adopted.png); }');
    doc.adoptedStyleSheets = [adopted];
    const host = doc.getElementById('host') as HTMLElement;
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<span id="in-shadow">shadow text</span>';
    const shadowSheet = new win.CSSStyleSheet();
    shadowSheet.replaceSync('span { color: purple; }');
    shadow.adoptedStyleSheets = [shadowSheet];
    (doc.getElementById('text') as HTMLInputElement).value = 'typed value';
    (doc.getElementById('cb') as HTMLInputElement).checked = false;
    (doc.getElementById('scroller') as HTMLElement).scrollTop = 40;
    (doc.getElementById('email') as HTMLInputElement).focus();

    const transport = new RecordingTransport();
    engine = new CaptureEngine({ window: win, send: transport.send });
    await engine.start();
    const messages = transport.messages;
    for (const m of messages)
      expect(channelMessage.safeParse(m).success, JSON.stringify(m).slice(0, 200)).to.equal(true);
    const snapshots = transport.ofType('snapshot');
    expect(snapshots[0]?.part).to.equal(0);
    expect(snapshots.at(-1)?.final).to.equal(true);
    const last = snapshots.at(-1)!;
    expect(last.viewportWidth).to.equal(800);
    expect(last.viewportHeight).to.equal(600);
    expect(last.devicePixelRatio).to.equal(win.devicePixelRatio);
    expect(last.title).to.equal('Broad page');
    expect(last.adopted?.[0]).to.contain('.adopted');
    expect(last.adopted?.[0]).to.contain('https://shop.example/catalog/adopted.png');

    const nodes = snapshots.flatMap((s) => s.nodes);
    expect(nodes[0]).to.deep.equal({ kind: 'doctype', id: nodes[0]!.id, parent: 0, name: 'html' });
    // Pre-order: every parent is sent before its children.
    const seen = new Set([0]);
    for (const n of nodes) {
      expect(seen.has(n.parent), `parent of ${n.id}`).to.equal(true);
      expect(n.next).to.equal(undefined);
      seen.add(n.id);
    }

    expect(byIdAttr(messages, 'rel').attributes).to.deep.equal({ id: 'rel', href: 'https://shop.example/cart?x=1' });
    expect(byIdAttr(messages, 'img').attributes?.src).to.equal('https://shop.example/catalog/img/a.png');
    expect(byIdAttr(messages, 'img').attributes?.srcset).to.equal(
      'https://shop.example/catalog/img/a.png 1x, https://shop.example/img/b.png 2x',
    );
    expect(byIdAttr(messages, 'styled').attributes?.style).to.contain('url("https://shop.example/catalog/bg.png")');
    expect(byIdAttr(messages, 'form').attributes?.action).to.equal('https://shop.example/catalog/submit');
    const button = elements(messages).find((n) => n.tag === 'button');
    expect(button?.attributes?.formaction).to.equal('https://shop.example/catalog/go');
    const body = elements(messages).find((n) => n.tag === 'body');
    expect(body?.attributes).to.equal(undefined);

    const scripts = elements(messages).filter((n) => n.tag === 'script');
    expect(scripts).to.have.length(1);
    expect(scripts[0]?.attributes).to.equal(undefined);
    expect(nodes.some((n) => n.parent === scripts[0]?.id)).to.equal(false);

    expect(byIdAttr(messages, 'text').value).to.equal('typed value');
    expect(byIdAttr(messages, 'number').value).to.equal('5');
    expect(byIdAttr(messages, 'date').value).to.equal('2024-01-02');
    expect(byIdAttr(messages, 'range').value).to.equal('30');
    expect(byIdAttr(messages, 'color').value).to.equal('#ff0000');
    expect(byIdAttr(messages, 'cb').checked).to.equal(false);
    expect(byIdAttr(messages, 'radio1').checked).to.equal(false);
    expect(byIdAttr(messages, 'radio2').checked).to.equal(true);
    expect(byIdAttr(messages, 'file').value).to.equal(undefined);
    expect(byIdAttr(messages, 'ta').value).to.equal('hello');
    const options = elements(messages).filter((n) => n.tag === 'option');
    expect(options.map((o) => o.selected)).to.deep.equal([false, true]);
    expect(
      ['table', 'thead', 'tbody', 'tr', 'th', 'td'].every((t) => elements(messages).some((n) => n.tag === t)),
    ).to.equal(true);

    const svg = byIdAttr(messages, 'svg');
    expect(svg.namespace).to.equal('svg');
    const use = elements(messages).find((n) => n.tag === 'use');
    expect(use?.namespace).to.equal('svg');
    expect(use?.attributes?.['xlink:href']).to.equal('#c');
    expect(elements(messages).find((n) => n.tag === 'foreignObject')?.namespace).to.equal('svg');
    expect(elements(messages).find((n) => n.tag === 'mi')?.namespace).to.equal('math');
    expect(elements(messages).find((n) => n.tag === 'a' && n.namespace === 'svg')?.attributes?.href).to.equal(
      'https://shop.example/catalog/link',
    );

    const hostRecord = byIdAttr(messages, 'host');
    const shadowRecord = nodes.find((n) => n.kind === 'shadow');
    expect(shadowRecord?.parent).to.equal(hostRecord.id);
    expect(shadowRecord?.kind === 'shadow' && shadowRecord.adopted).to.deep.equal(['span { color: purple; }']);
    expect(byIdAttr(messages, 'in-shadow').parent).to.equal(shadowRecord?.id);

    const iframeRecord = byIdAttr(messages, 'inner');
    expect(iframeRecord.attributes?.srcdoc).to.equal(undefined);
    const innerDoc = nodes.find((n) => n.kind === 'doc');
    expect(innerDoc?.parent).to.equal(iframeRecord.id);
    expect(byIdAttr(messages, 'deep')).to.not.equal(undefined);
    expect(nodes.some((n) => n.kind === 'text' && n.text === 'inside')).to.equal(true);

    expect(byIdAttr(messages, 'plain').cssRules).to.equal(undefined);
    expect(byIdAttr(messages, 'cssom').cssRules).to.deep.equal(['.b { color: blue; }', '.inserted { color: green; }']);
    expect(byIdAttr(messages, 'scroller').scrollY).to.equal(40);
    expect(nodes.some((n) => n.kind === 'comment' && n.text === ' a comment ')).to.equal(true);
    expect(last.focus).to.equal(byIdAttr(messages, 'email').id);
    expect((win as unknown as { __ran?: number }).__ran).to.equal(1);
  });

  it('keeps attributes whose names only setAttributeNS can give capitals, with their own values', async () => {
    page = await capturePage('<!DOCTYPE html><body><div id="caps"></div><svg id="box" viewBox="0 0 4 4"></svg></body>');
    const caps = page.doc.getElementById('caps')!;
    caps.setAttributeNS(null, 'Data-Mixed', 'upper');
    caps.setAttribute('data-mixed', 'lower');
    const transport = new RecordingTransport();
    engine = new CaptureEngine({ window: page.win, send: transport.send });
    await engine.start();
    expect(byIdAttr(transport.messages, 'caps').attributes).to.include({
      'Data-Mixed': 'upper',
      'data-mixed': 'lower',
    });
    expect(byIdAttr(transport.messages, 'box').attributes).to.include({ viewBox: '0 0 4 4' });
  });

  it('skips our own UI and sends nothing before start()', async () => {
    page = await capturePage('<!DOCTYPE html><body><p>page</p><div id="own"><p>consent prompt</p></div></body>');
    const transport = new RecordingTransport();
    const own = page.doc.getElementById('own')!;
    engine = new CaptureEngine({ window: page.win, send: transport.send, isOwnUi: (node) => node === own });
    page.doc.body.append(page.doc.createElement('hr'));
    await nextFrames(page.win);
    expect(transport.messages).to.have.length(0);
    await engine.start();
    const text = JSON.stringify(transport.messages);
    expect(text).to.contain('page');
    expect(text).to.not.contain('consent prompt');
    own.append(page.doc.createTextNode('more own text'));
    own.setAttribute('data-x', 'own attr');
    await nextFrames(page.win);
    expect(JSON.stringify(transport.messages)).to.not.contain('own');
  });

  it('snapshots a 100k-node page in time slices that yield to the event loop', async () => {
    page = await capturePage('<!DOCTYPE html><body><div id="list"></div></body>');
    const { doc, win } = page;
    const list = doc.getElementById('list')!;
    const fragment = doc.createDocumentFragment();
    for (let i = 0; i < 50_000; i++) {
      const item = doc.createElement('p');
      item.textContent = `item ${i}`;
      fragment.append(item);
    }
    list.append(fragment);
    const transport = new RecordingTransport();
    let ticks = 0;
    const ticksAtPart: number[] = [];
    transport.onSend = (m) => {
      if (m.t === 'snapshot') ticksAtPart.push(ticks);
    };
    const ticker = setInterval(() => ticks++, 0);
    engine = new CaptureEngine({ window: win, send: transport.send, sliceBudgetMs: 4 });
    await engine.start();
    clearInterval(ticker);
    const parts = transport.ofType('snapshot');
    expect(parts.length).to.be.greaterThan(3);
    expect(parts.map((p) => p.part)).to.deep.equal(parts.map((_, i) => i));
    expect(parts.filter((p) => p.final)).to.have.length(1);
    expect(new Set(parts.map((p) => p.seq)).size).to.equal(parts.length);
    // Other tasks ran while the snapshot was in progress.
    expect(ticksAtPart.at(-1)! - ticksAtPart[0]!).to.be.greaterThan(0);
    const nodeCount = parts.reduce((sum, p) => sum + p.nodes.length, 0);
    expect(nodeCount).to.be.greaterThan(100_000);
    expect(engine.stats.lastSnapshotParts).to.equal(parts.length);
  });

  it('stays consistent when the page mutates between snapshot slices', async () => {
    page = await capturePage('<!DOCTYPE html><body><div id="a"></div><div id="b"></div></body>');
    const { doc, win } = page;
    for (const id of ['a', 'b']) {
      const holder = doc.getElementById(id)!;
      for (let i = 0; i < 3000; i++) {
        const item = doc.createElement('span');
        item.id = `${id}${i}`;
        item.textContent = `${id}-${i}`;
        holder.append(item);
      }
    }
    const transport = new RecordingTransport();
    const mirror = new CaptureTestMirror();
    let mutatedAtPart = -1;
    transport.onSend = (m) => {
      mirror.apply(m);
      if (m.t === 'snapshot' && m.part === 1 && !m.final) {
        mutatedAtPart = 1;
        setTimeout(() => {
          // Early nodes are serialized by now, late ones are not: touch both.
          doc.getElementById('a0')!.textContent = 'changed early';
          doc.getElementById('a1')!.setAttribute('title', 'early attr');
          doc.getElementById('b2999')!.setAttribute('title', 'late attr');
          doc.getElementById('b10')!.remove();
          doc.getElementById('a')!.prepend(doc.getElementById('b20')!);
          doc.getElementById('b')!.append(doc.getElementById('a2')!);
          doc.getElementById('a')!.append(doc.getElementById('a3')!);
          const fresh = doc.createElement('em');
          fresh.textContent = 'fresh';
          doc.getElementById('b')!.prepend(fresh);
          doc.body.prepend(doc.createElement('header'));
        }, 0);
      }
    };
    engine = new CaptureEngine({ window: win, send: transport.send, sliceBudgetMs: 1 });
    await engine.start();
    expect(mutatedAtPart).to.equal(1);
    await nextFrames(win, 3);
    const reference = new CaptureTestMirror();
    const check = new RecordingTransport();
    check.onSend = (m) => reference.apply(m);
    const second = new CaptureEngine({ window: win, send: check.send });
    await second.start();
    second.stop();
    expect(mirror.canonical()).to.equal(reference.canonical());
    expect(mirror.canonical()).to.contain('changed early');
    expect(mirror.canonical()).to.contain('late attr');
  });
});
