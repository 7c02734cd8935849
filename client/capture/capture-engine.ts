/**
 * The customer-side capture engine: a masked, time-sliced full snapshot,
 * then incremental frames (mutations batched per animation frame, form
 * input, scroll, resize, focus, selection, media, pointer) handed to `send`.
 *
 * Runs on arbitrary customer pages: no eval, nothing before start(), and no
 * error of ours ever reaches the page (every hook is guarded and counted).
 * stop() removes every observer and listener and restores every patched
 * prototype method.
 *
 * Backpressure: when `send` returns false the transport queue is full and
 * the frame is taken as lost. The engine then stops producing frames (it
 * drops pending records instead of buffering them), remembers that the
 * mirror is stale, and on drained() sends a fresh snapshot instead of the
 * missed diffs.
 *
 * Sequence numbers are one monotonic run per engine: a fresh snapshot after
 * a resync continues the counter (part 0 tells the mirror to restart there),
 * so a receiver never mistakes it for a duplicate.
 */
import { SequenceCounter } from '../../shared/sequence.js';
import type { ChannelMessage, SerializedNode } from '../../shared/protocol.js';
import { maskNumbers, maskUrl } from '../../shared/sensitive-numbers.js';
import { isTypingTarget } from './typing.js';
import { createMaskConfig, type MaskConfig } from './mask-dom.js';
import { EventCapture, patchFormSetters, type PendingDomFrame } from './events.js';
import { FormWatch } from './form-watch.js';
import { TopLayerWatch, patchTopLayer } from './top-layer.js';
import { MutationCollector } from './mutations.js';
import { NodeIds } from './node-ids.js';
import { PrototypePatches } from './patches.js';
import { SensitiveFields, Serializer, iframeDocument, isShadowRoot, pickFormState } from './serialize.js';
import { walkSnapshot } from './snapshot.js';
import { SheetReader, adoptedCss, patchStylesheets } from './stylesheets.js';
import { pristine } from '../pristine.js';
import { nodeTypeOf, titleOf } from './dom-read.js';

export interface CaptureEngineOptions {
  /** The window whose document is captured. */
  window: Window;
  /** Hands a message to the transport; false means its queue is full (backpressure) and the message was not taken. */
  send: (message: ChannelMessage) => boolean;
  /** Integrator masking options (extra mask and block selectors). */
  mask?: Partial<MaskConfig>;
  /** Target duration of one snapshot slice, in ms (default 8). */
  sliceBudgetMs?: number;
  /** Our own UI (consent prompt, guidance overlay): never captured. */
  isOwnUi?: (node: Node) => boolean;
  /** The page cannot be shared (a snapshot failed, or flushes keep failing): the agent's view is not live. `reason` is the error's message. */
  onFailure?: (reason: string) => void;
}

export interface CaptureStats {
  /** Messages `send` accepted. */
  framesSent: number;
  /** Messages `send` refused (backpressure) or threw on. */
  framesRejected: number;
  /** Snapshots completed (final part sent). */
  snapshots: number;
  /** Snapshot parts sent, one per time slice. */
  snapshotParts: number;
  /** Parts of the last completed snapshot. */
  lastSnapshotParts: number;
  mutationBatches: number;
  /** Node ids handed out in the current run. */
  nodes: number;
  /** Errors caught inside our hooks (never rethrown into the page). */
  errors: number;
  /** The mirror missed frames and needs a fresh snapshot once the transport drains. */
  dirty: boolean;
  /** Event listeners currently installed. */
  listeners: number;
  /** Documents and shadow roots currently observed. */
  observedRoots: number;
}

type EngineState = 'idle' | 'running' | 'stopped';

const OBSERVE_OPTIONS: MutationObserverInit = { subtree: true, childList: true, attributes: true, characterData: true };
/** Hidden tabs do not run requestAnimationFrame; this timer flushes them instead. */
const HIDDEN_TAB_FLUSH_MS = 250;
const MAX_URL = 8_192;
const MAX_RESYNCS_AFTER_FAILED_FLUSH = 3;
const MAX_TITLE = 2_048;
/** How often form controls are compared with what was sent (values changed with no event, see form-watch.ts). */
const FORM_CHECK_MS = 500;

interface CaptureRun {
  ids: NodeIds;
  serializer: Serializer;
  collector: MutationCollector;
  serializedNow: Set<Node>;
  /** The document each captured iframe showed when last serialized. */
  iframeDocuments: WeakMap<Element, Document>;
  /** Playing media found by the snapshot; their state follows the final part. */
  playingMedia: Element[];
}

