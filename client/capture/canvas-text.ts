/**
 * Text a page draws into a 2D canvas (fillText, strokeText), judged like
 * text in the DOM: the canvas's pixels go out as an image (canvas.ts), and
 * no rule reads pixels, so a card preview drawn on a canvas sent the card
 * number typed into a masked field as a picture of itself. A canvas that was
 * given text the number rule or the echo rule masks sends no pixels again
 * (like a field that held a card number, it stays masked: redrawing it
 * cannot be told apart from showing it); one given digits while the
 * customer types sends none until typing ends (a number typed key by key is
 * not yet long enough to be recognised).
 */
import { hasDigit, maskNumbers } from '../../shared/sensitive-numbers.js';

/** What the judge needs of the capture: whether the customer is typing, and masked fields' echoes. */
export interface CanvasTextRules {
  strict: boolean;
  echoes: { mask(result: { text: string; masked: boolean }): { text: string; masked: boolean } };
}

export class CanvasTexts {
  /** Canvases given text that is masked: no pixels from them any more. */
  readonly #masked = new WeakSet<object>();
  /** Canvases given digits while the customer typed: no pixels until typing ends. */
  readonly #typed = new WeakSet<object>();

  /** `text` was drawn into `canvas`. */
  drawn(canvas: object, text: string, rules: CanvasTextRules): void {
    if (maskNumbers(text).masked || rules.echoes.mask({ text, masked: false }).masked) this.#masked.add(canvas);
    else if (rules.strict && hasDigit(text)) this.#typed.add(canvas);
  }

  /** Whether `canvas`'s pixels must not go out now (`strict`: the customer is typing). */
  withheld(canvas: object, strict: boolean): boolean {
    if (this.#masked.has(canvas)) return true;
    if (!this.#typed.has(canvas)) return false;
    if (strict) return true;
    this.#typed.delete(canvas);
    return false;
  }
}
