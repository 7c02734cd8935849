/**
 * Whose focus it is while the agent types on the customer's page (RemoteInput): focus follows the agent's actions,
 * except away from a text field the customer is typing in; a field the page moved focus to in reaction to the
 * agent's key (a re-mounted field, the next box of a split code) is where the agent's next keys go, as a person's
 * do; the masked-field hold keeps the customer's focus in a masked field (focus-hold.ts).
 */
import { isTypingTarget } from '../capture/typing.js';
import { FocusHold } from './focus-hold.js';
import { isTypableField } from './field-splice.js';
import { deepActiveElement, topDocument } from './page-focus.js';

/**
 * How long after the customer's last key in a clear field the agent's actions leave focus there
 * (customerTypingElsewhere). A masked field keeps the hold while focus stays in it, however long the pause.
 */
export const CUSTOMER_TYPING_MS = 2_000;

/** Whether a field's text is masked (a password, a card, anything marked sensitive): the mask rule of the caller. */
export type MaskedRule = (field: Element) => boolean;

export class TypingFocus {
  /** The element the agent last put focus on (an edit or a click). */
  #agentFocus: WeakRef<Element> | null = null;
  /** The field of the customer's last own input event, and when (performance.now()). */
  #customerTyped: { el: WeakRef<Element>; at: number } | null = null;
  /** The field the page put focus on in reaction to the agent's last edit, and the id that edit named (pageMovedFocus). */
  #pageMoved: { id: number; to: WeakRef<Element> } | null = null;
  /** The field focus was on as the agent's edit fired its events (before the page's reaction to them). */
  #focusAtEdit: Element | null = null;
  /** The masked-field focus hold (the session ends it at End). */
  readonly hold = new FocusHold();

