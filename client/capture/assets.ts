/**
 * Assets over the data channel. The agent's browser does not fetch the
 * customer's images, sprites, fonts and posters itself (it would send the
 * agent's IP address, user agent and its own cookies for that site, and it
 * cannot reach what sits behind the customer's login or intranet, nor the
 * customer's `blob:` URLs): the customer's browser reads them, as it already
 * has them, and sends them over the channel.
 *
 * Every DOM frame that went out is scanned for asset URLs (shared/asset-urls.ts)
 * in what was actually sent, so masking has already applied: a URL holding a
 * card number went out masked, and a masked URL is never fetched. Elements
 * the masking decides to mask (or anything inside a masked region) get no
 * asset: the agent must not see what the customer's page hides. Each asset
 * is fetched once (same-origin with the customer's credentials, cross-origin
 * only where CORS allows), content-addressed by its SHA-256, and its bytes
 * are sent once per channel, however many URLs share them.
 *
 * The bytes go in chunks of ASSET_CHUNK_BYTES, only while the transport's
 * backlog is below a low mark, so a DOM frame never waits behind more than
 * one chunk of asset data. A budget bounds the bytes sent per capture.
 */
import type { AssetPolicy, ChannelMessage, DomFrame, SerializedNode } from '../../shared/protocol.js';
import { MAX_ASSET_BYTES } from '../../shared/protocol.js';
import { assetKey, cssUrls, isSentUrlAttribute, sentAssetType } from '../../shared/asset-urls.js';
import { srcsetCandidates } from '../../shared/srcset.js';
import type { MaskDecision } from './mask.js';
import { getAttr, localNameOf, nodeTypeOf, parentNodeOf } from './dom-read.js';
import { pristine } from '../pristine.js';
import { sendableCssUrls } from './asset-css-scope.js';

/** The integrator's switches (`assets`, `asset-budget` and `asset-blobs` attributes of `<cobrowse-session>`). */
export interface AssetOptions {
  /**
   * 'channel' (default): assets only over the channel, the agent's browser
   * fetches nothing from the page's sites; 'fallback': what the customer
   * cannot send (cross-origin without CORS, over budget) the agent loads
   * itself; 'direct': the agent loads every asset itself (nothing sent).
   */
  policy?: AssetPolicy;
  /** Bytes of asset data sent per capture at most (default 32 MB). */
  budgetBytes?: number;
  /**
   * Whether `blob:` URLs are sent (the `asset-blobs` attribute; default no):
   * pages make them for previews of what the customer picked in a file input
   * (an ID card, a cheque), which the page itself may never have uploaded.
   */
  blobs?: boolean;
  /** How long one asset may take to fetch and read before it is given up (default 20 s). */
  timeoutMs?: number;
}

export interface AssetSenderHooks {
  window: Window;
  /** The current run: the node behind an id, and its masking decision. */
  run: () => { ids: { nodeOf(id: number): Node | undefined }; serializer: { decisionOf(el: Element): MaskDecision } };
  /** Sends a message that is not a DOM frame; false when the transport refused it (it is tried again). */
  send: (message: ChannelMessage) => boolean;
  /** Bytes waiting to go out on the transport. */
  backlog: () => number;
  errors: { caught(error: unknown): void };
}

export interface AssetStats {
  /** Distinct asset URLs seen in outgoing frames. */
  urls: number;
  /** Assets whose bytes went out. */
  sent: number;
  bytesSent: number;
  /** URLs answered with bytes sent earlier for another URL (same hash). */
  deduplicated: number;
  /** URLs the customer could not (or must not) send. */
  unavailable: number;
  /** Assets being fetched or waiting to be fetched, and messages waiting to be sent. */
  pending: number;
}

export type AssetMessage = Extract<ChannelMessage, { t: 'asset' | 'asset-data' }>;

/** Data per asset-data message: one of these is the longest a DOM frame waits behind assets. */
export const ASSET_CHUNK_BYTES = 16 * 1024;
/** Asset chunks go out only while less than this is waiting on the transport. */
const LOW_WATER_BYTES = 64 * 1024;
const DEFAULT_BUDGET_BYTES = 32 * 1024 * 1024;
const PARALLEL_FETCHES = 4;
const DEFAULT_TIMEOUT_MS = 20_000;
const PUMP_RETRY_MS = 16;
/** What maskUrl puts in place of masked digits: such a URL names nothing that exists. */
const MASK_CHARACTER = '\u2022';
const MAX_URL_LENGTH = 8_192;

