/**
 * The customer's top layer as state: modal dialogs (showModal), open
 * popovers and the full-screen element, bottom to top. Attributes alone do
 * not say it (a modal dialog and a non-modal one both have `open`; a
 * popover's openness has no attribute), so the mirror would lay a modal out
 * in the flow below the fold and keep popovers hidden.
 *
 * Candidates come from the prototype methods that open and close them, the
 * `toggle`/`close`/`cancel`/`fullscreenchange` events (declarative
 * popovertarget/commandfor buttons and light dismiss call no method) and a
 * scan of each snapshot. The state is read with `:modal`, `:popover-open`
 * and `:fullscreen` at the next flush, and a frame goes out only when it
 * differs from the last one.
 */
import type { PrototypePatches } from './patches.js';
import { hasAttr, localNameOf, matchesOf, nodeTypeOf } from './dom-read.js';

export type TopLayerKind = 'modal' | 'popover' | 'fullscreen';
export interface TopLayerEntry {
  id: number;
  kind: TopLayerKind;
}

const MAX_ENTRIES = 64;

function kindOf(el: Element): TopLayerKind | null {
  try {
    if (localNameOf(el) === 'dialog' && matchesOf(el, ':modal')) return 'modal';
    if (hasAttr(el, 'popover') && matchesOf(el, ':popover-open')) return 'popover';
    if (matchesOf(el, ':fullscreen')) return 'fullscreen';
  } catch {
    // A browser without one of these pseudo-classes: that kind never shows.
  }
  return null;
}

export class TopLayerWatch {
  /** Elements that may be in the top layer, with the order in which they were last seen entering it. */
  readonly #candidates = new Map<Element, number>();
  #order = 0;
  #dirty = false;
  #lastKey = '';
  /** This document's entries as last read (the frames' entries are added to them). */
  #own: TopLayerEntry[] = [];

  get pending(): boolean {
    return this.#dirty;
  }

  /** An element may have entered or left the top layer. */
  note(el: Element): void {
    if (!this.#candidates.has(el)) this.#candidates.set(el, -1);
    this.#dirty = true;
  }

  /** A fresh snapshot: the mirror starts with an empty top layer. Scans `roots` for what is open now. */
  reset(roots: Iterable<Document | ShadowRoot>): void {
    this.#candidates.clear();
    this.#lastKey = '';
    this.#own = [];
    for (const root of roots) {
      for (const el of Array.from(root.querySelectorAll('dialog[open], [popover]'))) this.note(el);
      if (nodeTypeOf(root) === 9) {
        const full = (root as Document).fullscreenElement;
        if (full !== null) this.note(full);
      }
    }
    this.#dirty = true;
  }

  /**
   * The current top layer as entries, when it changed since the last call; null otherwise.
   * `frames`: the top layers of joined cross-origin frames, in page ids (frame-bridge.ts), above this document's.
   */
  take(idOf: (node: Node) => number | undefined, frames: readonly TopLayerEntry[] = []): TopLayerEntry[] | null {
    if (this.#dirty) this.#own = this.#read(idOf);
    this.#dirty = false;
    const layer = [...this.#own, ...frames].slice(-MAX_ENTRIES);
    const key = layer.map((entry) => `${entry.id}${entry.kind}`).join(',');
    if (key === this.#lastKey) return null;
    this.#lastKey = key;
    return layer;
  }

  #read(idOf: (node: Node) => number | undefined): TopLayerEntry[] {
    const open: Array<{ order: number; entry: TopLayerEntry }> = [];
    for (const [el, order] of this.#candidates) {
      const kind = el.isConnected ? kindOf(el) : null;
      if (kind === null) {
        if (!el.isConnected || !hasAttr(el, 'popover')) this.#candidates.delete(el);
        else this.#candidates.set(el, -1);
        continue;
      }
      const seen = order >= 0 ? order : ++this.#order;
      this.#candidates.set(el, seen);
      const id = idOf(el);
      if (id !== undefined) open.push({ order: seen, entry: { id, kind: kind } });
    }
    return open
      .sort((a, b) => a.order - b.order)
      .slice(-MAX_ENTRIES)
      .map(({ entry }) => entry);
  }
}

/** Patches one window's top-layer methods so opening and closing by script is noticed. */
export function patchTopLayer(
  win: Window & typeof globalThis,
  patches: PrototypePatches,
  onChange: (el: Element) => void,
): void {
  const methods: Array<[object | undefined, string[]]> = [
    [win.HTMLDialogElement?.prototype, ['showModal', 'show', 'close', 'requestClose']],
    [win.HTMLElement?.prototype, ['showPopover', 'hidePopover', 'togglePopover']],
  ];
  for (const [proto, names] of methods) {
    if (proto === undefined) continue;
    for (const name of names) patches.patchMethod(proto, name, (self) => onChange(self as Element));
  }
}
