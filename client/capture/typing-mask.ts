/**
 * Masking while the customer types: every digit that goes out is masked (a
 * number being typed would otherwise leave digit by digit before it is long
 * enough to be recognised), what went out so is remembered and sent again by
 * the normal rule once typing ends, and a field that held a card number or
 * SSN stays masked digit by digit from then on. Likewise a number a page
 * assembles in steps (growth-watch.ts): its text, the texts of its run
 * anchor, its form control or its attribute stay masked digit by digit
 * once it grew, while they still show a number.
 */
import { asciiDigits } from '../../shared/mask-css.js';
import { microtask } from '../pristine.js';
import { mayHaveGrown } from '../../shared/number-growth.js';
import { hasDigit, maskNumbers, type MaskedText } from '../../shared/sensitive-numbers.js';
import { closestOf, containsOf, localNameOf, nodeTypeOf, parentElementOf } from './dom-read.js';
import { EditorTyped } from './editor-typed.js';
import { GrowthWatch, type SentTexts } from './growth-watch.js';
import { maskTextContent, showsText, type MaskDecision } from './mask.js';
import { MaskedEchoes } from './masked-echoes.js';
import { runAnchor, runText, type RunNeighbours } from './text-runs.js';

const ELEMENT_NODE = 1;
/** What of an editor being typed in is read for its digits (a longer one: every digit of CSS strings is masked). */
const MAX_TYPED_TEXT = 20_000;

/** The field a node's value or text is typed into: an input or textarea, or the contenteditable host around it. */
function typedFieldOf(node: Node): Element | null {
  const el = nodeTypeOf(node) === ELEMENT_NODE ? (node as Element) : parentElementOf(node);
  if (el === null) return null;
  const tag = localNameOf(el);
  if (tag === 'input' || tag === 'textarea') return el;
  const host = closestOf(el, '[contenteditable]');
  return host !== null && (host as HTMLElement).isContentEditable ? host : null;
}

/**
 * The digits (ASCII) of a field's value, or of what was typed into an editor since its first focus
 * (EditorTyped: the digits it held then are the page's, review s11 F7; every digit of its text when it is not
 * followed); an editor's text is read to MAX_TYPED_TEXT (longer: null).
 */
function typedDigitsOf(field: Element | null, editors: EditorTyped): string | null {
  if (field === null) return null;
  const tag = localNameOf(field);
  if (tag === 'input' || tag === 'textarea') {
    const value = (field as HTMLInputElement).value;
    return value.length > MAX_TYPED_TEXT ? null : asciiDigits(value);
  }
  const walker = field.ownerDocument.createTreeWalker(field, NodeFilter.SHOW_TEXT);
  let text = '';
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    text += (node as CharacterData).data;
    if (text.length > MAX_TYPED_TEXT) return null;
  }
  // Runs apart by a space: digits of two runs joined would make windows typed nowhere (harmless, but more masked).
  return editors.follows(field) ? asciiDigits(editors.typed(field, MAX_TYPED_TEXT).join(' ')) : asciiDigits(text);
}

/** showsText by attribute name, for the attributes every snapshot sends (130 ns a call uncached in Node, measured). */
const showsTextByName = new Map<string, boolean>();
/** Names kept in showsTextByName at most (a page can make up data-* names without end). */
const SHOWS_TEXT_NAMES = 512;

function showsTextOf(name: string): boolean {
  let shows = showsTextByName.get(name);
  if (shows === undefined) {
    shows = showsText(name);
    if (showsTextByName.size < SHOWS_TEXT_NAMES) showsTextByName.set(name, shows);
  }
  return shows;
}

/** Whether `key` is marked in `marks` and what it shows now (`shows`) still has a number; if not, the mark is dropped. */
function markHolds<K>(marks: { has(key: K): boolean; delete(key: K): boolean }, key: K, shows: () => string): boolean {
  if (!marks.has(key)) return false;
  if (mayHaveGrown(shows())) return true;
  marks.delete(key);
  return false;
}

/**
 * Fields that held a card number or SSN while typed (see TypingMask.#noteTypedNumber), and the texts,
 * run anchors, form controls and attributes where a number grew (TypingMask.textGrew), held while
 * they still show a number; kept across snapshots.
 */
