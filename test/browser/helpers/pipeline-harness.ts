/**
 * The whole DOM pipeline in one page: a customer page in a same-origin iframe,
 * the real CaptureEngine, every message through the real codec and chunking
 * (MessageEncoder → chunkMessage → ChunkAssembler → MessageDecoder), and the
 * real Mirror. Plus the comparisons the fidelity tests make between the
 * customer's page and the mirror.
 */
import { CaptureEngine } from '../../../client/capture/capture-engine.js';
import type { MaskConfig } from '../../../client/capture/mask-dom.js';
import type { CanvasOptions } from '../../../client/capture/canvas.js';
import type { AssetOptions } from '../../../client/capture/assets.js';
import type { FrameBridgeOptions } from '../../../client/capture/frame-bridge.js';
import { Mirror } from '../../../agent/mirror/mirror.js';
import { LINK_STAND_IN_ATTRIBUTE, MIRROR_CSP } from '../../../agent/mirror/build-node.js';
import { INERT_TAG, SHADOW_FALLBACK_TAG } from '../../../agent/mirror/masked-style.js';
import { MessageDecoder } from '../../../shared/codec.js';
import { MessageEncoder } from '../../../shared/message-encoder.js';
import { ChunkAssembler, chunkMessage } from '../../../shared/framing.js';
import { isDomFrame, type ChannelMessage, type DomFrame } from '../../../shared/protocol.js';
import { inflateStream } from '../../../shared/inflate-stream.js';
import { isFetchedUrlAttribute } from '../../../shared/asset-urls.js';
import { pristine } from '../../../client/pristine.js';
import { nextFrames, within } from './waits.js';

export { nextFrames };

/** Small chunks, so that snapshots really are cut and reassembled. */
const WIRE_CHUNK_BYTES = 4 * 1024;
export const CUSTOMER_FRAME_ID = 'customer-frame';

export interface CustomerPage {
  frame: HTMLIFrameElement;
  win: Window & typeof globalThis;
  doc: Document;
}

/**
 * Loads a served blank page (so the customer has a real http URL on the test
 * origin) into a same-origin iframe of `width`×`height`, then writes `html`
 * into it. Inline scripts of `html` run: it is the customer's own page.
 */
export async function loadCustomerPage(html: string, width = 800, height = 600): Promise<CustomerPage> {
  const frame = document.createElement('iframe');
  frame.id = CUSTOMER_FRAME_ID;
  frame.style.cssText = `border:0;display:block;width:${width}px;height:${height}px;`;
  const loaded = new Promise<void>((resolve) => frame.addEventListener('load', () => resolve(), { once: true }));
  frame.src = '/test/browser/pages/blank.html';
  document.body.append(frame);
  await within(loaded, 15_000, 'the customer frame loading');
  const win = frame.contentWindow as Window & typeof globalThis;
  const doc = win.document;
  doc.open();
  doc.write(html);
  doc.close();
  await waitForImages([doc]);
  await nextFrames(win, 2);
  return { frame, win, doc };
}

/** Waits until every <img> of these roots (and their frames/shadow roots) has loaded or failed. */
export async function waitForImages(roots: (Document | ShadowRoot)[]): Promise<void> {
  const images: HTMLImageElement[] = [];
  for (const root of allRoots(roots)) for (const img of root.querySelectorAll('img')) images.push(img);
  const decoded = images.map((img) => (img.complete ? Promise.resolve() : img.decode().catch(() => undefined)));
  await within(Promise.all(decoded), 15_000, `${images.length} images decoding`);
}

/** Every document and open shadow root reachable from `roots`, through same-origin iframes. */
export function allRoots(roots: (Document | ShadowRoot)[]): (Document | ShadowRoot)[] {
  const found: (Document | ShadowRoot)[] = [];
  const pending = [...roots];
  while (pending.length > 0) {
    const root = pending.shift();
    if (!root) break;
    found.push(root);
    for (const element of root.querySelectorAll('*')) {
      const shadow = element.shadowRoot ?? pristine.closedShadowRoots.get(element);
      if (shadow) pending.push(shadow);
      if (element.localName === 'iframe') {
        let nested: Document | null = null;
        try {
          nested = (element as HTMLIFrameElement).contentDocument;
        } catch {
          nested = null;
        }
        if (nested) pending.push(nested);
      }
    }
  }
  return found;
}

