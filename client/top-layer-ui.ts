/**
 * The prompts are modal dialogs and the indicator a manual popover, in the
 * browser's top layer: above the page's own modal dialogs, popovers and
 * full-screen element (the top layer stacks in the order things entered it),
 * and a modal prompt makes the page behind it inert.
 */
import { activeHtmlElement, pristine } from './pristine.js';

/** Puts what `root` shows into the top layer (after each render). */
export function promoteToTopLayer(root: ParentNode): void {
  const modal = root.querySelector('dialog.modal');
  const indicator = root.querySelector('.indicator[popover]');
  try {
    if (modal instanceof HTMLDialogElement && !modal.open) pristine.showModal.call(modal);
    if (indicator instanceof HTMLElement && !indicator.matches(':popover-open')) pristine.showPopover?.call(indicator);
  } catch {
    // Not connected, or a browser without popovers: the UI still renders in place, fixed in its corner.
  }
}

/** The prompt leaves the top layer now, not at the next render: while it is modal the page is inert and cannot take focus. */
export function closeModal(root: ParentNode): void {
  const modal = root.querySelector('dialog.modal');
  if (modal instanceof HTMLDialogElement && modal.open) modal.close();
}

/** Where focus was when a prompt opened, given back when it closes. */
export class PromptFocus {
  #returnTo: HTMLElement | null = null;

  /** A prompt opens: remember what had focus. */
  save(): void {
    this.#returnTo = activeHtmlElement(document);
  }

  /** The prompt in `root` closes (leaving the top layer now) and focus goes back. */
  restore(root: ParentNode): void {
    closeModal(root);
    const target = this.#returnTo;
    this.#returnTo = null;
    if (!target?.isConnected) return;
    // Closing the modal dialog has already given focus back to the element, but Chromium leaves it
    // without a caret: keys typed next were not inserted (test/e2e/demo-handover.test.ts). Focused anew, it has one.
    if (document.activeElement === target) target.blur();
    target.focus();
  }
}

/**
 * After Allow the prompt stays, and the element does not render, until the
 * session's offer has left (or a short while passed): closing the modal
 * prompt restyles the whole page, inert behind it until then (20-150 ms on a
 * 10k-node page, bench/allow.mjs), which then overlaps the agent's answer
 * instead of delaying the offer.
 */
export class RenderHold {
  /** How long Allow waits for the offer before the prompt closes anyway (a test under load may wait longer). */
  static offerWaitMs = 100;
  #held: Promise<unknown> | null = null;
  #release = (): void => undefined;

  /** Holds renders until release() or `ms`; `closing` runs first when released. */
  hold(ms: number, closing: () => void): void {
    this.release();
    this.#held = new pristine.Promise((resolve) => {
      // This hold's own timer: one left from an earlier hold must not end this one early.
      const timer = setTimeout(this.release, ms);
      this.#release = () => {
        clearTimeout(timer);
        this.#release = () => undefined;
        this.#held = null;
        closing();
        resolve(0);
      };
    });
  }

  readonly release = (): void => this.#release();

  /** For the element's scheduleUpdate: the render, once released. */
  schedule(render: () => void | Promise<unknown>): void | Promise<unknown> {
    return this.#held ? this.#held.then(render) : render();
  }
}
