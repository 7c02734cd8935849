/**
 * The agent's typing in the mirror, turned into the customer's typing.
 *
 * While the agent types in a field, that field in the agent's copy is the
 * truth: the customer's echoes of it (input frames, which may lag several keys
 * behind or show digits as •) are held back, so no echo overwrites a key the
 * agent just typed. Every change of the field is sent as an `edit` splice
 * (what changed between the value before the key and after it, plus the
 * caret), numbered and acknowledged by the customer. Composition (IME) is sent
 * once, as the composed text, at compositionend. When the agent has left the
 * field and the customer has answered every action, the hold ends: the last
 * echo is shown only if it says something else than the agent's text (the page
 * changed it), not when it is the same text with digits masked.
 *
 * The customer's own typing in that field wins: on `input-conflict` (or an edit
 * refused as a conflict) the hold ends at once, the customer's text shows, and
 * the agent is told.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ActionRefusal, EditAction, RemoteAction, SelectionKey } from '../shared/protocol.js';
import type { InputFrame } from './mirror/mirror.js';
import { innermostTarget as targetOf } from './innermost-target.js';
import {
  sameTextAllowingMask,
  selectionOf,
  spliceBetween,
  spliceOfSelection,
  typedText,
  type FieldSelection,
} from './edit-splice.js';

import {
  caretOf,
  dropsAtMaxLength,
  isCharacterKey,
  isRichText,
  moveSelectionByKey,
  type DroppedKey,
  isTextControl,
  isValueControl,
  selectionKeyOf,
  type TextControl,
  type ValueControl,
} from './text-controls.js';

export { isTextControl, isValueControl };

export interface RemoteInputOptions {
  /** Send an action to the customer; false when not sent (no control, no channel). */
  act(action: RemoteAction): boolean;
  /** Whether the agent may type remotely right now (control granted and the control tool on). */
  canType(): boolean;
  /** The customer's id for a mirrored node. */
  idOf(node: Node): number | undefined;
  isMasked(id: number): boolean;
  /** Apply a held echo to the mirror now. */
  applyEcho(frame: InputFrame): void;
  /** Resolves when the customer has answered every action sent so far. */
  drained(): Promise<void>;
  notify(message: string): void;
}

interface OwnedField {
  el: TextControl | ValueControl;
  id: number;
  /** The value the customer has been told about (after the last edit sent). */
  sent: string;
  /** The latest echo held back. */
  echo: InputFrame | null;
}

export const CONFLICT_NOTICE = 'The customer is typing in this field: their text was kept.';
export const RICH_TEXT_NOTICE =
  'Typing into this rich-text editor cannot be done remotely yet: ask the customer to type it.';
export const YIELDED_NOTICE = 'The customer is typing in this field. Click into it to type again.';

export class RemoteInputController implements ReactiveController {
  readonly #options: RemoteInputOptions;
  #owned: OwnedField | null = null;
  /** Fields the agent left whose keys the customer has not all answered yet: their echoes are still held. */
  #leaving = new Map<number, OwnedField>();
  /** Value and selection of a field before the key being handled (taken at beforeinput). */
  #before: { el: TextControl; value: string; selection: FieldSelection } | null = null;
  #composing = false;
  /** Counts runs of typing; a new run after a conflict is accepted again by the customer. */
  #chain = 1;
  /** Fields the agent typed and left: an echo that only masks the agent's text is not shown. */
  #settled = new Map<number, string>();
  #lastSelection = '';
  /** The agent's last key down since its last input (a character typed with no key before it is an input method's). */
  #keyDown: string | null = null;
  /** Keys that moved the selection in `el` (arrows, Home/End), not yet sent: each goes as its own edit. */
  #moves: { el: TextControl; keys: SelectionKey[] } | null = null;
  /** A field the customer took over: the agent's keys stay local (refused) until the agent clicks into it again. */
  #yielded: TextControl | ValueControl | null = null;
  /**
   * Keys the agent typed into a full field (maxlength) that its copy dropped, or after the page re-mounted its field
   * (`field`, gone: its arrows, Home and End too), until the customer's page moves focus.
   */
  #overflow: { field: TextControl; keys: DroppedKey[] } | null = null;
  /** The element the customer's page has focus on, as its focus frames say. */
  #customerFocus: Node | null = null;
  /** The field the agent last typed in, or that its copy followed the customer's page to (onCustomerFocus). */
  #agentField: Node | null = null;