export interface PipelineOptions {
  mask?: Partial<MaskConfig>;
  canvas?: CanvasOptions;
  assets?: AssetOptions;
  /** The console lets the customer's asset policy make the agent's browser fetch (default no). */
  allowAgentFetches?: boolean;
  /** Cross-origin frames that may join (frame-bridge.ts). */
  frames?: FrameBridgeOptions;
  /** Changes each encoded message before it goes on the wire (controls that break the wire on purpose). */
  tamper?: (bytes: Uint8Array) => Uint8Array;
  /** When node lists' strings start going on side streams (default: the product's). */
  sideStreamsAfterBytes?: number;
  /** The snapshot walk's slices: their budget and a hold before each (CaptureEngineOptions). */
  sliceBudgetMs?: number;
  holdSlices?: () => Promise<void> | null;
}

/** The element that holds the mirror's iframe (for Playwright locators). */
export const MIRROR_CONTAINER_ID = 'mirror-container';

/** A node of a mirror's container in this test page (our own UI when the customer's page is this page). */
function isMirrorContainerNode(node: Node): boolean {
  const element = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
  return element?.closest(`#${MIRROR_CONTAINER_ID}`) != null;
}

/** Customer page → CaptureEngine → codec and chunks → Mirror, all in this page. */
export class Pipeline {
  readonly customer: CustomerPage;
  readonly engine: CaptureEngine;
  readonly mirror: Mirror;
  readonly container: HTMLElement;
  /** Every message as decoded on the agent side, delivered or not. */
  readonly decoded: ChannelMessage[] = [];
  /** Every encoded message as it went on the wire (before chunking). */
  readonly wire: Uint8Array[] = [];
  readonly resyncRequests: (number | null)[] = [];
  readonly appliedSeqs: number[] = [];
  readonly decodeErrors: string[] = [];
  /** Decides, per decoded DOM frame, whether it is lost on the way to the mirror. */
  dropFrame: ((frame: DomFrame) => boolean) | null = null;
  readonly dropped: DomFrame[] = [];

  readonly #encoder: MessageEncoder;
  readonly #assembler = new ChunkAssembler();
  readonly #decoder = new MessageDecoder({ inflater: inflateStream });
  readonly #tamper: (bytes: Uint8Array) => Uint8Array;

  constructor(customer: CustomerPage, options: PipelineOptions = {}) {
    this.customer = customer;
    this.#tamper = options.tamper ?? ((bytes) => bytes);
    const after = options.sideStreamsAfterBytes;
    this.#encoder = new MessageEncoder(after === undefined ? {} : { sideStreamsAfterBytes: after });
    this.container = document.createElement('div');
    this.container.style.cssText = 'display:block;position:relative;';
    this.container.id = MIRROR_CONTAINER_ID;
    document.body.append(this.container);
    this.mirror = new Mirror({
      container: this.container,
      onResyncNeeded: (lastSeq) => this.resyncRequests.push(lastSeq),
      onFrameApplied: (frame) => this.appliedSeqs.push(frame.seq),
      ...(options.allowAgentFetches === true ? { allowAgentFetches: true } : {}),
    });
    this.engine = new CaptureEngine({
      window: customer.win,
      send: (message) => this.#transmit(message),
      ...(options.mask ? { mask: options.mask } : {}),
      ...(options.canvas ? { canvas: options.canvas } : {}),
      ...(options.assets ? { assets: options.assets } : {}),
      ...(options.frames ? { frames: options.frames } : {}),
      ...(options.sliceBudgetMs === undefined ? {} : { sliceBudgetMs: options.sliceBudgetMs }),
      ...(options.holdSlices ? { holdSlices: options.holdSlices } : {}),
      // A customer page that is the test page itself: the mirrors beside it are not part of it.
      ...(customer.win === window ? { isOwnUi: isMirrorContainerNode } : {}),
    });
  }

