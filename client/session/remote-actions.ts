/**
 * Applies the agent's remote actions on the customer's page, only while the
 * customer has granted control. Each action is checked against the live page
 * (the node must exist in this document, never a masked or blocked field, never
 * another origin) and dispatched as real DOM events so the page's own scripts
 * react as if the customer did it.
 */
import type { MaskConfig } from '../capture/mask-dom.js';
import { maskUrl } from '../../shared/sensitive-numbers.js';
import type { ActionRefusal, RemoteAction } from '../../shared/protocol.js';
import { allowedOrigins, checkNavigation } from './navigation-guard.js';
import { physicalKeyOf } from './key-table.js';
import { setNativeValue, type RemoteInput } from './remote-input.js';
import { noteAgentValue } from '../capture/agent-inserted.js';
import { describeTarget, isMaskedElement as isMaskedField } from './action-target.js';

export type { ActionRefusal };

/**
 * The keys the agent may press as key actions. The customer decides, not the agent (review R6): nothing else
 * reaches the page, so a page's own shortcut (Ctrl+S, Ctrl+Enter, Alt+Left) is never the agent's to press. The
 * console sends Enter, Tab and Escape; text and its editing keys go as edits.
 */
const ALLOWED_KEYS = new Set([
  'Enter',
  'Tab',
  'Escape',
  ' ',
  'PageUp',
  'PageDown',
  'End',
  'Home',
  'ArrowLeft',
  'ArrowUp',
  'ArrowRight',
  'ArrowDown',
  'Backspace',
  'Delete',
]);
/** With Ctrl or Meta: select all, copy, paste, cut, undo, redo. */
const SHORTCUT_LETTERS = new Set(['a', 'c', 'v', 'x', 'z', 'y']);
/** With Ctrl or Meta: by word or to the ends (moving, selecting with Shift, deleting). */
const SHORTCUT_KEYS = new Set([
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
  'Backspace',
  'Delete',
]);

type KeyAction = Extract<RemoteAction, { kind: 'key' }>;

/** The key's `code` and `keyCode` when the agent may press it with these modifiers; null otherwise. */
export function allowedKey(action: KeyAction): { code: string; keyCode: number } | null {
  if (action.alt === true || (action.ctrl === true && action.meta === true)) return null;
  const shortcut = action.ctrl === true || action.meta === true;
  const allowed = shortcut
    ? SHORTCUT_LETTERS.has(action.key.toLowerCase()) || SHORTCUT_KEYS.has(action.key)
    : ALLOWED_KEYS.has(action.key);
  if (!allowed) return null;
  const { code, keyCode } = physicalKeyOf(action.key);
  // The numeric keypad's Enter is Enter too; any other code is the key's own, not what the agent claims.
  return { code: action.key === 'Enter' && action.code === 'NumpadEnter' ? action.code : code, keyCode };
}

/** `field`: the field an edit went to (the one it names, or where the page moved focus: keyTarget). */
export type ActionOutcome = { ok: true; target: string; field?: Element } | { ok: false; reason: ActionRefusal };

export interface ActionContext {
  window: Window & typeof globalThis;
  nodeById(id: number): Node | undefined;
  maskConfig: MaskConfig;
  /** Our own UI (prompts, overlay) is never a target. */
  isOwnUi(node: Node): boolean;
  /** The agent's typing (edit actions), with its conflict rule. */
  remoteInput: RemoteInput;
  /** Origins besides the page's own the agent may navigate to (the integrator's `navigation-origins`). */
  navigationOrigins: readonly string[];
}

function resolveElement(id: number, context: ActionContext): Element | ActionRefusal {
  const node = context.nodeById(id);
  if (!node || !node.isConnected) return 'not-found';
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!el) return 'not-found';
  if (context.isOwnUi(el)) return 'invalid';
  return el;
}

