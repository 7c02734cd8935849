/**
 * The masked-field focus hold (review s14 H1-H4). The customer's focus in a masked field (a password, a card, anything
 * marked sensitive) or in a frame the capture cannot read (a payment provider's card fields: what is typed there is
 * out of sight) is theirs: no action of the agent moves it away (RemoteInput.customerTypingElsewhere), and after such
 * an action the page's own later focus moves (a `setTimeout`, a dialog focusing its first field, a framework effect)
 * are undone too, until the customer moves on themselves (a click elsewhere, Tab, Enter, Escape) or HOLD_MS after the
 * agent's last action, so the page's own focus logic runs again once the agent is idle.
 */
import { isTypingTarget } from '../capture/typing.js';
import { deepActiveElement, listenOn, sameOriginWindows, stopListening, topDocument } from './page-focus.js';

/** How long after the agent's last action the page's focus moves away from the customer's masked field are undone. */
export const HOLD_MS = 10_000;

/** The events by which a focus move shows where the hold listens. */
const FOCUS_MOVES = ['focusin', 'focusout'] as const;

/** The customer's typing events: a focus move the page makes while one is dispatched is the customer's (F2). */
const TYPING_EVENTS = ['keydown', 'keypress', 'beforeinput', 'input', 'keyup', 'compositionend'] as const;

/** Keys with which the customer leaves a field themselves (the page may move focus in reply). */
const LEAVING_KEYS = new Set(['Tab', 'Enter', 'Escape']);

/** Whether focus on `focused` is in a masked field, or in an iframe whose document the session cannot read. */
export function maskedFocus(focused: Element, masked: (field: Element) => boolean): boolean {
  if (focused.localName === 'iframe') return !readableFrame(focused as HTMLIFrameElement);
  return isTypingTarget(focused) && masked(focused);
}

function readableFrame(frame: HTMLIFrameElement): boolean {
  try {
    return frame.contentDocument !== null;
  } catch {
    return false;
  }
}

/**
 * Whether no script but the hold's own listener is running (a focus event the browser fired for a key or a click,
 * not for a script's focus()); false when that cannot be told (the page lowered the stack traces' limit).
 */
