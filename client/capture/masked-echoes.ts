/**
 * A masked field's value echoed by the page in plain text: a card preview
 * that shows the name on the card and the CVC as they are typed, a review
 * step that repeats them. The field's value never leaves, but the echo is an
 * ordinary text node (a name has no digits, a CVC too few to be a number),
 * so it is masked here: any occurrence of a masked field's current value
 * (3 characters or more, ignoring case) in clear text becomes bullets of the
 * same length. Values are read from the fields when text is checked, so an
 * echo written in the same task as the key is caught in the same flush.
 * Only values that differ from the field's default (typed, pasted, filled
 * in by autofill or a script) count: a value the page came with is not
 * looked for.
 */
import { localNameOf } from './dom-read.js';
import { isSensitiveAttribute } from './mask.js';

/** Shorter values would mask common words and numbers all over the page. */
const MIN_ECHO_LENGTH = 3;
/** Fields followed at most (a page with more masked fields than this is not a checkout). */
const MAX_FIELDS = 64;
const MASK_CHAR = '•';
/** Input types whose value the customer types (hidden inputs hold tokens, and short codes like "USD"). */
const TYPED_INPUT_TYPES: ReadonlySet<string> = new Set(['text', 'password', 'search', 'email', 'tel', 'url', 'number']);

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** The fields' current values as patterns: `test` (one match) and `replace` (all matches), ignoring case. */
interface EchoPatterns {
  test: RegExp;
  replace: RegExp;
}

export class MaskedEchoes {
  readonly #fields: WeakRef<HTMLInputElement | HTMLTextAreaElement>[] = [];
  readonly #known = new WeakSet<Element>();
  /** Patterns of the fields' values for the current task; undefined when not read yet, null when no value is long enough. */
  #patterns: EchoPatterns | null | undefined = undefined;

  /** A field whose value is masked: its echoes are masked from now on. */
  add(el: Element): void {
    if (this.#known.has(el) || this.#fields.length >= MAX_FIELDS) return;
    const tag = localNameOf(el);
    if (tag === 'input' && !TYPED_INPUT_TYPES.has((el as HTMLInputElement).type)) return;
    if (tag !== 'input' && tag !== 'textarea') return;
    this.#known.add(el);
    this.#fields.push(new WeakRef(el as HTMLInputElement | HTMLTextAreaElement));
    this.#patterns = undefined;
  }

  /**
   * Before a snapshot's walk: the document's fields the customer has changed and the capture masks, so an echo
   * that comes before its field in the page (a card preview above the form) is known when it is serialized.
   */
  prescan(doc: Document, isMasked: (el: Element) => boolean): void {
    let fields: NodeListOf<Element>;
    try {
      fields = doc.querySelectorAll('input, textarea');
    } catch {
      return; // a page that replaced querySelectorAll: echoes before their fields are then not known
    }
    for (const el of fields) {
      const field = el as HTMLInputElement | HTMLTextAreaElement;
      try {
        if (field.value !== field.defaultValue && isMasked(el)) this.add(el);
      } catch {
        // A page whose value getter throws: the walk reports it (capture-errors.ts), the prescan only skips it.
      }
    }
  }

  /** An attribute's value with echoes masked, for attributes that hold text a person reads (title, alt, aria-*, data-*). */
  maskAttribute(name: string, value: string): string {
    // Most snapshots have no changed masked field: that answer is cached per task, the name check is not.
    if (this.#fields.length === 0 || this.#currentPatterns() === null) return value;
    if (!isSensitiveAttribute(name) && !name.startsWith('aria-')) return value;
    return this.mask({ text: value, masked: false }).text;
  }

  /** `result` with every echo of a masked field's value in its text masked. */
  mask<T extends { text: string; masked: boolean }>(result: T): T {
    if (this.#fields.length === 0) return result;
    const patterns = this.#currentPatterns();
    // One regular expression of all values: 64 values against 6,000 texts cost 0.3 ms (Node 20), lower-casing and indexOf 17-46 ms.
    if (patterns === null || !patterns.test.test(result.text)) return result;
    const text = result.text.replace(patterns.replace, (echo) => MASK_CHAR.repeat(echo.length));
    return { ...result, text, masked: true };
  }

  #currentPatterns(): EchoPatterns | null {
    if (this.#patterns !== undefined) return this.#patterns;
    const values = new Set<string>();
    for (const ref of this.#fields) {
      const field = ref.deref();
      let changed: boolean;
      try {
        changed = field !== undefined && field.value !== field.defaultValue;
      } catch {
        continue;
      }
      // Values as the page came (the default value) are left out: no echo of typing, and a page full of prefilled
      // masked fields (the 10k bench page: 60 passwords) made every text cost a 60-way match (+10 ms a snapshot).
      if (field === undefined || !changed) continue;
      const value = field.value.trim();
      if (value.length >= MIN_ECHO_LENGTH) values.add(value.replace(REGEXP_SPECIAL, '\\$&'));
    }
    // Longest first, so a value inside another is not matched in its place.
    const source = [...values].sort((a, b) => b.length - a.length).join('|');
    this.#patterns = source === '' ? null : { test: new RegExp(source, 'i'), replace: new RegExp(source, 'gi') };
    // Read once per task: a flush checks many texts against the same values, the next task may see new ones.
    queueMicrotask(() => {
      this.#patterns = undefined;
    });
    return this.#patterns;
  }
}
