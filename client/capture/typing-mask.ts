/**
 * Masking while the customer types: every digit that goes out is masked (a
 * number being typed would otherwise leave digit by digit before it is long
 * enough to be recognised), what went out so is remembered and sent again by
 * the normal rule once typing ends, and a field that held a card number or
 * SSN stays masked digit by digit from then on.
 */
import { maskNumbers } from '../../shared/sensitive-numbers.js';
import { closestOf, containsOf, localNameOf, nodeTypeOf, parentElementOf } from './dom-read.js';
import { MaskedEchoes } from './masked-echoes.js';

const ELEMENT_NODE = 1;

/** The field a node's value or text is typed into: an input or textarea, or the contenteditable host around it. */
function typedFieldOf(node: Node): Element | null {
  const el = nodeTypeOf(node) === ELEMENT_NODE ? (node as Element) : parentElementOf(node);
  if (el === null) return null;
  const tag = localNameOf(el);
  if (tag === 'input' || tag === 'textarea') return el;
  const host = closestOf(el, '[contenteditable]');
  return host !== null && (host as HTMLElement).isContentEditable ? host : null;
}

/** Fields that held a card number or SSN while typed (see TypingMask.#noteTypedNumber); kept across snapshots. */
export class SensitiveFields {
  readonly #fields = new WeakSet<Element>();
  #size = 0;
  get size(): number {
    return this.#size;
  }
  add(el: Element): void {
    if (this.#fields.has(el)) return;
    this.#fields.add(el);
    this.#size++;
  }
  has(el: Element | null): boolean {
    return el !== null && this.#fields.has(el);
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
  readonly echoes = new MaskedEchoes();
  /** In a snapshot, only what is inside this element (the field being typed in) is masked as `strict`. */
  strictWithin: Element | null = null;
  #sent: StrictSent = newStrictSent();

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
    return this.#sensitiveFields.size > 0 && this.#sensitiveFields.has(typedFieldOf(node));
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
