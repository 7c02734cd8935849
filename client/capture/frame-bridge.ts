/**
 * The page's side of the bridge to cross-origin iframes that embed our script
 * (handshake and messages: shared/protocol/frame-bridge.ts). Exists only inside a
 * running capture, so only after the customer's consent; a frame captures
 * nothing until this side says hello, and stops when it says stop.
 *
 * Trust: a frame is joined only when its origin is one the integrator listed
 * (`frame-origins`) and the message came from the window of an <iframe> this
 * capture serialized (a frame-ready that came before is kept for that
 * <iframe> until then); after that, only messages on the private port count.
 * An <iframe> blocked or masked on the live DOM (an ancestor marked after it
 * went out, or moved into a blocked region) is neither joined nor forwarded. What the frame sends is parsed with the channel's
 * schemas and every id goes through its own FrameIdMap (frame-translate.ts),
 * so a frame can add nodes only under its own document in the mirror.
 * Masking happened in the frame, by the frame's integrator's rules.
 */
import { channelMessage, isDomFrame, type AssetPolicy, type ChannelMessage } from '../../shared/protocol.js';
import {
  FRAME_BRIDGE_TAG,
  FRAME_BRIDGE_VERSION,
  frameGone,
  frameReady,
  type FrameControl,
  type FrameHello,
} from '../../shared/protocol/frame-bridge.js';
import { parseOrigins } from '../../shared/frame-handshake.js';
import { FrameIdMap } from './frame-translate.js';
import type { UnsequencedDomFrame } from './dom-frame-sender.js';
import type { MaskDecision } from './mask.js';
import type { TopLayerEntry } from './top-layer.js';
import { pristine } from '../pristine.js';
import { iframeDocument } from './dom-nodes.js';

/**
 * Messages a frame may have waiting before its stream is restarted instead (a frame flooding the page):
 * bounds the memory a frame can make the page hold and the work of one flush.
 */
const MAX_INBOX = 2_000;
/**
 * Frames whose frame-ready came before their <iframe> was serialized as cross-origin, kept until it is (the oldest
 * goes first): a frame announces itself once when it loads, and a page that loads while the walk has not reached its
 * <iframe>, or read it while it still showed its first, blank document, would otherwise wait for a probe never sent.
 */
const MAX_EARLY = 16;

export interface FrameBridgeOptions {
  /** Origins of the frames that may join (`frame-origins`). */
  origins: readonly string[];
  /** Messages a frame may have waiting (default MAX_INBOX; the flood test's control turns it off with Infinity). */
  maxInbox?: number;
}

export interface FrameBridgeHooks {
  run: () => {
    ids: { reserve(): number };
    serializer: {
      decideNow(el: Element, ancestry: undefined, keep: false): MaskDecision;
      captureParent(node: Node): Node | null;
    };
    collector: { isRemovedInMirror(node: Node): boolean };
  };
  assetPolicy: () => AssetPolicy;
  /** Sends a DOM frame of a frame's content in the page's stream; false when the transport refused it. */
  sendDom: (frame: UnsequencedDomFrame) => boolean;
  /** Hands an asset message of a frame to the page's asset path (frame-assets.ts: the page's budget and pace). */
  sendAsset: (message: Extract<ChannelMessage, { t: 'asset' | 'asset-data' }>) => boolean;
  /** Something arrived from a frame: flush soon. */
  schedule: () => void;
  caught: (error: unknown) => void;
}

export interface FrameBridgeStats {
  /** Frames joined now. */
  joined: number;
  /** Page frames sent for the frames' content. */
  forwarded: number;
  /** Messages ignored: wrong origin or window, not ours, or invalid (a frame-ready that came early is counted here too). */
  refused: number;
  /** Frames joined on a frame-ready that came before their <iframe> was serialized as cross-origin. */
  joinedEarly: number;
  /** Times a frame's stream was restarted (an id it never sent, parts out of order, a flood). */
  restarts: number;
  /** Messages from frames waiting for the next flush. */
  queued: number;
  /** The most messages of one frame a single flush handled. */
  largestBatch: number;
}

