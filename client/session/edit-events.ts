/**
 * The events a person's action fires around the text it puts in a field, besides its keys: a paste's, cut's or
 * drop's own event, and an input method's composition events. The agent's edits fire the same, so a page that
 * guards or fixes text there sees the agent's text as it sees the customer's.
 */

/**
 * The input types a person's keys, clipboard, drag and drop, input method or undo make in a text field (review s12
 * F5: any string was fired as the agent said, formatBold inserting text into a plain input); others are refused.
 */
export const TEXT_FIELD_INPUT_TYPES: ReadonlySet<string> = new Set([
  'insertText',
  'insertReplacementText',
  'insertLineBreak',
  'insertParagraph',
  'insertFromPaste',
  'insertFromDrop',
  'insertFromYank',
  'insertTranspose',
  'insertCompositionText',
  'deleteContentBackward',
  'deleteContentForward',
  'deleteWordBackward',
  'deleteWordForward',
  'deleteSoftLineBackward',
  'deleteSoftLineForward',
  'deleteHardLineBackward',
  'deleteHardLineForward',
  'deleteEntireSoftLine',
  'deleteByCut',
  'deleteByDrag',
  'historyUndo',
  'historyRedo',
]);

type View = Window & typeof globalThis;

/** The clipboard or drag event a paste, cut or drop fires first; null for other input types. */
export function clipboardEventOf(inputType: string): 'paste' | 'cut' | 'drop' | null {
  if (inputType === 'insertFromPaste') return 'paste';
  if (inputType === 'deleteByCut') return 'cut';
  return inputType === 'insertFromDrop' ? 'drop' : null;
}

/** Fires a paste's, cut's or drop's own event on `el` carrying `text`; false when the page cancelled it. */
export function clipboardEventProceeds(el: Element, view: View, type: 'paste' | 'cut' | 'drop', text: string): boolean {
  const data = new view.DataTransfer();
  data.setData('text/plain', text);
  const init = { bubbles: true, cancelable: true, composed: true };
  // A drop fires `drop` first, as a person's does: a page that refuses drops (a code field) cancels it.
  if (type === 'drop') return el.dispatchEvent(new view.DragEvent('drop', { ...init, dataTransfer: data }));
  return el.dispatchEvent(new view.ClipboardEvent(type, { ...init, clipboardData: data }));
}

/**
 * An input method's commit as Chromium fires it for a person (measured with CDP Input.imeSetComposition and
 * insertText): compositionstart (the text it replaces) and compositionupdate (the text) before the field's
 * beforeinput and input, which say isComposing and whose beforeinput cannot be cancelled; compositionend (the
 * text) after. `replaced` is the text the composition replaces, `text` what it commits.
 */
export function compositionStarts(el: Element, view: View, replaced: string, text: string): void {
  el.dispatchEvent(new view.CompositionEvent('compositionstart', { ...COMPOSITION, data: replaced }));
  el.dispatchEvent(new view.CompositionEvent('compositionupdate', { ...COMPOSITION, data: text }));
}

/** The composition's end after its input (compositionStarts). */
export function compositionEnds(el: Element, view: View, text: string): void {
  el.dispatchEvent(new view.CompositionEvent('compositionend', { ...COMPOSITION, data: text }));
}

const COMPOSITION = { bubbles: true, cancelable: true, composed: true };
