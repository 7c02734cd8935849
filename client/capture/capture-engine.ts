/**
 * The customer-side capture engine: a masked, time-sliced full snapshot,
 * then incremental frames (mutations batched per task, see flush-schedule.ts; form
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
import { TypingWatch } from './typing.js';
import { CaptureErrors } from './capture-errors.js';
import { createMaskConfig, type MaskConfig } from './mask-dom.js';
import { EventCapture } from './events.js';
import { FormWatch } from './form-watch.js';
import { TopLayerWatch } from './top-layer.js';
import { PrototypePatches } from './patches.js';
import { iframeLoaded } from './iframe-load.js';
import { SensitiveFields } from './typing-mask.js';
import { sendSnapshot } from './engine-snapshot.js';
import { SheetReader } from './stylesheets.js';
import { pristine } from '../pristine.js';
import { nodeTypeOf } from './dom-read.js';
import { CaptureRun } from './capture-run.js';
import { DomFrameSender, type UnsequencedDomFrame } from './dom-frame-sender.js';
import { FlushSchedule } from './flush-schedule.js';
import { SliceYield } from './slice-yield.js';
import { patchCapturedWindow } from './window-patches.js';
import type { CaptureEngineOptions, CaptureStats } from './capture-options.js';
import { PageBytes } from './page-bytes.js';
import { FrameBridge } from './frame-bridge.js';

export type { CaptureEngineOptions, CaptureStats } from './capture-options.js';
import type { Lifecycle, Running } from './engine-lifecycle.js';

const OBSERVE_OPTIONS: MutationObserverInit = { subtree: true, childList: true, attributes: true, characterData: true };
const MAX_RESYNCS_AFTER_FAILED_FLUSH = 3;
/** How often form controls are compared with what was sent (values changed with no event, see form-watch.ts). */
const FORM_CHECK_MS = 500;

type WindowWithGlobals = Window & typeof globalThis;

export class CaptureEngine {
  readonly #win: WindowWithGlobals;
  readonly #doc: Document;
  readonly #mask: MaskConfig;
  readonly #budgetMs: number;
  readonly #holdSlices: (() => Promise<void> | null) | undefined;
  readonly #isOwnUi: (node: Node) => boolean;
  readonly #sender: DomFrameSender;
  readonly #schedule: FlushSchedule;
  readonly #patches: PrototypePatches;
  readonly #events: EventCapture;
  readonly #sheets: SheetReader;
  readonly #bytes: PageBytes;
  /** Cross-origin frames that join this capture; null unless the integrator listed their origins. */
  readonly #frames: FrameBridge | null;
  readonly #stats = { snapshots: 0, snapshotParts: 0, lastSnapshotParts: 0, mutationBatches: 0 };
  #state: Lifecycle = { phase: 'idle' };
  #run: CaptureRun;
  /** Counts snapshots started (and stop()): a walk whose generation is no longer current was cancelled. */
  #generation = 0;
  readonly #roots = new Set<Document | ShadowRoot>();
  readonly #patchedWindows = new WeakSet<Window>();
  readonly #formWatch = new FormWatch();
  readonly #topLayer = new TopLayerWatch();
  /** A click, key or form reset happened: compare form controls at the next flush. */
  #checkForms = false;
  readonly #sensitiveFields = new SensitiveFields();
  readonly #typing: TypingWatch;
  readonly #errors: CaptureErrors;
  /** Flushes that threw in a row; past a few, stop resyncing on every frame and wait for a resync request. */
  #failedFlushes = 0;

