/**
 * Replays the customer's top layer in the mirror: modal dialogs through
 * showModal() (with their ::backdrop and the page inert behind them),
 * popovers through showPopover(), the full-screen element as a fixed box
 * covering the view (FULLSCREEN_ATTRIBUTE; `:fullscreen` rules are rewritten
 * to it). These are DOM calls from the console's realm; the mirror still
 * runs no page script. Opening a modal moves focus into its document, so the
 * console's own focus is put back. The mirror's own light dismiss (the
 * agent clicking the view) is undone by applying the state again.
 */
import { deepActiveElement } from './dom-nodes.js';

export const FULLSCREEN_ATTRIBUTE = 'data-cobrowse-mirror-fullscreen';

export type TopLayerKind = 'modal' | 'popover' | 'fullscreen';

function isOpenAs(el: Element, kind: TopLayerKind): boolean {
  try {
    if (kind === 'modal') return el.matches(':modal');
    if (kind === 'popover') return el.matches(':popover-open');
    return el.hasAttribute(FULLSCREEN_ATTRIBUTE);
  } catch {
    return false;
  }
}

function close(el: Element, kind: TopLayerKind): void {
  if (kind === 'modal') {
    const dialog = el as HTMLDialogElement;
    // The customer's `open` removal may have arrived first: close() ignores a dialog without it,
    // and the dialog would stay modal (and the page inert) in the mirror.
    if (!dialog.open) dialog.setAttribute('open', '');
    dialog.close();
  } else if (kind === 'popover') {
    (el as HTMLElement).hidePopover();
  } else {
    el.removeAttribute(FULLSCREEN_ATTRIBUTE);
  }
}

function open(el: Element, kind: TopLayerKind): void {
  if (kind === 'modal') {
    const dialog = el as HTMLDialogElement;
    // The mirrored `open` attribute makes it a non-modal open dialog, which showModal() refuses.
    if (dialog.open) dialog.close();
    dialog.showModal();
  } else if (kind === 'popover') {
    (el as HTMLElement).showPopover();
  } else {
    el.setAttribute(FULLSCREEN_ATTRIBUTE, '');
  }
}

/** The mirror undoes its own light dismiss at most this often (two auto popovers can close each other). */
const REAPPLY_INTERVAL_MS = 250;

export class TopLayerReplay {
  #shown: Array<{ el: Element; kind: TopLayerKind }> = [];
  #listening = new WeakSet<Document>();
  #last: (() => void) | null = null;
  #lastReapply = -Infinity;

  /** Shows `layer` (bottom to top) in place of what was shown; `resolve` maps ids to mirror nodes. */
  apply(
    layer: ReadonlyArray<{ id: number; kind: TopLayerKind }>,
    resolve: (id: number) => Node | undefined,
    consoleDocument: Document,
  ): void {
    const wanted: Array<{ el: Element; kind: TopLayerKind }> = [];
    for (const { id, kind: k } of layer) {
      const node = resolve(id);
      if (node !== undefined && node.nodeType === 1) wanted.push({ el: node as Element, kind: k });
    }
    const focused = deepActiveElement(consoleDocument);
    // Close what should not be open, top first; then open in order what is not open yet.
    for (const shown of [...this.#shown].reverse()) {
      if (!wanted.some((entry) => entry.el === shown.el && entry.kind === shown.kind) && isOpenAs(shown.el, shown.kind))
        this.#try(() => close(shown.el, shown.kind));
    }
    // A later entry must be above an earlier one: reopen from the first one whose order changed.
    let reopenFrom = wanted.findIndex((entry, i) => this.#shown[i]?.el !== entry.el || !isOpenAs(entry.el, entry.kind));
    if (reopenFrom < 0) reopenFrom = wanted.length;
    for (let i = wanted.length - 1; i >= reopenFrom; i--) {
      const entry = wanted[i];
      if (entry !== undefined && isOpenAs(entry.el, entry.kind)) this.#try(() => close(entry.el, entry.kind));
    }
    for (let i = reopenFrom; i < wanted.length; i++) {
      const entry = wanted[i];
      if (entry === undefined) continue;
      this.#listen(entry.el.ownerDocument);
      this.#try(() => open(entry.el, entry.kind));
    }
    this.#shown = wanted;
    this.#last = () => this.apply(layer, resolve, consoleDocument);
    if (focused !== null && deepActiveElement(consoleDocument) !== focused && focused instanceof HTMLElement)
      focused.focus({ preventScroll: true });
  }

  /** Forgets the state (a new snapshot built a new document). */
  reset(): void {
    this.#shown = [];
    this.#last = null;
  }

  /** Light dismiss or Escape inside the mirror closed something the customer still has open: show it again. */
  #listen(doc: Document): void {
    if (this.#listening.has(doc)) return;
    this.#listening.add(doc);
    let queued = false;
    const onToggle = (): void => {
      if (queued) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        if (!this.#shown.some(({ el, kind: k }) => el.ownerDocument === doc && !isOpenAs(el, k))) return;
        const now = performance.now();
        if (now - this.#lastReapply < REAPPLY_INTERVAL_MS) return;
        this.#lastReapply = now;
        this.#last?.();
      });
    };
    doc.addEventListener('toggle', onToggle, true);
    doc.addEventListener('close', onToggle, true);
  }

  #try(action: () => void): void {
    try {
      action();
    } catch {
      // An element that cannot be shown this way in the mirror (detached, not a popover): left as it is.
    }
  }
}