/**
 * The element an edit or a key naming `id` goes to: the text field the page put focus on in reaction to the agent's
 * last edit, when it did so from that field or from a field now gone (re-mounted it, moved on after N characters:
 * review s12 T2, T3), as a person's next key goes where focus is; else the element `id` names. `followed` says
 * which (also when the agent's copy followed focus there too: the agent's positions are its copy's, which may lag).
 */
function keyTarget(id: number, context: ActionContext): { el: Element; followed: boolean } | ActionRefusal {
  const named = resolveElement(id, context);
  const moved = context.remoteInput.pageMovedFocus(id, named === 'not-found');
  if (moved !== null && !context.isOwnUi(moved)) return { el: moved, followed: true };
  return typeof named === 'string' ? named : { el: named, followed: false };
}

function mouse(el: Element, type: string, view: Window & typeof globalThis, x: number, y: number): void {
  const init: MouseEventInit = {
    bubbles: true,
    cancelable: true,
    composed: true,
    view,
    clientX: x,
    clientY: y,
    button: 0,
  };
  if (type.startsWith('pointer'))
    el.dispatchEvent(new view.PointerEvent(type, { ...init, pointerType: 'mouse', isPrimary: true }));
  else el.dispatchEvent(new view.MouseEvent(type, init));
}

/**
 * Whether a click on `el` changes a masked control through the page's own activation (review s12 F3): a label's
 * click (on it or anything inside it) clicks its control, wrapped or named by `for`; a reset button empties its
 * form's fields.
 */
function activatesMaskedControl(el: Element, config: MaskConfig): boolean {
  for (let node: Element | null = el; node !== null; node = node.parentElement) {
    if (node.localName !== 'label') continue;
    const control = (node as HTMLLabelElement).control;
    if (control !== null && isMaskedField(control, config)) return true;
  }
  const form = (el as HTMLButtonElement).form;
  if ((el as HTMLButtonElement).type !== 'reset' || form === null || form === undefined) return false;
  return Array.from(form.elements).some((field) => isMaskedField(field, config));
}

/** Input types whose value a person sets (typing or a picker); the others are clicked or not set at all. */
const UNSETTABLE_INPUTS = new Set(['file', 'checkbox', 'radio', 'button', 'submit', 'reset', 'image', 'hidden']);

/** Whether a person could give `el` the value `value`: for a select, an option of it that is not disabled. */
function settableValue(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): boolean {
  if (el.localName === 'input') return !UNSETTABLE_INPUTS.has((el as HTMLInputElement).type);
  if (el.localName !== 'select') return true;
  const option = Array.from((el as HTMLSelectElement).options).find((candidate) => candidate.value === value);
  if (option === undefined || option.disabled) return false;
  const group = option.parentElement;
  return !(group?.localName === 'optgroup' && (group as HTMLOptGroupElement).disabled);
}

/**
 * Goes one step back or forward in the tab's history, when that step stays on the page's own site (review s12
 * F7: `back` from the site's first page left for the site the customer came from). The Navigation API lists only
 * the entries of this origin next to the current one (navigation.entries()), so a step it does not list is
 * refused; where the API is missing, nothing says where the step goes, and it is refused as unsupported.
 */
function historyStep(view: Window & typeof globalThis, to: 'back' | 'forward'): ActionRefusal | null {
  const navigation = (view as { navigation?: NavigationLike }).navigation;
  if (navigation === undefined) return 'unsupported';
  const current = navigation.currentEntry;
  if (current === null) return 'cross-origin';
  const entries = navigation.entries();
  const target = entries[current.index + (to === 'back' ? -1 : 1)];
  if (current.index < 0 || target === undefined) return 'cross-origin';
  // Listed means same origin; its address is null when its page's referrer policy hides it (no-referrer).
  if (target.url !== null && new URL(target.url).origin !== view.location.origin) return 'cross-origin';
  if (to === 'back') view.history.back();
  else view.history.forward();
  return null;
}

/** What historyStep reads of the Navigation API (not in every TypeScript DOM library yet). */
interface NavigationLike {
  readonly currentEntry: { readonly index: number } | null;
  entries(): readonly { readonly url: string | null }[];
}

