/**
 * The plain URL attributes (href, src, action...) of elements whose masking
 * decision is 'clear' and that are not being typed in, as they go out, and
 * remembered per attribute name and base: the same `href="/"` or
 * `src="/img.svg"` recurs all over a page, and each was a URL parse plus a
 * number scan of the absolute URL (whose port and path hold digits). In that
 * case what goes out depends on nothing but the name, the value and the base,
 * so a remembered value is the string the work gives. Measured on the 10k-node
 * bench page (bench/snapshot-pair.mjs, 8 pairs): snapshot CPU -3.5 ms.
 */
import { maskAttributeByDecision } from './mask.js';
import { MAX_ATTR_VALUE, clip } from './record-limits.js';
import { URL_ATTRIBUTES, absoluteAttributeValue } from './urls.js';

/** Values remembered at most; then the memo starts over (a page of unique URLs gains nothing). */
const MAX_ENTRIES = 4096;

export class UrlMemo {
  #base = '';
  #size = 0;
  readonly #byName = new Map<string, Map<string, string>>();

  /** Whether attribute `name`'s value is one URL whatever the tag (`data` is one only on <object>). */
  covers(name: string): boolean {
    return name !== 'data' && URL_ATTRIBUTES.has(name);
  }

  /** Attribute `name` (covers(name)) holding `value`, under `base`, as it goes out of a clear, non-strict element. */
  clearValue(tag: string, name: string, value: string, base: string): string {
    if (base !== this.#base || this.#size >= MAX_ENTRIES) {
      this.#byName.clear();
      this.#size = 0;
      this.#base = base;
    }
    let byValue = this.#byName.get(name);
    if (byValue === undefined) {
      byValue = new Map();
      this.#byName.set(name, byValue);
    }
    const known = byValue.get(value);
    if (known !== undefined) return known;
    const absolute = absoluteAttributeValue(tag, name, value, base);
    const sent = clip(maskAttributeByDecision('clear', name, absolute, false).value, MAX_ATTR_VALUE);
    byValue.set(value, sent);
    this.#size++;
    return sent;
  }
}
