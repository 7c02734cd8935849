/**
 * The snapshot reads scroll offsets only of elements that can be scroll
 * containers (client/capture/scroll-candidates.ts). Oracle: the browser's own
 * scrollLeft/scrollTop of every element of the page, read here directly,
 * against what the snapshot sent; every way a page can make an element
 * scrollable is on the page, each element really scrolled (the control: a
 * capture that read no offsets would fail on every one of them).
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { sheetScrollerSelector } from '../../client/capture/scroll-candidates.js';
import type { SerializedNode } from '../../shared/protocol.js';
import { capturePage, RecordingTransport, type TestPage } from './helpers/capture-page.js';

type El = Extract<SerializedNode, { kind: 'el' }>;

const TALL = '<div style="height:400px;width:900px">content</div>';

/** Each element scrolls through another rule of CSS; ids name the way. */
const PAGE = `<!DOCTYPE html><html><head>
<style>
  .by-rule { height: 40px; overflow: auto; }
  @media screen { .in-media { height: 40px; overflow-y: scroll; } }
  @supports (display: grid) { @layer base { .in-layer { height: 40px; overflow: hidden; } } }
  .parent-auto { overflow: auto; height: 60px; } .inherits { all: inherit; }
  .plain { height: 40px; }
</style>
<style id="nested-host"></style>
</head><body>
<div id="by-rule" class="by-rule">${TALL}</div>
<div id="in-media" class="in-media">${TALL}</div>
<div id="in-layer" class="in-layer">${TALL}</div>
<div id="inline" style="height:40px;overflow:scroll">${TALL}</div>
<div id="adopted" class="adopted-rule">${TALL}</div>
<div class="parent-auto"><div id="inherits" class="inherits">${TALL}</div></div>
<textarea id="textarea" rows="2">${'line\n'.repeat(40)}</textarea>
<x-scroller id="custom"></x-scroller>
<div id="host"></div>
<div id="plain" class="plain">${TALL}</div>
</body></html>`;

function elementsById(transport: RecordingTransport): Map<string, El> {
  const out = new Map<string, El>();
  for (const m of transport.ofType('snapshot'))
    for (const n of m.nodes) if (n.kind === 'el' && n.attributes?.id) out.set(n.attributes.id, n);
  return out;
}

