/**
 * The agent's typing on the customer's page. Each `edit` action is one
 * keystroke's splice of a field's value, applied the way the browser applies a
 * key: `beforeinput` (the page may cancel it), the value through the native
 * setter (so frameworks that track it see the change), `input`, then the
 * agent's caret or selection; `change` follows when the agent leaves the field.
 *
 * Splices, not whole values: the customer's page may rewrite the value between
 * keys (a controlled input) and the agent's copy may show digits as •, and
 * neither must undo the other. A splice's positions are the agent's copy's;
 * when the page has reformatted its value they are carried over (splice-map.ts).
 * A key that moves the selection (an arrow, Home/End, with Shift) moves the
 * field's by that key over the field's own text, formatting included, as a
 * person's does (field-selection.ts).
 *
 * Focus: an edit focuses its field, unless the customer has put focus in
 * another text field (they may be typing there at the same time): typing-focus.ts.
 *
 * Conflicts: when the customer types into the field the agent is typing in,
 * the customer's text wins. The agent's run of edits in that field (its
 * `chain`) is refused from then on and the agent is told; the agent starts a
 * new chain when it types again.
 */
import type { EditAction } from '../../shared/protocol.js';
import { noteAgentSplice, noteCustomerInput } from '../capture/agent-inserted.js';
import { keyOf, selectionKeyInit } from './key-table.js';
import { mapPosition } from './splice-map.js';
import {
  moveBy,
  moveByKey,
  select,
  selectAsBefore,
  settleSelection,
  standsFor,
  type Range,
} from './field-selection.js';
import {
  caretOf,
  isCollapsed,
  isLineBreak,
  isTypableField,
  keyAtSelection,
  selectionIn,
  setNativeValue,
  spliceCarriedOver,
  withinMaxLength,
} from './field-splice.js';
import { TypingFocus, type MaskedRule } from './typing-focus.js';
import { keyGoesOn, type KeyRest } from './key-elsewhere.js';
import { MAX_REMOTE_FIELD_LENGTH } from './action-budget.js';
import {
  TEXT_FIELD_INPUT_TYPES,
  clipboardEventOf,
  clipboardEventProceeds,
  compositionEnds,
  compositionStarts,
} from './edit-events.js';

export { setNativeValue };

export type EditOutcome =
  { ok: true } | { ok: false; reason: 'conflict' | 'invalid' | 'unsupported' | 'limit' | 'masked' };

type TextControl = HTMLInputElement | HTMLTextAreaElement;

interface ActiveRun {
  el: TextControl;
  id: number;
  chain: number;
  /** The agent's copy of the field's text as its edits made it (the customer's page may have reformatted its own). */
  agentText: string;
  /** The agent's selection after its last action here ([start, end] in its copy's text), if it said. */
  selection?: readonly [number, number];
  /** The value changed since the agent came into the field: `change` is due when it leaves. */
  changed: boolean;
  /** The field's value when the agent came into it: no `change` when it leaves it so, as Chromium fires none on blur. */
  valueBefore: string;
  /**
   * The page refused a key of the agent's here: the field kept its selection, as a person's does, while the agent's
   * copy took the key and holds a character the field does not. From then on, in this run, the agent's keys act at
   * the field's selection and its caret moves (arrows, Home/End) move the field's by as much, as a person's keys
   * would; positions of the agent's copy no longer say where that is.
   */
  refused?: boolean;
}

export class RemoteInput {
  readonly #onConflict: (id: number) => void;
  /** Per field, the highest chain refused because the customer typed meanwhile. */
  #refusedChains = new WeakMap<Element, number>();
  #active: ActiveRun | null = null;
  /** Per field, the agent's copy's text after its last edit, and that edit's chain. */
  #agentTexts = new WeakMap<Element, { chain: number; text: string; refused?: boolean }>();
  /** Per field, whether the agent's last Enter there went through (noteEnter), until the next edit. */
  #enters = new WeakMap<Element, boolean>();
  /** Whose focus it is: the customer's field, the agent's, one the page moved it to. */
  readonly #focus = new TypingFocus();
  /** The masked-field focus hold (the session ends it at End). */
  readonly hold = this.#focus.hold;
  /** An Enter's keyup, held until the line break's edit that follows it (noteEnter); a selection key's, until it moved. */
  #pendingKeyup: { el: Element; event: KeyboardEvent } | null = null;