  /** Starts the capture and waits until the snapshot is in the mirror and its images are loaded. */
  async start(): Promise<void> {
    await within(this.engine.start(), 30_000, 'the capture starting');
    await this.settle();
  }

  /** Lets the capture flush (animation frames of the customer) and the mirror's images load. */
  async settle(frames = 2): Promise<void> {
    await nextFrames(this.customer.win, frames);
    await this.assetsArrived();
    await waitForImages([this.mirrorDocument()]);
  }

  /** Waits until the customer has sent every asset it found and the mirror has put each in place. */
  async assetsArrived(): Promise<void> {
    for (let i = 0; i < 1_000; i++) {
      if (this.engine.stats.assets.pending === 0 && !this.mirror.assetStats.rebindDue) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('assets never arrived');
  }

  mirrorDocument(): Document {
    const doc = this.mirror.iframe.contentDocument;
    if (!doc) throw new Error('the mirror has no document');
    return doc;
  }

  dispose(): void {
    this.engine.stop();
    this.mirror.destroy();
    this.container.remove();
    this.customer.frame.remove();
  }

  /** The real wire: encode, chunk, reassemble, decode; then the mirror applies DOM frames in order. */
  #transmit(message: ChannelMessage): boolean {
    const bytes = this.#tamper(this.#encoder.encode(message));
    this.wire.push(bytes);
    for (const chunk of chunkMessage(bytes, WIRE_CHUNK_BYTES)) {
      const assembled = this.#assembler.push(chunk);
      if ('error' in assembled) {
        this.decodeErrors.push(assembled.error.code);
        continue;
      }
      if (!('complete' in assembled)) continue;
      // Compression state is shared, so even a frame "lost" to the mirror is decoded here.
      const result = this.#decoder.decode(assembled.complete);
      if (!result.ok) {
        this.decodeErrors.push(result.error.code);
        continue;
      }
      this.decoded.push(result.message);
      if (result.message.t === 'asset' || result.message.t === 'asset-data') {
        this.mirror.applyAsset(result.message);
        continue;
      }
      if (!isDomFrame(result.message)) continue;
      if (this.dropFrame?.(result.message)) {
        this.dropped.push(result.message);
        continue;
      }
      this.mirror.apply(result.message);
    }
    return true;
  }
}

// ---------------------------------------------------------------------------
// Comparison

/** Attributes the mirror removes or owns on purpose (see agent/mirror/sanitize.ts). */
const SANITIZED_ATTRIBUTES = new Set([
  'srcdoc',
  'ping',
  'target',
  'formtarget',
  'autofocus',
  'autoplay',
  'http-equiv',
  'sandbox',
  'nonce',
  'integrity',
]);
/** Form state is compared through properties: the mirror reflects it into attributes. */
const FORM_STATE_ATTRIBUTES = new Set(['value', 'checked', 'selected']);
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'poster',
  'xlink:href',
  'data',
  'cite',
  'background',
]);

/** Layout and paint properties compared element by element. */
export const COMPARED_PROPERTIES = [
  'display',
  'position',
  'width',
  'height',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'font-size',
  'font-weight',
  'font-family',
  'color',
  'background-color',
  'border-top-width',
  'border-right-width',
  'border-bottom-width',
  'border-left-width',
  'flex-direction',
  'flex-wrap',
  'flex-grow',
  'flex-shrink',
  'flex-basis',
  'justify-content',
  'align-items',
  'grid-template-columns',
  'grid-template-rows',
  'grid-column-start',
  'grid-row-start',
  'column-gap',
  'row-gap',
  'visibility',
  'opacity',
  'transform',
] as const;

type Side = 'customer' | 'mirror';

function isElementNode(node: Node): node is Element {
  return node.nodeType === Node.ELEMENT_NODE;
}

function skipped(node: Node, side: Side): boolean {
  if (node.nodeType === Node.COMMENT_NODE || node.nodeType === Node.PROCESSING_INSTRUCTION_NODE) return true;
  if (!isElementNode(node)) return false;
  const tag = node.localName;
  if (side === 'customer') return tag === 'script';
  if (tag === INERT_TAG) return node.getAttribute('data-cobrowse-mirror-tag') === 'script';
  return (
    tag === 'meta' &&
    node.getAttribute('http-equiv') === 'Content-Security-Policy' &&
    (node.getAttribute('content') ?? '').startsWith(MIRROR_CSP)
  );
}