export class SensitiveFields {
  readonly #fields = new WeakSet<Node>();
  #size = 0;
  /** Texts, run anchors and form controls where a number grew. */
  readonly #grown = new WeakSet<Node>();
  /** Attributes where a number grew, by element. */
  readonly #grownAttributes = new WeakMap<Element, Set<string>>();
  /** Growth marks ever set (none: a quick no for every text and attribute). */
  grownMarks = 0;
  /** What went out before, to see numbers a page assembles in steps: kept across snapshots (resyncs). */
  readonly growth = new GrowthWatch();
  /** What was typed in masked editors since their first focus: kept across snapshots (a resync while typing). */
  readonly editorTyped = new EditorTyped();
  get size(): number {
    return this.#size;
  }
  add(el: Node): void {
    if (this.#fields.has(el)) return;
    this.#fields.add(el);
    this.#size++;
  }
  has(el: Node | null): boolean {
    return el !== null && this.#fields.has(el);
  }
  grow(node: Node): void {
    this.#grown.add(node);
    this.grownMarks++;
  }
  /** Whether `node` is marked grown; the mark is dropped when `shows` (what it shows now) has no number left. */
  held(node: Node | null, shows: () => string): boolean {
    return node !== null && this.grownMarks !== 0 && markHolds(this.#grown, node, shows);
  }
  growAttribute(el: Element, name: string): void {
    let names = this.#grownAttributes.get(el);
    if (names === undefined) this.#grownAttributes.set(el, (names = new Set()));
    names.add(name);
    this.grownMarks++;
  }
  /** Whether `el`'s attribute `name` is marked grown and `value` still has a number (else the mark is dropped). */
  attributeHeld(el: Element, name: string, value: string): boolean {
    if (this.grownMarks === 0) return false;
    const names = this.#grownAttributes.get(el);
    return names !== undefined && markHolds(names, name, () => value);
  }
}

/** Nodes whose text, attributes or form value went out with every digit masked (`TypingMask.strict`). */
export interface StrictSent {
  texts: Set<CharacterData>;
  attrs: Map<Element, Set<string>>;
  forms: Set<Element>;
}

function newStrictSent(): StrictSent {
  return { texts: new Set(), attrs: new Map(), forms: new Set() };
}

export class TypingMask {
  readonly #sensitiveFields: SensitiveFields;

  constructor(sensitiveFields: SensitiveFields) {
    this.#sensitiveFields = sensitiveFields;
    this.growth = sensitiveFields.growth;
    this.echoes = new MaskedEchoes(sensitiveFields.editorTyped);
    this.growth.snapshotStarted();
  }

  /**
   * The customer is typing (an editable field has focus): every digit of
   * what is serialized now is masked, because a number being typed (or
   * echoed by the page as it is typed) would otherwise leave digit by digit
   * before it is long enough to be recognised. What went out this way is
   * kept in `#sent` and sent again by the normal rule once typing ends.
   */
  strict = false;
  /** Masked fields' values echoed in clear text (masked-echoes.ts). */
  readonly echoes: MaskedEchoes;
  /** What went out before this flush, to see numbers a page assembles in steps (growth-watch.ts; per engine). */
  readonly growth: GrowthWatch;
  /** In a snapshot, only what is inside this element (the field being typed in) is masked as `strict`. */
  strictWithin: Element | null = null;
  /** The field or editor the customer types in (typing.ts), whose digits strict CSS masking looks for. */
  #typedField: Element | null = null;
  /** Its digits for the current task (typedDigits); undefined when not read yet. */
  #typedDigits: string | null | undefined = undefined;

  get typedField(): Element | null {
    return this.#typedField;
  }

  set typedField(field: Element | null) {
    this.#typedField = field;
    this.#typedDigits = undefined;
  }

  /**
   * The digits (ASCII) of what the customer types now, for CSS masked strictly (mask-css.ts: a URL or escape
   * sharing 3 digits in a row with them is masked); null when unknown (an editor longer than MAX_TYPED_TEXT):
   * every digit of CSS strings is then masked. Read once per task (review s11 F2: read and converted for every
   * style text and style attribute serialized, 300 style attributes and a 19,000-character editor made 4-5 s of
   * long tasks over 10 keys); the next task (a flush, a snapshot's next slice) may see a new key.
   */
  typedDigits(): string | null {
    if (this.#typedDigits !== undefined) return this.#typedDigits;
    const digits = typedDigitsOf(this.#typedField, this.#sensitiveFields.editorTyped);
    this.#typedDigits = digits;
    microtask(() => {
      if (this.#typedDigits === digits) this.#typedDigits = undefined;
    });
    return digits;
  }
  #sent: StrictSent = newStrictSent();

  /** The customer typed into `editor` first now (or in an earlier run): its text is noted (EditorTyped.follow). */
  followEditor(editor: Element): void {
    this.#sensitiveFields.editorTyped.follow(editor);
  }

  /**
   * What went out under `strict` for a field the customer has left, being
   * sent again now by the normal rule even while another field has focus.
   */
  readonly #settling = new Set<Node>();

  /** Marks what went out under `strict` as settled (see #settling) until `endSettling()`. */
  settle(sent: StrictSent): void {
    for (const node of sent.texts) this.#settling.add(node);
    for (const el of sent.attrs.keys()) this.#settling.add(el);
    for (const el of sent.forms) this.#settling.add(el);
  }

  /** The flush that sent the settled nodes again is over. */
  endSettling(): void {
    this.#settling.clear();
  }

  /** Whether what `node` sends now is masked digit by digit. */
  isStrict(node: Node): boolean {
    if (this.strict && !this.#settling.has(node)) return true;
    const within = this.strictWithin;
    if (within !== null && (node === within || containsOf(within, node))) return true;
    const fields = this.#sensitiveFields;
    if (fields.size === 0) return false;
    return fields.has(node) || fields.has(typedFieldOf(node));
  }

  /**
   * A clear text node's text with digits as it may leave: by the number rule over its run (`before`,
   * `after`: its neighbours), every digit masked when `strict` (typing) or when it grew into a number
   * since the last flush (textGrew; `shown`: text a number may be assembled in, not a comment).
   */
  maskText(
    node: CharacterData,
    data: string,
    before: RunNeighbours | null,
    after: RunNeighbours | null,
    strict: boolean,
    shown: boolean,
    sent: SentTexts,
  ): MaskedText {
    const grown =
      shown && (this.#textHeld(node, data, before, after) || this.textGrew(node, data, before, after, sent));
    const options = { before: before?.text, after: after?.text, strict: strict || grown };
    const masked = this.echoes.mask(maskTextContent('clear', data, options), node);
    // What went out masked because it grew is not remembered: the next step is compared with the clear one.
    if (shown && !grown) this.growth.noteSentRun(node, masked.text, before, after);
    if (strict && masked.masked) this.noteMaskedText(node, data);
    return masked;
  }

  /**
   * Whether a text is under a growth mark (textGrew) that still holds: its own while its run has a number,
   * its run anchor's while the anchor's text has one. Only texts: the anchor's own attributes (class, id,
   * style) are not read as numbers for it.
   */
  #textHeld(node: CharacterData, data: string, before: RunNeighbours | null, after: RunNeighbours | null): boolean {
    const fields = this.#sensitiveFields;
    if (fields.grownMarks === 0) return false;
    const own = fields.held(node, () => runText(data, before, after));
    const anchor = runAnchor(node);
    // Both looked at, so a mark with no number left under it is dropped.
    const block = fields.held(anchor, () => anchor?.textContent ?? '');
    return own || block;
  }

  /**
   * Whether a text grew into a number since the last flush (growth-watch.ts); if so it, and its run
   * anchor's texts, are masked digit by digit while they show a number (a script could shorten it
   * again and show the rest).
   */
  textGrew(
    node: CharacterData,
    data: string,
    before: RunNeighbours | null,
    after: RunNeighbours | null,
    sent: SentTexts,
  ): boolean {
    if (!this.growth.textGrew(node, data, before, after, sent)) return false;
    this.#sensitiveFields.grow(node);
    const anchor = runAnchor(node);
    if (anchor !== null) this.#sensitiveFields.grow(anchor);
    return true;
  }

  /**
   * Whether a text attribute (mask.ts showsText: not geometry, URLs or CSS) the page changed on a clear
   * element grew into a number; if so that attribute stays masked digit by digit while it shows one
   * (a form control's value attribute also while its grown value does).
   */
  attributeGrew(el: Element, name: string, value: string, decision: MaskDecision): boolean {
    if (decision !== 'clear' || !showsText(name)) return false;
    return this.attributeHeld(el, name, value) || this.#attributeSeen(el, name, value);
  }

  /**
   * `strict`, or whether the attribute is under a growth mark that still holds, or grew (serialize.ts, for
   * every attribute that goes out: in snapshots, of added elements, and changed ones after attributeGrew).
   */
  orHeld(strict: boolean, el: Element, name: string, value: string): boolean {
    // A value attribute goes out before the control's value (in a resync's snapshot too): compared here.
    if (strict || this.attributeHeld(el, name, value) || (name === 'value' && this.valueGrew(el, value))) return true;
    // In a snapshot or an element added (again) the element's attributes go out whole: each text attribute
    // is compared with what went out before (a resync's snapshot, a moved element) and remembered, so a
    // step after a first one sent so is seen.
    return showsTextOf(name) && this.#attributeSeen(el, name, value);
  }

  /**
   * Whether a text attribute grew since it last went out (it is then marked); if not, and it has a digit,
   * it is remembered as it goes out (raw: sentAttribute puts the masked text in its place for a change).
   * Once per flush: the change path asks attributeGrew, then orHeld.
   */
  #attributeSeen(el: Element, name: string, value: string): boolean {
    // Without a digit it cannot have grown; not remembered either (the snapshot would keep every alt).
    if (!hasDigit(value)) return false;
    const growth = this.growth;
    if (growth.attributeSentNow(el, name, value)) return false;
    if (growth.attributeGrew(el, name, value)) {
      this.#sensitiveFields.growAttribute(el, name);
      return true;
    }
    growth.noteSentAttribute(el, name, value);
    return false;
  }

  /** Whether an attribute is under a growth mark that still holds (attributeGrew, valueGrew for `value`). */
  attributeHeld(el: Element, name: string, value: string): boolean {
    const fields = this.#sensitiveFields;
    if (fields.grownMarks === 0) return false;
    return fields.attributeHeld(el, name, value) || (name === 'value' && fields.held(el, () => value));
  }

  /** An attribute the page changed goes out as `sent` (returned): remembered to see it grow. */
  sentAttribute(el: Element, name: string, sent: string | undefined): string | undefined {
    // Not what went out strictly (typing elsewhere, or grown): the clear value before stays the memory.
    if (sent !== undefined && showsText(name) && this.#sent.attrs.get(el)?.has(name) !== true)
      this.growth.noteSentAttribute(el, name, sent);
    return sent;
  }

  /** Whether a form control's value, set by the page, grew into a number; if so it stays masked digit by digit. */
  valueGrew(el: Element, value: string): boolean {
    if (this.#sensitiveFields.held(el, () => value)) return true;
    if (!this.growth.valueGrew(el, value)) return false;
    this.#sensitiveFields.grow(el);
    return true;
  }

  /**
   * A field (or contenteditable host) that held a card number or SSN while
   * the customer typed stays masked digit by digit from then on: deleting
   * part of the number before leaving the field must not reveal the rest.
   */
  #noteTypedNumber(node: Node, value: string): void {
    if (!maskNumbers(value).masked) return;
    const field = typedFieldOf(node);
    if (field !== null) this.#sensitiveFields.add(field);
  }

  /** What went out under `strict` since the last call (to send again by the normal rule). */
  takeStrictSent(): StrictSent {
    const sent = this.#sent;
    this.#sent = newStrictSent();
    return sent;
  }

  /** A text went out masked under `strict`. */
  noteMaskedText(node: CharacterData, data: string): void {
    this.#sent.texts.add(node);
    this.#noteTypedNumber(node, data);
  }

  /** An attribute went out masked under `strict`. */
  noteMaskedAttribute(el: Element, name: string): void {
    let names = this.#sent.attrs.get(el);
    if (names === undefined) this.#sent.attrs.set(el, (names = new Set()));
    names.add(name);
  }

  /** A form value went out masked under `strict` (not marked masked: it is sent again after typing). */
  noteMaskedFormValue(el: Element, value: string): void {
    this.#sent.forms.add(el);
    this.#noteTypedNumber(el, value);
  }
}
