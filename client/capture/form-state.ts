/** A form control's state as it goes out: in a snapshot or mutation record, and as the payload of an `input` frame. */

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
