/**
 * The customer's assets in the mirror (see client/capture/assets.ts): every
 * URL the mirror would fetch (shared/asset-urls.ts) is answered from what the
 * customer sent over the channel, as a `blob:` URL of the console's origin,
 * except SVG images, which are `data:` URLs: an SVG is a document that runs
 * its scripts when opened on its own ("Open image in new tab"), and as a
 * `blob:` URL it would open in the console's origin, with the agent's
 * cookie; a `data:` document has an opaque origin. Only an SVG `<use>`
 * reference (which Chromium refuses from `data:`, and which no menu opens)
 * gets the `blob:` URL. Assets are kept per content hash for the session (a resync or a page that reuses an
 * image costs nothing). Until an asset arrives the mirror shows a transparent
 * placeholder, which makes no request; when it arrives the placeholders that
 * stand for it are swapped for it, in attributes and in style sheets.
 *
 * The console pins 'channel' unless it allows otherwise (allowAgentFetches).
 * Under the 'channel' policy the mirror never fetches an asset from the
 * page's sites (and its documents carry a Content-Security-Policy that
 * allows images, fonts and media only from `data:` and `blob:`, as a second
 * layer); under 'fallback' it loads what the customer said it cannot send;
 * 'direct' (and customers that predate this) leaves URLs as they are.
 */
import type { AssetPolicy, ChannelMessage } from '../../shared/protocol.js';
import { assetKey, assetType } from '../../shared/asset-urls.js';

type AssetFrame = Extract<ChannelMessage, { t: 'asset' }>;
type AssetDataFrame = Extract<ChannelMessage, { t: 'asset-data' }>;

/**
 * How a URL is used: fetched by an attribute or by CSS, referenced by an SVG
 * `<use>` (drawn in place, never shown as an image of its own), or only
 * followed (links, form actions).
 */
export type UrlUse = 'attribute' | 'css' | 'reference' | 'link';

/** A transparent 1×1 GIF: shown (without any request) where an asset has not arrived yet. */
const PLACEHOLDER_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
export const PLACEHOLDER_MARK = '#cobrowse-asset-';
const PLACEHOLDER_PATTERN =
  /data:image\/gif;base64,R0lGODlhAQABAIAAAAAAAP\/\/\/yH5BAEAAAAALAAAAAABAAEAAAIBRAA7#cobrowse-asset-(\d+)/g;
/**
 * Asset bytes kept for one session at most, counting assets still arriving
 * at their declared size from their first chunk; past it new assets are not
 * kept (their placeholders stay).
 */
export const MAX_STORED_BYTES = 128 * 1024 * 1024;
/** Assets arriving at once at most: an honest customer sends one asset's chunks at a time. */
export const MAX_INCOMING_ASSETS = 4;
/** Partial (or unannounced) asset data with no new chunk for this long is dropped. */
export const INCOMING_TIMEOUT_MS = 30_000;

/** Extra policy for mirror documents under the 'channel' policy: nothing fetched from any site. */
export const CHANNEL_ONLY_CSP =
  "img-src data: blob:; font-src data: blob:; media-src data: blob:; style-src 'unsafe-inline' data: blob:";

interface Binding {
  h: string | null;
  direct: boolean;
}

interface Incoming {
  size: number;
  received: number;
  chunks: Uint8Array[];
  /** When its last chunk came (the store's clock). */
  lastAt: number;
}

export interface AssetStoreOptions {
  /** Milliseconds, for the timeout of partial data (default performance.now). */
  now?: () => number;
  /**
   * Whether the console lets a customer's 'fallback' or 'direct' make the
   * agent's browser fetch from the page's sites (default no: 'channel'
   * whatever the customer's snapshot says, as a hostile page could otherwise
   * learn the agent's IP address).
   */
  allowAgentFetches?: () => boolean;
}