export class AssetSender {
  readonly #hooks: AssetSenderHooks;
  readonly #policy: AssetPolicy;
  readonly #budget: number;
  readonly #timeoutMs: number;
  readonly #blobs: boolean;
  readonly #seen = new Set<string>();
  /** URLs referenced from CSS (a font there may come as octet-stream). */
  readonly #fromCss = new Set<string>();
  readonly #sentHashes = new Set<string>();
  readonly #fetchQueue: string[] = [];
  readonly #outbox: AssetMessage[] = [];
  #fetching = 0;
  #spent = 0;
  #pumpTimer: number | null = null;
  #stopped = false;
  readonly #abort: AbortController | null;
  readonly #stats = { urls: 0, sent: 0, bytesSent: 0, deduplicated: 0, unavailable: 0 };

  constructor(hooks: AssetSenderHooks, options: AssetOptions = {}) {
    this.#hooks = hooks;
    this.#policy = options.policy ?? 'channel';
    const budget = options.budgetBytes;
    this.#budget = typeof budget === 'number' && Number.isFinite(budget) && budget >= 0 ? budget : DEFAULT_BUDGET_BYTES;
    this.#blobs = options.blobs === true;
    const timeout = options.timeoutMs;
    this.#timeoutMs = typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS;
    this.#abort = typeof AbortController === 'function' ? new AbortController() : null;
  }