function normalizedAttributes(element: Element): string {
  const parts: string[] = [];
  for (const attribute of element.attributes) {
    const name = attribute.name.toLowerCase();
    if (name.startsWith('data-cobrowse-mirror') || name.startsWith('on')) continue;
    if (SANITIZED_ATTRIBUTES.has(name) || FORM_STATE_ATTRIBUTES.has(name)) continue;
    if (element.localName === 'iframe' && name === 'src') continue;
    let value = attribute.value;
    // An asset shows as a blob: URL of the console in the mirror, an SVG as a base64 data: URL (or a
    // placeholder until it arrives): whether it is the same image is for the screenshot comparisons to say.
    const placeholder = value.includes('#cobrowse-asset-');
    if (
      isFetchedUrlAttribute(element.localName, name) &&
      (placeholder || !/^\s*(data:(?!image\/svg\+xml;base64,)|#|$)/i.test(value))
    )
      value = '<asset>';
    else if (name === 'style')
      value = value.replace(
        /url\(\s*(["']?)(?!data:(?!image\/svg\+xml;base64,)(?![^"')]*#cobrowse-asset-))[^"')]*\1\s*\)/gi,
        'url(<asset>)',
      );
    else if (URL_ATTRIBUTES.has(name) && value.trim() !== '' && !value.startsWith('#')) {
      try {
        value = new URL(value, element.ownerDocument.baseURI).href;
      } catch {
        /* compared as written */
      }
    }
    parts.push(`${name}=${JSON.stringify(value)}`);
  }
  return parts.sort().join(' ');
}

function formState(element: Element, masked: boolean): string {
  const tag = element.localName;
  const parts: string[] = [];
  if (tag === 'input') {
    const input = element as HTMLInputElement;
    if (input.type !== 'file' && !masked) parts.push(`value=${JSON.stringify(input.value)}`);
    if (input.type === 'checkbox' || input.type === 'radio') parts.push(`checked=${input.checked}`);
  } else if (tag === 'textarea' || tag === 'select') {
    if (!masked) parts.push(`value=${JSON.stringify((element as HTMLTextAreaElement).value)}`);
  } else if (tag === 'option') {
    parts.push(`selected=${(element as HTMLOptionElement).selected}`);
  } else if (tag === 'style') {
    parts.push(`rules=${(element as HTMLStyleElement).sheet?.cssRules.length ?? 'none'}`);
  }
  return parts.join(' ');
}

function isLinkStandIn(node: Element): boolean {
  return node.localName === 'style' && node.hasAttribute(LINK_STAND_IN_ATTRIBUTE);
}

/** Children in render order: an open shadow root first, a frame's document, then light children. */
function childrenOf(node: Node, side: Side): Node[] {
  const children: Node[] = [];
  if (isElementNode(node) && isLinkStandIn(node)) return children;
  if (isElementNode(node)) {
    const closed = side === 'customer' ? pristine.closedShadowRoots.get(node) : undefined;
    if (side === 'customer' && (node.shadowRoot ?? closed)) children.push((node.shadowRoot ?? closed) as ShadowRoot);
    if (side === 'mirror' && node.shadowRoot) children.push(node.shadowRoot);
    if (node.localName === 'iframe') {
      const nested = (node as HTMLIFrameElement).contentDocument;
      if (nested) children.push(nested);
    }
  }
  for (const child of node.childNodes) {
    // The mirror's wrapper for a shadow root on a host that cannot have one counts as the root.
    if (side === 'mirror' && isElementNode(child) && child.localName === SHADOW_FALLBACK_TAG) children.unshift(child);
    else children.push(child);
  }
  return children;
}

function describe(node: Node, side: Side, isMasked: (node: Node) => boolean): string {
  if (node.nodeType === Node.DOCUMENT_NODE) return '#document';
  if (node.nodeType === Node.DOCUMENT_FRAGMENT_NODE) return '#shadow';
  if (node.nodeType === Node.DOCUMENT_TYPE_NODE) return `<!doctype ${(node as DocumentType).name}>`;
  if (node.nodeType === Node.TEXT_NODE) {
    const parent = node.parentNode;
    if (parent && isElementNode(parent) && parent.localName === 'style') return '#text(css)';
    return isMasked(node) ? '#text(masked)' : `#text ${JSON.stringify((node as Text).data)}`;
  }
  if (!isElementNode(node)) return `#node ${node.nodeType}`;
  if (side === 'mirror' && node.localName === SHADOW_FALLBACK_TAG) return '#shadow';
  // The mirror shows a readable <link> sheet as a <style> stand-in with its rules (by design).
  if (isLinkStandIn(node) || (node.localName === 'link' && /\bstylesheet\b/i.test(node.getAttribute('rel') ?? '')))
    return '<link stylesheet>';
  const masked = isMasked(node);
  return `<${node.localName} ${normalizedAttributes(node)}> ${formState(node, masked)}`.trim();
}

/** One line per node, indented by depth, of a whole composed tree. */
export function normalizedTree(root: Node, side: Side, isMasked: (node: Node) => boolean = () => false): string[] {
  const lines: string[] = [];
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length > 0) {
    const entry = stack.pop();
    if (!entry) break;
    const [node, depth] = entry;
    if (skipped(node, side)) continue;
    lines.push(`${'  '.repeat(depth)}${describe(node, side, isMasked)}`);
    const children = childrenOf(node, side);
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push([child, depth + 1]);
    }
  }
  return lines;
}

