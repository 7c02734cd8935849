/**
 * The prompts and the indicator live in the browser's top layer: above the
 * page's own modal dialogs, popovers and full-screen element (the top layer
 * stacks in the order things entered it). A prompt is modal without making
 * the page inert: a full-window scrim (a manual popover) holds the dialog,
 * takes the clicks meant for the page behind and dims it, the dialog keeps
 * focus (its Tab trap, customer-view.ts) and says aria-modal. A modal
 * dialog (showModal) made the page inert, and entering or leaving that state
 * restyles the whole page: 13 ms at 10k nodes and 115 ms at 100k when it
 * closes (measured in Chromium 150; 36-48 ms on the bench's 10k page under
 * load, on the path from Allow to the agent's first frame), as much when it
 * opens. Only where the page has its own modal dialog open, which makes
 * everything else inert (our element too, so the prompt could not take
 * focus or clicks), is the prompt shown with showModal().
 */
import { activeHtmlElement, pristine } from './pristine.js';

/** Puts what `root` shows into the top layer (after each render). */
export function promoteToTopLayer(root: ParentNode): void {
  const modal = root.querySelector<HTMLDialogElement>('dialog.modal');
  const indicator = root.querySelector<HTMLElement>('.indicator[popover]');
  try {
    if (modal && !modal.open) {
      pristine.showPopover?.call(modal.parentElement as HTMLElement);
      modal.show();
      // An inert element takes no focus: the page has a modal dialog of its own open, which only another
      // modal dialog can be shown (and answered) over.
      const heading = modal.querySelector('h2');
      heading?.focus();
      if ((root as ShadowRoot).activeElement !== heading) {
        modal.close();
        pristine.showModal.call(modal);
      }
    }
    if (indicator && !indicator.matches(':popover-open')) pristine.showPopover?.call(indicator);
  } catch {
    // Not connected, or a browser without popovers: the UI still renders in place, fixed in its corner.
  }
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
    // The prompt leaves the top layer now, not at the next render.
    root.querySelector<HTMLDialogElement>('dialog.modal')?.close();
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
 * session's offer has left (or a short while passed): the offer goes first.
 * Closing a modal prompt (shown that way only over a page's own modal
 * dialog) restyles the whole page, inert behind it until then (20-150 ms on
 * a 10k-node page, bench/allow.mjs), which then overlaps the agent's answer
 * instead of delaying the offer; the render of the indicator waits as well.
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
