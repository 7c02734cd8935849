/**
 * Places a card number or SSN can hide on a page, each checked once with
 * the real capture engine and codec, before and after the capture starts,
 * with real keystrokes where a person types: comments, JSON in scripts,
 * <template>/<noscript>, CSS escapes and custom properties, options and
 * datalists, <wbr>, <br>, flex rows of <div>s, SVG text and titles, data: URLs,
 * srcset/ping/form action/meta/data/hidden inputs/textarea defaults,
 * <output>, ARIA values, iframe/link/CSS URLs, values set by script or
 * setRangeText, adopted and inserted CSS rules, style.setProperty, text
 * changed in place, undo after delete, a title echoing what is typed, a
 * number input, a dialog in the top layer, a contenteditable number split by
 * bold, pasted HTML. The red team's probe found nothing in these (they guard
 * the promise); the oracle is the independent leak finder over every decoded
 * string (card: PCI truncation; SSN: no three of its first five digits in a
 * row), text a shadow root renders beside slotted text. A number a page
 * reveals in steps has its own hunt (leak-steps.test.ts). Known gap not
 * asserted here (README): a number split over table cells. Control: the
 * known table-cell gap is reported.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { keepClosedShadowRoots } from '../../client/closed-shadow-roots.js';
import { pristine } from '../../client/pristine.js';
import { MessageDecoder } from '../../shared/codec.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { revealedPositions, truncationLeaks } from '../oracles/leak-finder.js';
import { messageStrings } from '../oracles/message-strings.js';
import { capturePage, nextFrames } from './helpers/capture-page.js';

const CARD = '4532019673158241';
const SSN = '278415396';

interface Probe {
  name: string;
  html: string;
  before?: (doc: Document, win: Window & typeof globalThis) => void | Promise<void>;
  after?: (doc: Document, win: Window & typeof globalThis) => void | Promise<void>;
}

const probes: Probe[] = [
  { name: 'comment', html: `<div><!-- card ${CARD} --></div>` },
  { name: 'json script', html: `<script type="application/json">{"card":"${CARD}"}</script>` },
  { name: 'template', html: `<template><p>${CARD}</p></template>` },
  { name: 'noscript', html: `<noscript><p>${CARD}</p></noscript>` },
  { name: 'css escapes', html: `<style>p::after{content:"\\34 532\\30 196\\37 315\\38 241"}</style><p>x</p>` },
  { name: 'css escapes in custom prop', html: `<style>:root{--c:"\\34 532019673158241"}</style><p>x</p>` },
  { name: 'select option', html: `<select><option>Card ${CARD}</option></select>` },
  { name: 'option value', html: `<select><option value="${CARD}">saved</option></select>` },
  { name: 'datalist', html: `<input list=l><datalist id=l><option value="${CARD}"></datalist>` },
  {
    name: 'wbr',
    html: `<p>${CARD.slice(0, 4)}<wbr>${CARD.slice(4, 8)}<wbr>${CARD.slice(8, 12)}<wbr>${CARD.slice(12)}</p>`,
  },
  { name: 'br', html: `<p>Card ${CARD.slice(0, 4)} ${CARD.slice(4, 8)}<br>${CARD.slice(8, 12)} ${CARD.slice(12)}</p>` },
  {
    name: 'SSN two digits at a time, in spans',
    html: `<p>SSN ${[0, 2, 4, 6, 8].map((i) => `<span>${SSN.slice(i, i + 2)}</span>`).join(' ')}</p>`,
  },
  { name: 'br, SSN', html: `<address>SSN ${SSN.slice(0, 3)}-${SSN.slice(3, 5)}<br>-${SSN.slice(5)}</address>` },
  {
    name: 'shadow root text beside slotted text',
    html: `<p>Card <card-split>${CARD.slice(8, 12)} ${CARD.slice(12)}</card-split></p>`,
    before: (doc) => {
      const root = (doc.querySelector('card-split') as HTMLElement).attachShadow({ mode: 'open' });
      root.innerHTML = `${CARD.slice(0, 4)} ${CARD.slice(4, 8)} <slot></slot>`;
    },
  },
  {
    name: 'closed shadow root text beside slotted text',
    html: `<p>Card <card-closed>${CARD.slice(8, 12)} ${CARD.slice(12)}</card-closed></p>`,
    before: (doc, win) => {
      keepClosedShadowRoots(win, pristine.closedShadowRoots);
      const root = (doc.querySelector('card-closed') as HTMLElement).attachShadow({ mode: 'closed' });
      root.innerHTML = `${CARD.slice(0, 4)} ${CARD.slice(4, 8)} <slot></slot>`;
    },
  },
  {
    // Both halves in one task (a half shown alone first is the known "revealed in steps" limit).
    name: 'shadow and slotted text added after the snapshot',
    html: `<p><card-split></card-split></p>`,
    before: (doc) => {
      (doc.querySelector('card-split') as HTMLElement).attachShadow({ mode: 'open' }).innerHTML = `<slot></slot>`;
    },
    after: (doc) => {
      const host = doc.querySelector('card-split') as HTMLElement;
      const half = doc.createElement('b');
      half.textContent = CARD.slice(0, 8);
      (host.shadowRoot as ShadowRoot).prepend(half);
      host.textContent = CARD.slice(8);
    },
  },
  {
    name: 'shadow text added after the snapshot, nested hosts',
    html: `<div><ssn-box><span>${SSN.slice(5)}</span></ssn-box></div>`,
    before: (doc) => {
      const outer = (doc.querySelector('ssn-box') as HTMLElement).attachShadow({ mode: 'open' });
      outer.innerHTML = `<ssn-head></ssn-head><slot></slot>`;
      (outer.querySelector('ssn-head') as HTMLElement).attachShadow({ mode: 'open' }).innerHTML = `<i></i>`;
    },
    after: (doc) => {
      const head = doc.querySelector('ssn-box')?.shadowRoot?.querySelector('ssn-head')?.shadowRoot?.querySelector('i');
      (head as HTMLElement).textContent = `${SSN.slice(0, 3)}-${SSN.slice(3, 5)}-`;
    },
  },
  {
    name: 'inline-block divs',
    html: `<div style="display:flex"><div>${CARD.slice(0, 4)}</div><div>${CARD.slice(4, 8)}</div><div>${CARD.slice(8, 12)}</div><div>${CARD.slice(12)}</div></div>`,
  },
  {
    name: 'svg tspan',
    html: `<svg><text><tspan>${CARD.slice(0, 8)}</tspan><tspan>${CARD.slice(8)}</tspan></text></svg>`,
  },
  { name: 'svg title', html: `<svg><title>${CARD}</title></svg>` },
  {
    name: 'data url base64 svg',
    html: `<img src="data:image/svg+xml;base64,${btoa(`<svg xmlns="http://www.w3.org/2000/svg"><text>${CARD}</text></svg>`)}">`,
  },
  { name: 'srcset', html: `<img srcset="/a.png?c=${CARD} 1x, /b.png?c=${CARD} 2x">` },
  { name: 'a ping', html: `<a href="/x" ping="/p?c=${CARD}">x</a>` },
  { name: 'form action', html: `<form action="/pay/${CARD}"></form>` },
  { name: 'meta content', html: `<meta name="x" content="${CARD}">` },
  { name: 'data value', html: `<data value="${CARD}">x</data>` },
  { name: 'hidden input', html: `<input type=hidden value="${CARD}">` },
  { name: 'textarea default', html: `<textarea>${CARD}</textarea>` },
  { name: 'output', html: `<output>${CARD}</output>` },
  { name: 'custom element split', html: `<p>${CARD.slice(0, 8)}<x-y>${CARD.slice(8)}</x-y></p>` },
  {
    name: 'inline display:inline divs',
    html: `<p><div style="display:inline">${CARD.slice(0, 8)}</div><div style="display:inline">${CARD.slice(8)}</div></p>`,
  },
  {
    name: 'input value prop set late',
    html: `<input id=i>`,
    after: (doc) => {
      (doc.getElementById('i') as HTMLInputElement).value = CARD;
    },
  },
  {
    name: 'input setRangeText late',
    html: `<input id=i>`,
    after: (doc) => {
      (doc.getElementById('i') as HTMLInputElement).setRangeText(CARD);
    },
  },
  {
    name: 'adopted sheet late',
    html: `<p>x</p>`,
    after: (doc, win) => {
      const s = new win.CSSStyleSheet();
      s.replaceSync(`p::after{content:"${CARD}"}`);
      doc.adoptedStyleSheets = [s];
    },
  },
  {
    name: 'adopted sheet insertRule late',
    html: `<p>x</p>`,
    before: (doc, win) => {
      const s = new win.CSSStyleSheet();
      doc.adoptedStyleSheets = [s];
    },
    after: (doc) => {
      doc.adoptedStyleSheets[0]?.insertRule(`p::before{content:"${CARD}"}`);
    },
  },
  {
    name: 'style setProperty late',
    html: `<p id=p>x</p>`,
    after: (doc) => {
      (doc.getElementById('p') as HTMLElement).style.setProperty('--c', `"${CARD}"`);
    },
  },
  {
    name: 'characterData late',
    html: `<p id=p>x</p>`,
    after: (doc) => {
      const t = (doc.getElementById('p') as HTMLElement).firstChild as Text;
      t.data = CARD;
    },
  },
  {
    name: 'ssn split spans',
    html: `<p><span>${SSN.slice(0, 3)}</span>-<span>${SSN.slice(3, 5)}</span>-<span>${SSN.slice(5)}</span></p>`,
  },
  { name: 'aria-valuetext', html: `<div role=slider aria-valuetext="${CARD}"></div>` },
  { name: 'iframe src query', html: `<iframe src="https://example.invalid/x?c=${CARD}"></iframe>` },
  { name: 'link href query', html: `<link rel=preload href="/x.css?c=${CARD}">` },
  { name: 'css bg url', html: `<p style="background:url('/x.png?c=${CARD}')">x</p>` },
  { name: 'css url path', html: `<p style="background:url('/cards/${CARD}/x.png')">x</p>` },
  {
    name: 'contenteditable bold split typed',
    html: `<div id=ce contenteditable>x</div><button id=away>x</button>`,
    after: async (doc) => {
      (doc.getElementById('ce') as HTMLElement).focus();
      await sendKeys({ press: 'End' });
      await sendKeys({ type: CARD.slice(0, 8) });
      await sendKeys({ press: 'Control+b' });
      await sendKeys({ type: CARD.slice(8) });
      (doc.getElementById('away') as HTMLElement).focus();
    },
  },
  {
    name: 'undo after delete',
    html: `<input id=i aria-label=Notes><button id=away>x</button>`,
    after: async (doc, win) => {
      const i = doc.getElementById('i') as HTMLInputElement;
      i.focus();
      await sendKeys({ type: 'ref ' });
      doc.execCommand('insertText', false, CARD);
      await sendKeys({ press: 'Control+a' });
      await sendKeys({ press: 'Backspace' });
      (doc.getElementById('away') as HTMLElement).focus();
      await nextFrames(win, 3);
      i.focus();
      await sendKeys({ press: 'Control+z' });
      (doc.getElementById('away') as HTMLElement).focus();
    },
  },
  {
    name: 'title typed',
    html: `<input id=i aria-label=Notes><button id=away>x</button>`,
    after: async (doc) => {
      const i = doc.getElementById('i') as HTMLInputElement;
      i.addEventListener('input', () => {
        doc.title = `Note ${i.value}`;
      });
      i.focus();
      await sendKeys({ type: CARD });
      (doc.getElementById('away') as HTMLElement).focus();
    },
  },
  {
    name: 'number input typed',
    html: `<input id=i type=number aria-label=Amount><button id=away>x</button>`,
    after: async (doc) => {
      (doc.getElementById('i') as HTMLElement).focus();
      await sendKeys({ type: CARD });
      (doc.getElementById('away') as HTMLElement).focus();
    },
  },
  {
    name: 'select with ssn after change',
    html: `<select id=s><option>a</option></select>`,
    after: (doc) => {
      const o = doc.createElement('option');
      o.textContent = SSN;
      (doc.getElementById('s') as HTMLSelectElement).append(o);
      (doc.getElementById('s') as HTMLSelectElement).selectedIndex = 1;
    },
  },
  {
    name: 'dialog top layer',
    html: `<dialog id=d><p>${CARD}</p></dialog>`,
    after: (doc) => {
      (doc.getElementById('d') as HTMLDialogElement).showModal();
    },
  },
  {
    name: 'ce paste late blur',
    html: `<div id=ce contenteditable></div><button id=away>x</button>`,
    after: async (doc) => {
      (doc.getElementById('ce') as HTMLElement).focus();
      doc.execCommand('insertHTML', false, `<b>${CARD.slice(0, 6)}</b><i>${CARD.slice(6)}</i>`);
      (doc.getElementById('away') as HTMLElement).focus();
    },
  },
  {
    name: 'ssn typed by 3 keys each',
    html: `<input id=i aria-label=Notes><button id=away>x</button>`,
    after: async (doc) => {
      (doc.getElementById('i') as HTMLElement).focus();
      await sendKeys({ type: `${SSN.slice(0, 3)}-${SSN.slice(3, 5)}-${SSN.slice(5)}` });
      (doc.getElementById('away') as HTMLElement).focus();
    },
  },
];

async function leaksOf(probe: Probe): Promise<{ card: number[]; ssn: number[] }> {
  const page = await capturePage(`<!DOCTYPE html><html><head><title>P</title></head><body>${probe.html}</body></html>`);
  try {
    await probe.before?.(page.doc, page.win);
    const encoder = new MessageEncoder({ sideStreamsAfterBytes: 0 });
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const sent: string[] = [];
    const engine = new CaptureEngine({
      window: page.win,
      send: (message: ChannelMessage) => {
        const result = decoder.decode(encoder.encode(message));
        if (!result.ok) throw new Error(`undecodable ${message.t}`);
        sent.push(...messageStrings(result.message));
        return true;
      },
    });
    await engine.start();
    try {
      await nextFrames(page.win, 2);
      await probe.after?.(page.doc, page.win);
      await nextFrames(page.win, 4);
    } finally {
      engine.stop();
    }
    return {
      card: truncationLeaks(CARD, sent),
      ssn: [...revealedPositions(SSN, sent, 3)].filter((i) => i < 5),
    };
  } finally {
    page.remove();
  }
}

describe('leak vectors: a card number or SSN wherever a page may put it', () => {
  for (const probe of probes) {
    it(probe.name, async function () {
      this.timeout(20_000);
      expect(await leaksOf(probe)).to.deep.equal({ card: [], ssn: [] });
    });
  }

  it('control: the harness reports a number the rule lets through (over table cells, a known gap)', async () => {
    const leaks = await leaksOf({
      name: 'control',
      html: `<table><tr><td>${CARD.slice(0, 8)}</td><td>${CARD.slice(8)}</td></tr></table>`,
    });
    expect(leaks.card.length).to.be.greaterThan(0);
  });
});
