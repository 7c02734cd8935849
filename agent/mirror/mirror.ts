/**
 * The agent-side mirror: rebuilds the customer's page from DOM frames inside
 * an iframe that cannot run anything (sandbox without allow-scripts, plus a
 * CSP <meta> as a second layer), sanitizing every node and attribute again.
 *
 * The agent never sees a half-built page. The mirror's first snapshot is
 * built part by part as the parts arrive, in the hidden iframe, so building
 * overlaps the customer's capture (Allow → first frame); a later snapshot
 * (a resync, a new page) is buffered until its `final` part and built in one
 * go, so the last page stays on screen meanwhile. DOM frames that arrive
 * between the parts are queued and applied after the build. A seq gap, a duplicate or a
 * frame that cannot be applied asks once for a resync and ignores everything
 * until the next snapshot, rather than letting the mirror drift.
 */
import type { DomFrame } from '../../shared/protocol.js';
import { FrameOrder, type FrameOrderStats } from './frame-order.js';
import {
  applyFormState,
  applySheetRules,
  createCspMeta,
  createMirrorElement,
  mirrorCss,
  prepareDocument,
  replaceLinkWithRules,
  setMirrorAttribute,
  type BuildContext,
  type FormState,
} from './build-node.js';
import { applyMedia, applySelection, scrollNodeTo } from './state-frames.js';
import { HoverChain } from './hover.js';
import { TopLayerReplay } from './top-layer.js';
import { FOCUS_ATTRIBUTE, MASKED_ATTRIBUTE, SHADOW_FALLBACK_TAG } from './masked-style.js';
import { MirrorSheets, setAdoptedSheets } from './adopted-sheets.js';
import { PageUrls } from './page-urls.js';
import {
  canAttachShadow,
  createDoctype,
  insertQuietly,
  isDocument,
  isElement,
  isShadowRoot,
  ownerDocumentOf,
  rootsWithDoctype,
} from './dom-nodes.js';

type SnapshotFrame = Extract<DomFrame, { t: 'snapshot' }>;
type MutationsFrame = Extract<DomFrame, { t: 'mutations' }>;
type SerializedNode = SnapshotFrame['nodes'][number];
type SelectionFrame = Extract<DomFrame, { t: 'selection' }>;
type StateOrMutationFrame = Exclude<DomFrame, SnapshotFrame>;

export interface MirrorOptions {
  /** The mirror creates its own iframe inside this element. */
  container: HTMLElement;
  /** Asks the customer for a fresh snapshot; `lastSeq` is the last frame applied in order. */
  onResyncNeeded: (lastSeq: number | null) => void;
  onFrameApplied?: (frame: DomFrame) => void;
  /**
   * Asked before an input frame (the customer's form state) is applied: false
   * holds it back, because the agent is typing in that field and its own copy
   * is the one to show. The holder applies it later with applyInput.
   */
  acceptInput?: (frame: InputFrame) => boolean;
  /** A mirrored document was (re)built with document.open(), which drops every listener on it. */
  onDocumentPrepared?: (doc: Document) => void;
}

export type InputFrame = Extract<DomFrame, { t: 'input' }>;

export interface MirrorViewport {
  w: number;
  h: number;
  dpr: number;
}

export interface MirrorStats {
  framesApplied: number;
  /** Frames dropped while waiting for a snapshot after a resync request. */
  framesIgnored: number;
  gaps: number;
  duplicates: number;
  applyFailures: number;
  resyncRequests: number;
  snapshots: number;
  /** Nodes currently mapped to an id. */
  nodes: number;
  droppedAttributes: number;
  inertElements: number;
  /** State frames (input, scroll, focus, media, selection) naming a node the mirror does not have. */
  unknownTargets: number;
  lastError: string | null;
}

/** A frame that does not fit the mirror's document: the mirror has drifted. */
class MirrorApplyError extends Error {
  override name = 'MirrorApplyError';
}

type DeferredWork = (() => void)[];

/** The customer's page, rebuilt inert in an iframe, with a node id ↔ node map for the agent tools. */
export class Mirror {
  readonly iframe: HTMLIFrameElement;