  constructor(host: ReactiveControllerHost, options: RemoteInputOptions) {
    this.#options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.reset();
  }

  /** The mirror document was replaced (new snapshot): nothing typed is held any more. */
  reset(): void {
    this.#owned = null;
    this.#leaving.clear();
    this.#before = null;
    this.#composing = false;
    this.#yielded = null;
    this.#settled.clear();
    this.#overflow = null;
    this.#customerFocus = null;
    this.#agentField = null;
    this.#moves = null;
  }

  /** The id of the field the agent is typing in, if any. */
  get ownedId(): number | null {
    return this.#owned?.id ?? null;
  }

  /** Mirror hook: false holds the customer's echo back while the agent owns that field. */
  acceptEcho(frame: InputFrame): boolean {
    const holder = this.#owned?.id === frame.id ? this.#owned : this.#leaving.get(frame.id);
    if (holder) {
      holder.echo = frame;
      return false;
    }
    const settled = this.#settled.get(frame.id);
    if (settled === undefined) return true;
    if (frame.value !== undefined && sameTextAllowingMask(frame.value, settled)) return false;
    this.#settled.delete(frame.id);
    return true;
  }

  onBeforeInput(event: Event): void {
    const el = targetOf(event);
    if (!this.#options.canType()) return;
    if (isRichText(el)) {
      // A splice of a contenteditable's text would flatten its markup on the customer's side: refused, clearly.
      event.preventDefault();
      this.#options.notify(RICH_TEXT_NOTICE);
      return;
    }
    if (!isTextControl(el)) return;
    if (el === this.#yielded) {
      // The customer has this field: the agent's keys would land in the middle of the customer's text.
      event.preventDefault();
      this.#options.notify(YIELDED_NOTICE);
      return;
    }
    if (this.#before?.el === el) return;
    // The customer's page reads the selection in keydown (a Backspace over a selection or at a caret): it goes first.
    if (!this.#composing) this.#sendSelection(el);
    this.#before = { el, value: el.value, selection: selectionOf(el) };
  }

  /** The agent pressed a key in the mirror: the text that follows is that key's. */
  onKeyDown(event: Event): void {
    const key = 'key' in event && typeof event.key === 'string' ? event.key : null;
    this.#keyDown = key;
    const el = targetOf(event);
    if (key === null || this.#composing || !this.#options.canType()) return;
    // A key before this one that had a beforeinput and no input (a Backspace with nothing before the caret) is over:
    // its held state kept this key's selection from being sent (an ArrowLeft then went after the next key: 'a2ab'
    // typed as '2aba', fast-check seed 497891).
    this.#before = null;
    const move = selectionKeyOf(event as KeyboardEvent, key);
    if (move !== null && isTextControl(el) && el !== this.#yielded) {
      // Sent once the key moved the copy's selection (keyup, or the next key's beforeinput): the customer's page
      // moves its field's by the same key over its own text (formatting spaces the copy does not show).
      if (this.#moves?.el !== el) this.#moves = { el, keys: [] };
      this.#moves.keys.push(move);
      return;
    }
    // A character into a full field: the agent's copy drops it (maxlength). A page that moves focus on once a group
    // is full (split code, date and product-key fields) gives it to the next field, as a person's key goes there.
    // A character, an arrow, Home or End after the page re-mounted the agent's field, before its focus frame: it goes
    // to the new field, in order (finding T1: the arrows were dropped at 0 ms per key).
    const field = isTextControl(el) ? el : this.#agentField;
    if (!isTextControl(field)) return;
    const char = isCharacterKey(event as KeyboardEvent, key);
    if (!char && (move === null || field === el)) return;
    if (field === el ? !dropsAtMaxLength(field) : field.isConnected) return;
    // Not a key on the page (a space would scroll the customer's page): it is the re-mounted field's.
    if (field !== el) event.preventDefault();
    if (this.#overflow?.field !== field) this.#overflow = { field, keys: [] };
    const overflow = this.#overflow;
    overflow.keys.push(move !== null ? { move } : { char: key });
    // The customer's focus frames come before the answer to the key that moved focus: once everything is answered
    // (and a moment for the frames to apply), a page that did not move focus dropped these keys, as a person's.
    void this.#options.drained().then(() =>
      setTimeout(() => {
        if (this.#overflow === overflow) this.#overflow = null;
      }, OVERFLOW_WAIT_MS),
    );
  }

  /**
   * The customer's page put focus on `node` (a focus frame). When it moved from the full field the agent is typing
   * in to another text field (the page's own reaction to the agent's key, review s12 T3), or from the field the page
   * re-mounted (T2), the agent's copy follows, and the keys its copy dropped meanwhile go there: where a person's
   * keys would have gone.
   */
  onCustomerFocus(focused: Node | undefined): void {
    const before = this.#customerFocus;
    const node = focused ?? null;
    this.#customerFocus = node;
    if (!isTextControl(node) || !this.#options.canType()) return;
    const doc = node.ownerDocument;
    // The page re-mounted the field the agent types in (review s12 T2), maybe on every key: the agent's focus went
    // with the old one and its next keys would go nowhere; they go to the field that replaced it, as a person's do
    // (the customer's page sends the keys in flight there too).
    const remounted =
      before !== null &&
      before === this.#agentField &&
      !before.isConnected &&
      (doc.activeElement === null || doc.activeElement === doc.body);
    const from = this.#owned?.el;
    const full =
      from !== undefined &&
      isTextControl(from) &&
      from.maxLength >= 0 &&
      from.value.length >= from.maxLength &&
      doc.activeElement === from;
    if (!remounted && (before !== from || node === from || !full)) return;
    const id = this.#options.idOf(node);
    if (id === undefined || this.#options.isMasked(id)) return;
    const overflow = this.#overflow;
    const keys = overflow !== null && overflow.field === (remounted ? before : from) ? overflow.keys : [];
    this.#overflow = null;
    this.#agentField = node;
    // Arrows that moved the old copy's caret before the mirror removed it, their keyup gone to the page: not sent yet.
    const moves = remounted && this.#moves?.el === before ? this.#moves.keys : [];
    if (remounted) this.#moves = null;
    if (remounted && isTextControl(before)) this.#takeOver(before, node, id);
    node.focus({ preventScroll: true });
    // The caret where the agent's keys left it in the old copy (a re-mount), else at the end of the next box.
    const [start, end] = remounted && isTextControl(before) ? caretOf(before) : [node.value.length, node.value.length];
    try {
      node.setSelectionRange(
        start,
        end,
        remounted && isTextControl(before) ? (before.selectionDirection ?? undefined) : undefined,
      );
    } catch {
      // email and number fields have no selection API
    }
    for (const press of moves) this.#sendMove(node, id, press);
    this.#typeDropped(node, keys);
  }

  /**
   * The keys the agent typed into its copy of the re-mounted field before the mirror removed it went on to the new
   * one on the customer's page (they follow focus there), while the copy's new field shows the text the page
   * re-mounted it with, and then the customer's echoes of it, which lag those keys: the copy's new field takes the
   * old copy's text and is the agent's from here (its echoes held, as the old one's were), so the agent's next
   * positions are those of the text the customer's field has ('hello world' ended 'helldo worl' at 0 ms without).
   */
  #takeOver(old: TextControl, node: TextControl, id: number): void {
    // The customer's text the new field was mounted with: shown when the agent leaves unless an echo says otherwise
    // (a field re-mounted on every key gets no echo of its own: its caret sent to the end, the agent's keys landed
    // elsewhere than in the copy, which would keep the copy's text).
    const mounted = node.value;
    if (old.value !== node.value) node.value = old.value;
    if (this.#owned?.el === node) return;
    const owned = this.#own(node, id, node.value);
    owned.sent = node.value;
    owned.echo ??= mounted === node.value ? null : { t: 'input', seq: 0, id, value: mounted };
  }

  /** The keys the agent's copy dropped, typed into `el` now (in its copy, and to the customer as its keys). */
  #typeDropped(el: TextControl, keys: readonly DroppedKey[]): void {
    for (const [i, dropped] of keys.entries()) {
      if ('move' in dropped) {
        // An arrow, Home or End its copy dropped: the copy's selection moves as the key moves it, then the customer's.
        const id = this.#options.idOf(el);
        if (id !== undefined && !this.#options.isMasked(id) && moveSelectionByKey(el, dropped.move))
          this.#sendMove(el, id, dropped.move);
        continue;
      }
      const char = dropped.char;
      if (el.maxLength >= 0 && el.value.length >= el.maxLength) {
        // Full too: the rest waits for the page's next move.
        this.#overflow = { field: el, keys: keys.slice(i) };
        return;
      }
      const selection = selectionOf(el);
      this.#before = { el, value: el.value, selection };
      const start = selection.selectionStart ?? el.value.length;
      try {
        el.setRangeText(char, start, selection.selectionEnd ?? start, 'end');
      } catch {
        el.value += char;
      }
      this.#keyDown = char;
      this.#send(el, 'insertText', char);
    }
  }

  onInput(event: Event): void {
    const el = targetOf(event);
    if (!isTextControl(el) || !this.#options.canType() || el === this.#yielded) return;
    if (this.#composing || (event as InputEvent).isComposing) return;
    this.#send(el, (event as InputEvent).inputType || 'insertText', (event as InputEvent).data ?? null);
  }

  /** A select, date, number, range... changed: its whole value goes, and its echoes are held like a text field's. */
  onValueInput(event: Event): void {
    const el = targetOf(event);
    if (!isValueControl(el) || !this.#options.canType()) return;
    const id = this.#options.idOf(el);
    if (id === undefined || this.#options.isMasked(id)) return;
    const owned = this.#own(el, id, el.value);
    if (this.#options.act({ kind: 'input', id, value: el.value })) owned.sent = el.value;
  }

  onCompositionStart(event: Event): void {
    if (isTextControl(targetOf(event))) this.#composing = true;
  }

  /** The composed text goes to the customer in one edit. */
  onCompositionEnd(event: Event): void {
    this.#composing = false;
    const el = targetOf(event);
    if (!isTextControl(el) || !this.#options.canType()) return;
    this.#send(el, 'insertCompositionText', null);
  }

  /** Caret moves and selections without a change of text (arrows, Home/End, Shift+arrows, select-all, a click). */
  onSelectionMaybeChanged(event: Event): void {
    const el = targetOf(event);
    if (!isTextControl(el) || this.#composing || !this.#options.canType() || el === this.#yielded) return;
    if (this.#before?.el !== el) this.#sendSelection(el);
  }

  /** The agent's caret or selection in `el`, when the customer has not been told it yet. */
  #sendSelection(el: TextControl): void {
    const moves = this.#moves?.el === el ? this.#moves.keys : [];
    if (this.#moves?.el === el) this.#moves = null;
    const id = this.#options.idOf(el);
    if (id === undefined || this.#options.isMasked(id)) return;
    const selection = selectionOf(el);
    const key = `${id}:${selection.selectionStart}:${selection.selectionEnd}`;
    // Every moving key goes, even one that left the copy's selection where it was: the field's may still move.
    if (selection.selectionStart === undefined || (key === this.#lastSelection && moves.length === 0)) return;
    if (this.#owned?.el === el && this.#owned.sent !== el.value) {
      this.#send(el, 'insertText', null);
      if (moves.length === 0) return;
    }
    if (moves.length === 0) this.#sendMove(el, id);
    for (const press of moves) this.#sendMove(el, id, press);
  }

  /** The copy's selection in `el` (`id`), and the key that moved it there (the customer's field moves by it). */
  #sendMove(el: TextControl, id: number, press?: SelectionKey): void {
    const selection = selectionOf(el);
    if (selection.selectionStart === undefined) return;
    this.#lastSelection = `${id}:${selection.selectionStart}:${selection.selectionEnd}`;
    const move: EditAction = {
      kind: 'edit',
      id,
      chain: this.#chain,
      at: selection.selectionStart,
      deleteCount: 0,
      insert: '',
      ...selection,
    };
    this.#options.act(press === undefined ? move : { ...move, key: press });
  }

  /** A click into a field the customer took over gives it back to the agent. */
  onPointerDown(event: Event): void {
    if (this.#yielded !== null && targetOf(event) === this.#yielded) this.#yielded = null;
  }

  /** The agent's focus left a field: the hold ends once the customer has answered everything. */
  onFocusOut(event: Event): void {
    if (targetOf(event) === this.#yielded) this.#yielded = null;
    // A field the mirror is removing (the page re-mounted it: the mirror forgot its id before its focus went) keeps its
    // keys not yet sent: they go when its copy follows focus to the new field (onCustomerFocus).
    const left = targetOf(event);
    if (this.#moves?.el === left && left !== null && this.#options.idOf(left as Node) !== undefined) this.#moves = null;
    const owned = this.#owned;
    if (!owned || targetOf(event) !== owned.el) return;
    this.#before = null;
    this.#composing = false;
    this.#letGo(owned);
  }

  /** The customer typed in a field the agent is typing in: the customer's text wins. */
  onConflict(id: number): void {
    const field = this.#owned?.id === id ? this.#owned : this.#leaving.get(id);
    if (!field) return;
    this.#release(field, true);
    this.#yielded = field.el;
    this.#options.notify(CONFLICT_NOTICE);
  }

  /** The customer refused an edit. */
  onRefused(kind: string, reason: ActionRefusal): void {
    if (kind !== 'edit' && kind !== 'input') return;
    // The refusal does not say which field: every hold ends and the customer's text shows.
    const owned = this.#owned;
    for (const field of [...this.#leaving.values(), ...(owned ? [owned] : [])]) this.#release(field, true);
    if (reason !== 'conflict') return;
    if (owned) this.#yielded = owned.el;
    this.#options.notify(CONFLICT_NOTICE);
  }

  #send(el: TextControl, how: string, data: string | null): void {
    const id = this.#options.idOf(el);
    if (id === undefined || this.#options.isMasked(id)) return;
    const before = this.#before?.el === el ? this.#before.value : this.#owned?.el === el ? this.#owned.sent : el.value;
    const selectionBefore = this.#before?.el === el ? this.#before.selection : {};
    this.#before = null;
    // A character no key typed (an emoji picker, dictation, a one-character input method commit): a page's key
    // filters must not see a key for it, as they see none for the customer's own.
    const keyless = how === 'insertText' && data !== null && this.#keyDown !== data;
    this.#keyDown = null;
    this.#agentField = el;
    const owned = this.#own(el, id, before);
    const type = (el.getAttribute('type') ?? '').toLowerCase();
    const after =
      type === 'number' || type === 'email'
        ? typedText(type, owned.sent, el.value, how, data, el.validity.badInput)
        : el.value;
    const selection = selectionOf(el);
    // A key that replaced a selection is that selection replaced, even when the text typed starts as it did ('b'
    // over 'b1' is not a deletion of '1': the customer's page must see the key).
    const splice =
      (before === owned.sent ? spliceOfSelection(before, after, selectionBefore, how) : null) ??
      spliceBetween(owned.sent, after, selection.selectionEnd ?? null);
    const action: EditAction = {
      kind: 'edit',
      id,
      chain: this.#chain,
      ...splice,
      ...selection,
      inputType: how.slice(0, 48),
      ...(keyless ? { keyless } : {}),
    };
    if (this.#options.act(action)) {
      owned.sent = after;
      this.#lastSelection = `${id}:${selection.selectionStart}:${selection.selectionEnd}`;
    }
  }

  /**
   * The agent left the field (focus moved, or typing went on elsewhere): its
   * echoes stay held until the customer has answered every key, so a stale
   * echo of an earlier key never shows in between.
   */
  #letGo(owned: OwnedField): void {
    if (this.#owned === owned) this.#owned = null;
    this.#leaving.set(owned.id, owned);
    void this.#options.drained().then(() => {
      if (this.#leaving.get(owned.id) === owned) this.#release(owned, false);
    });
  }

  /**
   * The agent types in `el` (`id`; the customer was last told `sent`): the field it owned before is let go, and `el`
   * is the agent's, again with its held echoes when it was leaving it.
   */
  #own(el: TextControl | ValueControl, id: number, sent: string): OwnedField {
    if (this.#owned && this.#owned.el !== el) this.#letGo(this.#owned);
    const leaving = this.#leaving.get(id);
    if (leaving?.el === el) this.#leaving.delete(id);
    this.#owned ??= leaving?.el === el ? leaving : { el, id, sent, echo: null };
    this.#settled.delete(id);
    return this.#owned;
  }

  /** Ends the hold; `customerWins` shows the customer's latest text whatever it is. */
  #release(owned: OwnedField, customerWins: boolean): void {
    if (this.#owned === owned) this.#owned = null;
    if (this.#leaving.get(owned.id) === owned) this.#leaving.delete(owned.id);
    this.#chain++;
    const echo = owned.echo;
    if (customerWins) {
      this.#settled.delete(owned.id);
      if (echo) this.#options.applyEcho(echo);
      return;
    }
    this.#settled.set(owned.id, owned.el.value);
    if (echo && !(echo.value !== undefined && sameTextAllowingMask(echo.value, owned.el.value))) {
      this.#settled.delete(owned.id);
      this.#options.applyEcho(echo);
    }
  }
}

/** How long after the customer answered every action dropped keys wait for a focus frame. */
const OVERFLOW_WAIT_MS = 1_000;