export interface AssetStoreStats {
  /** Assets held, and their bytes. */
  assets: number;
  bytes: number;
  /** Placeholders handed out (URLs asked for before their asset arrived). */
  placeholders: number;
  /** Asset-data messages that did not fit (out of order, over the limit, too many at once, timed out). */
  dropped: number;
  /** Arrived assets are about to be put in place of their placeholders. */
  rebindDue: boolean;
}

export class AssetStore {
  #policy: AssetPolicy = 'direct';
  readonly #bindings = new Map<string, Binding>();
  readonly #blobs = new Map<string, string>();
  /** SVG assets as `data:` URLs, by content hash: what every use but an SVG `<use>` gets. */
  readonly #svgImages = new Map<string, string>();
  readonly #incoming = new Map<string, Incoming>();
  /** Placeholder number → the full URL (fragment kept) it stands for. */
  readonly #placeholders: string[] = [];
  readonly #placeholderOf = new Map<string, number>();
  /**
   * Elements with a placeholder the mirror handed out, and in which attributes:
   * only these are swapped (a page's own `href="data:…#cobrowse-asset-N"` on a
   * link must not become a blob: URL of the console's origin).
   */
  readonly #holders = new Map<Element, Set<string>>();
  #cssPending = false;
  #stored = 0;
  /** Declared sizes of the assets in #incoming. */
  #reserved = 0;
  #dropped = 0;
  readonly #now: () => number;
  readonly #allowAgentFetches: () => boolean;
  readonly #schedule: (rebind: () => void) => void;
  #rebindDue = false;
  readonly #roots: () => Iterable<Document | ShadowRoot>;

  /** `schedule` runs the rebinding once per animation frame; `roots` lists the mirror's documents and shadow roots. */
  constructor(
    schedule: (rebind: () => void) => void,
    roots: () => Iterable<Document | ShadowRoot>,
    options: AssetStoreOptions = {},
  ) {
    this.#schedule = schedule;
    this.#roots = roots;
    this.#now = options.now ?? (() => performance.now());
    this.#allowAgentFetches = options.allowAgentFetches ?? (() => false);
  }

  get policy(): AssetPolicy {
    return this.#policy;
  }

  /**
   * The policy of the snapshot being built (absent: a customer that sends no
   * assets). The console decides: anything but 'channel' only where it allows
   * the agent's browser to fetch.
   */
  setPolicy(policy: AssetPolicy | undefined): void {
    this.#policy = this.#allowAgentFetches() ? (policy ?? 'direct') : 'channel';
  }

  /** What a mirror document's CSP adds under the current policy. */
  get extraCsp(): string {
    return this.#policy === 'channel' ? CHANNEL_ONLY_CSP : '';
  }

  get stats(): AssetStoreStats {
    return {
      assets: this.#blobs.size,
      bytes: this.#stored,
      placeholders: this.#placeholders.length,
      dropped: this.#dropped,
      rebindDue: this.#rebindDue,
    };
  }