  get stats(): AssetStats {
    return { ...this.#stats, pending: this.#fetchQueue.length + this.#fetching + this.#outbox.length };
  }

  /** How the agent is to load assets (sent in every snapshot). */
  get policy(): AssetPolicy {
    return this.#policy;
  }

  /** Charges `bytes` of a joined frame's asset (frame-assets.ts) to this capture's budget; false when over it. */
  charge(bytes: number): boolean {
    if (this.#spent + bytes > this.#budget) return false;
    this.#spent += bytes;
    return true;
  }

  /** Queues a joined frame's asset message behind this page's own: it goes out at the same pace. */
  enqueue(message: AssetMessage): void {
    if (this.#stopped) return;
    this.#outbox.push(message);
    this.#pump();
  }

  /** A DOM frame went out: fetch and send the assets it refers to. */
  noteFrame(frame: DomFrame): void {
    if (this.#policy === 'direct' || this.#stopped) return;
    try {
      switch (frame.t) {
        case 'snapshot':
          for (const css of frame.adopted ?? []) this.#css(css, this.#hooks.window.document);
          this.#nodes(frame.nodes);
          return;
        case 'mutations':
          this.#nodes(frame.adds);
          for (const change of frame.attrs) this.#attributes(change.id, change.attributes);
          for (const change of frame.texts) this.#text(change.id, change.text);
          for (const sheet of frame.sheets ?? []) {
            const root = this.#sheetRoot(sheet.id);
            if (root !== undefined) for (const css of sheet.cssRules) this.#css(css, root);
          }
          return;
        default:
          return;
      }
    } catch (error) {
      this.#hooks.errors.caught(error);
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#abort?.abort();
    this.#fetchQueue.length = 0;
    this.#outbox.length = 0;
    if (this.#pumpTimer !== null) this.#hooks.window.clearTimeout(this.#pumpTimer);
    this.#pumpTimer = null;
  }

  #nodes(nodes: readonly SerializedNode[]): void {
    for (const node of nodes) {
      if (node.kind === 'el') {
        if (node.attributes !== undefined) this.#attributes(node.id, node.attributes, node.tag);
        if (node.cssRules !== undefined) {
          const root = this.#sheetRoot(node.id);
          if (root !== undefined) for (const css of node.cssRules) this.#css(css, root);
        }
      } else if (node.kind === 'shadow' || node.kind === 'doc') {
        const root = this.#sheetRoot(node.id);
        if (root !== undefined) for (const css of node.adopted ?? []) this.#css(css, root);
      } else if (node.kind === 'text') {
        this.#text(node.id, node.text);
      }
    }
  }

  /** Attribute values of element `id` as sent; `tag` when the record carries it. */
  #attributes(id: number, attributes: Readonly<Record<string, string | null>>, tag?: string): void {
    // Most elements carry no URL at all: say so before looking the node up (a snapshot asks for every element).
    if (tag !== undefined && !mayReferAssets(tag, attributes)) return;
    const node = this.#hooks.run().ids.nodeOf(id);
    if (node === undefined || nodeTypeOf(node) !== 1) return;
    const el = node as Element;
    // What the page hides is not fetched for the agent either.
    if (this.#hooks.run().serializer.decisionOf(el) !== 'clear') return;
    const localName = (tag ?? localNameOf(el)).toLowerCase();
    for (const name in attributes) {
      const value = attributes[name];
      if (value === null || value === undefined) continue;
      const lower = name.toLowerCase();
      if (lower === 'style') this.#css(value, null);
      else if (!isSentUrlAttribute(localName, lower)) continue;
      else if (localName === 'link' && !isAssetLink(el)) {
        // A stylesheet is not an asset: its rules travel with its <link> when the customer can read them
        // (cors-sheets.ts); say so, so that under 'fallback' the agent may load the rest itself.
        if (/(^|\s)stylesheet(\s|$)/i.test(getAttr(el, 'rel') ?? '') && lower === 'href') this.#notSent(value);
      } else if (lower === 'srcset' || lower === 'imagesrcset') {
        for (const candidate of srcsetCandidates(value)) this.#url(candidate.url);
      } else this.#url(value);
    }
  }

  /** A text node's text as sent: CSS when its parent is a <style>. */
  #text(id: number, text: string): void {
    // The test cssUrls starts with, before the node is looked up for every text node of a snapshot.
    if (!CSS_MAY_REFER.test(text)) return;
    const node = this.#hooks.run().ids.nodeOf(id);
    const parent = node === undefined ? null : parentNodeOf(node);
    if (parent === null || nodeTypeOf(parent) !== 1 || localNameOf(parent as Element) !== 'style') return;
    const root = this.#sheetRoot(parent as Element);
    if (root !== undefined) this.#css(text, root);
  }

  /**
   * Where the rules of a sheet owner (a style/link element, or a document or
   * shadow root by id) match; undefined when the owner is masked or blocked
   * (its rules' assets are not sent), null when unknown.
   */
  #sheetRoot(owner: number | Element): Document | ShadowRoot | null | undefined {
    const node = typeof owner === 'number' ? this.#hooks.run().ids.nodeOf(owner) : owner;
    if (node === undefined) return null;
    const type = nodeTypeOf(node);
    if (type === 9 || type === 11) return node as Document | ShadowRoot;
    if (type !== 1 || this.#hooks.run().serializer.decisionOf(node as Element) !== 'clear') return undefined;
    let top: Node = node;
    for (let up = parentNodeOf(top); up !== null; up = parentNodeOf(top)) top = up as Node;
    const topType = nodeTypeOf(top);
    return topType === 9 || topType === 11 ? (top as Document | ShadowRoot) : null;
  }

  /** `root`: where the CSS's rules match (null: unknown, or a style attribute already checked). */
  #css(css: string, root: Document | ShadowRoot | null): void {
    const urls = cssUrls(css).filter((url) => !this.#seen.has(assetKey(url.trim())));
    if (urls.length === 0) return;
    const run = this.#hooks.run();
    const scope = {
      window: this.#hooks.window,
      root,
      isClear: (el: Element) => run.serializer.decisionOf(el) === 'clear',
    };
    for (const url of sendableCssUrls(css, urls, scope)) this.#url(url, true);
  }

  /** `fromCss`: referenced from CSS, where a font may come as octet-stream. */
  #url(raw: string, fromCss = false): void {
    const key = assetKey(raw.trim());
    if (fromCss && key !== '' && key.length <= MAX_URL_LENGTH) this.#fromCss.add(key);
    if (key === '' || key.length > MAX_URL_LENGTH || this.#seen.has(key)) return;
    const lower = key.slice(0, 5).toLowerCase();
    // data: URLs travel inline already; anything but http(s) and blob: is not an asset.
    if (lower !== 'http:' && lower !== 'https' && lower !== 'blob:') return;
    this.#seen.add(key);
    // A user name or password in the URL (`https://u:p@host/…`): fetch refuses to build such a request (it threw,
    // a capture error), and no answer repeats it; the mirror keeps its placeholder.
    if (WITH_CREDENTIALS.test(key)) return;
    this.#stats.urls++;
    if (key.includes(MASK_CHARACTER) || (lower === 'blob:' && !this.#blobs)) {
      this.#unavailable(key, false);
      return;
    }
    this.#fetchQueue.push(key);
    this.#startFetches();
  }

  /** A URL the mirror asks about that the customer never sends as an asset (a stylesheet's). */
  #notSent(raw: string): void {
    const key = assetKey(raw.trim());
    if (key === '' || key.length > MAX_URL_LENGTH || this.#seen.has(key) || !/^https?:/i.test(key)) return;
    this.#seen.add(key);
    this.#unavailable(key, this.#policy === 'fallback' && !key.includes(MASK_CHARACTER));
  }

  #startFetches(): void {
    while (!this.#stopped && this.#fetching < PARALLEL_FETCHES && this.#fetchQueue.length > 0) {
      const url = this.#fetchQueue.shift();
      if (url === undefined) break;
      this.#fetching++;
      void this.#fetchOne(url).finally(() => {
        this.#fetching--;
        this.#startFetches();
      });
    }
  }

  async #fetchOne(url: string): Promise<void> {
    try {
      const bytes = await this.#read(url);
      if (this.#stopped) return;
      if (bytes === null) {
        // Not readable by the customer (cross-origin without CORS, gone, too large): the integrator decides.
        this.#unavailable(url, this.#policy === 'fallback');
        return;
      }
      const h = await contentHash(bytes.data);
      if (this.#stopped) return;
      if (!this.#sentHashes.has(h)) {
        if (this.#spent + bytes.data.byteLength > this.#budget) {
          this.#unavailable(url, this.#policy === 'fallback');
          return;
        }
        this.#spent += bytes.data.byteLength;
        this.#sentHashes.add(h);
        const size = bytes.data.byteLength;
        for (let at = 0; at < size; at += ASSET_CHUNK_BYTES) {
          this.#outbox.push({
            t: 'asset-data',
            hash: h,
            size,
            offset: at,
            data: bytes.data.subarray(at, at + ASSET_CHUNK_BYTES),
          });
        }
        this.#stats.sent++;
        this.#stats.bytesSent += size;
      } else this.#stats.deduplicated++;
      this.#outbox.push({ t: 'asset', url, hash: h, type: bytes.type });
      this.#pump();
    } catch (error) {
      if (!this.#stopped) {
        this.#hooks.errors.caught(error);
        this.#unavailable(url, this.#policy === 'fallback');
      }
    }
  }

  /** The asset's bytes and type as the customer's browser has them, or null. */
  async #read(url: string): Promise<{ data: Uint8Array<ArrayBuffer>; type: string } | null> {
    const win = this.#hooks.window;
    let sameOrigin = url.startsWith('blob:');
    if (!sameOrigin) {
      try {
        sameOrigin = new URL(url).origin === win.location.origin;
      } catch {
        return null;
      }
    }
    const init: RequestInit = {
      // The page's own credentials on its own site (images behind its login); none elsewhere.
      credentials: 'same-origin',
      mode: sameOrigin ? 'same-origin' : 'cors',
      // Most assets are in the browser's cache already: no second download.
      cache: 'force-cache',
      referrerPolicy: 'same-origin',
    };
    init.signal = this.#signal();
    const response = await pristine.fetch.call(globalThis, url, init);
    if (!response.ok) return null;
    const declared = Number(response.headers.get('content-length') ?? '');
    if (Number.isFinite(declared) && declared > MAX_ASSET_BYTES) return null;
    const data = await readAtMost(response, MAX_ASSET_BYTES);
    if (data === null || data.byteLength === 0) return null;
    const type = sentAssetType(response.headers.get('content-type'), data, this.#fromCss.has(url));
    return type === null ? null : { data, type };
  }

  /** Aborts the fetch (and the read of its body) when the capture stops or the asset takes too long. */
  #signal(): AbortSignal | undefined {
    const timeout = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(this.#timeoutMs) : undefined;
    if (this.#abort === null) return timeout;
    if (timeout === undefined || typeof AbortSignal.any !== 'function') return this.#abort.signal;
    return AbortSignal.any([this.#abort.signal, timeout]);
  }

  #unavailable(url: string, direct: boolean): void {
    this.#stats.unavailable++;
    this.#outbox.push({ t: 'asset', url, hash: null, direct });
    this.#pump();
  }

  /** Sends queued asset messages while the transport has room; then tries again shortly. */
  #pump(): void {
    if (this.#stopped) return;
    const win = this.#hooks.window;
    if (this.#pumpTimer !== null) {
      win.clearTimeout(this.#pumpTimer);
      this.#pumpTimer = null;
    }
    while (this.#outbox.length > 0 && this.#hooks.backlog() < LOW_WATER_BYTES) {
      const message = this.#outbox[0];
      if (message === undefined) break;
      let sent = false;
      try {
        sent = this.#hooks.send(message);
      } catch (error) {
        this.#hooks.errors.caught(error);
      }
      if (!sent) break;
      this.#outbox.shift();
    }
    if (this.#outbox.length > 0) this.#pumpTimer = win.setTimeout(() => this.#pump(), PUMP_RETRY_MS);
  }
}

/** An http(s) URL whose authority has a user name or password (an `@` before its path). */
const WITH_CREDENTIALS = /^(?:blob:)?https?:\/\/[^/?#]*@/i;

/**
 * The body, read chunk by chunk and given up past `max` bytes: a response
 * with no Content-Length may never end (an MJPEG camera) and arrayBuffer()
 * would hold all of it.
 */
async function readAtMost(response: Response, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const body = response.body;
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > max) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const data = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.byteLength;
  }
  return data;
}

/** CSS with no url() or image-set() refers to no asset (cssUrls' own first test). */
const CSS_MAY_REFER = /url\(|image-set/i;

/** Whether an element's attributes may name an asset: a style with url(), or a URL attribute sent for its tag. */
function mayReferAssets(tag: string, attributes: Readonly<Record<string, string | null>>): boolean {
  const localName = tag.toLowerCase();
  for (const name in attributes) {
    const lower = name.toLowerCase();
    if (lower === 'style' ? CSS_MAY_REFER.test(attributes[name] ?? '') : isSentUrlAttribute(localName, lower))
      return true;
  }
  return false;
}

/** A <link> whose href is an asset (an icon or a preloaded image or font), not a stylesheet or a page. */
function isAssetLink(link: Element): boolean {
  const rel = (getAttr(link, 'rel') ?? '').toLowerCase();
  if (/\bicon\b/.test(rel)) return true;
  if (/\b(preload|prefetch)\b/.test(rel)) return /^(image|font)$/i.test(getAttr(link, 'as') ?? '');
  return false;
}

/** Hex SHA-256 where WebCrypto exists (secure contexts); else two FNV-1a lanes (only this channel's cache relies on it). */
async function contentHash(data: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle !== undefined) {
    const digest = new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(data)));
    let hex = '';
    for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
    return hex;
  }
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ data.byteLength;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i] as number;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0') + '00000000';
}

/** The integrator's asset switches from `<cobrowse-session>` attributes (`assets="fallback"`, `asset-budget="8000000"`, `asset-blobs`). */
export function assetOptionsFrom(host: Element): AssetOptions {
  const options: AssetOptions = {};
  const policy = getAttr(host, 'assets')?.trim().toLowerCase();
  if (policy === 'channel' || policy === 'fallback' || policy === 'direct') options.policy = policy;
  if (getAttr(host, 'asset-blobs') !== null) options.blobs = true;
  const budget = Number(getAttr(host, 'asset-budget') ?? '');
  if (Number.isFinite(budget) && budget >= 0 && getAttr(host, 'asset-budget') !== null) options.budgetBytes = budget;
  return options;
}
