/**
 * What the agent does inside the mirrored page, turned into guidance and
 * remote actions: pointer moves (one per frame), clicks with the tool chosen,
 * typing, keys, the wheel, focus; never into a masked field, and nothing
 * reaches the mirror's own document (it runs no script; listeners run in the
 * console). A ReactiveController: its pending frame ends with the element.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { KeyboardGuidanceController } from './keyboard-guidance-controller.js';
import { MirrorListeners } from './mirror-listeners.js';
import type { Mirror } from './mirror/mirror.js';
import { isTextControl, type RemoteInputController } from './remote-input-controller.js';
import type { RemoteScroll } from './remote-scroll.js';
import type { AgentSession } from './session/agent-session.js';
import type { StageOverlays } from './stage-overlays.js';
import { innermostTarget as targetOf } from './innermost-target.js';

export type AgentTool = 'pointer' | 'highlight' | 'draw' | 'arrow' | 'control';

const MASKED_FOR_CONTROL = 'That field is hidden from you, so it cannot be used remotely.';

export interface MirrorInteractionOptions {
  mirror(): Mirror | null;
  session(): AgentSession | null;
  live(): boolean;
  tool(): AgentTool;
  /** Control granted by the customer (whatever the tool). */
  hasControl(): boolean;
  overlays: StageOverlays;
  remoteInput: RemoteInputController;
  remoteScroll: RemoteScroll;
  keyboardGuidance(): KeyboardGuidanceController;
}