/** The first differing lines of two normalized trees, or [] when equal. */
export function treeDifferences(customer: string[], mirror: string[], limit = 8): string[] {
  const differences: string[] = [];
  const length = Math.max(customer.length, mirror.length);
  for (let i = 0; i < length && differences.length < limit; i++) {
    if (customer[i] !== mirror[i])
      differences.push(`line ${i}:\n  customer: ${customer[i] ?? '(none)'}\n  mirror:   ${mirror[i] ?? '(none)'}`);
  }
  return differences;
}

/** Masked per the mirror: the node's id (or, for a text, its parent's) is marked masked. */
function maskedInMirror(pipeline: Pipeline): (node: Node) => boolean {
  return (node) => {
    const id = pipeline.mirror.idOf(node);
    if (id !== undefined && pipeline.mirror.isMasked(id)) return true;
    return isElementNode(node) && node.hasAttribute('data-cobrowse-mirror-masked');
  };
}

/** Customer nodes the mirror shows as masked (same id). */
function maskedInCustomer(pipeline: Pipeline): (node: Node) => boolean {
  const mirrorMasked = maskedInMirror(pipeline);
  return (node) => {
    const id = pipeline.engine.idOf(node);
    if (id === undefined) return false;
    const mirrored = pipeline.mirror.nodeById(id);
    return mirrored !== undefined && mirrorMasked(mirrored);
  };
}

/** Normalized DOM differences between the customer's page and the mirror ([] when equal). */
export function domDifferences(pipeline: Pipeline): string[] {
  const customer = normalizedTree(pipeline.customer.doc, 'customer', maskedInCustomer(pipeline));
  const mirror = normalizedTree(pipeline.mirrorDocument(), 'mirror', maskedInMirror(pipeline));
  return treeDifferences(customer, mirror);
}

function label(element: Element): string {
  const id = element.id ? `#${element.id}` : '';
  const cls = element.getAttribute('class') ? `.${element.getAttribute('class')?.trim().split(/\s+/).join('.')}` : '';
  return `<${element.localName}${id}${cls}>`;
}

function numericClose(a: string, b: string): boolean {
  if (a === b) return true;
  const numbersA = a.match(/-?\d+(\.\d+)?(e-?\d+)?/g);
  const numbersB = b.match(/-?\d+(\.\d+)?(e-?\d+)?/g);
  if (!numbersA || !numbersB || numbersA.length !== numbersB.length) return false;
  if (a.replace(/-?\d+(\.\d+)?(e-?\d+)?/g, '#') !== b.replace(/-?\d+(\.\d+)?(e-?\d+)?/g, '#')) return false;
  return numbersA.every((value, i) => Math.abs(Number(value) - Number(numbersB[i])) <= 1);
}