  readonly #options: MirrorOptions;
  readonly #order: FrameOrder<SnapshotFrame, StateOrMutationFrame>;
  #destroyed = false;
  /** Set while the first snapshot is built as it arrives: the work left for after its final part. */
  #incremental: DeferredWork | null = null;
  /** Whether a snapshot was ever shown: until then there is no page to keep on screen during a build. */
  #shownOnce = false;
  #nodes = new Map<number, Node>();
  #ids = new WeakMap<Node, number>();
  #masked = new Set<number>();
  #mirrorSheets = new MirrorSheets();
  /** Scroll offsets the customer has, re-applied when late resources change the layout. */
  #scrollTargets = new Map<number, { x: number; y: number }>();
  #resizeObserver: ResizeObserver | null = null;
  readonly #hover = new HoverChain();
  readonly #topLayer = new TopLayerReplay();
  #focusedId: number | null = null;
  #viewport: MirrorViewport = { w: 0, h: 0, dpr: 1 };
  #scroll = { x: 0, y: 0 };
  #url = '';
  #title = '';
  readonly #urls = new PageUrls();
  #stats: Omit<MirrorStats, 'nodes' | keyof FrameOrderStats> = {
    applyFailures: 0,
    droppedAttributes: 0,
    inertElements: 0,
    unknownTargets: 0,
    lastError: null,
  };
  readonly #ctx: BuildContext = {
    resolveUrl: (url) => this.#urls.resolve(url, this.iframe.ownerDocument.defaultView?.location.origin),
    count: (kind) => {
      this.#stats[kind]++;
    },
  };

  constructor(options: MirrorOptions) {
    this.#options = options;
    this.#order = new FrameOrder<SnapshotFrame, StateOrMutationFrame>({
      snapshotStarted: (first) => this.#snapshotStarted(first),
      snapshotPart: (part) => {
        if (this.#incremental === null) return;
        this.#addSnapshotNodes(part.nodes, this.#incremental, rootsWithDoctype(part.nodes));
        if (!part.final) this.#layOutNow();
      },
      snapshotCompleted: (parts) => this.#snapshotCompleted(parts),
      frame: (frame) => this.#applyFrame(frame),
      resync: (lastAppliedSeq) => {
        this.#incremental = null;
        try {
          this.#options.onResyncNeeded(lastAppliedSeq);
        } catch {
          // The console's handler failing must not break the mirror's own state.
        }
      },
      applied: (frame) => {
        try {
          this.#options.onFrameApplied?.(frame);
        } catch {
          // Observers do not get to break ordering.
        }
      },
    });
    const iframe = options.container.ownerDocument.createElement('iframe');
    // Set before insertion: the sandbox of the first document is fixed when the frame is created.
    iframe.setAttribute('sandbox', 'allow-same-origin');
    iframe.setAttribute('title', "Customer's page (mirror)");
    iframe.setAttribute('referrerpolicy', 'no-referrer');
    iframe.style.cssText = 'border:0;display:block;background:#fff;width:0;height:0;';
    options.container.append(iframe);
    this.iframe = iframe;
    // A frame that is not rendered (the console shows it only after the first frame, or the tab is
    // hidden) has no layout, and scrolling it does nothing: scroll again once it is laid out or resized.
    const view = options.container.ownerDocument.defaultView;
    if (view !== null && typeof view.ResizeObserver === 'function') {
      this.#resizeObserver = new view.ResizeObserver(() => this.#reapplyScroll());
      this.#resizeObserver.observe(iframe);
    }
  }

  /** The customer's viewport in CSS pixels and device pixel ratio (the console scales w×h to fit). */
  get viewport(): Readonly<MirrorViewport> {
    return { ...this.#viewport };
  }

  /**
   * The customer's pointer at page coordinates (x, y), or gone: what is
   * under it matches the page's `:hover` rules in the mirror.
   */
  pointer(x: number, y: number, gone = false): void {
    const doc = this.#nodes.get(0);
    if (gone || !isDocument(doc) || this.#destroyed) {
      this.#hover.clear();
      return;
    }
    const view = doc.defaultView;
    try {
      this.#hover.moveTo(doc, x - (view?.scrollX ?? 0), y - (view?.scrollY ?? 0));
    } catch {
      this.#hover.clear();
    }
  }

  /** The customer's window scroll position. */
  get scroll(): Readonly<{ x: number; y: number }> {
    return { ...this.#scroll };
  }

  /** The customer's page URL and title as last reported. */
  get page(): Readonly<{ url: string; title: string }> {
    return { url: this.#url, title: this.#title };
  }

  get stats(): Readonly<MirrorStats> {
    return { ...this.#order.stats, ...this.#stats, nodes: this.#nodes.size };
  }

  /** Applies one DOM frame in order. Never throws: problems are counted and end in onResyncNeeded. */
  apply(frame: DomFrame): void {
    if (this.#destroyed) return;
    try {
      if (frame.t === 'snapshot') this.#order.acceptSnapshotPart(frame);
      else this.#order.acceptFrame(frame);
    } catch (error) {
      this.#stats.applyFailures++;
      this.#stats.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.#order.fail();
    }
  }

  /** The mirrored node with this id (0 is the mirrored document). */
  nodeById(id: number): Node | undefined {
    return this.#nodes.get(id);
  }

  /** The customer's id of a mirrored node, or undefined for nodes the mirror added itself. */
  idOf(node: Node): number | undefined {
    return this.#ids.get(node);
  }

  /** Applies the customer's form state for one field now (an input frame held back by acceptInput). */
  applyInput(frame: InputFrame): void {
    const target = this.#nodes.get(frame.id);
    if (!isElement(target)) {
      this.#stats.unknownTargets++;
      return;
    }
    applyFormState(target, frame);
    if (frame.m) this.#markMasked(frame.id, target);
  }

  /** True when the customer's capture masked this node's value or text. */
  isMasked(id: number): boolean {
    return this.#masked.has(id);
  }

  /** The scale that fits the customer's viewport into `width`×`height` (never above 1). */
  fitScale(width: number, height: number): number {
    const { w, h } = this.#viewport;
    if (w <= 0 || h <= 0) return 1;
    return Math.min(1, width / w, height / h);
  }

  destroy(): void {
    this.#destroyed = true;
    this.#order.destroy();
    this.#resizeObserver?.disconnect();
    this.#resizeObserver = null;
    this.#nodes.clear();
    this.#masked.clear();
    this.#scrollTargets.clear();
    this.#incremental = null;
    this.iframe.remove();
  }

  // -------------------------------------------------------------------------
  // Snapshot runs (ordering is frame-order.ts)

  /** Part 0: the first snapshot is built as its parts arrive (nothing to keep on screen meanwhile). */
  #snapshotStarted(first: SnapshotFrame): void {
    this.#incremental = null;
    if (this.#shownOnce) return;
    this.#setBuilding(true);
    const doctypeRoots = rootsWithDoctype(first.nodes);
    this.#incremental = this.#beginSnapshot(first, doctypeRoots.has(0));
    this.#addSnapshotNodes(first.nodes, this.#incremental, doctypeRoots);
    if (!first.final) this.#layOutNow();
  }

  /** The final part: finish the build (or build the buffered parts in one go) and show it. */
  #snapshotCompleted(parts: readonly SnapshotFrame[]): void {
    const incremental = this.#incremental;
    this.#incremental = null;
    if (incremental !== null) this.#finishSnapshot(parts, incremental);
    else this.#buildSnapshot(parts);
    this.#shownOnce = true;
    this.#setBuilding(false);
  }

  #applyFrame(frame: StateOrMutationFrame): void {
    switch (frame.t) {
      case 'mutations':
        this.#applyMutations(frame);
        return;
      case 'input':
        if (this.#options.acceptInput?.(frame) === false) return;
        this.applyInput(frame);
        return;
      case 'scroll':
        this.#scrollTargets.set(frame.id, { x: frame.x, y: frame.y });
        if (!this.#scrollNode(frame.id, frame.x, frame.y)) this.#stats.unknownTargets++;
        return;
      case 'viewport':
        this.#setViewport(frame.w, frame.h, frame.dpr);
        return;
      case 'selection':
        this.#applySelection(frame);
        return;
      case 'top':
        this.#topLayer.apply(frame.layer, (id) => this.#nodes.get(id), this.#options.container.ownerDocument);
        return;
      case 'focus':
        this.#applyFocus(frame.id);
        return;
      case 'media':
        this.#applyMedia(frame.id, frame.paused, frame.time);
        return;
      case 'nav':
        this.#setPage(frame.url, frame.title);
        return;
    }
  }

  // -------------------------------------------------------------------------
  // Snapshot

  /**
   * Hides the iframe while the first snapshot is built into it. Transparent
   * rather than visibility:hidden, which lets Chromium skip the frame's
   * rendering: a transparent frame is styled and laid out part by part, so
   * the final part leaves little layout to do before the page shows.
   */
  #setBuilding(building: boolean): void {
    this.iframe.style.opacity = building ? '0' : '';
    this.iframe.style.pointerEvents = building ? 'none' : '';
  }

  /**
   * Styles and lays out what the parts so far built. The browser renders no
   * frame of a page nobody sees yet, so without this the whole page would be
   * laid out at once after the final part (75 ms for 10k nodes, measured);
   * part by part, that work overlaps the customer's capture.
   */
  #layOutNow(): void {
    void this.iframe.contentDocument?.documentElement?.getBoundingClientRect();
  }

  /** Builds a whole buffered snapshot in one go. */
  #buildSnapshot(parts: readonly SnapshotFrame[]): void {
    const first = parts[0];
    if (!first) return;
    const nodes = parts.flatMap((part) => part.nodes);
    const doctypeRoots = rootsWithDoctype(nodes);
    const deferred = this.#beginSnapshot(first, doctypeRoots.has(0));
    this.#addSnapshotNodes(nodes, deferred, doctypeRoots);
    this.#finishSnapshot(parts, deferred);
  }

  /** Starts a fresh mirror document for a snapshot; returns the list its nodes defer work to. */
  #beginSnapshot(first: SnapshotFrame, withDoctype: boolean): DeferredWork {
    this.#nodes = new Map();
    this.#ids = new WeakMap();
    this.#masked = new Set();
    this.#mirrorSheets = new MirrorSheets();
    this.#scrollTargets = new Map();
    this.#hover.clear();
    this.#topLayer.reset();
    this.#focusedId = null;
    this.#setPage(first.url, first.title);
    this.#setViewport(first.vw, first.vh, first.dpr);

    const doc = this.iframe.contentDocument;
    if (!doc) throw new MirrorApplyError('the mirror iframe has no document (is the container attached?)');
    prepareDocument(doc, withDoctype);
    this.#guardDocument(doc);
    this.#register(0, doc);
    this.#setAdopted(doc, first.adopted ?? []);
    return [];
  }

  /** Adds one part's nodes (or all of them) to the snapshot being built. */
  #addSnapshotNodes(nodes: readonly SerializedNode[], deferred: DeferredWork, doctypeRoots: ReadonlySet<number>): void {
    // An iframe document added by an earlier part may get its doctype only now.
    this.#switchToStandardsMode(doctypeRoots);
    for (const node of nodes) this.#addNode(node, deferred, doctypeRoots);
  }

  /** Runs the deferred work and applies what the last part says about the page as a whole. */
  #finishSnapshot(parts: readonly SnapshotFrame[], deferred: DeferredWork): void {
    const last = parts[parts.length - 1];
    if (!last) return;
    for (const work of deferred) work();
    this.#setPage(last.url, last.title);
    this.#setViewport(last.vw, last.vh, last.dpr);
    const adopted = last.adopted ?? parts.find((part) => part.adopted)?.adopted;
    if (adopted !== undefined && adopted !== parts[0]?.adopted) {
      const doc = this.#nodes.get(0);
      if (isDocument(doc)) this.#setAdopted(doc, adopted);
    }
    this.#scrollTargets.set(0, { x: last.sx, y: last.sy });
    this.#reapplyScroll();
    if (last.focus !== undefined) this.#applyFocus(last.focus);
  }

  // -------------------------------------------------------------------------
  // Mutations

  #applyMutations(frame: MutationsFrame): void {
    for (const id of frame.removes) this.#removeNode(id);
    const deferred: DeferredWork = [];
    const doctypeRoots = rootsWithDoctype(frame.adds);
    this.#switchToStandardsMode(doctypeRoots);
    for (const node of frame.adds) this.#addNode(node, deferred, doctypeRoots);
    for (const change of frame.attrs) {
      const element = this.#nodes.get(change.id);
      if (!isElement(element)) throw new MirrorApplyError(`attribute change for missing element ${change.id}`);
      for (const [name, value] of Object.entries(change.a)) setMirrorAttribute(element, name, value, this.#ctx);
    }
    for (const change of frame.texts) {
      const node = this.#nodes.get(change.id);
      if (!node || (node.nodeType !== Node.TEXT_NODE && node.nodeType !== Node.COMMENT_NODE)) {
        throw new MirrorApplyError(`text change for missing text node ${change.id}`);
      }
      (node as CharacterData).data = this.#textFor(node.parentNode, change.x);
      if (change.m) this.#markMasked(change.id, node.parentNode);
    }
    for (const sheet of frame.sheets ?? []) this.#applySheet(sheet.id, sheet.css);
    for (const work of deferred) work();
  }

  /**
   * A doctype can arrive after its document was mirrored: an iframe flushed
   * while its parser was still running is first sent empty, and its doctype
   * and <html> come in a later batch. Only the parser sets the document mode,
   * so inserting the doctype node left the mirror in quirks mode (different
   * layout); the document is re-opened in standards mode, keeping its nodes.
   */
  #switchToStandardsMode(rootIds: ReadonlySet<number>): void {
    for (const id of rootIds) {
      const doc = this.#nodes.get(id);
      if (!isDocument(doc) || doc.compatMode !== 'BackCompat') continue;
      const kept = [...doc.childNodes].filter((child) => child.nodeType !== Node.DOCUMENT_TYPE_NODE);
      const adopted = doc.adoptedStyleSheets;
      prepareDocument(doc, true);
      this.#guardDocument(doc);
      doc.adoptedStyleSheets = adopted;
      for (const child of kept) insertQuietly(doc, child, null);
    }
  }

  #removeNode(id: number): void {
    const node = this.#nodes.get(id);
    // Already gone with an ancestor removed earlier in the same batch.
    if (!node) return;
    if (id === 0) throw new MirrorApplyError('the document itself cannot be removed');
    if (isDocument(node) || isShadowRoot(node)) {
      // A root's content goes away; the root stays attached to its frame or host.
      for (const child of [...node.childNodes]) {
        this.#forgetSubtree(child);
        child.parentNode?.removeChild(child);
      }
      this.#forget(node);
      return;
    }
    this.#forgetSubtree(node);
    node.parentNode?.removeChild(node);
  }

  #addNode(node: SerializedNode, deferred: DeferredWork, doctypeRoots: ReadonlySet<number>): void {
    const parent = this.#nodes.get(node.p);
    if (!parent) throw new MirrorApplyError(`parent ${node.p} of node ${node.id} is missing`);
    let next: Node | null = null;
    if (node.nx !== undefined && node.nx !== null) {
      next = this.#nodes.get(node.nx) ?? null;
      if (!next || next.parentNode !== parent) {
        throw new MirrorApplyError(`next sibling ${node.nx} of node ${node.id} is not a child of ${node.p}`);
      }
    }
    const existing = this.#nodes.get(node.id);
    if (existing) this.#removeNode(node.id);

    switch (node.k) {
      case 'shadow':
        this.#addShadowRoot(node.id, parent, node.adopted ?? []);
        return;
      case 'doc':
        this.#addFrameDocument(node.id, parent, node.adopted ?? [], doctypeRoots.has(node.id));
        return;
      case 'doctype': {
        if (!isDocument(parent)) throw new MirrorApplyError(`doctype ${node.id} outside a document`);
        const doctype = parent.doctype ?? createDoctype(parent, node.name);
        if (!doctype.parentNode) insertQuietly(parent, doctype, next ?? parent.documentElement);
        this.#register(node.id, doctype);
        return;
      }
      case 'comment': {
        const comment = ownerDocumentOf(parent).createComment(node.x);
        this.#insert(parent, comment, next);
        this.#register(node.id, comment);
        return;
      }
      case 'text': {
        const text = ownerDocumentOf(parent).createTextNode(this.#textFor(parent, node.x));
        this.#insert(parent, text, next);
        this.#register(node.id, text);
        if (node.m) this.#markMasked(node.id, parent);
        return;
      }
      case 'el': {
        const doc = ownerDocumentOf(parent);
        const element = createMirrorElement(doc, node, this.#ctx);
        if (element.localName === 'head' && isElement(parent) && parent.localName === 'html') {
          element.append(createCspMeta(doc));
        }
        this.#insert(parent, element, next);
        this.#register(node.id, element);
        if (node.m) this.#masked.add(node.id);
        if (node.blk) return;
        if (
          node.v !== undefined ||
          node.chk !== undefined ||
          node.sel !== undefined ||
          node.ind !== undefined ||
          node.inv !== undefined
        ) {
          const state: FormState = { v: node.v, chk: node.chk, sel: node.sel, ind: node.ind, inv: node.inv };
          deferred.push(() => applyFormState(element, state));
        }
        const css = node.css;
        if (css && element.localName === 'style') deferred.push(() => applySheetRules(element, css, this.#ctx));
        if (node.sx !== undefined || node.sy !== undefined) {
          const target = { x: node.sx ?? 0, y: node.sy ?? 0 };
          this.#scrollTargets.set(node.id, target);
          deferred.push(() => this.#scrollNode(node.id, target.x, target.y));
        }
        return;
      }
    }
  }

  /** Inserts a customer node; a document takes only one element and no text, so extras stay detached. */
  #insert(parent: Node, child: Node, next: Node | null): void {
    if (isDocument(parent)) {
      const allowed =
        child.nodeType === Node.COMMENT_NODE || (child.nodeType === Node.ELEMENT_NODE && !parent.documentElement);
      if (allowed) insertQuietly(parent, child, next);
      return;
    }
    try {
      parent.insertBefore(child, next);
    } catch (error) {
      throw new MirrorApplyError(
        `cannot insert into ${parent.nodeName}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  #addShadowRoot(id: number, host: Node, adopted: readonly string[]): void {
    if (!isElement(host)) throw new MirrorApplyError(`shadow root ${id} on a non-element`);
    let root: Node;
    if (host.shadowRoot) {
      root = host.shadowRoot;
      for (const child of [...root.childNodes]) {
        this.#forgetSubtree(child);
        root.removeChild(child);
      }
    } else if (canAttachShadow(host)) {
      root = host.attachShadow({ mode: 'open' });
    } else {
      // This host cannot have a shadow root in the mirror (e.g. the customer's
      // custom element replaced a built-in): its shadow children render in a
      // display:contents wrapper in front of the light DOM instead.
      const wrapper = host.ownerDocument.createElement(SHADOW_FALLBACK_TAG);
      host.prepend(wrapper);
      root = wrapper;
    }
    if (isShadowRoot(root)) this.#setAdopted(root, adopted);
    this.#register(id, root);
  }

  #addFrameDocument(id: number, frame: Node, adopted: readonly string[], withDoctype: boolean): void {
    const frameDocument =
      isElement(frame) && frame.localName === 'iframe' ? (frame as HTMLIFrameElement).contentDocument : null;
    if (!frameDocument) {
      // Not a frame the mirror can fill (e.g. an inert <object>): build it detached, out of sight.
      this.#register(id, ownerDocumentOf(frame).implementation.createHTMLDocument(''));
      return;
    }
    prepareDocument(frameDocument, withDoctype);
    this.#guardDocument(frameDocument);
    this.#setAdopted(frameDocument, adopted);
    this.#register(id, frameDocument);
  }

  #applySheet(id: number, rules: readonly string[]): void {
    const owner = this.#nodes.get(id);
    if (!owner) throw new MirrorApplyError(`sheet change for missing node ${id}`);
    if (isDocument(owner) || isShadowRoot(owner)) {
      this.#setAdopted(owner, rules.length > 0 ? [rules.join('\n')] : []);
      return;
    }
    if (!isElement(owner)) return;
    if (owner.localName === 'link') {
      const standIn = replaceLinkWithRules(owner, rules, this.#ctx);
      this.#ids.delete(owner);
      this.#register(id, standIn);
      return;
    }
    applySheetRules(owner, rules, this.#ctx);
  }

  // -------------------------------------------------------------------------
  // State frames

  #scrollNode(id: number, x: number, y: number): boolean {
    const node = this.#nodes.get(id);
    if (!node) return false;
    if (id === 0) this.#scroll = { x, y };
    return scrollNodeTo(node, x, y);
  }

  #reapplyScroll(): void {
    for (const [id, { x, y }] of this.#scrollTargets) {
      if (!this.#scrollNode(id, x, y)) this.#scrollTargets.delete(id);
    }
  }

  #applyFocus(id: number | null): void {
    if (this.#focusedId !== null) {
      const previous = this.#nodes.get(this.#focusedId);
      if (isElement(previous)) previous.removeAttribute(FOCUS_ATTRIBUTE);
    }
    this.#focusedId = null;
    if (id === null) return;
    const target = this.#nodes.get(id);
    if (!isElement(target)) {
      if (id !== 0) this.#stats.unknownTargets++;
      return;
    }
    // An attribute, not element.focus(): focusing inside the mirror would take the agent's keyboard.
    target.setAttribute(FOCUS_ATTRIBUTE, '');
    this.#focusedId = id;
  }

  #applySelection(frame: SelectionFrame): void {
    const doc = this.#nodes.get(0);
    if (isDocument(doc) && !applySelection(doc, frame, (id) => this.#nodes.get(id))) this.#stats.unknownTargets++;
  }

  #applyMedia(id: number, paused: boolean, time: number): void {
    if (!applyMedia(this.#nodes.get(id), paused, time)) this.#stats.unknownTargets++;
  }

  #setViewport(w: number, h: number, dpr: number): void {
    this.#viewport = { w: Math.max(0, w), h: Math.max(0, h), dpr: dpr > 0 ? dpr : 1 };
    this.iframe.style.width = `${this.#viewport.w}px`;
    this.iframe.style.height = `${this.#viewport.h}px`;
  }

  #setPage(url: string, title: string): void {
    this.#url = url;
    this.#title = title;
    this.#urls.setPage(url);
  }

  // -------------------------------------------------------------------------
  // Helpers

  #textFor(parent: Node | null, text: string): string {
    return isElement(parent) && parent.localName === 'style' ? mirrorCss(text, this.#ctx) : text;
  }

  #markMasked(id: number, holder: Node | null): void {
    this.#masked.add(id);
    if (isElement(holder)) holder.setAttribute(MASKED_ATTRIBUTE, '');
  }

  #register(id: number, node: Node): void {
    this.#nodes.set(id, node);
    this.#ids.set(node, id);
  }

  #forget(node: Node): void {
    const id = this.#ids.get(node);
    if (id === undefined) return;
    this.#ids.delete(node);
    this.#nodes.delete(id);
    this.#masked.delete(id);
    this.#scrollTargets.delete(id);
    if (this.#focusedId === id) this.#focusedId = null;
  }

  /** Forgets the ids of a subtree, through shadow roots and frame documents. */
  #forgetSubtree(root: Node): void {
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop();
      if (!node) break;
      this.#forget(node);
      for (const child of node.childNodes) stack.push(child);
      if (isElement(node)) {
        if (node.shadowRoot) stack.push(node.shadowRoot);
        if (node.localName === 'iframe') {
          const frameDocument = (node as HTMLIFrameElement).contentDocument;
          if (frameDocument) stack.push(frameDocument);
        }
      }
    }
  }

  #setAdopted(root: Document | ShadowRoot, cssTexts: readonly string[]): void {
    setAdoptedSheets(root, cssTexts, this.#mirrorSheets, (text) => mirrorCss(text, this.#ctx));
  }

  /**
   * Listeners from the agent's realm on a mirror document: links and forms do
   * nothing, and late-loading resources re-apply the customer's scroll.
   * document.open() erases listeners, so this runs after every prepareDocument.
   */
  #guardDocument(doc: Document): void {
    const cancelNavigation = (event: Event): void => {
      for (const target of event.composedPath()) {
        if (isElement(target) && (target.localName === 'a' || target.localName === 'area')) {
          event.preventDefault();
          return;
        }
      }
    };
    doc.addEventListener('click', cancelNavigation, true);
    doc.addEventListener('auxclick', cancelNavigation, true);
    doc.addEventListener('submit', (event) => event.preventDefault(), true);
    doc.addEventListener('load', () => this.#reapplyScroll(), true);
    // Web fonts change text height, hence where a scroll offset lands.
    doc.fonts?.addEventListener('loadingdone', () => this.#reapplyScroll());
    try {
      this.#options.onDocumentPrepared?.(doc);
    } catch {
      // The console's handler failing must not stop the build.
    }
  }
}