  /** The customer's own input event in `target` (at `at`, by default now): focus there is theirs. */
  noteCustomerInput(target: Element | undefined, at = performance.now()): void {
    if (target !== undefined) this.#customerTyped = { el: new WeakRef(target), at };
    this.hold.noteTyped(target);
    // The customer typing in the field the agent last focused makes that focus the customer's.
    if (this.#agentFocus?.deref() === target) this.#agentFocus = null;
    if (this.#pageMoved?.to.deref() === target) this.#pageMoved = null;
  }

  /** The agent put focus on `el` (a click): focus there is the agent's, not the customer's. */
  noteAgentFocus(el: Element): void {
    this.#agentFocus = new WeakRef(el);
  }

  /**
   * Focus follows the agent's typing, except away from a text field the
   * customer put focus in themselves: the customer may be typing there right
   * now, and moving focus would send their next keys into the agent's field.
   * The edit then applies without focus (value, events and selection need none).
   */
  focusUnlessCustomerElsewhere(el: Element, masked: MaskedRule): void {
    if (this.customerTypingElsewhere(el, masked) !== null) return;
    if (deepActiveElement(topDocument(el.ownerDocument)) === el) return;
    if ('focus' in el && typeof el.focus === 'function') (el as HTMLElement).focus({ preventScroll: true });
    this.#agentFocus = new WeakRef(el);
  }

  /**
   * The text field (or editor) other than `el` that has focus and where the customer typed within the last
   * CUSTOMER_TYPING_MS, so may be typing right now; null when focus is elsewhere, the agent's, or the customer
   * stopped typing there. A click or an `input` action leaves focus there, as an edit does (review s12 F2: a click
   * between two of the customer's keys sent the rest of their password to a clear field); a field the customer
   * left idle keeps no hold, so the agent's click moves focus as a person's would (a page's blur checks run).
   * A masked field the customer typed in keeps the hold while focus stays there, however long they pause (review
   * s13 R4: a customer reading the rest of a password from paper pauses longer than 2 s, and the agent, who sees
   * the pause in the mirror, could click a clear field and take the rest of it); answering the session's prompt
   * (customerAnswered) ends it.
   */
  customerTypingElsewhere(el: Element, masked: MaskedRule): HTMLElement | null {
    const focused = deepActiveElement(topDocument(el.ownerDocument));
    if (focused === null || focused === el) return null;
    // The agent's focus, but never a masked field: the agent cannot use one, so there it is only where the page moved
    // focus after the agent's action, and the customer may type there next (late review F6).
    if (focused === this.#agentFocus?.deref() && !masked(focused)) return null;
    // Focus alone in a masked field, or in a frame the capture cannot read, is the customer's (review s14 H2, H4).
    const held = this.hold.held(focused, masked);
    if (held !== undefined) return held;
    const typed = this.#customerTyped;
    if (typed === null || typed.el.deref() !== focused) return null;
    if (performance.now() - typed.at > CUSTOMER_TYPING_MS && !masked(focused)) return null;
    return isTypingTarget(focused) ? (focused as HTMLElement) : null;
  }

  /**
   * Where the agent's edit or key naming `id` goes when the page's reaction to its last edit there put focus on
   * another text field (a framework re-mounted the field, a box moved on after N characters: review s12 T2, T3): that
   * field, as a person's next key goes where focus is. Null when the edit names another field that is still there
   * (`gone`: the one it names is not), focus has moved since (the customer's click), or the customer typed there.
   */
  pageMovedFocus(id: number, gone: boolean): Element | null {
    const moved = this.#pageMoved;
    const to = moved !== null && (moved.id === id || gone) ? moved.to.deref() : undefined;
    if (to === undefined || !to.isConnected) return null;
    return deepActiveElement(topDocument(to.ownerDocument)) === to ? to : null;
  }

  /**
   * Whether `el`, named by the agent's edit, is the field the page moved focus to in reaction to its last edit and
   * still has it: the agent's copy followed focus there (a re-mounted field, the next box), and its keys there act at
   * the field's selection, as the keys sent on to it do (pageMovedFocus).
   */
  pageMovedTo(el: Element): boolean {
    return this.#pageMoved?.to.deref() === el && deepActiveElement(topDocument(el.ownerDocument)) === el;
  }

  /** The agent's edit is about to fire its events on `el`: where focus is now (notePageMove compares). */
  noteFocusAtEdit(el: Element | null): void {
    this.#focusAtEdit = el === null ? null : deepActiveElement(topDocument(el.ownerDocument));
  }

  /**
   * Where focus went while the agent's key in `el` fired its events (the page's keydown handler moved it: null, to
   * the page's body); undefined when it stayed, or was not on `el` when the key began (the customer's field kept it).
   */
  movedDuringKey(el: Element): Element | null | undefined {
    if (this.#focusAtEdit !== el) return undefined;
    const now = deepActiveElement(topDocument(el.ownerDocument));
    return now === el ? undefined : now;
  }

  /** After an edit naming `id` applied to `el`: whether the page's reaction moved focus on from it (pageMovedFocus). */
  notePageMove(id: number, el: Element, applied: boolean, followed: boolean): void {
    const focused = applied && this.#focusAtEdit === el ? deepActiveElement(topDocument(el.ownerDocument)) : null;
    // A password field too: a key the page sends on there is refused as masked (remote-actions.ts), not typed here.
    const textEntry =
      focused !== null && (isTypableField(focused) || (focused as HTMLInputElement).type === 'password');
    const moved = textEntry && (focused !== el || followed);
    this.#pageMoved = moved ? { id, to: new WeakRef(focused) } : null;
  }

  /** The agent left the field it typed in: a focus move the page made is no longer followed. */
  forgetPageMove(): void {
    this.#pageMoved = null;
  }

  /**
   * After the agent's action on `el`: focus back in `customers` (customerTypingElsewhere before the action) when the
   * action or the page's reaction took it; with no such field, a field the page moved focus to (split code fields
   * moving on once full) is the agent's, as the field it typed in was.
   */
  afterAgentAction(el: Element, customers: HTMLElement | null): void {
    const focused = deepActiveElement(topDocument(el.ownerDocument));
    if (customers === null) {
      if (focused !== null && focused !== el && isTypingTarget(focused)) this.#agentFocus = new WeakRef(focused);
      return;
    }
    if (customers.isConnected && focused !== customers) customers.focus({ preventScroll: true });
    // The page's later focus moves too (review s14 H1).
    this.hold.after(customers);
  }

  /**
   * The customer answered the session's own prompt (allowed control): they are not typing in a page field now,
   * even if the prompt gave focus back to the field they last typed in.
   */
  customerAnswered(promptFocus?: Element | null): void {
    this.#customerTyped = null;
    this.hold.answered(promptFocus);
  }
}
