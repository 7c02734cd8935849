/**
 * The agent-side mirror: rebuilds the customer's page from DOM frames inside
 * an iframe that cannot run anything (sandbox without allow-scripts, plus a
 * CSP <meta> as a second layer), sanitizing every node and attribute again.
 *
 * The agent never sees a half-built page. The mirror's first snapshot is
 * built part by part as the parts arrive, in time slices, in the transparent
 * iframe, so building overlaps the customer's capture (Allow → first frame)
 * and never holds the main thread long (first-snapshot.ts); a later snapshot
 * (a resync, a new page) is buffered until its `final` part and built in one
 * go, so the last page stays on screen meanwhile. DOM frames that arrive
 * before the build is done are queued and applied after it, in order. A seq
 * gap, a duplicate or a frame that cannot be applied asks once for a resync
 * and ignores everything until the next snapshot, rather than letting the
 * mirror drift.
 */
import type { ChannelMessage, DomFrame } from '../../shared/protocol.js';
import { markStage } from '../../shared/stage-marks.js';
import { FrameOrder, type FrameOrderStats } from './frame-order.js';
import { applyFormState, type BuildContext } from './build-node.js';
import { applyMedia, applySelection, moveFocusMark } from './state-frames.js';
import { HoverChain } from './hover.js';
import { TopLayerReplay } from './top-layer.js';
import { CanvasPixels } from './canvas.js';
import { AssetStore, mirrorRoots, type AssetStoreStats } from './assets.js';
import { PageUrls } from './page-urls.js';
import { isDocument, isElement, rootsWithDoctype } from './dom-nodes.js';
import { guardMirrorDocument } from './document-guard.js';
import { MirrorNodes } from './mirror-nodes.js';
import { MirrorScroll } from './mirror-scroll.js';
import { MirrorStyles } from './mirror-styles.js';
import { MirrorApplyError, MirrorTree, type DeferredWork } from './mirror-tree.js';
import { FirstSnapshotBuild } from './first-snapshot.js';
import { browserSliceClock } from './sliced-run.js';
import type { InputFrame, MirrorOptions, MirrorStats, MirrorViewport } from './mirror-types.js';

export type { InputFrame, MirrorOptions, MirrorStats, MirrorViewport } from './mirror-types.js';

type SnapshotFrame = Extract<DomFrame, { t: 'snapshot' }>;
type SelectionFrame = Extract<DomFrame, { t: 'selection' }>;
type StateOrMutationFrame = Exclude<DomFrame, SnapshotFrame>;

/** The customer's page, rebuilt inert in an iframe, with a node id ↔ node map for the agent tools. */
export class Mirror {
  readonly iframe: HTMLIFrameElement;