  constructor(options: CaptureEngineOptions) {
    this.#win = options.window as WindowWithGlobals;
    this.#doc = this.#win.document;
    this.#errors = new CaptureErrors(options.onFailure);
    this.#mask = createMaskConfig(options.mask);
    this.#budgetMs = options.sliceBudgetMs ?? 8;
    this.#holdSlices = options.holdSlices;
    this.#isOwnUi = this.#errors.guardedPredicate(options.isOwnUi);
    this.#sender = new DomFrameSender({
      send: (message) => this.#bytes.send(message),
      onRefused: () => {
        this.#run.collector.clear();
        this.#events.clearPending();
      },
      onError: (error) => this.#errors.caught(error),
    });
    this.#schedule = new FlushSchedule(
      this.#win,
      () => this.#flush(),
      (error) => this.#errors.caught(error),
    );
    this.#patches = new PrototypePatches((error) => this.#errors.caught(error));
    this.#sheets = new SheetReader(this.#win, {
      fetched: (sheet) => this.#whileCapturing(() => this.#run.collector.sheetChanged(sheet)),
      enabled: () => this.#bytes.assets.policy !== 'direct',
      caught: (error) => this.#errors.caught(error),
    });
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
      onFormRead: (el) => this.#formWatch.refresh(el),
      onTopLayer: (el) => this.#whileCapturing(() => this.#topLayer.note(el)),
      onError: (error) => this.#errors.caught(error),
    });
    this.#typing = new TypingWatch(() => this.#events.focusedElement(), this.#isOwnUi);
    this.#run = this.#newRun();
    const ready = (): boolean => this.#state.phase === 'running' && !this.#state.snapshotting;
    const hooks = { window: this.#win, run: () => this.#run, ready, sender: this.#sender, errors: this.#errors };
    this.#bytes = new PageBytes(hooks, options);
    this.#frames =
      options.frames === undefined || options.frames === null
        ? null
        : new FrameBridge(options.frames, {
            run: () => this.#run,
            assetPolicy: () => this.#bytes.assets.policy,
            sendDom: (frame) => this.#bytes.forwarding(() => this.#sender.sendDom(frame)),
            sendAsset: (message) => this.#bytes.forwardAsset(message),
            schedule: () => this.#scheduleFlush(),
            caught: (error) => this.#errors.caught(error),
          });
  }

  /** Counters for monitoring and tests. */
  get stats(): Readonly<CaptureStats> {
    return {
      ...this.#stats,
      framesSent: this.#sender.framesSent,
      framesRejected: this.#sender.framesRejected,
      errors: this.#errors.count,
      nodes: this.#run.ids.assigned,
      dirty: this.#sender.dirty,
      listeners: this.#events.listenerCount,
      observedRoots: this.#roots.size,
      ...this.#bytes.stats,
      ...(this.#frames === null ? {} : { frames: { ...this.#frames.stats } }),
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

  /**
   * Sends the field's state (masked as any input frame) at the next flush even when unchanged: after the agent's
   * key the page refused, the agent's copy holds text the field never had, and this is what it follows.
   */
  resendFormState(node: Node): void {
    if (node.nodeType === 1) this.#whileCapturing(() => this.#events.resendInput(node as Element));
  }

  /** Starts capturing: a full snapshot (in time slices), then incremental frames. */
  async start(): Promise<void> {
    if (this.#state.phase !== 'idle') return;
    const running: Running = { phase: 'running', observer: null, slices: null, formTimer: null, snapshotting: false };
    this.#state = running;
    try {
      // The page's own window: the MutationObserver it had when our code loaded (analytics and zone.js replace it).
      const Observer = this.#win === globalThis ? pristine.MutationObserver : this.#win.MutationObserver;
      running.observer = new Observer((records) => this.#onMutations(records));
      this.#patchWindow(this.#win);
      // Captured nodes first reached through our observer's records get their JS wrappers in the realm of our
      // callback (Chromium), so a page's `input.value = …` on them runs this realm's setter: patch it as well.
      if (this.#win !== globalThis) this.#patchWindow(globalThis as WindowWithGlobals);
      this.#events.attachWindow(this.#win);
      running.slices = new SliceYield(this.#win, this.#holdSlices);
      running.formTimer = this.#win.setInterval(() => this.#checkFormControls(), FORM_CHECK_MS);
      this.#bytes.canvas.start();
    } catch (error) {
      this.#errors.caught(error);
    }
    await this.#snapshot();
  }

  /**
   * Sends a fresh snapshot (a new node-id run); the mirror rebuilds from its
   * part 0. `restartSequence` starts seq again at 0, for when the codec
   * streams of both sides were reset too.
   */
  async resync(options: { restartSequence?: boolean } = {}): Promise<void> {
    if (this.#state.phase !== 'running') return;
    if (options.restartSequence === true) this.#sender.restartSequence();
    await this.#snapshot();
  }

  /** The transport caught up: resume, with a fresh snapshot if frames were lost meanwhile. */
  drained(): void {
    if (this.#state.phase !== 'running') return;
    this.#sender.unblock();
    if (this.#sender.dirty) void this.resync();
    else this.#scheduleFlush();
  }

  /**
   * Sends what changed so far now rather than at the next frame, so that a
   * message sent right after (the acknowledgement of a remote action) follows
   * the frames that show the action's effect.
   */
  flushNow(): void {
    this.#flush();
  }

  /** Stops everything: observers, listeners, timers, prototype patches. Final. */
  stop(): void {
    const state = this.#state;
    if (state.phase === 'stopped') return;
    this.#state = { phase: 'stopped' };
    this.#generation++;
    if (state.phase === 'running') {
      this.#errors.guard(() => state.observer?.disconnect());
      if (state.formTimer !== null) this.#win.clearInterval(state.formTimer);
      // Lets an awaiting snapshot walk resume and see it was cancelled.
      state.slices?.close();
    }
    this.#roots.clear();
    this.#events.detachAll();
    this.#events.clearPending();
    this.#patches.restoreAll();
    this.#run.collector.clear();
    this.#schedule.close();
    this.#formWatch.clear();
    this.#bytes.stop();
    this.#frames?.stop();
  }

  #newRun(): CaptureRun {
    const roots = this.#roots;
    return new CaptureRun({
      topDocument: this.#doc,
      sensitiveFields: this.#sensitiveFields,
      mask: this.#mask,
      sheets: this.#sheets,
      isOwnUi: this.#isOwnUi,
      roots: () => roots,
      observeRoot: (root) => this.#observeRoot(root),
      queueInput: (el) => this.#events.queueInput(el),
      formSerialized: (el, state, watch) => {
        if (watch) this.#formWatch.track(el);
        this.#events.rememberForm(el, state);
      },
      mediaPlaying: (el) => this.#events.queueMedia(el),
      canvasSerialized: (el) => this.#bytes.canvas.track(el),
      frameSerialized: (el, id) => this.#frames?.frameSerialized(el, id),
      snapshotting: () => this.#state.phase === 'running' && this.#state.snapshotting,
    });
  }

  async #snapshot(): Promise<void> {
    const state = this.#state;
    if (state.phase !== 'running') return;
    const generation = ++this.#generation;
    state.snapshotting = true;
    this.#sender.snapshotStarted();
    this.#schedule.cancel();
    // A new run: fresh ids, and records of the previous run are meaningless now.
    this.#run.collector.clear();
    state.observer?.takeRecords();
    state.observer?.disconnect();
    this.#roots.clear();
    this.#events.resetRun();
    this.#formWatch.clear();
    this.#bytes.canvas.newRun();
    const run = (this.#run = this.#newRun());
    this.#frames?.newRun();
    // A snapshot shows the page as it is, not as it is being typed: only the field being typed in is masked whole.
    this.#typing.snapshotStarted(run.serializer, this.#doc);
    this.#observeRoot(this.#doc);
    const current = (): boolean => generation === this.#generation && this.#state.phase === 'running';

    let parts = 0;
    let result: 'done' | 'aborted';
    try {
      ({ result, parts } = await sendSnapshot({
        win: this.#win,
        run,
        state,
        events: this.#events,
        sender: this.#sender,
        budgetMs: this.#budgetMs,
        assets: () => this.#bytes.assets.policy,
        current,
        sameGeneration: () => generation === this.#generation,
        keepRecords: (records) => this.#keepRecordsDuringSnapshot(records),
        partSent: () => this.#stats.snapshotParts++,
      }));
    } catch (error) {
      this.#errors.caught(error);
      result = 'aborted';
      if (generation === this.#generation) {
        this.#sender.markDirty();
        this.#errors.failed(error);
      }
    }
    if (generation !== this.#generation) return;
    state.snapshotting = false;
    if (result !== 'done') return;
    this.#stats.snapshots++;
    this.#stats.lastSnapshotParts = parts;
    for (const el of run.playingMedia.splice(0)) this.#events.queueMedia(el);
    this.#errors.guard(() => this.#topLayer.reset(this.#roots));
    this.#scheduleFlush();
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
      const state = this.#state;
      if (state.phase !== 'running') return;
      if (records.length > 0) this.#run.serializer.domChanged();
      if (this.#sender.blocked) {
        this.#sender.markDirty();
        return;
      }
      if (state.snapshotting) {
        this.#keepRecordsDuringSnapshot(records);
        return;
      }
      this.#run.collector.push(records);
      this.#scheduleFlush();
    } catch (error) {
      this.#errors.caught(error);
    }
  }

  #observeRoot(root: Document | ShadowRoot): void {
    const observer = this.#state.phase === 'running' ? this.#state.observer : null;
    if (this.#roots.has(root) || observer === null) return;
    this.#roots.add(root);
    observer.observe(root, OBSERVE_OPTIONS);
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
    this.#frames?.attachWindow(win);
    try {
      patchCapturedWindow(win, this.#patches, {
        sheetChanged: (sheet) => this.#whileCapturing(() => this.#run.collector.sheetChanged(sheet)),
        adoptedChanged: () => this.#whileCapturing(() => this.#run.collector.adoptedChanged()),
        formSet: (el) => this.#whileCapturing(() => this.#events.queueInput(el)),
        topLayer: (el) => this.#whileCapturing(() => this.#topLayer.note(el)),
        canvasText: (canvas, text) => this.#bytes.canvas.noteText(canvas, text),
        shadowAttached: (host, root) =>
          this.#whileCapturing(() => {
            // A host serialized before it got its root: add the root as a subtree. Otherwise the walk finds it.
            if (!this.#run.ids.has(host)) return;
            this.#observeRoot(root);
            this.#run.collector.addRoot(root);
          }),
      });
    } catch (error) {
      this.#errors.caught(error);
    }
  }

  /** Runs a patch hook only while capturing; while blocked it only marks the mirror stale. */
  #whileCapturing(note: () => void): void {
    if (this.#state.phase !== 'running') return;
    if (this.#sender.blocked) {
      this.#sender.markDirty();
      return;
    }
    note();
    this.#scheduleFlush();
  }

  #onIframeLoad(iframe: Element): void {
    this.#whileCapturing(() => iframeLoaded(this.#run, iframe, (frame, id) => this.#frames?.frameLoaded(frame, id)));
  }

  #scheduleFlush(): void {
    if (this.#state.phase === 'running') this.#schedule.schedule();
  }

  /** Once per batch (flush-schedule.ts): one mutations frame, then the event frames, then the pointer. */
  #flush(): void {
    this.#schedule.cancel();
    const state = this.#state;
    if (state.phase !== 'running' || state.snapshotting) return;
    const sender = this.#sender;
    try {
      const run = this.#run;
      const records = state.observer?.takeRecords() ?? [];
      if (records.length > 0) run.serializer.domChanged();
      if (sender.blocked) {
        if (records.length > 0 || run.collector.pending || this.#events.pending) sender.markDirty();
        run.collector.clear();
        this.#events.clearPending();
        return;
      }
      if (records.length > 0) run.collector.push(records);
      if (this.#checkForms) this.#checkFormControls();
      this.#typing.update(run, (el) => this.#events.queueInput(el));
      const batch = run.collector.pending ? run.collector.build() : null;
      if (batch !== null) {
        const frame: Extract<UnsequencedDomFrame, { t: 'mutations' }> = {
          t: 'mutations',
          removes: batch.removes,
          adds: batch.adds,
          attrs: batch.attrs,
          texts: batch.texts,
        };
        if (batch.sheets.length > 0) frame.sheets = batch.sheets;
        if (!sender.sendDom(frame)) return;
        this.#stats.mutationBatches++;
      }
      const { frames, pointer } = this.#events.takeFrames();
      for (const pending of frames) if (!sender.sendDom(pending)) return;
      if (this.#frames !== null && !this.#frames.flush()) return;
      // After the frames' content: their top-layer entries name nodes they just added.
      const layer = this.#topLayer.take((node) => run.ids.idOf(node), this.#frames?.topLayer);
      if (layer !== null && !sender.sendDom({ t: 'top', layer })) return;
      if (pointer !== null) sender.sendEphemeral(pointer);
      this.#failedFlushes = 0;
    } catch (error) {
      this.#errors.caught(error);
      // A failed flush may have lost changes: the mirror must be rebuilt.
      sender.markDirty();
      this.#failedFlushes++;
      if (!sender.blocked && this.#failedFlushes <= MAX_RESYNCS_AFTER_FAILED_FLUSH) void this.resync();
      else if (this.#failedFlushes === MAX_RESYNCS_AFTER_FAILED_FLUSH + 1) this.#errors.failed(error);
    } finally {
      this.#run.serializer.typing.endSettling();
    }
  }

  /** Form controls whose state changed unseen go to the input pipeline (form-watch.ts). */
  #checkFormControls(): void {
    this.#checkForms = false;
    const state = this.#state;
    if (state.phase !== 'running' || state.snapshotting || this.#sender.blocked) return;
    this.#errors.guard(() => this.#formWatch.check((el) => this.#events.queueInput(el)));
  }
}
