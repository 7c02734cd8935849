/**
 * The fidelity suite's page set: the pipeline pages (helpers/pipeline-pages.ts)
 * and pages for what issue #15 lists: a page opened scrolled, top-layer
 * elements, live CSS edits, hover menus, canvas, blob images, sprites and
 * images over the channel, a patched-prototype page, and apps built with
 * React 19, Vue 3 and Lit from node_modules (apps/; React and Vue bundled by
 * plugins/app-bundles.mjs). The React and Vue pages are changed through
 * their own state (apps/app-steps.ts), never by editing their DOM.
 */
import { sendKeys } from '@web/test-runner-commands';
import { FIDELITY_PAGES, type FidelityPage } from '../helpers/pipeline-pages.js';
import { randomAppStep } from './apps/app-steps.js';
import { LIST_APP_STYLE, type ListApp } from './apps/list-app.js';

const ASSETS = '/test/browser/pages/assets';
const STYLE = `<style>body{font:14px/1.4 sans-serif;margin:8px} .box{padding:4px;border:1px solid #888}</style>`;

function page(title: string, body: string, head = ''): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${STYLE}${head}</head><body>${body}</body></html>`;
}

function paragraphs(count: number): string {
  return Array.from(
    { length: count },
    (_, i) =>
      `<h3>Section ${i + 1}</h3><p>Paragraph ${i + 1}: the quick brown fox jumps over the lazy dog, again and again, line after line.</p>`,
  ).join('');
}

async function until(win: Window, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => win.setTimeout(resolve, 10));
}

const APP_SCRIPT = (name: string): string =>
  `<script type="module" src="/test/browser/fidelity/apps/${name}.ts"></script>`;

function appOf(win: Window): ListApp {
  if (!win.fidelityApp) throw new Error('the app did not start');
  return win.fidelityApp;
}

/** Real keystrokes into a field of the customer's page (the framework hears input events, as from a person). */
async function typeInto(win: Window, selector: string, text: string): Promise<void> {
  (win.document.querySelector(selector) as HTMLInputElement).focus();
  await sendKeys({ type: text });
  await new Promise((resolve) => win.setTimeout(resolve, 20));
}

/** Real keystrokes into the app's controlled name field, then its details (Vue: a <Transition>) and its portal (Vue: <Teleport>) opened. */
async function appChange(win: Window): Promise<void> {
  await typeInto(win, '#name', 'Ada');
  await appOf(win).toggleDetails();
  await appOf(win).toggleOverlay();
}

/** A page whose extra step needs the test's real mouse (a hover menu). */
export interface SuitePage extends FidelityPage {
  /** Moves the customer's real pointer here (page coordinates) before comparing. */
  hoverAt?: [number, number];
  /** Undoes the page's own patches before the oracle reads the page (it reads the DOM through them too). */
  unpatch?: (win: Window & typeof globalThis) => void;
  /** One seeded random step through the page's own state (replaces the DOM mutator); returns what it did. */
  steps?: (win: Window & typeof globalThis, random: () => number) => Promise<string>;
  /** Why the mirror is known to differ after the random mutations (reported, not asserted). */
  knownAfterMutations?: string;
}

const NEW_PAGES: SuitePage[] = [
  {
    name: 'opened-scrolled',
    html: page('article', `<article>${paragraphs(120)}</article>`),
    setup: (win) => win.scrollTo(0, 2400),
  },
  {
    name: 'scrolled-box',
    html: page(
      'box',
      `<div id="box" style="height:200px;overflow:auto" class="box">${paragraphs(30)}</div><p>after</p>`,
    ),
    setup: (win) => {
      (win.document.getElementById('box') as HTMLElement).scrollTop = 700;
    },
  },
  {
    name: 'modal-dialog',
    html: page(
      'dialog',
      `<p>Behind the dialog</p><dialog id="d" style="width:300px"><form method="dialog"><p>Are you sure?</p><button>OK</button></form></dialog>`,
      '<style>dialog::backdrop{background:rgba(0,0,80,0.4)}</style>',
    ),
    setup: (win) => (win.document.getElementById('d') as HTMLDialogElement).showModal(),
  },
  {
    name: 'popover',
    html: page(
      'popover',
      `<button popovertarget="p">Menu</button><div id="p" popover style="margin:0;top:40px;left:20px;width:160px" class="box">Popover content</div>`,
    ),
    setup: (win) => (win.document.getElementById('p') as HTMLElement).showPopover(),
  },
  {
    name: 'live-css-edits',
    html: page(
      'live css',
      `<nav class="menu">Menu</nav><span class="tag">Tag</span>`,
      '<style id="s">.menu{display:none;color:rgb(200,0,0)} .tag{font-size:12px}</style><style id="x">.tag{font-weight:700}</style>',
    ),
    setup: (win) => {
      const sheet = (win.document.getElementById('s') as HTMLStyleElement).sheet as CSSStyleSheet;
      (sheet.cssRules[0] as CSSStyleRule).style.setProperty('display', 'block');
      sheet.insertRule('.tag { background-color: rgb(255, 230, 150); padding: 4px }', sheet.cssRules.length);
    },
    change: (win) => {
      const sheet = (win.document.getElementById('s') as HTMLStyleElement).sheet as CSSStyleSheet;
      (sheet.cssRules[0] as CSSStyleRule).style.cssText = 'display:flex;color:rgb(0,120,0)';
    },
  },
  {
    name: 'hover-menu',
    html: page(
      'hover',
      `<nav style="display:flex;gap:16px"><div class="item" style="width:120px;height:30px">Products<ul class="drop box"><li>Lamps</li><li>Chairs</li></ul></div><div>About</div></nav>`,
      '<style>.drop{display:none;margin:0} .item:hover .drop{display:block} .item:hover{background:rgb(230,240,255)}</style>',
    ),
    hoverAt: [30, 20],
  },
  {
    name: 'canvas-2d',
    html: page('canvas', `<canvas id="c" width="300" height="150" style="border:1px solid #333"></canvas><p>below</p>`),
    setup: (win) => {
      const ctx = (win.document.getElementById('c') as HTMLCanvasElement).getContext('2d');
      if (!ctx) return;
      const colors = ['#d33', '#3a3', '#33d', '#fa0', '#0aa'];
      colors.forEach((color, i) => {
        ctx.fillStyle = color;
        ctx.fillRect(20 + i * 55, 140 - (i + 1) * 25, 40, (i + 1) * 25);
      });
      ctx.fillStyle = '#000';
      ctx.font = '16px sans-serif';
      ctx.fillText('Sales', 10, 20);
    },
  },
  {
    name: 'blob-image',
    html: page('blob', `<img id="b" alt="preview"><p>An upload preview</p>`),
    setup: async (win) => {
      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#369"/><circle cx="30" cy="30" r="20" fill="#fc3"/></svg>';
      const img = win.document.getElementById('b') as HTMLImageElement;
      img.src = win.URL.createObjectURL(new win.Blob([svg], { type: 'image/svg+xml' }));
      await img.decode();
    },
  },
  {
    name: 'svg-sprite',
    html: page(
      'sprite',
      `<svg width="120" height="40"><use href="${ASSETS}/sprite.svg#star" width="40" height="40"/><use href="${ASSETS}/sprite.svg#box" x="50" width="40" height="40"/></svg>`,
    ),
  },
  {
    name: 'images-over-channel',
    html: page(
      'images',
      `<img src="${ASSETS}/photo.png" alt="photo"><img src="${ASSETS}/photo-copy.png" alt="copy"><div style="width:96px;height:32px;background:url('${ASSETS}/tile.png')"></div><video poster="${ASSETS}/tile.png" width="64" height="48"></video>`,
    ),
    setup: async (win) => {
      for (const img of win.document.images) await img.decode().catch(() => undefined);
    },
  },
  {
    name: 'patched-prototypes',
    html: page(
      'patched',
      `<main><h1>Locker-style page</h1><ul id="l"><li>one</li><li>two</li></ul><input id="i" value="typed"></main>`,
    ),
    setup: (win) => {
      // As Salesforce Lightning's locker does: DOM accessors replaced after load.
      const node = win.Node.prototype;
      const childNodes = Object.getOwnPropertyDescriptor(node, 'childNodes');
      const getAttribute = Object.getOwnPropertyDescriptor(win.Element.prototype, 'getAttribute');
      Object.defineProperty(node, 'childNodes', {
        get(this: Node) {
          const real = childNodes?.get?.call(this) as NodeList;
          return real.length > 1 ? [] : real;
        },
        configurable: true,
      });
      Object.defineProperty(win.Element.prototype, 'getAttribute', {
        value: () => null,
        configurable: true,
        writable: true,
      });
      (win as unknown as { unpatch(): void }).unpatch = () => {
        if (childNodes) Object.defineProperty(node, 'childNodes', childNodes);
        if (getAttribute) Object.defineProperty(win.Element.prototype, 'getAttribute', getAttribute);
      };
    },
    unpatch: (win) => (win as unknown as { unpatch(): void }).unpatch(),
    change: (win) => {
      const li = win.document.createElement('li');
      li.textContent = 'three';
      win.document.getElementById('l')?.append(li);
    },
  },
  {
    name: 'lit-app',
    html: page(
      'lit',
      `<todo-app><p>slotted footer</p></todo-app><script type="module" src="/test/browser/fidelity/apps/lit-app.ts"></script>`,
    ),
    setup: async (win) => {
      await until(
        win,
        () => (win.document.querySelector('todo-app')?.shadowRoot?.querySelectorAll('li').length ?? 0) === 3,
      );
    },
    change: async (win) => {
      const button = win.document.querySelector('todo-app')?.shadowRoot?.querySelector('button');
      button?.click();
      await new Promise((resolve) => win.setTimeout(resolve, 20));
    },
  },
  {
    name: 'react-app',
    html: page('react', `<div id="root"></div>${APP_SCRIPT('react-app')}`, LIST_APP_STYLE),
    setup: (win) => until(win, () => win.fidelityApp !== undefined),
    change: appChange,
    steps: (win, random) => randomAppStep(appOf(win), random),
  },
  {
    name: 'vue-app',
    html: page('vue', `<div id="app"></div>${APP_SCRIPT('vue-app')}`, LIST_APP_STYLE),
    setup: (win) => until(win, () => win.fidelityApp !== undefined),
    change: appChange,
    steps: (win, random) => randomAppStep(appOf(win), random),
  },
  {
    name: 'sticky-header',
    html: page(
      'sticky',
      `<header style="position:sticky;top:0;background:#eee;padding:8px">Header</header>${paragraphs(40)}`,
    ),
    setup: (win) => win.scrollTo(0, 600),
  },
  {
    name: 'grid-cards',
    html: page(
      'grid',
      `<div style="display:grid;grid-template-columns:repeat(3,1fr);gap:12px">${Array.from({ length: 9 }, (_, i) => `<div class="box" style="height:${40 + (i % 3) * 20}px">Card ${i + 1}</div>`).join('')}</div>`,
    ),
  },
  {
    name: 'transforms-and-z',
    html: page(
      'transforms',
      `<div style="position:relative;height:160px"><div class="box" style="position:absolute;left:20px;top:20px;transform:rotate(8deg);background:#fee;z-index:2">Rotated</div><div class="box" style="position:absolute;left:60px;top:40px;background:#eef;z-index:1">Under</div></div>`,
    ),
  },
  {
    // A srcdoc document is never in quirks mode, doctype or not (HTML spec); a legacy doctype puts a page
    // in quirks mode. Quirks mode shows: a table does not inherit font-size, body fills the frame's height.
    name: 'document-modes',
    html: page(
      'modes',
      `<iframe id="srcdoc" style="width:300px;height:90px;border:0" srcdoc="<div style='font-size:30px'><table><tr><td id=td>cell</td></tr></table></div>"></iframe>
      <iframe id="quirky" style="width:300px;height:90px;border:0"></iframe>`,
    ),
    setup: async (win) => {
      const quirky = win.document.getElementById('quirky') as HTMLIFrameElement;
      const doc = quirky.contentDocument as Document;
      doc.open();
      doc.write(
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><div style="font-size:30px"><table><tr><td>quirks</td></tr></table></div>',
      );
      doc.close();
      const srcdoc = win.document.getElementById('srcdoc') as HTMLIFrameElement;
      await until(win, () => srcdoc.contentDocument?.getElementById('td') != null);
    },
  },
  {
    name: 'web-font-fallback',
    html: page(
      'fonts',
      `<p style="font-family:'Missing Font', serif;font-size:20px">Serif fallback</p><p style="font-family:monospace">monospace 0123456789</p>`,
    ),
  },
];

/** At least 30 pages: the pipeline set and the new ones. */
export const SUITE_PAGES: SuitePage[] = [...FIDELITY_PAGES, ...NEW_PAGES];