export class MirrorInteraction implements ReactiveController {
  #listeners: MirrorListeners | null = null;
  #pointerFrame = 0;
  #pendingPointer: { x: number; y: number } | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly o: MirrorInteractionOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    if (this.#pointerFrame) cancelAnimationFrame(this.#pointerFrame);
    this.#pointerFrame = 0;
  }

  get listeners(): MirrorListeners | null {
    return this.#listeners;
  }

  #controlling(): boolean {
    return this.o.tool() === 'control' && this.o.hasControl();
  }

  /** Listen on the mirror's documents (the top one and same-origin frames, as they come). */
  attach(iframe: HTMLIFrameElement): void {
    const input = this.o.remoteInput;
    const listeners: MirrorListeners = new MirrorListeners(iframe, [
      ['pointermove', (e) => this.#onPointerMove(e as PointerEvent)],
      ['click', (e) => this.#onClick(e as MouseEvent)],
      ['beforeinput', (e) => input.onBeforeInput(e)],
      ['input', (e) => this.#onInput(e)],
      ['compositionstart', (e) => input.onCompositionStart(e)],
      ['compositionend', (e) => input.onCompositionEnd(e)],
      ['keyup', (e) => input.onSelectionMaybeChanged(e)],
      ['mouseup', (e) => input.onSelectionMaybeChanged(e)],
      ['pointerdown', (e) => input.onPointerDown(e)],
      ['focusout', (e) => input.onFocusOut(e)],
      ['keydown', (e) => input.onKeyDown(e)],
      ['keydown', (e) => this.#onKeydown(e as KeyboardEvent)],
      ['wheel', (e) => this.#onWheel(e as WheelEvent)],
      ['focusin', (e) => this.#onFocus(e)],
      // pointerleave does not bubble but is captured here for every element left; only leaving the page counts.
      [
        'pointerleave',
        (e) =>
          e.target === listeners.topDocument?.documentElement &&
          this.o.session()?.send({ t: 'pointer', x: 0, y: 0, gone: true }),
      ],
    ]);
    this.#listeners = listeners;
  }

  detach(): void {
    this.#listeners?.destroy();
    this.#listeners = null;
  }

  elementId(target: EventTarget | null): number | undefined {
    // The target lives in the mirror's realm, so no instanceof checks against ours.
    return typeof target === 'object' && target !== null && 'nodeType' in target
      ? this.o.mirror()?.idOf(target as Node)
      : undefined;
  }

  /** The customer's id of the innermost mirrored element at page coordinates. */
  elementIdAt(at: { x: number; y: number }): number | undefined {
    const mirror = this.o.mirror();
    const scroll = mirror?.scroll ?? { x: 0, y: 0 };
    let el = mirror?.iframe.contentDocument?.elementFromPoint(at.x - scroll.x, at.y - scroll.y) ?? null;
    // Climb to the nearest element the customer knows (the mirror adds a few of its own).
    while (el && this.elementId(el) === undefined) el = el.parentElement;
    return el ? this.elementId(el) : undefined;
  }

  /** Highlights `id` for the customer, or clears the highlight when it is already the highlighted one. */
  highlight(id: number | undefined): void {
    if (id === undefined) return;
    const now = this.o.overlays.toggleHighlight(id);
    this.o.session()?.send({ t: 'highlight', id: now, label: 'Look here' });
  }

  /** The agent's keyboard pointer, drawn for us and sent to the customer. */
  keyboardPointer(at: { x: number; y: number } | null): void {
    this.o.overlays.keyboardPointer(at);
    this.o.session()?.send(at ? { t: 'pointer', x: at.x, y: at.y } : { t: 'pointer', x: 0, y: 0, gone: true });
  }

  /** Control from the keyboard: click where the keyboard pointer is, and put the agent's focus there too. */
  keyboardClick(at: { x: number; y: number }): void {
    if (!this.o.hasControl()) return;
    const id = this.elementIdAt(at);
    if (id === undefined) return;
    const mirror = this.o.mirror();
    if (mirror?.isMasked(id)) {
      this.o.overlays.notify(MASKED_FOR_CONTROL);
      return;
    }
    this.o.session()?.act({ kind: 'click', id, x: at.x, y: at.y });
    const node = mirror?.nodeById(id);
    if (node && 'focus' in node && typeof node.focus === 'function')
      (node as HTMLElement).focus({ preventScroll: true });
  }

  #pageCoordinates(event: MouseEvent): { x: number; y: number } {
    const view = (event.target as Node | null)?.ownerDocument?.defaultView;
    return { x: event.clientX + (view?.scrollX ?? 0), y: event.clientY + (view?.scrollY ?? 0) };
  }

  #onPointerMove(event: PointerEvent): void {
    if (!this.o.live()) return;
    this.#pendingPointer = this.#pageCoordinates(event);
    if (this.#pointerFrame) return;
    this.#pointerFrame = requestAnimationFrame(() => {
      this.#pointerFrame = 0;
      const at = this.#pendingPointer;
      if (at) this.o.session()?.send({ t: 'pointer', x: at.x, y: at.y });
    });
  }

  #onClick(event: MouseEvent): void {
    // Nothing in the mirror navigates or submits; clicks only become tool actions.
    event.preventDefault();
    const id = this.elementId(targetOf(event));
    if (id === undefined || !this.o.live()) return;
    if (this.o.tool() === 'highlight') {
      this.highlight(id);
    } else if (this.#controlling()) {
      if (this.o.mirror()?.isMasked(id)) {
        this.o.overlays.notify(MASKED_FOR_CONTROL);
        return;
      }
      const at = this.#pageCoordinates(event);
      this.o.session()?.act({ kind: 'click', id, x: at.x, y: at.y });
    }
  }

  #onInput(event: Event): void {
    const id = this.elementId(targetOf(event));
    if (!targetOf(event) || id === undefined) return;
    if (!this.#controlling() || this.o.mirror()?.isMasked(id)) return;
    // Text fields go key by key, other controls as their new value (remote-input-controller); rich text is refused there.
    if (isTextControl(targetOf(event))) this.o.remoteInput.onInput(event);
    else this.o.remoteInput.onValueInput(event);
  }

  #onKeydown(event: KeyboardEvent): void {
    if (this.o.keyboardGuidance().onMirrorKeydown(event)) return;
    const id = this.elementId(targetOf(event));
    if (!this.#controlling() || id === undefined || this.o.mirror()?.isMasked(id)) {
      // Without control, typing in the mirror would only change the agent's copy.
      if (!event.ctrlKey && !event.metaKey && event.key !== 'Tab') event.preventDefault();
      return;
    }
    // A key the agent's typing took (remote-input-controller.ts: one after its field was re-mounted) scrolls nothing.
    if (event.defaultPrevented) return;
    if (this.o.remoteScroll.key(event)) return;
    if (event.key === 'Enter' || event.key === 'Escape' || event.key === 'Tab') {
      this.o.session()?.act({ kind: 'key', id, key: event.key, code: event.code, shift: event.shiftKey });
    }
  }

  #onWheel(event: WheelEvent): void {
    if (!this.#controlling()) {
      event.preventDefault();
      return;
    }
    this.o.remoteScroll.wheel(event);
  }

  #onFocus(event: Event): void {
    const id = this.elementId(targetOf(event));
    if (id !== undefined && this.o.mirror()?.isMasked(id)) {
      (targetOf(event) as HTMLElement).blur?.();
      this.o.overlays.notify('That field is hidden from you.');
    }
  }
}