interface Link {
  readonly iframe: Element;
  readonly window: Window;
  port: MessagePort;
  /** Null between a new page run and the <iframe>'s serialization in it. */
  ids: FrameIdMap | null;
  inbox: unknown[];
  /** Its stream was restarted: drop everything until its next snapshot starts. */
  awaitingSnapshot: boolean;
  /** Its page said frame-gone: nothing answers on this port any more (a new page there must say ready). */
  gone: boolean;
  /** The frame's own top layer (modal dialogs, popovers), in page ids, as it last said. */
  topLayer: TopLayerEntry[];
}

const probe = { cobrowse: FRAME_BRIDGE_TAG, v: FRAME_BRIDGE_VERSION, kind: 'frame-probe' } as const;

export class FrameBridge {
  readonly #origins: ReadonlySet<string>;
  readonly #maxInbox: number;
  readonly #hooks: FrameBridgeHooks;
  /** Cross-origin <iframe>s serialized in this run, with their ids. */
  #candidates = new Map<Element, number>();
  readonly #links = new Map<Element, Link>();
  readonly #windows = new Set<Window>();
  /** Windows that said frame-ready (from a listed origin) before their <iframe> was a candidate, with that origin. */
  readonly #early = new Map<Window, string>();
  /** The window each <iframe> was probed in, in this run: a ready from there joins it, no second probe needed. */
  #probed = new WeakMap<Element, Window>();
  readonly #onMessage = (event: Event): void => this.#message(event as MessageEvent);
  #stopped = false;
  readonly stats: FrameBridgeStats = {
    joined: 0,
    forwarded: 0,
    refused: 0,
    joinedEarly: 0,
    restarts: 0,
    queued: 0,
    largestBatch: 0,
  };

  constructor(options: FrameBridgeOptions, hooks: FrameBridgeHooks) {
    this.#origins = new Set(options.origins);
    this.#maxInbox = options.maxInbox ?? MAX_INBOX;
    this.#hooks = hooks;
  }