  /** The URL the mirror uses for `url` (absolute, already allowed) used as `use`. */
  resolve(url: string, use: UrlUse): string {
    if (use === 'link' || this.#policy === 'direct' || url.startsWith('#') || /^data:/i.test(url)) return url;
    const key = assetKey(url);
    const binding = this.#bindings.get(key);
    if (binding !== undefined) {
      const blob = binding.h === null ? undefined : this.#urlOf(binding.h, use);
      if (blob !== undefined) return blob + url.slice(key.length);
      if (binding.h === null && binding.direct && this.#policy === 'fallback' && !/^blob:/i.test(url)) return url;
    }
    if (use === 'css') this.#cssPending = true;
    return this.#placeholder(url);
  }

  /** The mirror put a placeholder in attribute `name` of `element`: it is updated when the asset arrives. */
  notePending(element: Element, name: string): void {
    const names = this.#holders.get(element);
    if (names === undefined) this.#holders.set(element, new Set([name]));
    else names.add(name);
  }

  /** The customer's answer for one URL. */
  applyAsset(frame: AssetFrame): void {
    this.#bindings.set(assetKey(frame.url), { h: frame.hash, direct: frame.direct === true });
    if (frame.hash !== null && !this.#blobs.has(frame.hash)) {
      // The bytes came first (asset-data); only now is the type known.
      const complete = this.#incoming.get(frame.hash);
      if (complete !== undefined && complete.received === complete.size) this.#store(frame.hash, complete, frame.type);
    }
    this.#rebindSoon();
  }

  /** A piece of an asset's bytes; pieces of one asset come in order. */
  applyData(frame: AssetDataFrame): void {
    if (this.#blobs.has(frame.hash)) return;
    const now = this.#now();
    let incoming = this.#incoming.get(frame.hash);
    if (frame.offset === 0) {
      if (incoming !== undefined) this.#forget(frame.hash);
      this.#dropStale(now);
      // In-flight bytes count from the first chunk: unannounced partial data cannot grow past the cap.
      if (this.#incoming.size >= MAX_INCOMING_ASSETS || this.#stored + this.#reserved + frame.size > MAX_STORED_BYTES) {
        this.#dropped++;
        return;
      }
      incoming = { size: frame.size, received: 0, chunks: [], lastAt: now };
      this.#incoming.set(frame.hash, incoming);
      this.#reserved += frame.size;
    }
    if (
      incoming === undefined ||
      incoming.size !== frame.size ||
      incoming.received !== frame.offset ||
      incoming.received + frame.data.byteLength > incoming.size
    ) {
      this.#forget(frame.hash);
      this.#dropped++;
      return;
    }
    incoming.chunks.push(frame.data);
    incoming.received += frame.data.byteLength;
    incoming.lastAt = now;
  }

  /** Drops the data of an asset that has not (fully) arrived. */
  #forget(h: string): void {
    const incoming = this.#incoming.get(h);
    if (incoming === undefined) return;
    this.#incoming.delete(h);
    this.#reserved -= incoming.size;
  }

  /** Partial or unannounced data with no chunk for INCOMING_TIMEOUT_MS is dropped. */
  #dropStale(now: number): void {
    for (const [h, incoming] of this.#incoming) {
      if (now - incoming.lastAt > INCOMING_TIMEOUT_MS) {
        this.#forget(h);
        this.#dropped++;
      }
    }
  }

  /** The end of the session: every blob URL is freed. */
  destroy(): void {
    for (const url of this.#blobs.values()) URL.revokeObjectURL(url);
    this.#blobs.clear();
    this.#svgImages.clear();
    this.#incoming.clear();
    this.#reserved = 0;
    this.#holders.clear();
  }

  #store(h: string, incoming: Incoming, type: string | undefined): void {
    this.#forget(h);
    const kept = assetType(type);
    const blob = new Blob(incoming.chunks as BlobPart[], { type: kept });
    this.#blobs.set(h, URL.createObjectURL(blob));
    if (kept === 'image/svg+xml') this.#svgImages.set(h, `data:image/svg+xml;base64,${base64Of(incoming.chunks)}`);
    this.#stored += incoming.size;
  }

  /** The URL of stored asset `h` for `use`: an SVG's `data:` URL unless an SVG `<use>` references it. */
  #urlOf(h: string, use: UrlUse): string | undefined {
    return (use === 'reference' ? undefined : this.#svgImages.get(h)) ?? this.#blobs.get(h);
  }

  #placeholder(url: string): string {
    let index = this.#placeholderOf.get(url);
    if (index === undefined) {
      index = this.#placeholders.length;
      this.#placeholders.push(url);
      this.#placeholderOf.set(url, index);
    }
    return `${PLACEHOLDER_IMAGE}${PLACEHOLDER_MARK}${index}`;
  }