  readonly #options: MirrorOptions;
  readonly #order: FrameOrder<SnapshotFrame, StateOrMutationFrame>;
  #destroyed = false;
  /** Set while the first snapshot is built as it arrives, in slices. */
  #firstBuild: FirstSnapshotBuild | null = null;
  /** Whether a snapshot was ever shown: until then there is no page to keep on screen during a build. */
  #shownOnce = false;
  readonly #nodes = new MirrorNodes((id) => {
    this.#scroll.forget(id);
    if (this.#focusedId === id) this.#focusedId = null;
  });
  /** Scroll offsets the customer has, re-applied when late resources change the layout. */
  readonly #scroll = new MirrorScroll((id) => this.#nodes.get(id));
  readonly #styles: MirrorStyles;
  readonly #tree: MirrorTree;
  #resizeObserver: ResizeObserver | null = null;
  readonly #hover = new HoverChain();
  readonly #topLayer = new TopLayerReplay();
  readonly #canvas = new CanvasPixels();
  readonly #assets = new AssetStore(
    (rebind) => setTimeout(rebind, 16),
    () => {
      const doc = this.#nodes.get(0);
      return isDocument(doc) ? mirrorRoots(doc) : [];
    },
    { allowAgentFetches: () => this.#options.allowAgentFetches === true },
  );
  #focusedId: number | null = null;
  #viewport: MirrorViewport = { w: 0, h: 0, dpr: 1 };
  #url = '';
  #title = '';
  readonly #urls = new PageUrls();
  #stats: Omit<MirrorStats, 'nodes' | keyof FrameOrderStats> = {
    applyFailures: 0,
    droppedAttributes: 0,
    inertElements: 0,
    unknownTargets: 0,
    buildSlices: 0,
    buildLayouts: 0,
    lastError: null,
  };
  readonly #ctx: BuildContext = {
    resolveUrl: (url, use = 'link') => {
      const absolute = this.#urls.resolve(url, this.iframe.ownerDocument.defaultView?.location.origin);
      return absolute === null ? null : this.#assets.resolve(absolute, use);
    },
    pendingAsset: (element, name) => this.#assets.notePending(element, name),
    extraCsp: () => this.#assets.extraCsp,
    count: (kind) => {
      this.#stats[kind]++;
    },
  };

  constructor(options: MirrorOptions) {
    this.#options = options;
    this.#styles = new MirrorStyles(this.#ctx);
    this.#tree = new MirrorTree({
      nodes: this.#nodes,
      styles: this.#styles,
      scroll: this.#scroll,
      ctx: this.#ctx,
      documentPrepared: (doc) => this.#documentPrepared(doc),
    });
    this.#order = new FrameOrder<SnapshotFrame, StateOrMutationFrame>({
      snapshotStarted: (first) => this.#snapshotStarted(first),
      snapshotPart: (part) => this.#firstBuild?.addPart(part),
      snapshotCompleted: (parts) => this.#snapshotCompleted(parts),
      frame: (frame) => this.#applyFrame(frame),
      resync: (lastAppliedSeq) => {
        this.#cancelFirstBuild();
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
      this.#resizeObserver = new view.ResizeObserver(() => this.#scroll.reapply());
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
  pointer(x: number, y: number, gone = false, down = false): void {
    const doc = this.#nodes.get(0);
    if (gone || !isDocument(doc) || this.#destroyed) {
      this.#hover.clear();
      return;
    }
    const view = doc.defaultView;
    try {
      this.#hover.moveTo(doc, x - (view?.scrollX ?? 0), y - (view?.scrollY ?? 0), down);
    } catch {
      this.#hover.clear();
    }
  }

  /** The customer's window scroll position. */
  get scroll(): Readonly<{ x: number; y: number }> {
    return this.#scroll.window;
  }

  /** An asset the customer sent over the channel (or said it cannot send). */
  applyAsset(message: Extract<ChannelMessage, { t: 'asset' | 'asset-data' }>): void {
    if (this.#destroyed) return;
    if (message.t === 'asset') this.#assets.applyAsset(message);
    else this.#assets.applyData(message);
  }

  /** Assets held and placeholders handed out. */
  get assetStats(): AssetStoreStats {
    return this.#assets.stats;
  }

  /** Canvas images still being decoded (tests wait for 0). */
  get pendingCanvasImages(): number {
    return this.#canvas.pending;
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
      this.#failed(error);
    }
  }

  /** True while the first snapshot is still being built (its frames are held until it is shown). */
  get building(): boolean {
    return this.#firstBuild !== null;
  }

  #failed(error: unknown): void {
    this.#stats.applyFailures++;
    this.#stats.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.#order.fail();
  }

  /** The mirrored node with this id (0 is the mirrored document). */
  nodeById(id: number): Node | undefined {
    return this.#nodes.get(id);
  }

  /** The customer's id of a mirrored node, or undefined for nodes the mirror added itself. */
  idOf(node: Node): number | undefined {
    return this.#nodes.idOf(node);
  }

  /** Applies the customer's form state for one field now (an input frame held back by acceptInput). */
  applyInput(frame: InputFrame): void {
    const target = this.#nodes.get(frame.id);
    if (!isElement(target)) {
      this.#stats.unknownTargets++;
      return;
    }
    applyFormState(target, frame);
    if (frame.masked) this.#nodes.markMasked(frame.id, target);
  }

  /** True when the customer's capture masked this node's value or text. */
  isMasked(id: number): boolean {
    return this.#nodes.isMasked(id);
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
    this.#canvas.reset();
    this.#hover.clear();
    this.#assets.destroy();
    this.#nodes.clear();
    this.#scroll.clear();
    this.#cancelFirstBuild();
    this.iframe.remove();
  }

  // -------------------------------------------------------------------------
  // Snapshot runs (ordering is frame-order.ts)

  /** Part 0: the first snapshot is built as its parts arrive (nothing to keep on screen meanwhile). */
  #snapshotStarted(first: SnapshotFrame): void {
    this.#cancelFirstBuild();
    if (this.#shownOnce) return;
    this.#setBuilding(true);
    const clock = browserSliceClock(this.iframe.ownerDocument.defaultView, this.#options.sliceBudgetMs);
    this.#firstBuild = new FirstSnapshotBuild(
      this.#tree,
      clock,
      {
        begin: (part) => this.#beginSnapshot(part, rootsWithDoctype(part.nodes).has(0)),
        finish: (parts) => {
          this.#firstBuild = null;
          this.#finishSnapshot(parts, []);
          this.#shown();
        },
        afterSlice: () => {
          this.#stats.buildSlices++;
        },
        layOut: () => {
          this.#stats.buildLayouts++;
          this.#layOutNow();
        },
        prepareFirstPaint: () => void this.iframe.contentDocument?.elementFromPoint(0, 0),
        renderHidden: () => {
          this.iframe.style.contentVisibility = '';
        },
        built: () => {
          try {
            this.#order.snapshotBuilt();
          } catch (error) {
            this.#failed(error);
          }
        },
        failed: (error) => this.#failed(error),
      },
      first,
    );
  }

  /** The final part: finish the build (or build the buffered parts in one go) and show it. */
  #snapshotCompleted(parts: readonly SnapshotFrame[]): 'built' | 'building' {
    if (this.#firstBuild !== null) return this.#firstBuild.complete(parts);
    this.#buildSnapshot(parts);
    this.#shown();
    return 'built';
  }

  #shown(): void {
    if (this.#options.stageMarks !== false) markStage('agent-snapshot-applied');
    this.#shownOnce = true;
    this.#setBuilding(false);
  }

  #cancelFirstBuild(): void {
    this.#firstBuild?.cancel();
    this.#firstBuild = null;
  }

  #applyFrame(frame: StateOrMutationFrame): void {
    if (frame.t === 'mutations' || frame.t === 'scroll' || frame.t === 'viewport' || frame.t === 'top')
      this.#hover.layoutChanged(this.iframe.ownerDocument.defaultView);
    switch (frame.t) {
      case 'mutations':
        this.#tree.applyMutations(frame);
        return;
      case 'input':
        if (this.#options.acceptInput?.(frame) === false) return;
        this.applyInput(frame);
        return;
      case 'scroll':
        this.#scroll.note(frame.id, frame.x, frame.y);
        if (!this.#scroll.scrollTo(frame.id, frame.x, frame.y)) this.#stats.unknownTargets++;
        return;
      case 'viewport':
        this.#setViewport(frame.width, frame.height, frame.devicePixelRatio);
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
      case 'canvas':
        if (!this.#canvas.apply(frame, this.#nodes.get(frame.id), (el) => this.#styles.ownSheet(el.ownerDocument)))
          this.#stats.unknownTargets++;
        return;
    }
  }

  // -------------------------------------------------------------------------
  // Snapshot

  /**
   * Hides the iframe while the first snapshot is built into it. With
   * content-visibility:hidden Chromium renders none of it per frame (a
   * transparent or visibility:hidden frame of a growing 100k-node page cost
   * 50-200 ms of pre-paint and paint per frame, measured), yet the paced
   * forced layouts still lay it out; the build lets it into one rendering
   * update after each of them (first-snapshot.ts). visibility:hidden, not
   * opacity, keeps it from the agent meanwhile: removing an opacity when it
   * is shown removes a paint property node above every node of the page,
   * which made that frame pre-paint all of them again (measured).
   */
  #setBuilding(building: boolean): void {
    this.iframe.style.visibility = building ? 'hidden' : '';
    this.iframe.style.pointerEvents = building ? 'none' : '';
    this.iframe.style.contentVisibility = building ? 'hidden' : '';
  }

  /**
   * Styles and lays out what the build added so far. The browser renders no
   * frame of a page nobody sees yet, so without this the whole page would be
   * laid out in one task when shown; piece by piece, that work overlaps the
   * capture (layout-pacer.ts says when).
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
    this.#tree.addNodes(nodes, deferred, doctypeRoots, { snapshot: true });
    this.#finishSnapshot(parts, deferred);
  }

  /** Starts a fresh mirror document for a snapshot; returns the list its nodes defer work to. */
  #beginSnapshot(first: SnapshotFrame, withDoctype: boolean): DeferredWork {
    this.#nodes.reset();
    this.#styles.reset();
    this.#scroll.reset();
    this.#hover.clear();
    this.#topLayer.reset();
    this.#canvas.reset();
    this.#focusedId = null;
    this.#setPage(first.url, first.title);
    this.#setViewport(first.viewportWidth, first.viewportHeight, first.devicePixelRatio);
    this.#assets.setPolicy(first.assets);

    const doc = this.iframe.contentDocument;
    if (!doc) throw new MirrorApplyError('the mirror iframe has no document (is the container attached?)');
    this.#tree.openTopDocument(doc, withDoctype, first.adopted ?? [], first.quirks);
    return [];
  }

  /** Runs the deferred work and applies what the last part says about the page as a whole. */
  #finishSnapshot(parts: readonly SnapshotFrame[], deferred: DeferredWork): void {
    const last = parts[parts.length - 1];
    if (!last) return;
    for (const work of deferred) work();
    this.#setPage(last.url, last.title);
    this.#setViewport(last.viewportWidth, last.viewportHeight, last.devicePixelRatio);
    const adopted = last.adopted ?? parts.find((part) => part.adopted)?.adopted;
    if (adopted !== undefined && adopted !== parts[0]?.adopted) {
      const doc = this.#nodes.get(0);
      if (isDocument(doc)) this.#styles.setAdopted(doc, adopted);
    }
    this.#scroll.note(0, last.scrollX, last.scrollY);
    this.#scroll.reapply();
    if (last.focus !== undefined) this.#applyFocus(last.focus);
  }

  // -------------------------------------------------------------------------
  // State frames

  #applyFocus(id: number | null): void {
    const moved = moveFocusMark(this.#focusedId, id, (nodeId) => this.#nodes.get(nodeId));
    this.#focusedId = moved.focusedId;
    if (moved.unknown) this.#stats.unknownTargets++;
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
    try {
      this.#options.onViewport?.(this.viewport);
    } catch {
      // The console's handler failing must not stop the build.
    }
  }

  #setPage(url: string, title: string): void {
    this.#url = url;
    this.#title = title;
    this.#urls.setPage(url);
  }

  /** A mirror document was (re)opened with document.open(), which drops every listener on it. */
  #documentPrepared(doc: Document): void {
    guardMirrorDocument(doc, () => this.#scroll.reapply());
    try {
      this.#options.onDocumentPrepared?.(doc);
    } catch {
      // The console's handler failing must not stop the build.
    }
  }
}
