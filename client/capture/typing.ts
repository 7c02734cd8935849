/**
 * Which focused element means "the customer is typing": a text-like input,
 * a textarea or a contenteditable host. While one has focus the capture
 * engine masks every digit it sends (Serializer.strict), because a number
 * typed key by key would leave digit by digit before it is long enough to
 * be recognised as a card number or SSN.
 */

/** Input types whose value is not typed as text. */
const UNTYPED_INPUTS: ReadonlySet<string> = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'image',
  'range',
  'color',
  'file',
  'hidden',
]);
import { localNameOf } from './dom-read.js';

/** Whether focus in `el` means the customer may be typing text into it. */
export function isTypingTarget(el: Element): boolean {
  const tag = localNameOf(el);
  if (tag === 'textarea') return true;
  if (tag === 'input') return !UNTYPED_INPUTS.has(((el as HTMLInputElement).type ?? 'text').toLowerCase());
  return (el as HTMLElement).isContentEditable === true;
}
