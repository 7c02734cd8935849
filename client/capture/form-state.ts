/** A form control's state as it goes out: in a snapshot or mutation record, and as the payload of an `input` frame. */
import { maskInputValue, type MaskDecision } from './mask.js';
import { MAX_ATTR_VALUE, clip } from './record-limits.js';
import type { TypingMask } from './typing-mask.js';
import { hasAttr, localNameOf } from './dom-read.js';
import { isFollowed, maskOutsideAgentText } from './agent-inserted.js';

/** Form state of one element, masked; also the payload of an `input` frame. */
export interface FormState {
  value?: string;
  checked?: boolean;
  selected?: boolean;
  indeterminate?: boolean;
  invalid?: boolean;
  masked?: true;
}

const FORM_STATE_KEYS = ['value', 'checked', 'selected', 'indeterminate', 'invalid', 'masked'] as const;

/** The form-state fields set on `source` (a serialized element, or a form state). */
export function pickFormState(source: FormState): FormState {
  const state: FormState = {};
  copyFormState(state, source);
  return state;
}

/**
 * Sets on `target` the form-state fields set on `source`, in FORM_STATE_KEYS order. Field by field:
 * the serializer does this for every element, and a temporary object per field showed in its profile.
 */
export function copyFormState(target: FormState, source: FormState): void {
  if (source.value !== undefined) target.value = source.value;
  if (source.checked !== undefined) target.checked = source.checked;
  if (source.selected !== undefined) target.selected = source.selected;
  if (source.indeterminate !== undefined) target.indeterminate = source.indeterminate;
  if (source.invalid !== undefined) target.invalid = source.invalid;
  if (source.masked !== undefined) target.masked = source.masked;
}

/** Whether a form state says nothing (no frame to send). */
export function isEmptyFormState(state: FormState): boolean {
  return FORM_STATE_KEYS.every((key) => state[key] === undefined);
}

/**
 * The element's form state (value, checked, selected, indeterminate),
 * masked by its decision. A snapshot leaves out an empty value the mirror
 * shows anyway (no `value` attribute); a change (`change: true`) always
 * carries the value, so a field the customer empties is emptied for the agent.
 */
export function readFormState(el: Element, decision: MaskDecision, typing: TypingMask, change = false): FormState {
  const state: FormState = {};
  if (decision !== 'clear') state.masked = true;
  if (decision !== 'clear') typing.echoes.add(el);
  const tag = localNameOf(el);
  if (tag === 'input') {
    const input = el as HTMLInputElement;
    const type = input.type;
    if (type === 'checkbox' || type === 'radio') {
      if (decision === 'clear') {
        state.checked = input.checked;
        if (input.indeterminate && type === 'checkbox') state.indeterminate = true;
        else if (change && type === 'checkbox') state.indeterminate = false;
      }
    } else if (type !== 'file') {
      const value = input.value;
      if (change || value !== '' || hasAttr(input, 'value')) {
        state.value = formValue(el, decision, value, state, typing);
      }
    }
  } else if (tag === 'textarea') {
    state.value = formValue(el, decision, (el as HTMLTextAreaElement).value, state, typing);
  } else if (tag === 'option') {
    // Which option is selected is the value of the select: hidden when it is masked.
    if (decision === 'clear') state.selected = (el as HTMLOptionElement).selected;
  }
  if (tag !== 'option') {
    const custom = (el as HTMLInputElement).validity?.customError === true;
    if (custom) state.invalid = true;
    else if (change) state.invalid = false;
  }
  return state;
}

/**
 * A field's value as it may leave. Digits hidden only because the customer
 * is typing do not mark the field masked (the agent would see the field
 * flip to "masked" on every keystroke); they are sent again after typing.
 */
function formValue(el: Element, decision: MaskDecision, value: string, state: FormState, typing: TypingMask): string {
  // A value the page sets that grows into a number stays masked digit by digit (growth-watch.ts).
  const strict = typing.isStrict(el) || (decision === 'clear' && typing.valueGrew(el, value));
  const masked = maskInputValue(decision, value, strict);
  // Not what went out strictly (all masked): the clear value sent before stays what a later one is compared with.
  if (decision === 'clear' && !strict) typing.growth.noteSentValue(el, masked.value);
  if (masked.masked) {
    if (strict && decision === 'clear') {
      typing.noteMaskedFormValue(el, value);
    } else {
      state.masked = true;
    }
  }
  if (decision !== 'clear') return clip(masked.value, MAX_ATTR_VALUE);
  // A clear field can repeat a masked one's value (a billing name copied from the name on the card). What the
  // agent's remote input put there is the agent's own text, not checked: that answered its guesses (agent-inserted.ts).
  const echoFree = (text: string): string => typing.echoes.mask({ text, masked: false }).text;
  return clip(
    isFollowed(el) ? maskOutsideAgentText(el, value, masked.value, echoFree) : echoFree(masked.value),
    MAX_ATTR_VALUE,
  );
}
