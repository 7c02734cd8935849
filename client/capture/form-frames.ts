/**
 * The input frames of form controls noted since the last flush (events.ts):
 * each control's state as the mirror should hold it, masked by its decision,
 * sent only when it differs from what the mirror holds already.
 */
import type { NodeIds } from './node-ids.js';
import { isEmptyFormState, type FormState } from './form-state.js';
import type { Serializer } from './serialize.js';
import type { PendingDomFrame } from './events.js';
import { closestOf, localNameOf } from './dom-read.js';

export class FormFrames {
  readonly #onFormRead: (el: Element) => void;
  #lastForm = new WeakMap<Element, FormState>();

  /** `onFormRead`: the flush read this control's state (what the mirror holds from now on). */
  constructor(onFormRead: (el: Element) => void) {
    this.#onFormRead = onFormRead;
  }

  /** Records the state the mirror got with a serialized form element, so unchanged state is not re-sent. */
  remember(el: Element, state: FormState): void {
    this.#lastForm.set(el, state);
  }

  /** Sends the element's state at the next flush even when it is what was sent last. */
  forget(el: Element): void {
    this.#lastForm.delete(el);
  }

  /** Forgets the state of the previous run (before a fresh snapshot). */
  reset(): void {
    this.#lastForm = new WeakMap();
  }

  /** Appends the input frames of `inputs` (and of the radios of their groups) whose state changed. */
  take(inputs: Set<Element>, ids: NodeIds, serializer: Serializer, frames: PendingDomFrame[]): void {
    for (const el of expandRadioGroups(inputs)) this.#inputFrames(el, ids, serializer, frames);
  }

  #inputFrames(el: Element, ids: NodeIds, serializer: Serializer, frames: PendingDomFrame[]): void {
    const id = ids.idOf(el);
    if (id === undefined || !el.isConnected) return;
    this.#onFormRead(el);
    const tag = localNameOf(el);
    if (tag === 'select') {
      const decision = serializer.decisionOf(el);
      if (decision !== 'clear') {
        this.#emitIfChanged(el, id, { masked: true }, frames);
        return;
      }
      this.#emitIfChanged(el, id, serializer.formState(el, decision, true), frames);
      const options = (el as HTMLSelectElement).options;
      for (let i = 0; i < options.length; i++) {
        const option = options[i];
        if (option === undefined) continue;
        const optionId = ids.idOf(option);
        if (optionId !== undefined)
          this.#emitIfChanged(
            option,
            optionId,
            serializer.formState(option, serializer.decisionOf(option), true),
            frames,
          );
      }
      return;
    }
    if (tag === 'option') {
      const select = closestOf(el, 'select');
      if (select !== null) this.#inputFrames(select, ids, serializer, frames);
      return;
    }
    if (tag !== 'input' && tag !== 'textarea') return;
    this.#emitIfChanged(el, id, serializer.formState(el, serializer.decisionOf(el), true), frames);
  }

  #emitIfChanged(el: Element, id: number, state: FormState, frames: PendingDomFrame[]): void {
    if (isEmptyFormState(state)) return;
    const last = this.#lastForm.get(el);
    if (last !== undefined && formKey(last) === formKey(state)) return;
    // Indeterminate and custom-invalid are rare: "false" travels only to undo a "true".
    if (state.indeterminate === false && last?.indeterminate !== true) delete state.indeterminate;
    if (state.invalid === false && last?.invalid !== true) delete state.invalid;
    this.#lastForm.set(el, state);
    if (isEmptyFormState(state)) return;
    frames.push({ t: 'input', id, ...state });
  }
}

/** Checking one radio silently unchecks the others of its group. */
function expandRadioGroups(inputs: Set<Element>): Set<Element> {
  const out = new Set<Element>(inputs);
  for (const el of inputs) {
    if (localNameOf(el) !== 'input' || (el as HTMLInputElement).type !== 'radio') continue;
    const name = (el as HTMLInputElement).name;
    if (name === '') continue;
    const root = el.getRootNode() as Document | ShadowRoot;
    if (typeof root.querySelectorAll !== 'function') continue;
    const escaped = name.replace(/["\\]/g, '\\$&');
    for (const radio of Array.from(root.querySelectorAll(`input[type="radio" i][name="${escaped}"]`))) out.add(radio);
  }
  return out;
}

function formKey(state: FormState): string {
  return `${state.value ?? '\u0000'}|${state.checked ?? ''}|${state.selected ?? ''}|${state.indeterminate === true}|${state.invalid === true}|${state.masked ?? ''}`;
}
