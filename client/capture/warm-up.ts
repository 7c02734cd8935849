/**
 * Runs the capture's first-snapshot path on a small made-up document while
 * the customer reads the consent prompt, so that the real first snapshot
 * after Allow runs on code V8 has already compiled and optimised (cold, the
 * first snapshot in a page cost about half again as much as the next one).
 *
 * Nothing of the page is read, observed or sent: the document is a detached
 * one (document.implementation.createHTMLDocument: no window, no script, no
 * fetch) built from a fixed template, walked, masked and packed in short
 * idle slices, and the packed bytes are dropped. Its markup has no <style>
 * and no style attribute (inline styles are set through the CSSOM): the
 * page's CSP applies to that document too and would report them. No
 * observer, listener, prototype patch or stage mark; only
 * requestIdleCallback, so a busy page gets no warm-up rather than a slower
 * page. stop() ends it at once (the customer answered the prompt).
 */
import type { DomFrame, SerializedNode } from '../../shared/protocol.js';
import { MessagePacker } from '../../shared/codec.js';
import { maskNumbers } from '../../shared/sensitive-numbers.js';
import { pristine } from '../pristine.js';
import { CaptureRun } from './capture-run.js';
import { createMaskConfig, type MaskConfig } from './mask-dom.js';
import { maskPageUrl } from './mask.js';
import { SensitiveFields } from './typing-mask.js';
import { SheetReader } from './stylesheets.js';
import { walkSnapshot } from './snapshot.js';

/** A slice stays short: the customer's click on Allow waits for at most one. */
const SLICE_MS = 3;
/** Walks of the made-up document, each a fresh run as a real snapshot is. */
const ROUNDS = 3;
/** Blocks of the template (about 60 nodes each). */
const BLOCKS = 20;

type IdleWindow = Window &
  typeof globalThis & {
    requestIdleCallback?: (callback: () => void) => number;
    cancelIdleCallback?: (handle: number) => void;
  };

export interface CaptureWarmUp {
  /** True once every round was walked and packed; false when stopped or failed. */
  readonly done: Promise<boolean>;
  /** Stops now: no further slice runs. */
  stop(): void;
  /** What it walked and packed so far (for tests). */
  readonly stats: { parts: number; nodes: number; bytes: number };
}

/** Starts warming up in idle time (nothing at all where the browser has no requestIdleCallback). */
export function warmUpCapture(win: IdleWindow = window as IdleWindow): CaptureWarmUp {
  let stopped = false;
  const stats = { parts: 0, nodes: 0, bytes: 0 };
  let pending: { handle: number; resume: () => void } | null = null;
  const request = win.requestIdleCallback;
  const cancel = win.cancelIdleCallback;
  const idle = (): Promise<void> =>
    new pristine.Promise<void>((resolve) => {
      if (stopped || request === undefined) return resolve();
      const resume = () => {
        pending = null;
        resolve();
      };
      pending = { handle: request.call(win, resume), resume };
    });
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    const waiting = pending;
    if (waiting === null) return;
    cancel?.call(win, waiting.handle);
    waiting.resume();
  };
  const run = async (): Promise<boolean> => {
    if (request === undefined) return false;
    await idle();
    if (stopped) return false;
    const doc = await madeUpDocument(win.document.implementation, idle);
    if (stopped) return false;
    const packer = new MessagePacker();
    const sheets = new SheetReader(win);
    const mask = createMaskConfig();
    for (let round = 0; round < ROUNDS; round++) {
      if ((await walkOnce(doc, { packer, sheets, mask, idle, stopped: () => stopped, win, stats })) !== 'done')
        return false;
    }
    return true;
  };
  const done = run().catch(() => false);
  return { done, stop, stats };
}

interface WalkTools {
  packer: MessagePacker;
  sheets: SheetReader;
  mask: MaskConfig;
  idle: () => Promise<void>;
  stopped: () => boolean;
  win: Window;
  stats: CaptureWarmUp['stats'];
}