  /** Listens for frames announcing themselves to this captured window (the top one, or a same-origin iframe's). */
  attachWindow(win: Window): void {
    if (this.#stopped || this.#windows.has(win)) return;
    this.#windows.add(win);
    pristine.addEventListener.call(win, 'message', this.#onMessage);
  }

  /** A new page run: every frame's ids start over once its <iframe> is serialized again. */
  newRun(): void {
    this.#candidates = new Map();
    this.#probed = new WeakMap();
    for (const link of this.#links.values()) {
      link.ids = null;
      this.#empty(link);
      link.topLayer = [];
    }
  }

  /** An <iframe> was serialized with this id: join its frame (again) if it is cross-origin and not hidden. */
  frameSerialized(iframe: Element, id: number): void {
    if (this.#stopped || iframeDocument(iframe) !== null || !this.#shownClear(iframe)) return;
    this.#candidates.set(iframe, id);
    const link = this.#links.get(iframe);
    const win = (iframe as HTMLIFrameElement).contentWindow;
    const early = win === null ? undefined : this.#early.get(win);
    if (win !== null && early !== undefined) {
      // Its page said ready before this (a new page there, too, if it was joined): join it now.
      this.#early.delete(win);
      this.stats.joinedEarly++;
      this.#join(iframe, win, early);
      return;
    }
    if (link !== undefined && link.window === win && !link.gone) {
      // The mirror has the <iframe> afresh (a new run, or it was re-added): the frame's content follows from a fresh snapshot.
      this.#restart(link, id);
      return;
    }
    if (win === null) return;
    this.#probed.set(iframe, win);
    for (const origin of this.#origins) {
      try {
        win.postMessage(probe, origin);
      } catch (error) {
        this.#hooks.caught(error);
      }
    }
  }

  /**
   * A serialized <iframe> loaded a cross-origin page: as frameSerialized, unless its frame is joined in this run
   * already (a new page there announces itself; its stream is not restarted for a load) or probed (a load before the
   * answer came: a second probe would bring a second ready, and a second hello restarting the frame's capture).
   */
  frameLoaded(iframe: Element, id: number): void {
    const win = (iframe as HTMLIFrameElement).contentWindow;
    if (
      this.#candidates.get(iframe) === id &&
      (this.#links.get(iframe)?.window === win || this.#probed.get(iframe) === win)
    )
      return;
    this.frameSerialized(iframe, id);
  }

  /** Sends what the frames sent since the last flush, translated; false when the transport refused a frame. */
  flush(): boolean {
    for (const link of [...this.#links.values()]) {
      if (!this.#current(link)) {
        this.#close(link);
        continue;
      }
      const inbox = link.inbox;
      this.#empty(link);
      this.stats.largestBatch = Math.max(this.stats.largestBatch, inbox.length);
      for (const data of inbox) if (!this.#deliver(link, data)) return false;
    }
    return true;
  }

  /** The joined frames' top layers (page ids), to show above the page's own (capture-engine.ts sends them in its `top` frame). */
  get topLayer(): TopLayerEntry[] {
    return [...this.#links.values()].flatMap((link) => link.topLayer);
  }

  /** Ends every frame's capture and stops listening. Final. */
  stop(): void {
    this.#stopped = true;
    for (const win of this.#windows) {
      try {
        pristine.removeEventListener.call(win, 'message', this.#onMessage);
      } catch {
        // A frame's first, same-origin document was captured and its window has since gone cross-origin.
      }
    }
    this.#windows.clear();
    this.#early.clear();
    for (const link of [...this.#links.values()]) this.#close(link);
    this.#candidates.clear();
  }

  /** The link's <iframe> is still the one serialized in this run, showing the same window, and still clear. */
  #current(link: Link): boolean {
    const iframe = link.iframe as HTMLIFrameElement;
    return (
      link.ids !== null &&
      this.#candidates.has(iframe) &&
      iframe.contentWindow === link.window &&
      this.#shownClear(iframe)
    );
  }

  /**
   * The <iframe> is in the mirror and clear now: connected, neither it nor a node above it removed from the mirror,
   * and no marker or selector blocks or masks it on the live DOM. The decision cached when it went out is not enough:
   * a marker set on an ancestor since re-sends that ancestor only (as a leaf, when blocked).
   */
  #shownClear(iframe: Element): boolean {
    if (!iframe.isConnected) return false;
    const run = this.#hooks.run();
    if (run.serializer.decideNow(iframe, undefined, false) !== 'clear') return false;
    for (let node: Node | null = iframe; node !== null; node = run.serializer.captureParent(node))
      if (run.collector.isRemovedInMirror(node)) return false;
    return true;
  }

  #message(event: MessageEvent): void {
    try {
      const data: unknown = event.data;
      if (typeof data !== 'object' || data === null || (data as { cobrowse?: unknown }).cobrowse !== FRAME_BRIDGE_TAG)
        return;
      const source = event.source;
      if (this.#stopped || !frameReady.safeParse(data).success || !this.#origins.has(event.origin) || source === null) {
        this.stats.refused++;
        return;
      }
      const iframe = this.#iframeShowing(source);
      if (iframe === null) {
        this.stats.refused++;
        // Maybe the window of an <iframe> the walk has not reached, or read while it still showed its first, blank page.
        if (this.#framedHere(source as Window)) this.#remember(source as Window, event.origin);
        return;
      }
      this.#join(iframe, source as Window, event.origin);
    } catch (error) {
      this.#hooks.caught(error);
    }
  }

  /** Whether `win` is a frame of a captured window (not a popup, a nested frame or a captured window itself). */
  #framedHere(win: Window): boolean {
    try {
      return !this.#windows.has(win) && this.#windows.has(win.parent);
    } catch {
      return false;
    }
  }

  /** Keeps an early frame-ready, the latest MAX_EARLY windows at most. */
  #remember(win: Window, origin: string): void {
    this.#early.delete(win);
    this.#early.set(win, origin);
    for (const oldest of this.#early.keys()) {
      if (this.#early.size <= MAX_EARLY) break;
      this.#early.delete(oldest);
    }
  }

  /** The serialized <iframe> whose window is `source`, if any. */
  #iframeShowing(source: MessageEventSource | null): Element | null {
    if (source === null) return null;
    for (const iframe of this.#candidates.keys())
      if ((iframe as HTMLIFrameElement).contentWindow === source) return iframe;
    return null;
  }

  #join(iframe: Element, win: Window, origin: string): void {
    const id = this.#candidates.get(iframe);
    if (id === undefined) return;
    if (!this.#shownClear(iframe)) {
      this.stats.refused++;
      return;
    }
    const previous = this.#links.get(iframe);
    if (previous !== undefined) this.#post(previous, { t: 'frame-stop' });
    previous?.port.close();
    if (previous !== undefined) this.#empty(previous);
    const channel = new MessageChannel();
    const hello: FrameHello = {
      cobrowse: FRAME_BRIDGE_TAG,
      v: FRAME_BRIDGE_VERSION,
      kind: 'frame-hello',
      assets: this.#hooks.assetPolicy(),
    };
    // Delivered only if the frame's origin is still `origin`: a frame navigated meanwhile gets nothing.
    win.postMessage(hello, origin, [channel.port2]);
    const link: Link = {
      iframe,
      window: win,
      port: channel.port1,
      // A frame that announced itself again (its page changed) keeps its map: its next snapshot replaces the old document.
      ids: previous?.ids ?? new FrameIdMap(id, () => this.#hooks.run().ids.reserve()),
      inbox: [],
      awaitingSnapshot: false,
      gone: false,
      topLayer: previous?.topLayer ?? [],
    };
    link.port.onmessage = (event: MessageEvent) => this.#received(link, event.data);
    this.#links.set(iframe, link);
    this.stats.joined = this.#links.size;
  }

  #received(link: Link, data: unknown): void {
    if (this.#links.get(link.iframe) !== link) return;
    // Noted now: a new page run drops the inbox, and its walk must then probe this window instead of restarting the port.
    if ((data as { t?: unknown } | null)?.t === 'frame-gone' && frameGone.safeParse(data).success) link.gone = true;
    if (link.inbox.length >= this.#maxInbox) {
      this.#restart(link, null);
      return;
    }
    link.inbox.push(data);
    this.stats.queued++;
    this.#hooks.schedule();
  }

  #empty(link: Link): void {
    this.stats.queued -= link.inbox.length;
    link.inbox = [];
  }

  /** Restarts a frame's stream with a fresh snapshot; `iframeId`: under this new id of the <iframe> (a new page run). */
  #restart(link: Link, iframeId: number | null): void {
    this.stats.restarts++;
    if (iframeId !== null) link.ids = new FrameIdMap(iframeId, () => this.#hooks.run().ids.reserve());
    this.#empty(link);
    link.awaitingSnapshot = true;
    link.topLayer = [];
    this.#post(link, { t: 'frame-resync' });
  }

  /** One message of a frame: sent on translated, or ignored. False when the transport refused. */
  #deliver(link: Link, data: unknown): boolean {
    const ids = link.ids;
    if (ids === null) return true;
    if (frameGone.safeParse(data).success) {
      // The frame's page is going away: its content leaves the mirror; a new page there announces itself.
      link.awaitingSnapshot = false;
      link.topLayer = [];
      return this.#sendAll(link, ids.clear());
    }
    const parsed = channelMessage.safeParse(data);
    if (!parsed.success) {
      this.stats.refused++;
      return true;
    }
    const message = parsed.data;
    if (message.t === 'asset' || message.t === 'asset-data') return this.#hooks.sendAsset(message);
    if (!isDomFrame(message)) return true;
    if (link.awaitingSnapshot) {
      if (message.t !== 'snapshot' || message.part !== 0) return true;
      link.awaitingSnapshot = false;
    }
    // A new run of the frame's capture: its document, and its top layer, start over.
    if (message.t === 'snapshot' && message.part === 0) link.topLayer = [];
    const translated = ids.translate(message);
    if ('restart' in translated) {
      this.#restart(link, null);
      return true;
    }
    return this.#sendAll(link, translated.frames);
  }

  /** Sends a frame's translated frames; its top layer is kept for the page's `top` frame instead. */
  #sendAll(link: Link, frames: readonly UnsequencedDomFrame[]): boolean {
    for (const frame of frames) {
      if (frame.t === 'top') {
        link.topLayer = frame.layer;
        continue;
      }
      if (!this.#hooks.sendDom(frame)) return false;
      this.stats.forwarded++;
    }
    return true;
  }

  #post(link: Link, message: FrameControl): void {
    try {
      link.port.postMessage(message);
    } catch (error) {
      this.#hooks.caught(error);
    }
  }

  #close(link: Link): void {
    this.#post(link, { t: 'frame-stop' });
    link.port.close();
    this.#empty(link);
    this.#links.delete(link.iframe);
    this.stats.joined = this.#links.size;
  }
}

/** The frames that may join, from `<cobrowse-session frame-origins="https://widgets.example.com">`; null when none. */
export function frameOptionsFrom(host: Element): FrameBridgeOptions | null {
  const origins = parseOrigins(pristine.getAttribute.call(host, 'frame-origins'));
  return origins.length > 0 ? { origins } : null;
}