  constructor(onConflict: (id: number) => void) {
    this.#onConflict = onConflict;
  }

  /** Every `input` event on the page goes through here: the customer's own typing in the agent's field is a conflict. */
  noteInputEvent(event: Event): void {
    if (!event.isTrusted) return;
    const target = event.composedPath()[0] as Element | undefined;
    // Where the customer's text went in a field the agent typed in (its echoes are checked, the agent's are not).
    if (target?.nodeType === 1 && isTypableField(target)) noteCustomerInput(target, target.value, caretOf(target));
    this.#focus.noteCustomerInput(target);
    const active = this.#active;
    if (!active || event.composedPath()[0] !== active.el) return;
    this.#refusedChains.set(active.el, active.chain);
    this.#active = null;
    this.#onConflict(active.id);
  }

  /**
   * Applies one edit to `el` (already checked: connected, ours to touch, not masked); `followed`: `el` is where the
   * page moved focus from the field the edit names (pageMovedFocus).
   */
  apply(action: EditAction, el: Element, masked: MaskedRule, sentOn = false): EditOutcome {
    // The agent's copy followed the page's focus move to `el` (finding T1: a field re-mounted on every key): its
    // positions are its copy's, which may not say where the page left the caret; its keys act at the field's.
    const followed = sentOn || this.#focus.pageMovedTo(el);
    // An Enter's keyup waits for its line break (a person's keyup comes after the input); any other edit is no line break.
    if (this.#pendingKeyup?.el !== el || !isLineBreak(action.inputType ?? '')) this.flushKeyup();
    const customers = this.customerTypingElsewhere(el, masked);
    this.#focus.noteFocusAtEdit(null);
    let outcome: EditOutcome | null = null;
    try {
      outcome = this.#apply(action, el, masked, followed);
      return outcome;
    } finally {
      this.afterAgentAction(el, customers);
      // A key the page sent into a masked field (refused there): the next keys go there too, and are refused.
      const keyed = outcome !== null && (outcome.ok || outcome.reason === 'masked');
      this.#focus.notePageMove(action.id, el, keyed, followed);
      // A click back into the field starts a new run on the same copy: a key refused before still counts.
      const run = this.#active;
      const known = run === null ? undefined : this.#agentTexts.get(run.el);
      if (run !== null && known?.chain === run.chain) known.refused = run.refused;
      // The field the page sent the agent's keys on to: its own text is the agent's copy of it from here.
      if (followed && run?.el === el) {
        run.agentText = run.el.value;
        this.#agentTexts.set(el, { chain: run.chain, text: run.el.value, refused: true });
      }
      this.flushKeyup();
    }
  }

  #apply(action: EditAction, el: Element, masked: MaskedRule, followed: boolean): EditOutcome {
    if (!isTypableField(el)) return { ok: false, reason: 'unsupported' };
    if (el.disabled || el.readOnly) return { ok: false, reason: 'invalid' };
    // Text no key typed is an input method's or a picker's: insertText or a composition, nothing else.
    const claimed = action.inputType;
    if (claimed !== undefined && !TEXT_FIELD_INPUT_TYPES.has(claimed)) return { ok: false, reason: 'unsupported' };
    if (
      action.keyless === true &&
      claimed !== undefined &&
      claimed !== 'insertText' &&
      claimed !== 'insertCompositionText'
    )
      return { ok: false, reason: 'unsupported' };
    // A key that moves the selection changes no text.
    if (action.key !== undefined && (action.insert !== '' || action.deleteCount > 0))
      return { ok: false, reason: 'invalid' };
    // The agent's edits grow a field so far (review s12 F6); the customer's own typing is not limited.
    if (
      action.insert.length > 0 &&
      el.value.length - action.deleteCount + action.insert.length > MAX_REMOTE_FIELD_LENGTH
    )
      return { ok: false, reason: 'limit' };
    const refused = this.#refusedChains.get(el);
    if (refused !== undefined && action.chain <= refused) return { ok: false, reason: 'conflict' };
    const view = el.ownerDocument.defaultView;
    if (!view) return { ok: false, reason: 'invalid' };

    if (this.#active?.el !== el) this.leave();
    this.#focus.focusUnlessCustomerElsewhere(el, masked);
    this.#focus.noteFocusAtEdit(el);
    const shown = el.value;
    // Within one chain the agent's copy keeps its own text (a click back into the field starts no new chain); a new
    // chain means its hold ended and it shows the customer's text again, so the two agree from there.
    const known = this.#agentTexts.get(el);
    const agentText = known?.chain === action.chain ? known.text : shown;
    // A run that goes on (not a click back into the field): its caret moves are the agent's keys.
    const goesOn = this.#active !== null;
    const run: ActiveRun = this.#active ?? {
      el,
      id: action.id,
      chain: action.chain,
      changed: false,
      valueBefore: shown,
      agentText,
      refused: known?.chain === action.chain && known.refused === true,
    };
    if (run.chain !== action.chain) {
      run.agentText = shown;
      run.refused = false;
    }
    // Keys the page sent on to this field from the one the agent types in act at its selection, as a person's do:
    // the agent's positions are its copy's of the other field.
    if (followed) run.refused = true;
    run.chain = action.chain;
    run.id = action.id;
    this.#active = run;

    const agentBefore = run.agentText;
    const agentAt = Math.min(action.at, agentBefore.length);
    const agentDel = Math.min(action.deleteCount, agentBefore.length - agentAt);
    run.agentText = agentBefore.slice(0, agentAt) + action.insert + agentBefore.slice(agentAt + agentDel);
    this.#agentTexts.set(el, { chain: action.chain, text: run.agentText, refused: run.refused });
    // A caret move or a selection (a click, arrows, Home/End) is an edit that changes nothing: no key for it.
    const moveOnly = action.insert === '' && action.deleteCount === 0;
    const inputType = action.inputType ?? (action.insert ? 'insertText' : 'deleteContentBackward');
    const enter = this.#enters.get(el);
    this.#enters.delete(el);
    // The key's own events, as a person's key fires them: a page filters or formats keys in keydown/keypress
    // (digits only, a Backspace over a formatting space) and formats in keyup. Enter went as a key action of its own.
    const key =
      moveOnly || isLineBreak(inputType) || action.keyless === true ? null : keyOf(inputType, action.insert, view);
    // The agent's selection before this key (the console sends a selection before the key that deletes it).
    const prior = run.selection;
    const agentTo: Range | undefined =
      action.selectionStart === undefined
        ? undefined
        : [action.selectionStart, action.selectionEnd ?? action.selectionStart];
    run.selection = agentTo;
    const collapsed = prior === undefined ? undefined : prior[0] === prior[1];
    const afterRefusal = run.refused === true;
    const liveBefore = selectionIn(el);
    // The field's selection stands for the agent's before this edit (the page's formatting apart).
    const synced =
      !afterRefusal && prior !== undefined && liveBefore !== null && standsFor(agentBefore, shown, prior, liveBefore);
    // A key that moves the selection fires its keydown and keyup, as a person's does (finding F8; the keyup after the
    // move, in apply). A page that cancels the keydown (a widget driven by arrows) keeps the field's selection while
    // the agent's copy moved: as after a refused key.
    if (moveOnly && action.key !== undefined) {
      const init = selectionKeyInit(action.key, view);
      if (!el.dispatchEvent(new view.KeyboardEvent('keydown', init))) {
        el.dispatchEvent(new view.KeyboardEvent('keyup', init));
        run.refused = true;
        return { ok: true };
      }
      this.#pendingKeyup = { el, event: new view.KeyboardEvent('keyup', init) };
    }
    if (
      moveOnly &&
      action.key !== undefined &&
      (afterRefusal || prior !== undefined) &&
      agentTo !== undefined &&
      liveBefore !== null
    ) {
      // A person's key moves the field's selection over the field's text, formatting spaces included (README, "What
      // you can do with control"): from the field's selection where it stands for the agent's, else from the agent's.
      const fromLive = afterRefusal || synced;
      const from: Range =
        fromLive || prior === undefined
          ? liveBefore
          : [mapPosition(agentBefore, shown, prior[0]), mapPosition(agentBefore, shown, prior[1])];
      const backward = fromLive
        ? el.selectionDirection === 'backward'
        : agentTo[1] === prior?.[1] && agentTo[0] !== prior[0];
      const moved = moveByKey(el, from, backward, action.key);
      if (moved !== null) {
        // The key selected or passed a formatting space the agent's copy does not show: the field's selection no
        // longer stands for the agent's, and from here the agent's keys act at it, as after a refused key.
        if (!afterRefusal && !standsFor(agentBefore, shown, agentTo, moved)) run.refused = true;
        return { ok: true };
      }
    }
    if (moveOnly && afterRefusal && goesOn && prior !== undefined && agentTo !== undefined) {
      moveBy(el, prior, agentTo, agentBefore.length);
      return { ok: true };
    }
    // The agent's caret in its copy of the field it names says nothing of where it is in this one (a caret the
    // console sends as its copy follows a re-mounted field): the field keeps its own.
    if (moveOnly && followed) return { ok: true };
    if (key !== null && !afterRefusal) selectAsBefore(el, agentBefore, inputType, agentAt, agentDel, collapsed);
    if (key !== null && !el.dispatchEvent(new view.KeyboardEvent('keydown', key.init))) {
      el.dispatchEvent(new view.KeyboardEvent('keyup', key.init));
      run.refused = true;
      return { ok: true };
    }
    // The page moved focus in the key's keydown (or keypress): the rest of the key goes there, as a person's does.
    const movedInKeydown = key !== null ? this.#focus.movedDuringKey(el) : undefined;
    if (key !== null && movedInKeydown !== undefined)
      return this.#keyGoesOn(movedInKeydown, run, { key, inputType, insert: action.insert, pressed: false }, masked);
    if (key?.printable === true && !el.dispatchEvent(new view.KeyboardEvent('keypress', key.press))) {
      el.dispatchEvent(new view.KeyboardEvent('keyup', key.init));
      run.refused = true;
      return { ok: true };
    }
    const movedInKeypress = key !== null ? this.#focus.movedDuringKey(el) : undefined;
    if (key !== null && movedInKeypress !== undefined)
      return this.#keyGoesOn(movedInKeypress, run, { key, inputType, insert: action.insert, pressed: true }, masked);
    // The page cancelled the Enter's keydown (a chat box sends its message on Enter): no line break.
    if (enter === false && isLineBreak(inputType)) return { ok: true };
    // A paste or a cut fires its clipboard event first: a page may refuse it (a confirmation field) or paste
    // itself (digits only), and then cancels it.
    const clipboard = clipboardEventOf(inputType);
    if (clipboard !== null) {
      if (!afterRefusal) selectAsBefore(el, agentBefore, inputType, agentAt, agentDel);
      const text = clipboard === 'cut' ? agentBefore.slice(agentAt, agentAt + agentDel) : action.insert;
      if (!clipboardEventProceeds(el, view, clipboard, text)) return { ok: true };
    }
    const current = el.value;
    // After a key the page refused, the field kept its selection, as a person's does, while the agent's copy took
    // the key (a selection typed over is a caret there): this key acts at the field's selection. Otherwise at the
    // agent's positions carried over (a Backspace after the page's formatting space deletes the character the agent
    // sees before its caret, not the space: README, "What you can do with control"). Text put in or a selection
    // replaced at the agent's selection goes at the field's where that stands for the agent's (the page's caret
    // before or after its formatting space, as a person's typing finds it).
    const atSelection =
      prior !== undefined &&
      prior[0] === agentAt &&
      prior[1] === agentAt + agentDel &&
      (agentDel > 0 || action.insert !== '');
    const live =
      (afterRefusal || (synced && atSelection)) && !moveOnly && !inputType.startsWith('deleteWord')
        ? selectionIn(el)
        : null;
    const [at, del] =
      live !== null
        ? keyAtSelection(current, live, inputType)
        : spliceCarriedOver(agentBefore, current, agentAt, agentDel, key !== null, inputType);
    // maxlength holds a person's typing, not a script's value: the agent's copy does not know the page's
    // formatting, so it let through keys the customer's own field refuses (a voucher formatted with dashes).
    const insert = withinMaxLength(el, action.insert, current.length - del, inputType);
    const next = current.slice(0, at) + insert + current.slice(at + del);
    // A key over a selection of the same text is still a key that replaced it (the caret collapses after it).
    if (insert !== '' || del > 0) {
      const data = insert === '' ? null : insert;
      // An input method's commit comes with its composition events, as a person's does (review s12 F5); a page
      // cannot cancel its beforeinput. A keyless insertText (an emoji picker, dictation) fires none, as theirs.
      const composing = inputType === 'insertCompositionText';
      if (composing) compositionStarts(el, view, current.slice(at, at + del), insert);
      const init = { bubbles: true, cancelable: !composing, composed: true, inputType, data, isComposing: composing };
      // A page that cancels beforeinput refused the key, as it would the customer's own.
      if (!el.dispatchEvent(new view.InputEvent('beforeinput', init))) {
        if (key !== null) el.dispatchEvent(new view.KeyboardEvent('keyup', key.init));
        run.refused ||= key !== null;
        return { ok: true };
      }
      noteAgentSplice(el, current, at, del, insert);
      setNativeValue(el, next);
      // The caret after the text put in as the page's input handlers read it, as a browser leaves a person's (setting
      // the value put it at the end: a formatter keeping the caret after the same character lost its place).
      select(el, at + insert.length, at + insert.length);
      run.changed = true;
      el.dispatchEvent(new view.InputEvent('input', { ...init, cancelable: false }));
      if (composing) compositionEnds(el, view, insert);
    } else if (key !== null && action.insert !== '') {
      // No room for the key (maxlength): the field keeps its selection, the agent's copy took the key.
      el.dispatchEvent(new view.KeyboardEvent('keyup', key.init));
      run.refused = true;
      return { ok: true };
    }
    if (key !== null) el.dispatchEvent(new view.KeyboardEvent('keyup', key.init));
    // The page completed the text and selected the completion (an inline-autocomplete combobox, review s12 T1): the
    // field keeps that selection, as a person's does, and the agent's next keys act at it (as after a refused key).
    if (insert !== '' && el.value !== next && !isCollapsed(el)) {
      run.refused = true;
      return { ok: true };
    }
    // The caret after the text put in (or the agent's selection), where the page's reformatting keeps it.
    if (live !== null) settleSelection(el, next, [at + insert.length, at + insert.length]);
    else if (agentTo !== undefined) settleSelection(el, run.agentText, agentTo);
    return { ok: true };
  }