/**
 * For every captured element that the mirror holds under the same id:
 * computed style (COMPARED_PROPERTIES, lengths within 1px), the bounding box
 * within 1px, scroll offsets, and ::before/::after content.
 */
export function styleDifferences(pipeline: Pipeline, limit = 12): string[] {
  const differences: string[] = [];
  const masked = maskedInMirror(pipeline);
  for (const root of allRoots([pipeline.customer.doc])) {
    for (const element of root.querySelectorAll('*')) {
      if (differences.length >= limit) return differences;
      if (element.localName === 'script') continue;
      const id = pipeline.engine.idOf(element);
      if (id === undefined) {
        differences.push(`${label(element)} has no capture id`);
        continue;
      }
      const twin = pipeline.mirror.nodeById(id);
      if (!twin || !isElementNode(twin)) {
        differences.push(`${label(element)} (#${id}) is missing in the mirror`);
        continue;
      }
      const view = element.ownerDocument.defaultView;
      const twinView = twin.ownerDocument.defaultView;
      if (!view || !twinView) continue;
      const style = view.getComputedStyle(element);
      const twinStyle = twinView.getComputedStyle(twin);
      for (const property of COMPARED_PROPERTIES) {
        // A canvas in the mirror is an inline-block box with transparent fallback text (masked-style.ts), by design.
        if (element.localName === 'canvas' && (property === 'display' || property === 'color')) continue;
        const a = style.getPropertyValue(property);
        const b = twinStyle.getPropertyValue(property);
        if (!numericClose(a, b)) differences.push(`${label(element)} ${property}: customer ${a} mirror ${b}`);
      }
      for (const pseudo of ['::before', '::after'] as const) {
        const a = view.getComputedStyle(element, pseudo).content;
        const b = twinView.getComputedStyle(twin, pseudo).content;
        if (a !== b) differences.push(`${label(element)}${pseudo} content: customer ${a} mirror ${b}`);
      }
      const box = element.getBoundingClientRect();
      const twinBox = twin.getBoundingClientRect();
      for (const side of ['x', 'y', 'width', 'height'] as const) {
        if (Math.abs(box[side] - twinBox[side]) > 1)
          differences.push(`${label(element)} box ${side}: customer ${box[side]} mirror ${twinBox[side]}`);
      }
      if (
        !masked(twin) &&
        (Math.abs(element.scrollTop - twin.scrollTop) > 1 || Math.abs(element.scrollLeft - twin.scrollLeft) > 1)
      ) {
        differences.push(
          `${label(element)} scroll: customer ${element.scrollLeft},${element.scrollTop} mirror ${twin.scrollLeft},${twin.scrollTop}`,
        );
      }
    }
  }
  const win = pipeline.customer.win;
  const mirrorWin = pipeline.mirrorDocument().defaultView;
  if (mirrorWin && (Math.abs(win.scrollX - mirrorWin.scrollX) > 1 || Math.abs(win.scrollY - mirrorWin.scrollY) > 1)) {
    differences.push(
      `window scroll: customer ${win.scrollX},${win.scrollY} mirror ${mirrorWin.scrollX},${mirrorWin.scrollY}`,
    );
  }
  if (mirrorWin && (mirrorWin.innerWidth !== win.innerWidth || mirrorWin.innerHeight !== win.innerHeight)) {
    differences.push(
      `viewport: customer ${win.innerWidth}x${win.innerHeight} mirror ${mirrorWin.innerWidth}x${mirrorWin.innerHeight}`,
    );
  }
  return differences;
}

/** DOM and style differences together ([] when the mirror is faithful). */
export function fidelityDifferences(pipeline: Pipeline): string[] {
  const dom = domDifferences(pipeline);
  if (dom.length > 0) return dom.map((line) => `DOM ${line}`);
  return styleDifferences(pipeline);
}

/** A small seeded PRNG (mulberry32): the same seed gives the same mutation sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
