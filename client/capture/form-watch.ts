/**
 * A safety net for form values that change with no event and through no
 * setter we patched: a framework that saved the native `value` setter before
 * the session started (React's value tracker does), browser autofill,
 * restoring a draft from storage. Every captured input, textarea and select
 * is compared with the state it had when last looked at, on a slow timer
 * and right after the customer clicks or types; a difference goes to the
 * input pipeline, which sends a frame only if what leaves actually changed.
 *
 * Holds the raw state only in the customer's own page (never sent), and
 * forgets elements once they leave the document.
 */

/** Elements compared per check at most (round robin beyond that), so a huge form costs a bounded slice. */
const MAX_PER_CHECK = 2_000;
import { localNameOf } from './dom-read.js';

export class FormWatch {
  readonly #controls = new Set<Element>();
  readonly #seen = new WeakMap<Element, string>();
  #cursor: Element[] = [];

  /** A control was serialized (snapshot or insertion): its current state is what the mirror has. */
  track(el: Element): void {
    this.#controls.add(el);
    this.#seen.set(el, rawState(el));
  }

  /**
   * The input pipeline read a tracked control's state (it sends it if it
   * changed): compare with that from now on. Without this, a value changed
   * through a patched setter or an attribute (and sent) and then set back
   * with a saved native setter would look unchanged to the watch.
   */
  refresh(el: Element): void {
    if (this.#controls.has(el)) this.#seen.set(el, rawState(el));
  }

  /** Forgets every control (a new run tracks them again as it serializes them). */
  clear(): void {
    this.#controls.clear();
    this.#cursor = [];
  }

  get size(): number {
    return this.#controls.size;
  }

  /** Compares up to MAX_PER_CHECK controls with their last state; reports each one that changed. */
  check(onChanged: (el: Element) => void): void {
    if (this.#cursor.length === 0) this.#cursor = [...this.#controls];
    const batch = this.#cursor.splice(0, MAX_PER_CHECK);
    for (const el of batch) {
      if (!el.isConnected) {
        this.#controls.delete(el);
        continue;
      }
      const state = rawState(el);
      if (this.#seen.get(el) === state) continue;
      this.#seen.set(el, state);
      onChanged(el);
    }
  }
}

/** What the control holds right now, as one comparable string. */
function rawState(el: Element): string {
  const tag = localNameOf(el);
  if (tag === 'input') {
    const input = el as HTMLInputElement;
    if (input.type === 'checkbox' || input.type === 'radio') return `${input.checked}${input.indeterminate}`;
    return input.type === 'file' ? '' : input.value;
  }
  if (tag === 'textarea') return (el as HTMLTextAreaElement).value;
  if (tag === 'select') {
    const options = (el as HTMLSelectElement).options;
    let state = '';
    for (let i = 0; i < options.length; i++) if (options[i]?.selected === true) state += `${i},`;
    return state;
  }
  return '';
}