  /**
   * The page moved focus from the run's field to `to` while the agent's key fired its keydown or keypress (finding
   * T2): the key acts there (key-elsewhere.ts), the run in the old field ends (`change`, as the person's blur fires it),
   * and the agent's copy of the old field holds a key the field does not: its next keys there act at its selection.
   */
  #keyGoesOn(to: Element | null, run: ActiveRun, rest: KeyRest, masked: MaskedRule): EditOutcome {
    this.#agentTexts.set(run.el, { chain: run.chain, text: run.agentText, refused: true });
    this.leave();
    const view = run.el.ownerDocument.defaultView;
    if (view === null) return { ok: true };
    const valueBefore = to !== null && isTypableField(to) ? to.value : null;
    const done = keyGoesOn(to, run.el.ownerDocument, rest, masked, view as Window & typeof globalThis);
    if (done === 'masked') return { ok: false, reason: 'masked' };
    // The agent's keys go on in that field (pageMovedFocus), from its value when focus came (for `change`).
    if (to !== null && valueBefore !== null && isTypableField(to))
      this.#active = {
        ...run,
        el: to,
        agentText: to.value,
        changed: to.value !== valueBefore,
        valueBefore,
        refused: true,
      };
    return { ok: true };
  }

  /**
   * The agent pressed Enter in `el` (a key action, sent before the line break's edit): `proceeded` is false when the
   * page cancelled its keydown, and then the edit that follows inserts no line break.
   */
  noteEnter(el: Element, proceeded: boolean, keyup?: KeyboardEvent): void {
    this.flushKeyup();
    this.#enters.set(el, proceeded);
    if (keyup) this.#pendingKeyup = { el, event: keyup };
  }

  /** Fires an Enter's keyup held back for its line break (a page may send a chat message in keyup). */
  flushKeyup(): void {
    const pending = this.#pendingKeyup;
    this.#pendingKeyup = null;
    if (pending?.el.isConnected) pending.el.dispatchEvent(pending.event);
  }

  /** The agent put focus on `el` (a click): focus there is the agent's, not the customer's. */
  noteAgentFocus(el: Element): void {
    this.#focus.noteAgentFocus(el);
  }

  /** The text field other than `el` the customer may be typing in right now (TypingFocus.customerTypingElsewhere). */
  customerTypingElsewhere(el: Element, masked: MaskedRule): HTMLElement | null {
    return this.#focus.customerTypingElsewhere(el, masked);
  }

  /** Where the agent's edit or key naming `id` goes when the page moved focus on from that field (TypingFocus). */
  pageMovedFocus(id: number, gone: boolean): Element | null {
    return this.#focus.pageMovedFocus(id, gone);
  }

  /** After the agent's action on `el`: focus back with the customer, or the page's move the agent's (TypingFocus). */
  afterAgentAction(el: Element, customers: HTMLElement | null): void {
    this.#focus.afterAgentAction(el, customers);
  }

  /** The customer answered the session's own prompt, focus then on `promptFocus`: not typing in a page field now. */
  customerAnswered(promptFocus?: Element | null): void {
    this.#focus.customerAnswered(promptFocus);
  }

  /** The customer's last key before the chunk loaded (remote-control.ts noted it): in `target`, at `at`. */
  noteCustomerKey(target: Element, at: number): void {
    this.#focus.noteCustomerInput(target, at);
  }

  /** Focus on `el` for the agent's click or `input` action, unless the customer is typing elsewhere. */
  focusForAgent(el: Element, masked: MaskedRule): void {
    this.#focus.focusUnlessCustomerElsewhere(el, masked);
  }

  /** A new connection: the agent's chains count from 1 again, so earlier refusals no longer apply. */
  reset(): void {
    this.hold.end();
    this.flushKeyup();
    this.leave();
    this.#refusedChains = new WeakMap();
    this.#agentTexts = new WeakMap();
    this.#enters = new WeakMap();
  }

  /** The agent left the field (another target, Tab): fire `change` as a browser does on blur; a focus move the page made is no longer followed. */
  leave(): void {
    const run = this.#active;
    this.#active = null;
    this.#focus.forgetPageMove();
    if (!run?.changed || !run.el.isConnected || run.el.value === run.valueBefore) return;
    const view = run.el.ownerDocument.defaultView;
    if (view) run.el.dispatchEvent(new view.Event('change', { bubbles: true }));
  }
}
