/**
 * The fidelity page set: one customer page per page feature, as markup plus
 * a setup step that does what only script can (typed values, CSSOM, adopted
 * sheets, shadow roots, scrolling). Images are data: URLs, so nothing leaves
 * the machine.
 */

export interface FidelityPage {
  name: string;
  html: string;
  /** Runs in the test with the customer's window, before the capture starts. */
  setup?: (win: Window & typeof globalThis) => void | Promise<void>;
  /** Runs after the snapshot is mirrored: later changes of the same feature. */
  change?: (win: Window & typeof globalThis) => void | Promise<void>;
}

/** A 2×2 red PNG. */
export const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFElEQVR4nGP4z8DwHwyBNBMDlAEAJU8D/f8RAGgAAAAASUVORK5CYII=';
export const SVG_DATA_URL =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='40' height='30'%3E%3Crect width='40' height='30' fill='teal'/%3E%3C/svg%3E";

const BASE_STYLE = `<style>body{font:14px/1.4 sans-serif;margin:8px} .box{padding:4px;border:1px solid #888}</style>`;

function page(title: string, body: string, head = ''): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${BASE_STYLE}${head}</head><body>${body}</body></html>`;
}

const INPUT_TYPES = [
  'text',
  'email',
  'number',
  'tel',
  'url',
  'search',
  'date',
  'time',
  'datetime-local',
  'month',
  'week',
  'color',
  'range',
  'checkbox',
  'radio',
  'file',
  'hidden',
  'submit',
  'reset',
  'button',
];

const forms: FidelityPage = {
  name: 'forms',
  html: page(
    'forms',
    `<form id="f" class="box">
      <fieldset><legend>Every input type</legend>
      ${INPUT_TYPES.map((type) => `<label>${type} <input type="${type}" name="n-${type}" id="i-${type}"></label>`).join('\n')}
      <label>image <input type="image" alt="go" src="__PNG__" width="20" height="20"></label>
      <label>radio 2 <input type="radio" name="n-radio" id="i-radio2" checked></label>
      </fieldset>
      <textarea id="ta" rows="3" cols="30">default text</textarea>
      <select id="single"><option>one</option><option>two</option><option>three</option></select>
      <select id="multi" multiple size="3"><option>a</option><option selected>b</option><option>c</option></select>
      <select id="grouped"><optgroup label="g1"><option>x</option></optgroup><optgroup label="g2"><option>y</option></optgroup></select>
      <progress value="30" max="100"></progress><meter value="0.6"></meter><output name="o">out</output>
      <button type="button">A button</button>
      <input type="text" id="disabled" disabled value="disabled"><input type="text" id="ro" readonly value="read only">
      <input type="text" id="ph" placeholder="placeholder only">
    </form>`.replace('__PNG__', PNG_DATA_URL),
  ),
  setup: (win) => {
    const doc = win.document;
    const set = (id: string, value: string): void => {
      const input = doc.getElementById(id) as HTMLInputElement;
      input.value = value;
    };
    set('i-text', 'typed text');
    set('i-email', 'someone@example.org');
    set('i-number', '42');
    set('i-tel', '+1 555 0100');
    set('i-url', 'https://example.org/x');
    set('i-search', 'search terms');
    set('i-date', '2024-02-29');
    set('i-time', '13:37');
    set('i-datetime-local', '2024-02-29T13:37');
    set('i-month', '2024-02');
    set('i-week', '2024-W09');
    set('i-color', '#ff8800');
    set('i-range', '80');
    set('i-hidden', 'hidden value');
    (doc.getElementById('i-checkbox') as HTMLInputElement).checked = true;
    (doc.getElementById('i-radio') as HTMLInputElement).checked = true;
    (doc.getElementById('ta') as HTMLTextAreaElement).value = 'typed\nmultiline\ntext';
    (doc.getElementById('single') as HTMLSelectElement).selectedIndex = 2;
    const multi = doc.getElementById('multi') as HTMLSelectElement;
    for (const option of multi.options) option.selected = option.text !== 'b';
  },
  change: (win) => {
    const doc = win.document;
    (doc.getElementById('i-text') as HTMLInputElement).value = 'changed later';
    (doc.getElementById('i-checkbox') as HTMLInputElement).checked = false;
    (doc.getElementById('single') as HTMLSelectElement).selectedIndex = 0;
    (doc.getElementById('ta') as HTMLTextAreaElement).value = 'changed textarea';
  },
};

const tables: FidelityPage = {
  name: 'tables',
  html: page(
    'tables',
    `<table border="1" style="border-collapse:collapse;width:90%">
      <caption>Quarterly</caption>
      <colgroup><col style="width:30%"><col span="2" style="background:#eef"></colgroup>
      <thead><tr><th rowspan="2">Name</th><th colspan="2">Values</th></tr><tr><th>Q1</th><th>Q2</th></tr></thead>
      <tbody>${Array.from({ length: 12 }, (_, i) => `<tr><td>row ${i}</td><td style="text-align:right">${i * 3}</td><td>${i % 2 ? 'odd' : 'even'}</td></tr>`).join('')}</tbody>
      <tfoot><tr><td colspan="3">total</td></tr></tfoot>
    </table>`,
  ),
  change: (win) => {
    const row = win.document.querySelector('tbody tr');
    row?.parentNode?.append(row);
  },
};

const layouts: FidelityPage = {
  name: 'flex-grid',
  html: page(
    'layouts',
    `<div class="flex" style="display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:10px;width:500px">
      ${Array.from({ length: 7 }, (_, i) => `<div class="box" style="flex:${i % 3} 1 ${60 + i * 10}px">flex ${i}</div>`).join('')}
    </div>
    <div class="grid" style="display:grid;grid-template-columns:100px 1fr 2fr;grid-template-rows:auto 50px;gap:6px 12px;width:600px">
      <div class="box" style="grid-column:1 / 3">span two</div>
      ${Array.from({ length: 6 }, (_, i) => `<div class="box">cell ${i}</div>`).join('')}
    </div>
    <div style="display:grid;grid-template-areas:'h h' 's m';grid-template-columns:120px 1fr">
      <header style="grid-area:h" class="box">header</header><aside style="grid-area:s" class="box">side</aside><main style="grid-area:m" class="box">main</main>
    </div>
    <div style="position:relative;height:80px"><div style="position:absolute;right:10px;bottom:5px;transform:rotate(10deg)" class="box">abs</div></div>`,
  ),
  change: (win) => {
    const flex = win.document.querySelector<HTMLElement>('.flex');
    if (flex) flex.style.flexDirection = 'column';
  },
};

const shadow: FidelityPage = {
  name: 'shadow-dom',
  html: page(
    'shadow',
    `<x-card id="card1"><span slot="title">Slotted title</span><p>light child</p></x-card>
    <div id="plainhost"></div>
    <x-card id="card2"><span slot="title">Second</span></x-card>`,
  ),
  setup: (win) => {
    const doc = win.document;
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(
      ':host{display:block;border:2px solid rgb(200,0,0);padding:6px;margin:4px} .title{font-weight:700;color:rgb(0,0,160)}',
    );
    class XCard extends win.HTMLElement {
      constructor() {
        super();
        const root = this.attachShadow({ mode: 'open' });
        root.adoptedStyleSheets = [sheet];
        root.innerHTML =
          '<div class="title"><slot name="title"></slot></div><style>.body{font-size:18px}</style><div class="body"><slot></slot></div><x-inner></x-inner>';
      }
    }
    class XInner extends win.HTMLElement {
      constructor() {
        super();
        this.attachShadow({ mode: 'open' }).innerHTML = '<b style="display:inline-block;width:33px">nested</b>';
      }
    }
    win.customElements.define('x-inner', XInner);
    win.customElements.define('x-card', XCard);
    const host = doc.getElementById('plainhost');
    if (host)
      host.attachShadow({ mode: 'open' }).innerHTML =
        '<style>p{color:rgb(0,128,0)}</style><p>in a div shadow root</p><slot></slot>';
  },
  change: (win) => {
    const root = win.document.getElementById('card1')?.shadowRoot;
    const title = root?.querySelector('.title');
    if (title) (title as HTMLElement).style.fontSize = '22px';
  },
};

const iframe: FidelityPage = {
  name: 'iframe',
  html: page(
    'iframe',
    `<p>outer</p><iframe id="inner" width="300" height="150" style="border:1px solid #000" srcdoc="&lt;!DOCTYPE html&gt;&lt;style&gt;p{color:rgb(10,20,30);margin:3px}&lt;/style&gt;&lt;p id=ip&gt;inside the frame&lt;/p&gt;&lt;input id=ii value=x&gt;"></iframe><p>after</p>`,
  ),
  setup: async (win) => {
    const frame = win.document.getElementById('inner') as HTMLIFrameElement;
    if (frame.contentDocument?.readyState !== 'complete' || !frame.contentDocument.getElementById('ip')) {
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    }
    const input = frame.contentDocument?.getElementById('ii') as HTMLInputElement | null;
    if (input) input.value = 'typed in frame';
  },
  change: (win) => {
    const frame = win.document.getElementById('inner') as HTMLIFrameElement;
    const doc = frame.contentDocument;
    if (!doc) return;
    const added = doc.createElement('div');
    added.textContent = 'added later';
    added.style.cssText = 'width:77px;background:rgb(1,2,3)';
    doc.body.append(added);
  },
};

const cssom: FidelityPage = {
  name: 'cssom',
  html: page(
    'cssom',
    `<style id="dyn">.later{color:rgb(1,1,1)}</style><div class="later box">inserted rules</div><div class="gone box">deleted rule</div>`,
  ),
  setup: (win) => {
    const sheet = (win.document.getElementById('dyn') as HTMLStyleElement).sheet;
    if (!sheet) return;
    sheet.insertRule('.later{width:222px;background-color:rgb(250,200,0);font-size:20px}', sheet.cssRules.length);
    sheet.insertRule('.gone{display:none}', sheet.cssRules.length);
    sheet.insertRule('@media (min-width: 100px){.later{padding-left:17px}}', sheet.cssRules.length);
  },
  change: (win) => {
    const sheet = (win.document.getElementById('dyn') as HTMLStyleElement).sheet;
    if (!sheet) return;
    sheet.deleteRule(2);
    sheet.insertRule('.later{margin-top:31px}', sheet.cssRules.length);
  },
};

const adopted: FidelityPage = {
  name: 'adopted-sheets',
  html: page('adopted', `<h1 class="adopt">Adopted heading</h1><p class="adopt2">second sheet</p>`),
  setup: (win) => {
    const one = new win.CSSStyleSheet();
    one.replaceSync('.adopt{color:rgb(120,0,120);letter-spacing:2px;font-size:30px}');
    const two = new win.CSSStyleSheet();
    two.replaceSync('.adopt2{background-color:rgb(0,200,200);width:300px}');
    win.document.adoptedStyleSheets = [one, two];
  },
  change: (win) => {
    const sheet = win.document.adoptedStyleSheets[0];
    sheet?.insertRule('.adopt{margin-left:40px}', sheet.cssRules.length);
  },
};

const svg: FidelityPage = {
  name: 'svg',
  html: page(
    'svg',
    `<svg id="pic" width="300" height="200" viewBox="0 0 300 200" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
      <defs><linearGradient id="g"><stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue"/></linearGradient>
      <circle id="dot" r="10" fill="green"/></defs>
      <rect x="10" y="10" width="100" height="50" fill="url(#g)" stroke="black"/>
      <circle cx="200" cy="50" r="30" fill="orange"/>
      <path d="M10 150 L60 100 L110 150 Z" fill="purple"/>
      <g transform="translate(150,120)"><text x="0" y="20" font-size="18">SVG text<tspan dx="4" fill="red">span</tspan></text></g>
      <use href="#dot" x="250" y="150"/><use xlink:href="#dot" x="270" y="180"/>
    </svg>`,
  ),
  change: (win) => {
    win.document.querySelector('circle[cx]')?.setAttribute('r', '45');
  },
};

const images: FidelityPage = {
  name: 'images',
  html: page(
    'images',
    `<img id="png" src="${PNG_DATA_URL}" width="50" height="50" alt="png">
    <img id="svgimg" src="${SVG_DATA_URL}" alt="svg">
    <picture><source srcset="${SVG_DATA_URL} 1x" type="image/svg+xml"><img src="${PNG_DATA_URL}" alt="pic" style="width:40px"></picture>
    <img srcset="${PNG_DATA_URL} 1x, ${SVG_DATA_URL} 2x" alt="srcset" style="height:25px">
    <div style="width:80px;height:60px;background:url('${SVG_DATA_URL}') no-repeat" class="box">bg</div>`,
  ),
  change: (win) => {
    win.document.getElementById('png')?.setAttribute('width', '90');
  },
};

const pseudo: FidelityPage = {
  name: 'pseudo-elements',
  html: page(
    'pseudo',
    `<style>
      .q::before{content:"« ";color:rgb(200,0,0)} .q::after{content:" »"}
      ol.c{counter-reset:n} ol.c li::before{counter-increment:n;content:counter(n) ". ";font-weight:700}
      .attr::after{content:" [" attr(data-note) "]"}
      .icon::before{content:"";display:inline-block;width:12px;height:12px;background:rgb(0,0,0)}
    </style>
    <p class="q">quoted</p><ol class="c"><li>one</li><li>two</li></ol>
    <span class="attr" data-note="from attr">with note</span> <span class="icon">icon</span>`,
  ),
  change: (win) => {
    win.document.querySelector('.attr')?.setAttribute('data-note', 'changed note');
  },
};

const longList: FidelityPage = {
  name: 'long-scrolling-list',
  html: page(
    'long list',
    `<div id="scroller" style="height:200px;overflow:auto;border:1px solid #000">
      <ul>${Array.from({ length: 400 }, (_, i) => `<li class="item${i % 5}">item ${i}</li>`).join('')}</ul>
    </div>
    <div style="height:2500px;background:linear-gradient(white,rgb(200,200,255))">tall page</div>`,
  ),
  setup: (win) => {
    const scroller = win.document.getElementById('scroller');
    if (scroller) scroller.scrollTop = 3000;
    win.scrollTo(0, 400);
  },
  change: (win) => {
    const scroller = win.document.getElementById('scroller');
    if (scroller) scroller.scrollTop = 1234;
    win.scrollTo(0, 900);
  },
};

const editable: FidelityPage = {
  name: 'contenteditable',
  html: page(
    'contenteditable',
    `<div id="ed" contenteditable="true" class="box" style="min-height:60px">Edit <b>bold</b> and <i>italic</i> text.</div>
    <p contenteditable="plaintext-only" id="plain">plain text only</p>`,
  ),
  setup: (win) => {
    const ed = win.document.getElementById('ed');
    ed?.append(win.document.createTextNode(' typed by the customer'));
  },
  change: (win) => {
    const ed = win.document.getElementById('ed');
    if (!ed) return;
    // Typing as the browser does it: a selection at the end, then insertText.
    ed.focus();
    win.getSelection()?.selectAllChildren(ed);
    win.getSelection()?.collapseToEnd();
    win.document.execCommand('insertText', false, ' and typed');
    const bold = ed.querySelector('b');
    if (bold?.firstChild) (bold.firstChild as Text).data = 'BOLDER';
    const u = win.document.createElement('u');
    u.textContent = 'underlined';
    ed.append(u);
  },
};

/** Features that appear only after the snapshot: they travel as mutations. */
const lateFeatures: FidelityPage = {
  name: 'late-features',
  html: page(
    'late',
    `<div id="late-host">light</div><div id="late-frame-slot"></div><p class="late-adopted">adopted later</p><p class="late-link">linked later</p>`,
  ),
  change: async (win) => {
    const doc = win.document;
    const host = doc.getElementById('late-host');
    const root = host?.attachShadow({ mode: 'open' });
    if (root) {
      root.innerHTML = '<b style="display:inline-block;width:44px;color:rgb(9,9,9)">late shadow</b><slot></slot>';
      const sheet = new win.CSSStyleSheet();
      sheet.replaceSync('b{padding-top:9px}');
      root.adoptedStyleSheets = [sheet];
    }
    const adopted = new win.CSSStyleSheet();
    adopted.replaceSync('.late-adopted{font-size:25px;background-color:rgb(10,200,10)}');
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, adopted];
    const link = doc.createElement('link');
    link.rel = 'stylesheet';
    link.href = 'data:text/css,.late-link%7Bwidth:150px;border:4px solid rgb(0,0,0)%7D';
    const linkLoaded = new Promise((resolve) => link.addEventListener('load', resolve, { once: true }));
    doc.head.append(link);
    // First mirrored with its initial about:blank document (quirks mode), then
    // its srcdoc document (with a doctype) replaces it: the mirror must switch modes.
    const frame = doc.createElement('iframe');
    frame.style.cssText = 'width:200px;height:60px;border:0';
    doc.getElementById('late-frame-slot')?.append(frame);
    for (let i = 0; i < 3; i++) await new Promise((resolve) => win.requestAnimationFrame(resolve));
    const frameLoaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.setAttribute('srcdoc', '<!DOCTYPE html><p style="margin:0;width:70px">late frame</p>');
    await Promise.all([linkLoaded, frameLoaded]);
    const inner = frame.contentDocument;
    const added = inner?.createElement('span');
    if (inner && added) {
      added.textContent = 'added inside the late frame';
      inner.body.append(added);
    }
  },
};

/** A page with a bit of everything, for the random mutation runs. */
const kitchenSink: FidelityPage = {
  name: 'kitchen-sink',
  html: page(
    'kitchen sink',
    `<style id="ks">.a{color:rgb(200,0,0)} .b{padding:6px} .wide{width:320px} .flexy{display:flex;gap:4px} .hidden-x{display:none} .big{font-size:22px}</style>
    <section id="s1" class="box"><h2>Section</h2><p>Some <b>bold</b> text</p><ul><li>i1</li><li>i2</li><li>i3</li></ul></section>
    <div id="flex" style="display:flex;gap:8px"><div class="box">f1</div><div class="box">f2</div><span>f3</span></div>
    <div id="grid" style="display:grid;grid-template-columns:repeat(3,1fr)"><div>g1</div><div>g2</div><div>g3</div><div>g4</div></div>
    <table border="1"><tbody><tr><td>t1</td><td>t2</td></tr><tr><td>t3</td><td>t4</td></tr></tbody></table>
    <form><input id="k-text" value="start"><input type="checkbox" id="k-check"><select id="k-sel"><option>o1</option><option>o2</option><option>o3</option></select><textarea id="k-ta">ta</textarea></form>
    <div id="k-host"></div>
    <div id="k-edit" contenteditable="true">editable</div>`,
  ),
  setup: (win) => {
    const host = win.document.getElementById('k-host');
    if (host)
      host.attachShadow({ mode: 'open' }).innerHTML =
        '<div class="in-shadow"><span>shadow text</span><p>para</p></div>';
  },
};

export const FIDELITY_PAGES: FidelityPage[] = [
  forms,
  tables,
  layouts,
  shadow,
  iframe,
  cssom,
  adopted,
  svg,
  images,
  pseudo,
  longList,
  editable,
  lateFeatures,
  kitchenSink,
];
