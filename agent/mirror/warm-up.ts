/**
 * Runs the agent's first-snapshot path once, on a small made-up page, while
 * the console waits for the customer: the customer's real first snapshot
 * then runs on warm code. On cold code (interpreted, without type feedback)
 * the first snapshot a console ever builds took about 100 ms longer at 10k
 * nodes than the ones after it (bench/agent-replay.mjs, its cold run against
 * its warm runs), and that snapshot is the one on the path from the
 * customer's Allow to the agent's first frame.
 *
 * The made-up page takes the customer's page's way: packed and decoded by
 * the codec (wire layout, msgpack, the channel's zod validation), then
 * built part by part, in time slices, into a mirror of its own that nobody
 * sees (its container is hidden) and that is destroyed once built. Nothing
 * leaves the console and no stage mark is taken.
 */
import { MessageDecoder, MessagePacker } from '../../shared/codec.js';
import { msgpackrUnpack } from '../../shared/msgpackr-unpack.js';
import { columnarNodeLists } from '../../shared/node-list-decode.js';
import { isDomFrame, type DomFrame } from '../../shared/protocol.js';
import { Mirror } from './mirror.js';

type SnapshotFrame = Extract<DomFrame, { t: 'snapshot' }>;
type SerializedNode = SnapshotFrame['nodes'][number];

/** Blocks of about 40 nodes each; 3 parts of them. */
const BLOCKS_PER_PART = 25;
const PARTS = 3;

export interface WarmUp {
  /** Resolves once it is over: true when the made-up page was built and shown in its hidden mirror. */
  readonly done: Promise<boolean>;
  /** Stops it now (a real snapshot is coming): its mirror is destroyed. */
  cancel(): void;
}

/** Starts warming up in a hidden box inside `container` (`frames`: the made-up page, or another for tests). */
export function warmUpFirstSnapshot(container: HTMLElement, frames: readonly DomFrame[] = madeUpSnapshot()): WarmUp {
  const box = container.ownerDocument.createElement('div');
  box.hidden = true;
  box.setAttribute('aria-hidden', 'true');
  container.append(box);
  let mirror: Mirror | null = null;
  let finish: (built: boolean) => void = () => undefined;
  const done = new Promise<boolean>((resolve) => {
    finish = (built) => {
      mirror?.destroy();
      mirror = null;
      box.remove();
      resolve(built);
    };
  });
  try {
    const decoded = decodedLikeTheChannel(frames);
    if (decoded.length < frames.length) throw new Error('the made-up page did not decode');
    mirror = new Mirror({
      container: box,
      stageMarks: false,
      onResyncNeeded: () => finish(false),
      onFrameApplied: (frame) => {
        if (frame.t === 'snapshot' && frame.final) finish(true);
      },
    });
    for (const frame of decoded) mirror?.apply(frame);
  } catch {
    // Only a warm-up: whatever went wrong, the real snapshot does not depend on it.
    finish(false);
  }
  return { done, cancel: () => finish(false) };
}

/** What the agent's channel would make of these frames: packed, then decoded and validated. */
function decodedLikeTheChannel(frames: readonly DomFrame[]): DomFrame[] {
  const packer = new MessagePacker();
  const decoder = new MessageDecoder({ unpack: msgpackrUnpack(), nodeLists: columnarNodeLists });
  const out: DomFrame[] = [];
  for (const frame of frames) {
    const result = decoder.decode(packer.pack(frame));
    if (result.ok && isDomFrame(result.message)) out.push(result.message);
  }
  return out;
}