function noScriptBelow(): boolean {
  const limit = (Error as { stackTraceLimit?: unknown }).stackTraceLimit;
  if (typeof limit !== 'number' || limit < 3) return false;
  const frames = (new Error().stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  // This function and the listener that called it.
  return frames.length > 0 && frames.length <= 2;
}

/** Whether `field` is a text field at its `maxlength`. */
function full(field: Element): boolean {
  const { maxLength, value } = field as HTMLInputElement;
  return typeof value === 'string' && typeof maxLength === 'number' && maxLength >= 0 && value.length >= maxLength;
}

export class FocusHold {
  #field: HTMLElement | null = null;
  #until = 0;
  /** The top window and its same-origin frames' windows listened to, frames added during the hold included. */
  #views = new Set<Window>();
  /** Where the prompt gave focus back when the customer answered it: not the customer's focus (answered). */
  #promptFocus: WeakRef<Element> | null = null;
  /** The masked field `held` last found focus in: `after` keeps the hold there. */
  #maskedHeld: WeakRef<Element> | null = null;
  /** The mask rule `held` was last given: a field the customer's own move goes to is held if it is masked. */
  #masked: (field: Element) => boolean = () => true;
  /** The customer's last typing event during the hold (the page's reaction to it may move focus: theirs). */
  #typing: Event | null = null;
  /**
   * Where focus went from a held frame of another origin, not put back yet: the customer's Tab out of the frame is
   * seen only as its keyup there, the page's move as the customer's next key there, which goes nowhere instead.
   */
  #outOfFrame: Element | null = null;

  /**
   * For RemoteInput.customerTypingElsewhere, with `focused` neither the agent's target nor its focus: `focused` when
   * it is a masked field or unreadable frame the customer has focus in (review s14 H2, H4: focus alone), null when
   * the session's prompt put focus there, undefined when not masked (the caller's rules for clear fields apply).
   */
  held(focused: Element, masked: (field: Element) => boolean): HTMLElement | null | undefined {
    const held = maskedFocus(focused, masked);
    this.#masked = masked;
    this.#maskedHeld = held ? new WeakRef(focused) : null;
    if (focused !== this.#promptFocus?.deref()) this.#promptFocus = null;
    else if (held) return null;
    return held ? (focused as HTMLElement) : undefined;
  }

  /** After the agent's action that found focus in the customer's `customers` (or none): hold a masked one (H1). */
  after(customers: HTMLElement | null): void {
    if (customers !== null && customers === this.#maskedHeld?.deref()) this.keep(customers);
  }

  /**
   * The customer answered the session's prompt, which gave focus back where it was (`focused`, noted as they
   * answered while the remote-control chunk loaded; by default where it is now): that focus is not theirs now.
   */
  answered(focused: Element | null = deepActiveElement(document)): void {
    this.#promptFocus = new WeakRef(focused ?? document.documentElement);
  }

  /** The customer typed in `target`: focus there is theirs again. */
  noteTyped(target: EventTarget | undefined): void {
    if (this.#promptFocus?.deref() === target) this.#promptFocus = null;
  }

  /** After the agent's action that left focus in the customer's masked `field`: keep it there for HOLD_MS. */
  keep(field: HTMLElement): void {
    this.#until = performance.now() + HOLD_MS;
    if (this.#field === field) return;
    this.end();
    const top = topDocument(field.ownerDocument).defaultView;
    if (top === null) return;
    this.#field = field;
    this.#watch(top);
  }

  /** The hold ends (the customer moved on, the session ended, a new connection). */
  end(): void {
    for (const view of this.#views) {
      for (const type of FOCUS_MOVES) stopListening(view, type, this.#onFocusMove);
      stopListening(view.document, 'load', this.#onFrameLoad);
      stopListening(view, 'pointerdown', this.#onCustomer);
      stopListening(view, 'keydown', this.#onCustomer);
      for (const type of TYPING_EVENTS) stopListening(view, type, this.#onTyping);
    }
    this.#views.clear();
    this.#field = null;
    this.#typing = null;
    this.#outOfFrame = null;
  }

  /**
   * Listens in `top` and each of its same-origin frames not listened to yet. Chromium tells a parent nothing when
   * focus goes into a frame, so a frame the page adds during the hold (a chat widget it opens and focuses) is
   * listened to once it loads (late review F1).
   */
  #watch(top: Window): void {
    for (const view of sameOriginWindows(top)) {
      if (this.#views.has(view)) continue;
      this.#views.add(view);
      for (const type of FOCUS_MOVES) listenOn(view, type, this.#onFocusMove);
      // An iframe's load reaches its parent document, not its window.
      listenOn(view.document, 'load', this.#onFrameLoad);
      listenOn(view, 'pointerdown', this.#onCustomer);
      listenOn(view, 'keydown', this.#onCustomer);
      for (const type of TYPING_EVENTS) listenOn(view, type, this.#onTyping);
    }
  }

  readonly #onCustomer = (event: Event): void => {
    const field = this.#field;
    if (!event.isTrusted || field === null) return;
    if (event.type === 'keydown' && this.#outOfFrame !== null && this.#keyOutOfFrame(field, event as KeyboardEvent))
      return;
    if (event.type === 'keydown' && !LEAVING_KEYS.has((event as KeyboardEvent).key)) return;
    const target = event.composedPath()[0];
    if (event.type === 'pointerdown' && field.contains((target ?? null) as Node | null)) return;
    this.end();
  };

  readonly #onTyping = (event: Event): void => {
    if (!event.isTrusted) return;
    this.#typing = event;
    // Focus left the frame before this Tab's keyup, which reaches where it went: the customer's own Tab.
    const target = event.composedPath()[0];
    if (event.type === 'keyup' && (event as KeyboardEvent).key === 'Tab' && target === this.#outOfFrame) this.end();
  };

  /**
   * The customer's key where focus went out of the held frame, with no Tab before: the page moved it there, so the
   * key goes nowhere (not into the page's field) and focus goes back to the frame. True when the key was taken.
   */
  #keyOutOfFrame(field: HTMLElement, event: KeyboardEvent): boolean {
    const moved = this.#outOfFrame;
    this.#outOfFrame = null;
    if (event.key === 'Tab' || moved === null || performance.now() > this.#until) return false;
    if (deepActiveElement(topDocument(field.ownerDocument)) === field) return false;
    event.preventDefault();
    event.stopImmediatePropagation();
    field.focus({ preventScroll: true });
    return true;
  }

  /**
   * Focus moved while held (into an element, or out of the field: into a frame, whose parent sees no focusin). The
   * page's reaction to the customer's own key (card boxes moving on once full: late review F2) is the customer's:
   * the hold follows it to a masked field and ends elsewhere. Any other move is not the customer's (their click,
   * Tab, Enter or Escape ended the hold first), so focus goes back to the field.
   */
  readonly #onFocusMove = (event?: Event): void => {
    const field = this.#field;
    if (field === null) return;
    if (!field.isConnected || performance.now() > this.#until) {
      this.end();
      return;
    }
    // Dispatched: the move happens in a listener of the customer's key event (or a microtask of one). Out of a frame
    // of another origin with no script running, the browser moved focus: the customer's Tab there.
    const customers =
      (this.#typing !== null && this.#typing.eventPhase !== Event.NONE) ||
      (event?.type === 'focusin' && field.localName === 'iframe' && noScriptBelow());
    const left = event?.type === 'focusout';
    // After the page's script that moved focus has run (a dialog's own focus steps included).
    queueMicrotask(() => (customers ? this.#follow(field) : this.#restore(field, left)));
  };

  /** The customer's own key moved focus from `field`: the hold goes with it to a masked field, or ends. */
  #follow(field: HTMLElement): void {
    if (this.#field !== field) return;
    const focused = deepActiveElement(topDocument(field.ownerDocument));
    if (focused === null || focused === field || field.contains(focused)) return;
    if (maskedFocus(focused, this.#masked)) this.#field = focused as HTMLElement;
    else this.end();
  }

  /** A frame loaded during the hold: listen in it, and undo focus it took before that (its own autofocus). */
  readonly #onFrameLoad = (event: Event): void => {
    const field = this.#field;
    if (field === null || (event.target as Element | null)?.localName !== 'iframe') return;
    const top = topDocument(field.ownerDocument).defaultView;
    if (top !== null) this.#watch(top);
    this.#onFocusMove();
  };

  /** `left`: seen only as focus leaving a field, where a click into a frame of another origin is seen too. */
  #restore(field: HTMLElement, left = false): void {
    if (this.#field !== field) return;
    const top = topDocument(field.ownerDocument);
    const focused = deepActiveElement(top);
    if (focused === field || (focused !== null && field.contains(focused))) return;
    // The customer's own click into such a frame shows the page nothing else (no pointerdown), and what they type
    // there does not reach the agent: left as it is.
    if (left && focused !== null && maskedFocus(focused, () => false)) return;
    // Out of a frame of another origin, the customer's Tab shows the page only its keyup: see the next key first.
    if (focused !== null && field.localName === 'iframe') {
      this.#outOfFrame = focused;
      return;
    }
    // A full field takes no more keys: from there a move to a masked field (the next card box, from a timer the
    // customer's key set) is followed, no key of theirs can go where the agent reads it.
    if (focused !== null && full(field) && maskedFocus(focused, this.#masked)) {
      this.#field = focused as HTMLElement;
      return;
    }
    field.focus({ preventScroll: true });
    // The field cannot take focus back (a modal dialog made the page inert): keys then go nowhere, not to the page's field.
    const now = deepActiveElement(top);
    if (now !== field && now !== null && isTypingTarget(now)) (now as HTMLElement).blur();
  }
}
