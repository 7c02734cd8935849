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
  for (const key of FORM_STATE_KEYS) if (source[key] !== undefined) Object.assign(state, { [key]: source[key] });
  return state;
}

/** Whether a form state says nothing (no frame to send). */
export function isEmptyFormState(state: FormState): boolean {
  return FORM_STATE_KEYS.every((key) => state[key] === undefined);
}