function walkOnce(doc: Document, tools: WalkTools): Promise<'done' | 'aborted'> {
  const { packer, sheets, mask, idle, stopped, win, stats } = tools;
  const none = (): void => undefined;
  const run = new CaptureRun({
    topDocument: doc,
    sensitiveFields: new SensitiveFields(),
    mask,
    sheets,
    isOwnUi: () => false,
    roots: () => [],
    observeRoot: none,
    queueInput: none,
    formSerialized: none,
    mediaPlaying: none,
    canvasSerialized: none,
    frameSerialized: none,
    snapshotting: () => true,
  });
  const serializer = run.serializer;
  serializer.typing.echoes.startPrescan(doc, (el) => serializer.decisionOf(el) === 'mask');
  let part = 0;
  return walkSnapshot({
    serializer,
    ids: run.ids,
    topDocument: doc,
    budgetMs: SLICE_MS,
    now: () => win.performance.now(),
    yieldToEventLoop: idle,
    beforeSlice: () => undefined,
    emitPart: (nodes: SerializedNode[], final: boolean) => {
      if (stopped()) return false;
      const frame: DomFrame = {
        t: 'snapshot',
        seq: part,
        part: part++,
        final,
        url: maskPageUrl(doc.URL),
        title: serializer.typing.echoes.mask(maskNumbers(doc.title)).text,
        viewportWidth: 1280,
        viewportHeight: 720,
        devicePixelRatio: 1,
        scrollX: 0,
        scrollY: 0,
        nodes,
      };
      stats.bytes += packer.pack(frame).length;
      stats.parts++;
      stats.nodes += nodes.length;
      return true;
    },
    movedAway: () => false,
    cancelled: stopped,
    // Its page is small, but what it warms up is the walk of a big page, a part per slice.
    smallPageOnePart: false,
  });
}

/** Blocks of the template parsed per idle slice (the first slice parses the most code cold). */
const BLOCKS_PER_SLICE = 4;

/** The made-up page: common kinds of elements, attributes, texts with numbers, form fields and shadow roots. */
async function madeUpDocument(implementation: DOMImplementation, idle: () => Promise<void>): Promise<Document> {
  const doc = implementation.createHTMLDocument('Order 4417 · Example shop');
  doc.body.innerHTML = `<header class="top"><nav><a href="/">Home</a> <a href="/account?id=${BLOCKS}">Account</a></nav></header><main></main><footer>Call 0800 123 4567</footer>`;
  const main = doc.querySelector('main');
  for (let i = 0; i < BLOCKS && main !== null; i++) {
    if (i % BLOCKS_PER_SLICE === 0) await idle();
    main.insertAdjacentHTML('beforeend', block(i));
    const host = main.lastElementChild;
    // Inline styles through the CSSOM only: a <style> or style attribute in markup would break the page's CSP.
    if (host instanceof HTMLElement) host.style.margin = `${i}px`;
    if (host?.classList.contains('host') === true) {
      host.attachShadow({ mode: 'open' }).innerHTML = '<span class="badge">12 items</span><slot></slot>';
    }
  }
  return doc;
}

function block(i: number): string {
  switch (i % 4) {
    case 0:
      return (
        `<div class="card c${i}" data-id="${i}"><h3>Item ${i}</h3>` +
        `<p>Ships in ${i + 2} days, <a href="/item/${i}?ref=list">details</a> <em>only $${i}9.99</em>.</p>` +
        `<ul><li>Size ${i}</li><li>Colour</li><li>Ref 4000 1234 5678 90${i}</li></ul>` +
        `<img src="/img/${i}.png" alt="Item ${i}" width="32" height="32" srcset="/img/${i}@2x.png 2x"></div>`
      );
    case 1:
      return (
        `<table class="grid"><thead><tr><th>Order</th><th>Date</th><th>Total</th></tr></thead><tbody>` +
        `<tr><td>#${i}01</td><td>2026-01-0${i % 9}</td><td>$${i}4.00</td></tr>` +
        `<tr class="odd"><td>#${i}02</td><td>2026-02-1${i % 9}</td><td>$${i}7.50</td></tr></tbody></table>`
      );
    case 2:
      return (
        `<form action="/save" method="post"><fieldset><legend>Address</legend>` +
        `<label for="n${i}">Name</label><input id="n${i}" name="name" value="Sam ${i}">` +
        `<label for="e${i}">Email</label><input id="e${i}" type="email" name="email" value="sam${i}@example.com">` +
        `<label for="p${i}">Password</label><input id="p${i}" type="password" value="pw${i}">` +
        `<label>Card <input name="cc-number" autocomplete="cc-number" inputmode="numeric" value="4111 1111 1111 111${i}"></label>` +
        `<select name="country"><option>France</option><option selected>Spain</option></select>` +
        `<textarea name="notes">Gate code ${i}42</textarea>` +
        `<label><input type="checkbox" checked> Gift</label><label><input type="radio" name="r${i}"> Fast</label>` +
        `<button type="submit">Save</button></fieldset></form>`
      );
    default:
      return (
        `<section class="panel host" aria-label="Panel ${i}"><h2>Help</h2><div class="row"><p>Text us on 555-01${i}7</p>` +
        `<div contenteditable="true">Draft ${i}</div><span data-cobrowse-mask>Ref ${i}</span></div>` +
        `<svg width="16" height="16" viewBox="0 0 16 16"><path d="M0 0h16v16z"></path></svg>` +
        `<blockquote>Quote ${i}<cite>Someone</cite></blockquote><button type="button">Like</button></section>`
      );
  }
}
