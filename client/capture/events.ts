/**
 * User and page events the mirror follows besides DOM mutations: form input
 * (typed, pasted or set by script), scroll, resize, focus, selection, media
 * state and the pointer. Listeners only note what changed; the engine's
 * per-frame flush turns the notes into at most one frame per target, after
 * the mutations frame of the same flush (so every id already exists).
 */
import type { ChannelMessage } from '../../shared/protocol.js';
import type { NodeIds } from './node-ids.js';
import { TOP_DOCUMENT_ID } from './node-ids.js';
import { iframeDocument } from './dom-nodes.js';
import type { FormState } from './form-state.js';
import { FormFrames } from './form-frames.js';
import type { Serializer } from './serialize.js';
import { pristine } from '../pristine.js';
import { activeElementOf, bodyOf, documentElementOf, localNameOf, nodeTypeOf, capturedShadowRoot } from './dom-read.js';

type Unsequenced<T> = T extends { seq: number } ? Omit<T, 'seq'> : never;
/** A DOM frame before the engine gives it its seq. */
export type PendingDomFrame = Unsequenced<
  Extract<ChannelMessage, { t: 'input' | 'scroll' | 'viewport' | 'focus' | 'selection' | 'media' }>
>;
export type PointerMessage = Extract<ChannelMessage, { t: 'pointer' }>;

const ROOT_EVENTS = [
  'input',
  'change',
  'reset',
  'click',
  'keyup',
  'scroll',
  'play',
  'pause',
  'seeked',
  'load',
  'focusin',
  'focusout',
  'toggle',
  'close',
  'cancel',
  'fullscreenchange',
] as const;
const POINTER_EVENTS = ['pointermove', 'pointerdown', 'pointerup', 'pointerout'] as const;
const MAX_SELECTION_RANGES = 64;

export interface EventCaptureOptions {
  topWindow: Window;
  topDocument: Document;
  /** The current run's ids and serializer (they change on every snapshot). */
  run: () => { ids: NodeIds; serializer: Serializer };
  isOwnUi: (node: Node) => boolean;
  /** Something was noted: a flush is due. */
  schedule: () => void;
  /** A captured <iframe> fired load: its document may have been replaced. */
  onIframeLoad: (iframe: Element) => void;
  /** A click, key or form reset: form values may have changed with no input event (compare them at the next flush). */
  onFormsMayChange: () => void;
  /** The flush read this control's state (what the mirror holds from now on), so the form watch compares with it. */
  onFormRead: (el: Element) => void;
  /** A dialog, popover or full-screen element may have entered or left the top layer. */
  onTopLayer: (el: Element) => void;
  onError: (error: unknown) => void;
}

interface Listener {
  target: EventTarget;
  type: string;
  handler: (event: Event) => void;
  capture: boolean;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'nodeType' in value && 'getRootNode' in value;
}

export class EventCapture {
  readonly #o: EventCaptureOptions;
  readonly #listeners: Listener[] = [];
  readonly #attached = new WeakSet<EventTarget>();
  #inputs = new Set<Element>();
  #scrolls = new Set<Node>();
  #media = new Set<Element>();
  #viewport = false;
  #focus = false;
  #selection = false;
  #pointer: PointerMessage | null = null;
  readonly #forms: FormFrames;
  #lastFocus: number | null | undefined = undefined;
  #lastSelection = '';

  constructor(options: EventCaptureOptions) {
    this.#o = options;
    this.#forms = new FormFrames(options.onFormRead);
  }

  /** Number of listeners currently installed (for tests and stats). */
  get listenerCount(): number {
    return this.#listeners.length;
  }

  get pending(): boolean {
    return (
      this.#inputs.size > 0 ||
      this.#scrolls.size > 0 ||
      this.#media.size > 0 ||
      this.#viewport ||
      this.#focus ||
      this.#selection ||
      this.#pointer !== null
    );
  }

