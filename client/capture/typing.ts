/**
 * Which focused element means "the customer is typing": a text-like input,
 * a textarea or a contenteditable host. While one has focus the capture
 * engine masks every digit it sends (TypingMask.strict), because a number
 * typed key by key would leave digit by digit before it is long enough to
 * be recognised as a card number or SSN.
 */

import type { CaptureRun } from './capture-run.js';
import { localNameOf } from './dom-read.js';
import type { Serializer } from './serialize.js';

/** Input types whose value is not typed as text. */
export const UNTYPED_INPUTS: ReadonlySet<string> = new Set([
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

/** Whether focus in `el` means the customer may be typing text into it. */
export function isTypingTarget(el: Element): boolean {
  const tag = localNameOf(el);
  if (tag === 'textarea') return true;
  if (tag === 'input') return !UNTYPED_INPUTS.has(((el as HTMLInputElement).type ?? 'text').toLowerCase());
  return (el as HTMLElement).isContentEditable === true;
}

/**
 * Follows which field the customer types in. While one has focus every
 * digit sent is masked; when focus leaves it (or moves to another field),
 * what went out that way is masked again by the normal rule and sent.
 */
export class TypingWatch {
  /** The field the customer types in (undefined: not looked at yet). */
  #target: Element | null | undefined = undefined;
  readonly #focused: () => Element | null;
  readonly #isOwnUi: (node: Node) => boolean;

  constructor(focused: () => Element | null, isOwnUi: (node: Node) => boolean) {
    this.#focused = focused;
    this.#isOwnUi = isOwnUi;
  }

  /** A snapshot shows the page as it is, not as it is being typed: only the field being typed in is masked whole. */
  snapshotStarted(serializer: Serializer, doc: Document): void {
    const target = this.#targetNow();
    this.#target = target;
    serializer.typing.strictWithin = target;
    // Done a step at a time before the walk (snapshot.ts).
    // A blocked field's value is as secret as a masked one's: its echoes are masked too.
    serializer.typing.echoes.startPrescan(doc, (el) => serializer.decisionOf(el) !== 'clear');
    // The field or editor with focus now (the capture starts, or a resync, while the customer types in it) is
    // followed from here: update() follows only a change of target (review s11 F3).
    if (target !== null) this.#followEchoes(serializer, target);
  }

  /**
   * Echoes of a masked or blocked field or editor the customer types in are masked (masked-echoes.ts). Any
   * editor's text is noted at its first focus, so what is typed into it is known apart from what it held
   * (TypingMask.typedDigits, review s11 F7).
   */
  #followEchoes(serializer: Serializer, target: Element): void {
    if (localNameOf(target) !== 'input' && localNameOf(target) !== 'textarea') serializer.typing.followEditor(target);
    if (serializer.decisionOf(target) === 'clear') return;
    serializer.typing.echoes.add(target);
    serializer.typing.echoes.addEditor(target);
  }

  /** At each flush: strict masking while typing; what went out strictly is settled once typing stops. */
  update(run: CaptureRun, queueInput: (el: Element) => void): void {
    const target = this.#targetNow();
    const serializer = run.serializer;
    serializer.typing.strictWithin = null;
    if (target !== this.#target) {
      this.#target = target;
      // What the customer types into a masked or blocked field or editor may be echoed by the page (a live
      // preview). A blocked one is not walked (no form state read), so it is followed from here.
      if (target !== null) this.#followEchoes(serializer, target);
      const sent = serializer.typing.takeStrictSent();
      serializer.typing.settle(sent);
      run.collector.recheck(sent);
      for (const el of sent.forms) queueInput(el);
    }
    serializer.typing.strict = target !== null;
    serializer.typing.typedField = target;
    serializer.typing.growth.flushStarted();
  }

  #targetNow(): Element | null {
    const focused = this.#focused();
    return focused !== null && !this.#isOwnUi(focused) && isTypingTarget(focused) ? focused : null;
  }
}