/** A page of the usual kinds of nodes: layout boxes, text, links, lists, images, a table, form fields, SVG. */
export function madeUpSnapshot(): SnapshotFrame[] {
  let nextId = 1;
  const parts: SerializedNode[][] = [];
  let nodes: SerializedNode[] = [];
  const add = (node: SerializedNode): number => {
    nodes.push(node);
    return node.id;
  };
  const el = (parent: number, tag: string, attributes?: Record<string, string>): number =>
    add({ kind: 'el', id: nextId++, parent, tag, ...(attributes ? { attributes } : {}) });
  const text = (parent: number, value: string): number => add({ kind: 'text', id: nextId++, parent, text: value });

  add({ kind: 'doctype', id: nextId++, parent: 0, name: 'html' });
  const html = el(0, 'html', { lang: 'en' });
  const head = el(html, 'head');
  text(el(head, 'title'), 'Warm-up');
  text(
    el(head, 'style'),
    '.card { margin: 4px; color: #333 } .card:hover { color: #000 } .row > .col { display: inline-block }',
  );
  const body = el(html, 'body', { class: 'page' });
  for (let part = 0; part < PARTS; part++) {
    for (let i = 0; i < BLOCKS_PER_PART; i++) {
      const n = part * BLOCKS_PER_PART + i;
      const card = el(body, 'div', { class: `card c${n % 7}`, style: 'padding:4px;border:1px solid #ddd' });
      text(el(card, 'h3', { class: 'title' }), `Item ${n}`);
      const p = el(card, 'p', { class: 'desc' });
      text(p, 'Compare prices and shipping before checkout ');
      text(el(p, 'a', { href: `/product/${n}`, class: 'link' }), 'details');
      text(el(p, 'em'), ' today');
      const list = el(card, 'ul', { class: 'tags' });
      for (let t = 0; t < 4; t++) text(el(list, 'li', { class: `tag t${t}` }), `tag ${t}`);
      el(card, 'img', { src: '/img.svg', alt: `Item ${n}`, width: '32', height: '32' });
      const row = el(el(card, 'table', { class: 'grid' }), 'tr', { class: n % 2 === 0 ? 'even' : 'odd' });
      for (let c = 0; c < 3; c++) text(el(row, 'td', { style: 'text-align:right' }), `$${c + n}.00`);
      const form = el(card, 'form', { action: '/save', method: 'post' });
      text(el(form, 'label', { for: `name${n}` }), 'Name');
      add({
        kind: 'el',
        id: nextId++,
        parent: form,
        tag: 'input',
        attributes: { id: `name${n}`, type: 'text' },
        value: 'Customer',
      });
      add({
        kind: 'el',
        id: nextId++,
        parent: form,
        tag: 'input',
        attributes: { type: 'checkbox' },
        checked: n % 2 === 0,
      });
      const svg = add({
        kind: 'el',
        id: nextId++,
        parent: card,
        tag: 'svg',
        namespace: 'svg',
        attributes: { width: '16', height: '16' },
      });
      add({ kind: 'el', id: nextId++, parent: svg, tag: 'use', namespace: 'svg', attributes: { href: '#icon' } });
      add({ kind: 'comment', id: nextId++, parent: card, text: 'end of card' });
    }
    parts.push(nodes);
    nodes = [];
  }
  return parts.map((partNodes, part) => ({
    t: 'snapshot',
    seq: part,
    part,
    final: part === parts.length - 1,
    url: 'https://warm-up.invalid/',
    title: 'Warm-up',
    viewportWidth: 1024,
    viewportHeight: 768,
    devicePixelRatio: 1,
    scrollX: 0,
    scrollY: 0,
    nodes: partNodes,
    assets: 'channel',
  }));
}

interface IdleWindow {
  requestIdleCallback?: (run: () => void, options: { timeout: number }) => number;
  cancelIdleCallback?: (handle: number) => void;
}

/** The console's warm-up: once, when its window is idle, and stopped as soon as a real snapshot is on its way. */
export class FirstSnapshotWarmUpScheduler {
  #started = false;
  #cancelScheduled: (() => void) | null = null;
  #running: WarmUp | null = null;

  /** Warms up in `container` at the window's next idle moment (once per console). */
  schedule(container: HTMLElement): void {
    if (this.#started) return;
    this.#started = true;
    const view = container.ownerDocument.defaultView as (Window & IdleWindow) | null;
    const run = (): void => {
      this.#cancelScheduled = null;
      this.#running = warmUpFirstSnapshot(container);
      void this.#running.done.then(() => (this.#running = null));
    };
    if (typeof view?.requestIdleCallback === 'function') {
      const handle = view.requestIdleCallback(run, { timeout: 1_000 });
      this.#cancelScheduled = () => view.cancelIdleCallback?.(handle);
    } else {
      const timer = setTimeout(run, 0);
      this.#cancelScheduled = () => clearTimeout(timer);
    }
  }

  /** A real snapshot is coming (or the console closes): no warm-up competes with it. */
  stop(): void {
    this.#started = true;
    this.#cancelScheduled?.();
    this.#cancelScheduled = null;
    this.#running?.cancel();
    this.#running = null;
  }
}