  /** Listens on the captured top window (resize). */
  attachWindow(win: Window): void {
    if (this.#attached.has(win)) return;
    this.#attached.add(win);
    this.#listen(win, 'resize', () => {
      this.#viewport = true;
      this.#o.schedule();
    });
  }

  /** Listens on a captured document or open shadow root (capture phase, passive). */
  attachRoot(root: Document | ShadowRoot): void {
    if (this.#attached.has(root)) return;
    this.#attached.add(root);
    for (const type of ROOT_EVENTS) this.#listen(root, type, (event) => this.#onRootEvent(root, event));
    if (nodeTypeOf(root) === 9) {
      this.#listen(root, 'selectionchange', () => {
        this.#selection = true;
        this.#o.schedule();
      });
      for (const type of POINTER_EVENTS)
        this.#listen(root, type, (event) => this.#onPointer(root as Document, event as PointerEvent));
    }
  }

  /** Removes every listener. */
  detachAll(): void {
    for (const { target, type, handler, capture } of this.#listeners.splice(0)) {
      try {
        pristine.removeEventListener.call(target, type, handler, capture);
      } catch (error) {
        this.#o.onError(error);
      }
    }
  }

  /** A form element's value, checked or selected state may have changed (script setter, attribute). */
  queueInput(el: Element): void {
    this.#inputs.add(el);
    this.#o.schedule();
  }

  /** Sends the form element's state at the next flush even when it is what was sent last (a key the page refused). */
  resendInput(el: Element): void {
    this.#forms.forget(el);
    this.queueInput(el);
  }

  /** Notes a playing media element so its state follows the snapshot. */
  queueMedia(el: Element): void {
    this.#media.add(el);
    this.#o.schedule();
  }

  /** Records the state the mirror got with a serialized form element, so unchanged state is not re-sent. */
  rememberForm(el: Element, state: FormState): void {
    this.#forms.remember(el, state);
  }

  /** Forgets the state of the previous run (before a fresh snapshot). */
  resetRun(): void {
    this.clearPending();
    this.#forms.reset();
    this.#lastFocus = undefined;
    this.#lastSelection = '';
  }

  /** Drops every pending note (backpressure). */
  clearPending(): void {
    this.#inputs.clear();
    this.#scrolls.clear();
    this.#media.clear();
    this.#viewport = false;
    this.#focus = false;
    this.#selection = false;
    this.#pointer = null;
  }

  /** Turns the notes into frames (without seq) and the latest pointer message, then clears them. */
  takeFrames(): { frames: PendingDomFrame[]; pointer: PointerMessage | null } {
    const frames: PendingDomFrame[] = [];
    const { ids, serializer } = this.#o.run();
    const inputs = this.#inputs;
    this.#inputs = new Set();
    this.#forms.take(inputs, ids, serializer, frames);

    const scrolls = this.#scrolls;
    this.#scrolls = new Set();
    for (const target of scrolls) {
      const id = target === this.#o.topDocument ? TOP_DOCUMENT_ID : ids.idOf(target);
      if (id === undefined) continue;
      if (nodeTypeOf(target) === 9) {
        const view = (target as Document).defaultView;
        if (view !== null) frames.push({ t: 'scroll', id, x: view.scrollX, y: view.scrollY });
      } else {
        const el = target as Element;
        frames.push({ t: 'scroll', id, x: el.scrollLeft, y: el.scrollTop });
      }
    }

    if (this.#viewport) {
      this.#viewport = false;
      const win = this.#o.topWindow;
      frames.push({
        t: 'viewport',
        width: win.innerWidth,
        height: win.innerHeight,
        devicePixelRatio: win.devicePixelRatio,
      });
    }

    if (this.#focus) {
      this.#focus = false;
      const focused = this.focusedId(ids);
      if (focused !== this.#lastFocus) {
        this.#lastFocus = focused;
        frames.push({ t: 'focus', id: focused });
      }
    }

    if (this.#selection) {
      this.#selection = false;
      const ranges = this.#selectionRanges(ids);
      const key = JSON.stringify(ranges);
      if (key !== this.#lastSelection) {
        this.#lastSelection = key;
        frames.push({ t: 'selection', ranges });
      }
    }

    const media = this.#media;
    this.#media = new Set();
    for (const el of media) {
      const id = ids.idOf(el);
      if (id === undefined) continue;
      const player = el as HTMLMediaElement;
      const time = Number.isFinite(player.currentTime) && player.currentTime >= 0 ? player.currentTime : 0;
      frames.push({ t: 'media', id, paused: player.paused, time });
    }

    const pointer = this.#pointer;
    this.#pointer = null;
    return { frames, pointer };
  }

  /** The id of the focused captured element (inside open shadow roots and same-origin iframes), or null. */
  focusedId(ids: NodeIds): number | null {
    const active = this.focusedElement();
    return active === null ? null : (ids.idOf(active) ?? null);
  }

  /** The focused element, inside open shadow roots and same-origin iframes; null for the page itself. */
  focusedElement(): Element | null {
    let active: Element | null = activeElementOf(this.#o.topDocument);
    for (let depth = 0; active !== null && depth < 32; depth++) {
      const shadowActive = capturedShadowRoot(active)?.activeElement ?? null;
      if (shadowActive !== null && shadowActive !== undefined) {
        active = shadowActive;
        continue;
      }
      const tag = localNameOf(active);
      if (tag === 'iframe' || tag === 'frame') {
        const innerDocument = iframeDocument(active);
        const inner = innerDocument ? activeElementOf(innerDocument) : null;
        if (inner !== null && localNameOf(inner) !== 'body' && localNameOf(inner) !== 'html') {
          active = inner;
          continue;
        }
      }
      break;
    }
    if (active === null || active === bodyOf(this.#o.topDocument) || active === documentElementOf(this.#o.topDocument))
      return null;
    return active;
  }

  #selectionRanges(ids: NodeIds): Array<{ start: number; startOffset: number; end: number; endOffset: number }> {
    const ranges: Array<{ start: number; startOffset: number; end: number; endOffset: number }> = [];
    const selection = this.#o.topDocument.getSelection();
    if (selection === null) return ranges;
    const count = Math.min(selection.rangeCount, MAX_SELECTION_RANGES);
    for (let i = 0; i < count; i++) {
      const range = selection.getRangeAt(i);
      const start = ids.idOf(range.startContainer);
      const end = ids.idOf(range.endContainer);
      if (start === undefined || end === undefined) continue;
      ranges.push({ start, startOffset: range.startOffset, end, endOffset: range.endOffset });
    }
    return ranges;
  }

  #onRootEvent(root: Document | ShadowRoot, event: Event): void {
    const path = event.composedPath();
    const target = path[0] ?? event.target;
    if (!isNode(target)) return;
    // Each root handles the events of its own nodes; composed events also reach outer roots.
    if (target.getRootNode() !== root) return;
    if (this.#o.isOwnUi(target)) return;
    switch (event.type) {
      case 'input':
      case 'change':
        if (nodeTypeOf(target) === 1) this.queueInput(target as Element);
        return;
      case 'reset':
        // Fired before the form resets; the flush reads the values after it.
        if (nodeTypeOf(target) === 1 && localNameOf(target as Element) === 'form') {
          for (const control of Array.from((target as HTMLFormElement).elements)) this.queueInput(control);
        }
        this.#o.onFormsMayChange();
        return;
      case 'click':
      case 'keyup':
        this.#o.onFormsMayChange();
        return;
      case 'toggle':
      case 'close':
      case 'cancel':
      case 'fullscreenchange':
        if (nodeTypeOf(target) === 1) this.#o.onTopLayer(target as Element);
        return;
      case 'scroll':
        this.#scrolls.add(target);
        this.#o.schedule();
        return;
      case 'play':
      case 'pause':
      case 'seeked':
        if (nodeTypeOf(target) === 1) this.queueMedia(target as Element);
        return;
      case 'load':
        if (
          nodeTypeOf(target) === 1 &&
          (localNameOf(target as Element) === 'iframe' || localNameOf(target as Element) === 'frame')
        ) {
          this.#o.onIframeLoad(target as Element);
        }
        return;
      case 'focusin':
      case 'focusout':
        this.#focus = true;
        this.#o.schedule();
        return;
    }
  }

  #onPointer(doc: Document, event: PointerEvent): void {
    if (event.type === 'pointerout') {
      if (event.relatedTarget === null && doc === this.#o.topDocument) {
        this.#pointer = { t: 'pointer', x: this.#pointer?.x ?? 0, y: this.#pointer?.y ?? 0, gone: true };
        this.#o.schedule();
      }
      return;
    }
    let x = event.clientX;
    let y = event.clientY;
    let win: Window | null = doc.defaultView;
    const top = this.#o.topWindow;
    for (let depth = 0; win !== null && win !== top && depth < 16; depth++) {
      const frame = win.frameElement;
      if (frame === null) return;
      const box = frame.getBoundingClientRect();
      x += box.left + frame.clientLeft;
      y += box.top + frame.clientTop;
      win = frame.ownerDocument.defaultView;
    }
    x += top.scrollX;
    y += top.scrollY;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const click = event.type === 'pointerdown' || this.#pointer?.click === true;
    this.#pointer = click ? { t: 'pointer', x, y, click: true } : { t: 'pointer', x, y };
    if (event.type !== 'pointerup' && (event.type === 'pointerdown' || (event.buttons & 1) === 1))
      this.#pointer.down = true;
    this.#o.schedule();
  }

  #listen(target: EventTarget, type: string, handler: (event: Event) => void): void {
    const onError = this.#o.onError;
    const safe = (event: Event): void => {
      try {
        handler(event);
      } catch (error) {
        onError(error);
      }
    };
    pristine.addEventListener.call(target, type, safe, { capture: true, passive: true });
    this.#listeners.push({ target, type, handler: safe, capture: true });
  }
}