type WindowWithGlobals = Window & typeof globalThis;

export class CaptureEngine {
  readonly #win: WindowWithGlobals;
  readonly #doc: Document;
  readonly #send: (message: ChannelMessage) => boolean;
  readonly #onFailure: ((reason: string) => void) | undefined;
  readonly #mask: MaskConfig;
  readonly #budgetMs: number;
  readonly #isOwnUi: (node: Node) => boolean;
  readonly #seq = new SequenceCounter();
  readonly #patches: PrototypePatches;
  readonly #events: EventCapture;
  readonly #sheets: SheetReader;
  readonly #stats: Omit<CaptureStats, 'dirty' | 'listeners' | 'observedRoots' | 'nodes'> = {
    framesSent: 0,
    framesRejected: 0,
    snapshots: 0,
    snapshotParts: 0,
    lastSnapshotParts: 0,
    mutationBatches: 0,
    errors: 0,
  };
  #state: EngineState = 'idle';
  #run: CaptureRun;
  #generation = 0;
  #snapshotting = false;
  /** `send` refused a message: produce nothing until drained(). */
  #blocked = false;
  /** The mirror missed DOM frames: it needs a fresh snapshot. */
  #dirty = false;
  #observer: MutationObserver | null = null;
  readonly #roots = new Set<Document | ShadowRoot>();
  readonly #patchedWindows = new WeakSet<Window>();
  #flushFrame: number | null = null;
  #flushTimer: number | null = null;
  readonly #formWatch = new FormWatch();
  readonly #topLayer = new TopLayerWatch();
  #formTimer: number | null = null;
  /** A click, key or form reset happened: compare form controls at the next flush. */
  #checkForms = false;
  #channel: MessageChannel | null = null;
  #yieldResolvers: Array<() => void> = [];
  readonly #sensitiveFields = new SensitiveFields();
  /** The field the customer types in (undefined: not looked at yet in this run). */
  #typingTarget: Element | null | undefined = undefined;
  /** Flushes that threw in a row; past a few, stop resyncing on every frame and wait for a resync request. */
  #failedFlushes = 0;

  constructor(options: CaptureEngineOptions) {
    this.#win = options.window as WindowWithGlobals;
    this.#doc = this.#win.document;
    this.#send = options.send;
    this.#onFailure = options.onFailure;
    this.#mask = createMaskConfig(options.mask);
    this.#budgetMs = options.sliceBudgetMs ?? 8;
    const isOwnUi = options.isOwnUi;
    this.#isOwnUi =
      isOwnUi === undefined
        ? () => false
        : (node) => {
            try {
              return isOwnUi(node);
            } catch (error) {
              this.#onError(error);
              return false;
            }
          };
    this.#patches = new PrototypePatches((error) => this.#onError(error));
    this.#sheets = new SheetReader(this.#win);
    this.#events = new EventCapture({
      topWindow: this.#win,
      topDocument: this.#doc,
      run: () => this.#run,
      isOwnUi: this.#isOwnUi,
      schedule: () => this.#scheduleFlush(),
      onIframeLoad: (iframe) => this.#onIframeLoad(iframe),
      onFormsMayChange: () => {
        this.#checkForms = true;
        this.#scheduleFlush();
      },
      onTopLayer: (el) => this.#whileCapturing(() => this.#topLayer.note(el)),
      onError: (error) => this.#onError(error),
    });
    this.#run = this.#newRun();
  }

  /** Counters for monitoring and tests. */
  get stats(): Readonly<CaptureStats> {
    return {
      ...this.#stats,
      nodes: this.#run.ids.assigned,
      dirty: this.#dirty,
      listeners: this.#events.listenerCount,
      observedRoots: this.#roots.size,
    };
  }

  /** The live node behind a node id of the current run (for remote actions and highlights). */
  nodeOf(id: number): Node | undefined {
    return this.#run.ids.nodeOf(id);
  }

  /** The node id of a captured node in the current run. */
  idOf(node: Node): number | undefined {
    return this.#run.ids.idOf(node);
  }

  /** Starts capturing: a full snapshot (in time slices), then incremental frames. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    try {
      // The page's own window: the MutationObserver it had when our code loaded (analytics and zone.js replace it).
      const Observer = this.#win === globalThis ? pristine.MutationObserver : this.#win.MutationObserver;
      this.#observer = new Observer((records) => this.#onMutations(records));
      this.#patchWindow(this.#win);
      this.#events.attachWindow(this.#win);
      const channel = new this.#win.MessageChannel();
      channel.port1.onmessage = () => this.#yieldResolvers.shift()?.();
      this.#channel = channel;
      this.#formTimer = this.#win.setInterval(() => this.#checkFormControls(), FORM_CHECK_MS);
    } catch (error) {
      this.#onError(error);
    }
    await this.#snapshot();
  }

  /**
   * Sends a fresh snapshot (a new node-id run); the mirror rebuilds from its
   * part 0. `restartSequence` starts seq again at 0, for when the codec
   * streams of both sides were reset too.
   */
  async resync(options: { restartSequence?: boolean } = {}): Promise<void> {
    if (this.#state !== 'running') return;
    if (options.restartSequence === true) this.#seq.reset();
    await this.#snapshot();
  }

  /** The transport caught up: resume, with a fresh snapshot if frames were lost meanwhile. */
  drained(): void {
    if (this.#state !== 'running') return;
    this.#blocked = false;
    if (this.#dirty) void this.resync();
    else this.#scheduleFlush();
  }

  /** Stops everything: observers, listeners, timers, prototype patches. Final. */
  /**
   * Sends what changed so far now rather than at the next frame, so that a
   * message sent right after (the acknowledgement of a remote action) follows
   * the frames that show the action's effect.
   */
  flushNow(): void {
    this.#flush();
  }

  stop(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#generation++;
    this.#snapshotting = false;
    try {
      this.#observer?.disconnect();
    } catch (error) {
      this.#onError(error);
    }
    this.#observer = null;
    this.#roots.clear();
    this.#events.detachAll();
    this.#events.clearPending();
    this.#patches.restoreAll();
    this.#run.collector.clear();
    this.#cancelFlush();
    if (this.#formTimer !== null) this.#win.clearInterval(this.#formTimer);
    this.#formTimer = null;
    this.#formWatch.clear();
    if (this.#channel !== null) {
      this.#channel.port1.onmessage = null;
      this.#channel.port1.close();
      this.#channel.port2.close();
      this.#channel = null;
    }
    // Let an awaiting snapshot walk resume and see it was cancelled.
    for (const resolve of this.#yieldResolvers.splice(0)) resolve();
  }

  #newRun(): CaptureRun {
    const ids = new NodeIds(this.#doc);
    const serializedNow = new Set<Node>();
    const roots = this.#roots;
    // The serializer and collector call back into each other through the run.
    const run: CaptureRun = {
      ids,
      serializedNow,
      iframeDocuments: new WeakMap(),
      playingMedia: [],
      serializer: new Serializer({
        sensitiveFields: this.#sensitiveFields,
        ids,
        mask: this.#mask,
        sheets: this.#sheets,
        topDocument: this.#doc,
        isOwnUi: this.#isOwnUi,
        onRoot: (root) => this.#observeRoot(root),
        onSerialized: (node, record) => this.#onSerialized(run, node, record),
      }),
      collector: undefined as unknown as MutationCollector,
    };
    run.collector = new MutationCollector({
      serializer: run.serializer,
      ids,
      topDocument: this.#doc,
      isOwnUi: this.#isOwnUi,
      roots: () => roots,
      onFormAttribute: (el) => this.#events.queueInput(el),
      serializedNow,
    });
    return run;
  }

  #onSerialized(run: CaptureRun, node: Node, record: SerializedNode): void {
    run.collector.nodeSerialized(node);
    if (record.k === 'el') {
      const tag = record.tag;
      if (tag === 'input' || tag === 'textarea' || tag === 'select' || tag === 'option') {
        if (tag !== 'option') this.#formWatch.track(node as Element);
        this.#events.rememberForm(node as Element, pickFormState(record));
      } else if ((tag === 'video' || tag === 'audio') && !(node as HTMLMediaElement).paused) {
        if (this.#snapshotting) run.playingMedia.push(node as Element);
        else this.#events.queueMedia(node as Element);
      }
    } else if (record.k === 'doc' || record.k === 'shadow') {
      run.collector.rememberAdopted(node as Document | ShadowRoot, record.adopted);
      if (record.k === 'doc') {
        const frame = run.serializer.captureParent(node);
        if (frame !== null && nodeTypeOf(frame) === 1) run.iframeDocuments.set(frame as Element, node as Document);
      }
    }
  }

  async #snapshot(): Promise<void> {
    const generation = ++this.#generation;
    this.#snapshotting = true;
    this.#blocked = false;
    this.#dirty = false;
    this.#cancelFlush();
    // A new run: fresh ids, and records of the previous run are meaningless now.
    this.#run.collector.clear();
    this.#observer?.takeRecords();
    this.#observer?.disconnect();
    this.#roots.clear();
    this.#events.resetRun();
    this.#formWatch.clear();
    const run = (this.#run = this.#newRun());
    // A snapshot shows the page as it is, not as it is being typed: only the field being typed in is masked whole.
    this.#typingTarget = this.#typingTargetNow();
    run.serializer.strictWithin = this.#typingTarget;
    this.#observeRoot(this.#doc);

    let part = 0;
    let result: 'done' | 'aborted';
    try {
      result = await walkSnapshot({
        serializer: run.serializer,
        ids: run.ids,
        topDocument: this.#doc,
        budgetMs: this.#budgetMs,
        now: () => this.#win.performance.now(),
        yieldToEventLoop: () => this.#yield(),
        beforeSlice: () => {
          const records = this.#observer?.takeRecords() ?? [];
          if (records.length > 0) run.serializer.domChanged();
          this.#keepRecordsDuringSnapshot(records);
        },
        emitPart: (nodes, final) => {
          if (generation !== this.#generation) return false;
          const ok = this.#sendDom(this.#snapshotFrame(part, nodes, final));
          if (ok) {
            part++;
            this.#stats.snapshotParts++;
          }
          return ok;
        },
        movedAway: (node) => run.collector.isRemovedInMirror(node),
        cancelled: () => generation !== this.#generation || this.#state !== 'running',
      });
    } catch (error) {
      this.#onError(error);
      result = 'aborted';
      if (generation === this.#generation) {
        this.#dirty = true;
        this.#fail(error);
      }
    }
    if (generation !== this.#generation) return;
    this.#snapshotting = false;
    if (result !== 'done') return;
    this.#stats.snapshots++;
    this.#stats.lastSnapshotParts = part;
    for (const el of run.playingMedia.splice(0)) this.#events.queueMedia(el);
    try {
      this.#topLayer.reset(this.#roots);
    } catch (error) {
      this.#onError(error);
    }
    this.#scheduleFlush();
  }

  #snapshotFrame(part: number, nodes: SerializedNode[], final: boolean): Extract<ChannelMessage, { t: 'snapshot' }> {
    const win = this.#win;
    const frame: Extract<ChannelMessage, { t: 'snapshot' }> = {
      t: 'snapshot',
      seq: 0,
      part,
      final,
      url: maskUrl(this.#doc.URL.slice(0, MAX_URL)).text,
      title: maskNumbers(titleOf(this.#doc).slice(0, MAX_TITLE)).text,
      vw: win.innerWidth,
      vh: win.innerHeight,
      dpr: win.devicePixelRatio,
      sx: win.scrollX,
      sy: win.scrollY,
      nodes,
    };
    if (part === 0 || final) {
      const adopted = adoptedCss(this.#doc);
      if (adopted !== undefined) frame.adopted = adopted;
      if (final) this.#run.collector.rememberAdopted(this.#doc, adopted);
    }
    if (final) frame.focus = this.#events.focusedId(this.#run.ids);
    return frame;
  }

  /** During a snapshot, only records on nodes already serialized matter; the walk reads the rest live. */
  #keepRecordsDuringSnapshot(records: readonly MutationRecord[]): void {
    if (records.length === 0) return;
    const ids = this.#run.ids;
    const kept = records.filter((record) => ids.has(record.target));
    if (kept.length > 0) this.#run.collector.push(kept);
  }

  #onMutations(records: MutationRecord[]): void {
    try {
      if (this.#state !== 'running') return;
      if (records.length > 0) this.#run.serializer.domChanged();
      if (this.#blocked) {
        this.#dirty = true;
        return;
      }
      if (this.#snapshotting) {
        this.#keepRecordsDuringSnapshot(records);
        return;
      }
      this.#run.collector.push(records);
      this.#scheduleFlush();
    } catch (error) {
      this.#onError(error);
    }
  }

  #observeRoot(root: Document | ShadowRoot): void {
    if (this.#roots.has(root) || this.#observer === null) return;
    this.#roots.add(root);
    this.#observer.observe(root, OBSERVE_OPTIONS);
    this.#events.attachRoot(root);
    if (nodeTypeOf(root) === 9) {
      const view = (root as Document).defaultView;
      if (view !== null) this.#patchWindow(view as WindowWithGlobals);
    }
  }

  /** Patches a window's prototypes once (the top window, then each same-origin iframe's). */
  #patchWindow(win: WindowWithGlobals): void {
    if (this.#patchedWindows.has(win)) return;
    this.#patchedWindows.add(win);
    try {
      patchStylesheets(win, this.#patches, {
        sheetChanged: (sheet) => this.#whileCapturing(() => this.#run.collector.sheetChanged(sheet)),
        adoptedChanged: () => this.#whileCapturing(() => this.#run.collector.adoptedChanged()),
      });
      patchFormSetters(win, this.#patches, (el) => this.#whileCapturing(() => this.#events.queueInput(el)));
      patchTopLayer(win, this.#patches, (el) => this.#whileCapturing(() => this.#topLayer.note(el)));
      const elementProto = win.Element?.prototype;
      if (elementProto !== undefined) {
        this.#patches.patchMethod(elementProto, 'attachShadow', (host, _args, root) => {
          this.#whileCapturing(() => {
            if (
              typeof root !== 'object' ||
              root === null ||
              !isShadowRoot(root as Node) ||
              (root as ShadowRoot).mode !== 'open'
            )
              return;
            // A host serialized before it got its root: add the root as a subtree. Otherwise the walk finds it.
            if (!this.#run.ids.has(host as Node)) return;
            this.#observeRoot(root as ShadowRoot);
            this.#run.collector.addRoot(root as ShadowRoot);
          });
        });
      }
    } catch (error) {
      this.#onError(error);
    }
  }

  /** Runs a patch hook only while capturing; while blocked it only marks the mirror stale. */
  #whileCapturing(note: () => void): void {
    if (this.#state !== 'running') return;
    if (this.#blocked) {
      this.#dirty = true;
      return;
    }
    note();
    this.#scheduleFlush();
  }

  #onIframeLoad(iframe: Element): void {
    this.#whileCapturing(() => {
      const run = this.#run;
      if (!run.ids.has(iframe)) return;
      const current = iframeDocument(iframe);
      const previous = run.iframeDocuments.get(iframe) ?? null;
      if (current === previous) return;
      if (current !== null) run.iframeDocuments.set(iframe, current);
      else run.iframeDocuments.delete(iframe);
      run.collector.replaceDocument(previous, current);
    });
  }

  #scheduleFlush(): void {
    if (this.#state !== 'running' || this.#flushFrame !== null || this.#flushTimer !== null) return;
    const flush = (): void => this.#flush();
    try {
      this.#flushFrame =
        this.#win === globalThis
          ? pristine.requestAnimationFrame.call(globalThis, flush)
          : this.#win.requestAnimationFrame(flush);
    } catch (error) {
      this.#onError(error);
    }
    this.#flushTimer = this.#win.setTimeout(flush, HIDDEN_TAB_FLUSH_MS);
  }

  #cancelFlush(): void {
    if (this.#flushFrame !== null)
      (this.#win === globalThis ? pristine.cancelAnimationFrame : this.#win.cancelAnimationFrame).call(
        this.#win,
        this.#flushFrame,
      );
    if (this.#flushTimer !== null) this.#win.clearTimeout(this.#flushTimer);
    this.#flushFrame = null;
    this.#flushTimer = null;
  }

  /** Once per animation frame: one mutations frame, then the event frames, then the pointer. */
  #flush(): void {
    this.#cancelFlush();
    if (this.#state !== 'running' || this.#snapshotting) return;
    try {
      const run = this.#run;
      const records = this.#observer?.takeRecords() ?? [];
      if (records.length > 0) run.serializer.domChanged();
      if (this.#blocked) {
        if (records.length > 0 || run.collector.pending || this.#events.pending) this.#dirty = true;
        run.collector.clear();
        this.#events.clearPending();
        return;
      }
      if (records.length > 0) run.collector.push(records);
      if (this.#checkForms) this.#checkFormControls();
      this.#updateTyping(run);
      const batch = run.collector.pending ? run.collector.build() : null;
      if (batch !== null) {
        const frame: Extract<ChannelMessage, { t: 'mutations' }> = {
          t: 'mutations',
          seq: 0,
          removes: batch.removes,
          adds: batch.adds,
          attrs: batch.attrs,
          texts: batch.texts,
        };
        if (batch.sheets.length > 0) frame.sheets = batch.sheets;
        if (!this.#sendDom(frame)) return;
        this.#stats.mutationBatches++;
      }
      const { frames, pointer } = this.#events.takeFrames();
      for (const pending of frames) if (!this.#sendDom(withSeq(pending))) return;
      const layer = this.#topLayer.take((node) => run.ids.idOf(node));
      if (layer !== null && !this.#sendDom({ t: 'top', seq: 0, layer })) return;
      if (pointer !== null && !this.#trySend(pointer)) this.#onRefused(false);
      this.#failedFlushes = 0;
    } catch (error) {
      this.#onError(error);
      // A failed flush may have lost changes: the mirror must be rebuilt.
      this.#dirty = true;
      this.#failedFlushes++;
      if (!this.#blocked && this.#failedFlushes <= MAX_RESYNCS_AFTER_FAILED_FLUSH) void this.resync();
      else if (this.#failedFlushes === MAX_RESYNCS_AFTER_FAILED_FLUSH + 1) this.#fail(error);
    } finally {
      this.#run.serializer.endSettling();
    }
  }

  /** Form controls whose state changed unseen go to the input pipeline (form-watch.ts). */
  #checkFormControls(): void {
    this.#checkForms = false;
    if (this.#state !== 'running' || this.#snapshotting || this.#blocked) return;
    try {
      this.#formWatch.check((el) => this.#events.queueInput(el));
    } catch (error) {
      this.#onError(error);
    }
  }

  /**
   * Follows which field the customer types in. While one has focus every
   * digit sent is masked; when focus leaves it (or moves to another field),
   * what went out that way is masked again by the normal rule and sent.
   */
  #updateTyping(run: CaptureRun): void {
    const target = this.#typingTargetNow();
    const serializer = run.serializer;
    serializer.strictWithin = null;
    if (target !== this.#typingTarget) {
      this.#typingTarget = target;
      const sent = serializer.takeStrictSent();
      serializer.settle(sent);
      run.collector.recheck(sent);
      for (const el of sent.forms) this.#events.queueInput(el);
    }
    serializer.strict = target !== null;
  }

  #typingTargetNow(): Element | null {
    const focused = this.#events.focusedElement();
    return focused !== null && !this.#isOwnUi(focused) && isTypingTarget(focused) ? focused : null;
  }

  /** Sends a DOM frame with the next seq; false (and the stream marked stale) when refused. */
  #sendDom(frame: ChannelMessage & { seq: number }): boolean {
    if (this.#blocked) {
      this.#dirty = true;
      return false;
    }
    frame.seq = this.#seq.next();
    if (this.#trySend(frame)) return true;
    this.#onRefused(true);
    return false;
  }

  #trySend(message: ChannelMessage): boolean {
    let ok = false;
    try {
      ok = this.#send(message) !== false;
    } catch (error) {
      this.#onError(error);
    }
    if (ok) this.#stats.framesSent++;
    else this.#stats.framesRejected++;
    return ok;
  }

  #onRefused(lostDomFrame: boolean): void {
    this.#blocked = true;
    if (lostDomFrame) this.#dirty = true;
    this.#run.collector.clear();
    this.#events.clearPending();
  }

  #yield(): Promise<void> {
    const channel = this.#channel;
    if (channel === null || this.#state !== 'running') return Promise.resolve();
    return new Promise((resolve) => {
      this.#yieldResolvers.push(resolve);
      channel.port2.postMessage(null);
    });
  }

  /** Told once per failure streak: never a silent "live" view of a page that is not being shared. */
  #fail(error: unknown): void {
    // Not `instanceof Error`: the page's errors may come from another realm (an iframe).
    const message: unknown =
      typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
    const reason = typeof message === 'string' ? message : String(error);
    try {
      this.#onFailure?.(reason.slice(0, 300));
    } catch (failure) {
      this.#onError(failure);
    }
  }

  #onError(error: unknown): void {
    this.#stats.errors++;
    if (this.#stats.errors <= 3) {
      // Visible to integrators debugging a page, never thrown into it.
      try {
        console.debug('[cobrowse] capture error', error);
      } catch {
        /* console may be gone */
      }
    }
  }
}

function withSeq(frame: PendingDomFrame): ChannelMessage & { seq: number } {
  return { ...frame, seq: 0 } as ChannelMessage & { seq: number };
}