function isTextField(el: Element): el is HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement {
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** Apply one action; `controlGranted` is checked here so no caller can forget it. */
export function applyRemoteAction(
  action: RemoteAction,
  controlGranted: boolean,
  context: ActionContext,
): ActionOutcome {
  if (!controlGranted) return { ok: false, reason: 'no-control' };
  const view = context.window;
  // A masked field the customer is in keeps focus while it has it (RemoteInput.customerTypingElsewhere, focus-hold.ts).
  const masked = (field: Element): boolean => isMaskedField(field, context.maskConfig);
  switch (action.kind) {
    case 'navigate': {
      if (action.to === 'back' || action.to === 'forward') {
        const verdict = historyStep(view, action.to);
        if (verdict !== null) return { ok: false, reason: verdict };
      } else if (action.to === 'reload') view.location.reload();
      else {
        const verdict = checkNavigation(action.to, view.location.href, allowedOrigins(context.navigationOrigins));
        if (!verdict.ok) return verdict;
        view.location.assign(verdict.url.href);
        // The path as the audit may keep it (numbers masked here, not only by the server).
        const path = maskUrl(verdict.url.pathname).text;
        return { ok: true, target: verdict.url.origin === view.location.origin ? path : verdict.url.origin + path };
      }
      return { ok: true, target: action.to };
    }
    case 'scroll': {
      if (action.id === 0) {
        // Instant, whatever the page's scroll-behavior: the positions reported back are the outcome, not a step of an animation.
        view.scrollTo({ left: action.x, top: action.y, behavior: 'instant' });
        return { ok: true, target: 'window' };
      }
      const el = resolveElement(action.id, context);
      if (typeof el === 'string') return { ok: false, reason: el };
      el.scrollTo({ left: action.x, top: action.y, behavior: 'instant' });
      return { ok: true, target: describeTarget(el, context.maskConfig) };
    }
    case 'edit': {
      const target = keyTarget(action.id, context);
      if (typeof target === 'string') return { ok: false, reason: target };
      const { el } = target;
      if (isMaskedField(el, context.maskConfig)) return { ok: false, reason: 'masked' };
      const outcome = context.remoteInput.apply(action, el, masked, target.followed);
      return outcome.ok ? { ok: true, target: describeTarget(el, context.maskConfig), field: el } : outcome;
    }
    case 'click': {
      const el = resolveElement(action.id, context);
      if (typeof el === 'string') return { ok: false, reason: el };
      if (isMaskedField(el, context.maskConfig) || activatesMaskedControl(el, context.maskConfig))
        return { ok: false, reason: 'masked' };
      context.remoteInput.leave();
      const rect = el.getBoundingClientRect();
      // In a same-origin iframe the agent's coordinates are the frame's: its own rect centre is the honest point.
      const own = el.ownerDocument === view.document;
      const elView = own ? view : ((el.ownerDocument.defaultView as (Window & typeof globalThis) | null) ?? view);
      const x = own && action.x !== undefined ? action.x - view.scrollX : rect.left + rect.width / 2;
      const y = own && action.y !== undefined ? action.y - view.scrollY : rect.top + rect.height / 2;
      // The customer typing in another field keeps focus there, whatever the click or the page's reaction to it does.
      const customers = context.remoteInput.customerTypingElsewhere(el, masked);
      for (const type of ['pointerdown', 'mousedown']) mouse(el, type, elView, x, y);
      if (customers === null) {
        context.remoteInput.focusForAgent(el, masked);
        context.remoteInput.noteAgentFocus(el);
      }
      for (const type of ['pointerup', 'mouseup']) mouse(el, type, elView, x, y);
      // click() runs the default action too (follow a link, toggle a checkbox, submit a form).
      if ('click' in el && typeof el.click === 'function') (el as HTMLElement).click();
      else mouse(el, 'click', elView, x, y);
      context.remoteInput.afterAgentAction(el, customers);
      return { ok: true, target: describeTarget(el, context.maskConfig) };
    }
    case 'input': {
      const el = resolveElement(action.id, context);
      if (typeof el === 'string') return { ok: false, reason: el };
      if (isMaskedField(el, context.maskConfig)) return { ok: false, reason: 'masked' };
      context.remoteInput.leave();
      const customers = context.remoteInput.customerTypingElsewhere(el, masked);
      if (isTextField(el)) {
        if ((el as HTMLInputElement).disabled || (el as HTMLInputElement).readOnly)
          return { ok: false, reason: 'invalid' };
        // What a person can choose: not a file (the browser refuses the value), a checkbox's or button's value, or an
        // option that is not there or disabled (review s12 F4).
        if (!settableValue(el, action.value)) return { ok: false, reason: 'invalid' };
        context.remoteInput.focusForAgent(el, masked);
        if (el.localName !== 'select') noteAgentValue(el, action.value);
        setNativeValue(el, action.value);
      } else if ((el as HTMLElement).isContentEditable) {
        // Replacing a rich-text editor's text would flatten its markup: not done remotely.
        return { ok: false, reason: 'unsupported' };
      } else {
        return { ok: false, reason: 'invalid' };
      }
      el.dispatchEvent(
        new view.InputEvent('input', {
          bubbles: true,
          composed: true,
          inputType: 'insertReplacementText',
          data: action.value,
        }),
      );
      el.dispatchEvent(new view.Event('change', { bubbles: true }));
      context.remoteInput.afterAgentAction(el, customers);
      return { ok: true, target: describeTarget(el, context.maskConfig) };
    }
    case 'key': {
      const target = keyTarget(action.id, context);
      if (typeof target === 'string') return { ok: false, reason: target };
      const { el } = target;
      if (isMaskedField(el, context.maskConfig)) return { ok: false, reason: 'masked' };
      const allowed = allowedKey(action);
      if (allowed === null) return { ok: false, reason: 'unsupported' };
      // The legacy codes pages still test (`if (e.keyCode === 13) send()`).
      const { code, keyCode } = allowed;
      const init: KeyboardEventInit & { keyCode: number; which: number } = {
        key: action.key,
        keyCode,
        which: keyCode,
        code,
        shiftKey: action.shift ?? false,
        ctrlKey: action.ctrl ?? false,
        altKey: action.alt ?? false,
        metaKey: action.meta ?? false,
        bubbles: true,
        cancelable: true,
        composed: true,
      };
      if (action.key === 'Enter' || action.key === 'Tab') context.remoteInput.leave();
      // The customer typing in another field keeps focus there, whatever the page does with the key (review s14 H3).
      const customers = context.remoteInput.customerTypingElsewhere(el, masked);
      let proceed = el.dispatchEvent(new view.KeyboardEvent('keydown', init));
      // Enter is a character key to the platform: keypress follows an uncancelled keydown, and can cancel it too.
      if (proceed && action.key === 'Enter')
        proceed = el.dispatchEvent(new view.KeyboardEvent('keypress', { ...init, charCode: 13 }));
      // In a textarea the line break follows as an edit: none when the page took the Enter (a chat box sends).
      // Its keyup waits for that edit, as a person's comes after the line break (a chat box may send in keyup).
      const keyup = new view.KeyboardEvent('keyup', init);
      const lineBreakFollows = proceed && action.key === 'Enter' && el.localName === 'textarea';
      if (action.key === 'Enter') context.remoteInput.noteEnter(el, proceed, lineBreakFollows ? keyup : undefined);
      else context.remoteInput.flushKeyup();
      if (proceed && action.key === 'Enter' && el.tagName === 'INPUT') {
        // What a real Enter does in a text field: submit its form through the normal path.
        (el as HTMLInputElement).form?.requestSubmit();
      }
      if (!lineBreakFollows) el.dispatchEvent(keyup);
      if (customers !== null) context.remoteInput.afterAgentAction(el, customers);
      return { ok: true, target: describeTarget(el, context.maskConfig) };
    }
  }
}