describe('capture: scroll offsets of possible scrollers only', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
    engine = undefined;
    page = undefined;
  });

  it('sends the offset of every element the browser reports scrolled, whichever way it became a scroller', async () => {
    page = await capturePage(PAGE);
    const { doc, win } = page;
    const adopted = new win.CSSStyleSheet();
    adopted.replaceSync('.adopted-rule { height: 40px; overflow: auto; }');
    doc.adoptedStyleSheets = [adopted];
    // A custom element styled from its own shadow root (:host), and a slotted child made a scroller by ::slotted.
    const custom = doc.getElementById('custom') as HTMLElement;
    const customRoot = custom.attachShadow({ mode: 'open' });
    customRoot.innerHTML = `<style>:host { display: block; height: 40px; overflow: auto; }</style>${TALL}`;
    const host = doc.getElementById('host') as HTMLElement;
    host.innerHTML = `<div id="slotted">${TALL}</div>`;
    const hostRoot = host.attachShadow({ mode: 'open' });
    hostRoot.innerHTML = `<style>::slotted(div) { height: 40px; overflow: auto; } .inside { height: 40px; overflow: auto; }</style>
      <slot></slot><div id="in-shadow" class="inside">${TALL}</div>`;
    const scrolled = [
      'by-rule',
      'in-media',
      'in-layer',
      'inline',
      'adopted',
      'inherits',
      'textarea',
      'custom',
      'slotted',
    ];
    for (const id of scrolled) {
      const el = doc.getElementById(id) as HTMLElement;
      el.scrollTop = 17;
      el.scrollLeft = 5;
    }
    const inShadow = hostRoot.getElementById('in-shadow') as HTMLElement;
    inShadow.scrollTop = 17;
    (doc.getElementById('plain') as HTMLElement).scrollTop = 17;

    // The rules are all readable here: the selector path is what runs, not the ask-everything fallback.
    expect(sheetScrollerSelector(doc)).to.be.a('string');
    const transport = new RecordingTransport();
    engine = new CaptureEngine({ window: win, send: transport.send });
    await engine.start();
    const sent = elementsById(transport);
    // The oracle: every element of the document and the shadow root, as the browser reports it.
    const everyElement = [...Array.from(doc.querySelectorAll('[id]')), inShadow];
    let checked = 0;
    for (const el of everyElement) {
      const record = sent.get(el.id);
      if (record === undefined) continue;
      checked++;
      expect(record.scrollY ?? 0, `${el.id} scrollTop`).to.equal(el.scrollTop);
      expect(record.scrollX ?? 0, `${el.id} scrollLeft`).to.equal(el.scrollLeft);
    }
    expect(checked).to.be.greaterThan(scrolled.length);
    // Control: each way really scrolled its element (textareas scroll vertically only when their text wraps).
    for (const id of scrolled) expect(doc.getElementById(id)!.scrollTop, id).to.be.greaterThan(0);
    expect(inShadow.scrollTop).to.be.greaterThan(0);
    // And the plain block, which cannot scroll, stayed at 0: reading it would have been wasted.
    expect((doc.getElementById('plain') as HTMLElement).scrollTop).to.equal(0);
  });

  it('asks every element where a sheet cannot be read for its rules, or overflow is set in nested rules', async () => {
    page = await capturePage('<!DOCTYPE html><html><head><style>.a { color: red; }</style></head><body></body></html>');
    const { doc, win } = page;
    expect(sheetScrollerSelector(doc), 'a plain page: its rules can be read (none set overflow)').to.be.a('string');
    const nested = new win.CSSStyleSheet();
    nested.replaceSync('.outer { color: red; & .inner { overflow: auto; } }');
    doc.adoptedStyleSheets = [nested];
    expect(sheetScrollerSelector(doc)).to.equal(null);
    // Keyframes animating overflow make scrollers of elements whose own rules never mention it.
    const keyframes = new win.CSSStyleSheet();
    keyframes.replaceSync('@keyframes k { to { overflow: auto; } } .x { animation: k 1s; }');
    doc.adoptedStyleSheets = [keyframes];
    expect(sheetScrollerSelector(doc)).to.equal(null);
  });

  it('sends the offset of an element that keyframes made a scroller', async () => {
    page = await capturePage(`<!DOCTYPE html><html><head><style>
      @keyframes make-scroller { from, to { overflow: auto; } }
      .animated { height: 40px; animation: make-scroller 100s infinite; }</style></head>
      <body><div id="animated" class="animated">${TALL}</div></body></html>`);
    const el = page.doc.getElementById('animated') as HTMLElement;
    el.scrollTop = 17;
    expect(el.scrollTop, 'control: the animation made it a scroller').to.equal(17);
    const transport = new RecordingTransport();
    engine = new CaptureEngine({ window: page.win, send: transport.send });
    await engine.start();
    expect(elementsById(transport).get('animated')?.scrollY).to.equal(17);
  });

  it('property: for random elements scrolled through random rules, the snapshot matches the browser', async () => {
    const ways = ['rule', 'inline', 'media', 'plain'] as const;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...ways), { minLength: 1, maxLength: 12 }), async (picks) => {
        const body = picks.map((way, i) => `<div id="e${i}" class="${way}">${TALL}</div>`).join('');
        const html = `<!DOCTYPE html><html><head><style>.rule { height: 30px; overflow: auto; }
          @media all { .media { height: 30px; overflow: scroll; } } .plain { height: 30px; } .inline { height: 30px; }</style>
          </head><body>${body}</body></html>`;
        const testPage = await capturePage(html);
        const capture = new CaptureEngine({ window: testPage.win, send: (m) => transport.send(m) });
        const transport = new RecordingTransport();
        try {
          picks.forEach((way, i) => {
            const el = testPage.doc.getElementById(`e${i}`) as HTMLElement;
            if (way === 'inline') el.style.overflow = 'auto';
            el.scrollTop = 3 + i;
          });
          await capture.start();
          const sent = elementsById(transport);
          picks.forEach((_, i) => {
            const el = testPage.doc.getElementById(`e${i}`) as HTMLElement;
            expect(sent.get(el.id)?.scrollY ?? 0, el.id).to.equal(el.scrollTop);
          });
        } finally {
          capture.stop();
          testPage.remove();
        }
      }),
      { numRuns: 15 },
    );
  });
});