  /** `text` with every placeholder whose asset has arrived replaced; `unresolved` says whether some remain. */
  #replace(text: string, use: UrlUse): { text: string; unresolved: boolean } {
    let unresolved = false;
    const replaced = text.replace(PLACEHOLDER_PATTERN, (whole, index: string) => {
      const url = this.#placeholders[Number(index)];
      if (url === undefined) return whole;
      const now = this.resolve(url, use);
      if (now.includes(PLACEHOLDER_MARK)) unresolved = true;
      return now.includes(PLACEHOLDER_MARK) ? whole : now;
    });
    return { text: replaced, unresolved };
  }

  #rebindSoon(): void {
    if (this.#rebindDue) return;
    this.#rebindDue = true;
    this.#schedule(() => {
      this.#rebindDue = false;
      this.#rebind();
    });
  }

  #rebind(): void {
    for (const [element, names] of [...this.#holders]) {
      if (!element.isConnected) {
        this.#holders.delete(element);
        continue;
      }
      for (const name of [...names]) {
        const value = element.getAttribute(name);
        const result =
          value === null || !value.includes(PLACEHOLDER_MARK)
            ? { text: value, unresolved: false }
            : this.#replace(value, attributeUse(element, name));
        if (result.text !== value && result.text !== null) element.setAttribute(name, result.text);
        if (!result.unresolved) names.delete(name);
      }
      if (names.size === 0) this.#holders.delete(element);
    }
    if (this.#cssPending) this.#cssPending = this.#rebindSheets();
  }

  /** Rules holding placeholders are replaced by their resolved text; true while some placeholders remain. */
  #rebindSheets(): boolean {
    let unresolved = false;
    const visit = (parent: CSSStyleSheet | CSSGroupingRule): void => {
      const rules = parent.cssRules;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i];
        if (rule === undefined) continue;
        const text = rule.cssText;
        if (!text.includes(PLACEHOLDER_MARK)) continue;
        if ('cssRules' in rule && !('style' in rule)) {
          visit(rule as CSSGroupingRule);
          continue;
        }
        const result = this.#replace(text, 'css');
        unresolved ||= result.unresolved;
        if (result.text === text) continue;
        try {
          parent.deleteRule(i);
          parent.insertRule(result.text, i);
        } catch {
          // A rule this browser will not take back as text stays as it was.
        }
      }
    };
    for (const root of this.#roots()) {
      const sheets = [...Array.from(root.styleSheets), ...root.adoptedStyleSheets];
      for (const sheet of sheets) {
        try {
          visit(sheet);
        } catch {
          // A sheet that cannot be read (a link the agent's browser loaded itself) holds no placeholder.
        }
      }
    }
    return unresolved;
  }
}

/** `doc` and every open shadow root and frame document inside it. */
export function mirrorRoots(doc: Document): (Document | ShadowRoot)[] {
  const roots: (Document | ShadowRoot)[] = [];
  const pending: (Document | ShadowRoot)[] = [doc];
  for (let root = pending.pop(); root !== undefined; root = pending.pop()) {
    roots.push(root);
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot !== null) pending.push(element.shadowRoot);
      if (element.localName === 'iframe') {
        const inner = (element as HTMLIFrameElement).contentDocument;
        if (inner !== null) pending.push(inner);
      }
    }
  }
  return roots;
}

/** How the URL in attribute `name` of `element` (holding a placeholder) is used. */
function attributeUse(element: Element, name: string): UrlUse {
  const lowerName = name.toLowerCase();
  if (lowerName === 'style') return 'css';
  return element.localName === 'use' && (lowerName === 'href' || lowerName === 'xlink:href')
    ? 'reference'
    : 'attribute';
}

/** Base64 of the bytes in `chunks`, in slices (String.fromCharCode takes a bounded number of arguments). */
function base64Of(chunks: readonly Uint8Array[]): string {
  const parts: string[] = [];
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += 0x8000) {
      parts.push(String.fromCharCode(...chunk.subarray(at, at + 0x8000)));
    }
  }
  return btoa(parts.join(''));
}
