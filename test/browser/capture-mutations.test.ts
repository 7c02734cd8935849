import { expect } from '@open-wc/testing';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { pristine } from '../../client/pristine.js';
import { channelMessage } from '../../shared/protocol.js';
import { CaptureTestMirror } from './helpers/capture-mirror.js';
import { capturePage, nextFrames, RecordingTransport, type TestPage } from './helpers/capture-page.js';

/** Builds a reference mirror from a fresh snapshot of the page as it is now. */
async function freshCanonical(win: Window): Promise<string> {
  const mirror = new CaptureTestMirror();
  const engine = new CaptureEngine({ window: win, send: (m) => (mirror.apply(m), true) });
  await engine.start();
  engine.stop();
  return mirror.canonical();
}

/** Deterministic PRNG (mulberry32) so a failing sequence can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('capture: incremental frames', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
    engine = undefined;
    page = undefined;
  });

  async function startOn(html: string): Promise<{ transport: RecordingTransport; mirror: CaptureTestMirror }> {
    page = await capturePage(html);
    const transport = new RecordingTransport();
    const mirror = new CaptureTestMirror();
    transport.onSend = (m) => mirror.apply(m);
    engine = new CaptureEngine({ window: page.win, send: transport.send });
    await engine.start();
    await nextFrames(page.win);
    transport.clear();
    return { transport, mirror };
  }

  it('batches insert, remove, move, attribute and text changes into one frame per animation frame', async () => {
    const { transport, mirror } = await startOn(
      '<!DOCTYPE html><body><ul id="list"><li id="one">1</li><li id="two">2</li><li id="three">3</li></ul><p id="p">text</p></body>',
    );
    const doc = page!.doc;
    const list = doc.getElementById('list')!;
    const added = doc.createElement('li');
    added.textContent = 'new';
    list.insertBefore(added, doc.getElementById('two'));
    added.setAttribute('title', 'set after insert');
    doc.getElementById('three')!.remove();
    list.prepend(doc.getElementById('two')!);
    doc.getElementById('one')!.setAttribute('class', 'x');
    doc.getElementById('one')!.setAttribute('class', 'y');
    (doc.getElementById('p')!.firstChild as Text).data = 'changed';
    const gone = doc.createElement('b');
    doc.body.append(gone);
    gone.remove();
    await nextFrames(page!.win);
    const frames = transport.ofType('mutations');
    expect(frames).to.have.length(1);
    const frame = frames[0]!;
    expect(channelMessage.safeParse(frame).success).to.equal(true);
    expect(frame.removes).to.have.length(2);
    expect(frame.adds.filter((a) => a.kind === 'el').map((a) => (a.kind === 'el' ? a.tag : ''))).to.deep.equal([
      'li',
      'li',
    ]);
    const newLi = frame.adds.find((a) => a.kind === 'el' && a.attributes?.title === 'set after insert');
    expect(newLi).to.not.equal(undefined);
    expect(frame.attrs).to.have.length(1);
    expect(frame.attrs[0]?.attributes).to.deep.equal({ class: 'y' });
    expect(frame.texts).to.deep.equal([{ id: frame.texts[0]!.id, text: 'changed' }]);
    expect(JSON.stringify(frame)).to.not.contain('"b"');
    expect(mirror.canonical()).to.equal(await freshCanonical(page!.win));
  });

  it('keeps the mirror equal to a fresh snapshot over 400 seeded random mutations', async () => {
    const { mirror } = await startOn(
      '<!DOCTYPE html><body><div id="root"><section><p>a</p><p>b</p></section><div><span>c</span></div></div></body>',
    );
    const doc = page!.doc;
    const random = prng(1234);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const root = doc.getElementById('root')!;
    const shadowHost = doc.createElement('div');
    root.append(shadowHost);
    shadowHost.attachShadow({ mode: 'open' }).innerHTML = '<i>in shadow</i>';
    let created = 0;
    for (let step = 0; step < 400; step++) {
      const shadow = shadowHost.shadowRoot!;
      const containers = [
        ...Array.from(root.querySelectorAll('*')),
        root,
        ...Array.from(shadow.querySelectorAll('*')),
      ].filter((el) => el !== shadowHost);
      const nodes = containers.flatMap((el) => Array.from(el.childNodes)).filter((n) => n !== shadowHost);
      const action = Math.floor(random() * 6);
      if (action === 0 || nodes.length < 5) {
        const el = doc.createElement(pick(['div', 'span', 'p', 'em']));
        el.textContent = `n${created++}`;
        const parent = pick(containers);
        parent.insertBefore(el, pick([null, ...Array.from(parent.childNodes)]));
      } else if (action === 1) {
        pick(nodes).remove();
      } else if (action === 2) {
        const node = pick(nodes);
        const target = pick(containers);
        if (!node.contains(target)) target.insertBefore(node, pick([null, ...Array.from(target.childNodes)]));
      } else if (action === 3) {
        const el = pick(containers);
        if (random() < 0.3) el.removeAttribute('data-k');
        else el.setAttribute('data-k', `v${step}`);
      } else if (action === 4) {
        const text = nodes.find((n) => n.nodeType === 3 && random() < 0.5) as Text | undefined;
        if (text) text.data = `t${step}`;
      } else {
        pick(containers).setAttribute('style', `color: rgb(${step % 255}, 0, 0)`);
      }
      if (step % 7 === 6) {
        await nextFrames(page!.win, 1);
        expect(mirror.canonical(), `after step ${step}`).to.equal(await freshCanonical(page!.win));
      }
    }
    await nextFrames(page!.win);
    expect(mirror.canonical()).to.equal(await freshCanonical(page!.win));
  });

  it('sends CSSOM rule changes, adoptedStyleSheets changes and later shadow roots and iframes', async () => {
    const { transport, mirror } = await startOn(
      '<!DOCTYPE html><head><style id="s">.a{color:red}</style></head><body><div id="host"></div></body>',
    );
    const { doc, win } = page!;
    const style = doc.getElementById('s') as HTMLStyleElement;
    style.sheet!.insertRule('.b { color: blue; }', 1);
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync('.c { color: green; }');
    doc.adoptedStyleSheets = [sheet];
    const shadow = doc.getElementById('host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<b>late shadow</b>';
    const iframe = doc.createElement('iframe');
    doc.body.append(iframe);
    iframe.contentDocument!.body.innerHTML = '<p>late iframe</p>';
    await nextFrames(win);
    const frames = transport.ofType('mutations');
    const sheets = frames.flatMap((f) => f.sheets ?? []);
    expect(sheets).to.deep.include({
      id: engine!.idOf(style)!,
      cssRules: ['.a { color: red; }', '.b { color: blue; }'],
    });
    expect(sheets).to.deep.include({ id: 0, cssRules: ['.c { color: green; }'] });
    const text = JSON.stringify(frames);
    expect(text).to.contain('late shadow');
    expect(text).to.contain('late iframe');
    sheet.replaceSync('.c { color: black; }');
    iframe.contentDocument!.body.append(iframe.contentDocument!.createElement('hr'));
    await nextFrames(win);
    expect(transport.ofType('mutations').flatMap((f) => f.sheets ?? [])).to.deep.include({
      id: 0,
      cssRules: ['.c { color: black; }'],
    });
    expect(JSON.stringify(transport.ofType('mutations').at(-1))).to.contain('"hr"');
    // push() on the observable array bypasses the setter: seen at the next flush.
    const pushed = new win.CSSStyleSheet();
    pushed.replaceSync('.d { color: white; }');
    doc.adoptedStyleSheets.push(pushed);
    doc.body.append('flush');
    await nextFrames(win);
    expect(transport.ofType('mutations').flatMap((f) => f.sheets ?? [])).to.deep.include({
      id: 0,
      cssRules: ['.c { color: black; }', '.d { color: white; }'],
    });
    expect(mirror.canonical()).to.equal(await freshCanonical(win));
  });

  it('follows a same-origin iframe to its next document', async () => {
    const { transport, mirror } = await startOn(
      '<!DOCTYPE html><body><iframe id="f" srcdoc="<p>first document</p>"></iframe></body>',
    );
    const { doc, win } = page!;
    const iframe = doc.getElementById('f') as HTMLIFrameElement;
    if (!iframe.contentDocument?.body?.textContent?.includes('first'))
      await new Promise((r) => iframe.addEventListener('load', r, { once: true }));
    await nextFrames(win);
    const loaded = new Promise((r) => iframe.addEventListener('load', r, { once: true }));
    iframe.srcdoc = '<p>second document</p>';
    await loaded;
    await nextFrames(win);
    expect(JSON.stringify(transport.ofType('mutations'))).to.contain('second document');
    iframe.contentDocument!.body.append('and a change');
    await nextFrames(win);
    expect(JSON.stringify(transport.ofType('mutations'))).to.contain('and a change');
    expect(mirror.canonical()).to.equal(await freshCanonical(win));
    expect(mirror.canonical()).to.not.contain('first document');
  });

  it('sends input, scroll, viewport, focus, selection, media and pointer frames', async () => {
    const { transport } = await startOn(
      '<!DOCTYPE html><body style="height:3000px"><input id="i"><input id="c" type="checkbox"><select id="s"><option>a</option><option>b</option></select><div id="sc" style="height:40px;overflow:auto"><div style="height:400px">x</div></div><p id="t">select me</p><video id="v"></video></body>',
    );
    const { doc, win, frame } = page!;
    const input = doc.getElementById('i') as HTMLInputElement;
    input.focus();
    input.value = 'typed';
    input.dispatchEvent(new win.Event('input', { bubbles: true, composed: true }));
    (doc.getElementById('c') as HTMLInputElement).click();
    (doc.getElementById('s') as HTMLSelectElement).selectedIndex = 1;
    (doc.getElementById('sc') as HTMLElement).scrollTop = 100;
    win.scrollTo(0, 200);
    const range = doc.createRange();
    range.selectNodeContents(doc.getElementById('t')!);
    win.getSelection()!.removeAllRanges();
    win.getSelection()!.addRange(range);
    frame.style.width = '700px';
    doc.getElementById('v')!.dispatchEvent(new win.Event('pause'));
    doc.dispatchEvent(new win.PointerEvent('pointermove', { clientX: 10, clientY: 20 }));
    doc.dispatchEvent(new win.PointerEvent('pointerdown', { clientX: 11, clientY: 21 }));
    await nextFrames(win, 3);
    for (const m of transport.messages) expect(channelMessage.safeParse(m).success, JSON.stringify(m)).to.equal(true);
    const inputs = transport.ofType('input');
    expect(inputs).to.deep.include({
      t: 'input',
      seq: inputs.find((f) => f.value === 'typed')!.seq,
      id: engine!.idOf(input)!,
      value: 'typed',
    });
    expect(inputs.some((f) => f.id === engine!.idOf(doc.getElementById('c')!) && f.checked === true)).to.equal(true);
    const options = (doc.getElementById('s') as HTMLSelectElement).options;
    expect(inputs.some((f) => f.id === engine!.idOf(options[1]!) && f.selected === true)).to.equal(true);
    expect(inputs.some((f) => f.id === engine!.idOf(options[0]!) && f.selected === false)).to.equal(true);
    const scrolls = transport.ofType('scroll');
    expect(scrolls.some((f) => f.id === engine!.idOf(doc.getElementById('sc')!) && f.y === 100)).to.equal(true);
    expect(scrolls.some((f) => f.id === 0 && f.y === 200)).to.equal(true);
    expect(transport.ofType('viewport').at(-1)?.width).to.equal(700);
    expect(transport.ofType('focus').at(-1)?.id).to.equal(engine!.idOf(input));
    const selection = transport.ofType('selection').at(-1);
    expect(selection?.ranges[0]?.start).to.equal(engine!.idOf(doc.getElementById('t')!));
    expect(transport.ofType('media').at(-1)).to.include({ id: engine!.idOf(doc.getElementById('v')!), paused: true });
    const pointer = transport.ofType('pointer').at(-1);
    expect(pointer).to.include({ click: true });
    expect(pointer?.y).to.equal(221);
    const seqs = transport.messages.filter((m) => 'seq' in m).map((m) => (m as { seq: number }).seq);
    expect(seqs).to.deep.equal(seqs.map((_, i) => seqs[0]! + i));
  });

  it('stop() removes every listener and observer and restores patched prototypes', async () => {
    page = await capturePage('<!DOCTYPE html><body><div id="host"></div><iframe srcdoc="<p>x</p>"></iframe></body>');
    const { win, doc } = page;
    await new Promise((r) => setTimeout(r, 50));
    doc.getElementById('host')!.attachShadow({ mode: 'open' }).innerHTML = '<i>s</i>';
    const inner = (doc.querySelector('iframe') as HTMLIFrameElement).contentWindow as Window & typeof globalThis;
    const counts = new Map<string, number>();
    const windows = [win, inner];
    const originals = windows.map((w) => ({
      add: w.EventTarget.prototype.addEventListener,
      remove: w.EventTarget.prototype.removeEventListener,
      insertRule: w.CSSStyleSheet.prototype.insertRule,
      replaceSync: w.CSSStyleSheet.prototype.replaceSync,
      attachShadow: w.Element.prototype.attachShadow,
      valueSetter: Object.getOwnPropertyDescriptor(w.HTMLInputElement.prototype, 'value')!.set,
      adopted: Object.getOwnPropertyDescriptor(w.Document.prototype, 'adoptedStyleSheets')!.set,
      disconnect: w.MutationObserver.prototype.disconnect,
    }));
    let disconnects = 0;
    for (const [i, w] of windows.entries()) {
      const o = originals[i]!;
      w.EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, ...rest: unknown[]) {
        counts.set('add', (counts.get('add') ?? 0) + 1);
        return (o.add as (...a: unknown[]) => void).call(this, type, ...rest);
      } as typeof o.add;
      w.EventTarget.prototype.removeEventListener = function (this: EventTarget, type: string, ...rest: unknown[]) {
        counts.set('remove', (counts.get('remove') ?? 0) + 1);
        return (o.remove as (...a: unknown[]) => void).call(this, type, ...rest);
      } as typeof o.remove;
    }
    // The capture adds and removes listeners through the methods taken at load (client/pristine.ts): count there.
    const pristineListen = { add: pristine.addEventListener, remove: pristine.removeEventListener };
    pristine.addEventListener = function (this: EventTarget, type: string, ...rest: unknown[]) {
      counts.set('add', (counts.get('add') ?? 0) + 1);
      return (pristineListen.add as (...a: unknown[]) => void).call(this, type, ...rest);
    } as typeof pristineListen.add;
    pristine.removeEventListener = function (this: EventTarget, type: string, ...rest: unknown[]) {
      counts.set('remove', (counts.get('remove') ?? 0) + 1);
      return (pristineListen.remove as (...a: unknown[]) => void).call(this, type, ...rest);
    } as typeof pristineListen.remove;
    win.MutationObserver.prototype.disconnect = function (this: MutationObserver) {
      disconnects++;
      return originals[0]!.disconnect.call(this);
    };
    const transport = new RecordingTransport();
    engine = new CaptureEngine({ window: win, send: transport.send });
    await engine.start();
    expect(engine.stats.listeners).to.be.greaterThan(10);
    expect(engine.stats.observedRoots).to.equal(3);
    expect(win.CSSStyleSheet.prototype.insertRule).to.not.equal(originals[0]!.insertRule);
    expect(inner.CSSStyleSheet.prototype.insertRule).to.not.equal(originals[1]!.insertRule);
    engine.stop();
    pristine.addEventListener = pristineListen.add;
    pristine.removeEventListener = pristineListen.remove;
    const disconnectsAtStop = disconnects;
    for (const [i, w] of windows.entries()) {
      const o = originals[i]!;
      w.EventTarget.prototype.addEventListener = o.add;
      w.EventTarget.prototype.removeEventListener = o.remove;
      expect(w.CSSStyleSheet.prototype.insertRule).to.equal(o.insertRule);
      expect(w.CSSStyleSheet.prototype.replaceSync).to.equal(o.replaceSync);
      expect(w.Element.prototype.attachShadow).to.equal(o.attachShadow);
      expect(Object.getOwnPropertyDescriptor(w.HTMLInputElement.prototype, 'value')!.set).to.equal(o.valueSetter);
      expect(Object.getOwnPropertyDescriptor(w.Document.prototype, 'adoptedStyleSheets')!.set).to.equal(o.adopted);
    }
    win.MutationObserver.prototype.disconnect = originals[0]!.disconnect;
    expect(counts.get('add')).to.be.greaterThan(10);
    expect(counts.get('remove')).to.equal(counts.get('add'));
    expect(disconnectsAtStop).to.be.greaterThan(0);
    expect(engine.stats.listeners).to.equal(0);
    expect(engine.stats.observedRoots).to.equal(0);
    const before = transport.messages.length;
    doc.body.append(doc.createElement('p'));
    (doc.querySelector('iframe') as HTMLIFrameElement).contentDocument!.body.append('more');
    win.dispatchEvent(new win.Event('resize'));
    await nextFrames(win, 3);
    expect(transport.messages.length).to.equal(before);
  });

  it('under backpressure stops producing diffs and sends a fresh snapshot on drained()', async () => {
    const { transport, mirror } = await startOn('<!DOCTYPE html><body><ul id="l"></ul></body>');
    const { doc, win } = page!;
    const list = doc.getElementById('l')!;
    list.append(doc.createElement('li'));
    await nextFrames(win);
    expect(transport.ofType('mutations')).to.have.length(1);
    transport.accept = false;
    list.append(doc.createElement('li'));
    await nextFrames(win);
    expect(engine!.stats.dirty).to.equal(true);
    const rejected = engine!.stats.framesRejected;
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 50; j++) list.append(doc.createElement('li'));
      await nextFrames(win, 1);
    }
    // Nothing was attempted while the transport was full.
    expect(engine!.stats.framesRejected).to.equal(rejected);
    transport.accept = true;
    transport.clear();
    engine!.drained();
    await new Promise((r) => setTimeout(r, 50));
    await nextFrames(win);
    expect(transport.messages[0]?.t).to.equal('snapshot');
    expect(transport.ofType('snapshot').at(-1)?.final).to.equal(true);
    expect(engine!.stats.dirty).to.equal(false);
    expect(mirror.canonical()).to.equal(await freshCanonical(win));
    expect(doc.querySelectorAll('li')).to.have.length(1002);
  });
});
