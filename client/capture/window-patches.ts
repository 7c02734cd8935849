/**
 * The prototype methods the engine patches in each captured window (the top
 * window, then each same-origin iframe's): stylesheet edits, form value
 * setters, the top layer, attachShadow, and text drawn into 2D canvases. Each hook only notes what
 * changed; PrototypePatches guards it and restores the originals on stop.
 */
import { patchFormSetters } from './form-setters.js';
import type { PrototypePatches } from './patches.js';
import { isShadowRoot } from './dom-nodes.js';
import { patchStylesheets } from './stylesheets.js';
import { patchTopLayer } from './top-layer.js';
import { pristine } from '../pristine.js';

export interface WindowHooks {
  sheetChanged: (sheet: CSSStyleSheet) => void;
  adoptedChanged: () => void;
  /** A form control's value, checked state or selection was set by script. */
  formSet: (el: Element) => void;
  /** An element entered or left the top layer (dialog, popover, fullscreen). */
  topLayer: (el: Element) => void;
  /** An open shadow root was attached to `host`. */
  shadowAttached: (host: Node, root: ShadowRoot) => void;
  /** Text was drawn into a 2D canvas (canvas-text.ts). */
  canvasText: (canvas: HTMLCanvasElement, text: string) => void;
}

export function patchCapturedWindow(
  win: Window & typeof globalThis,
  patches: PrototypePatches,
  hooks: WindowHooks,
): void {
  patchStylesheets(win, patches, { sheetChanged: hooks.sheetChanged, adoptedChanged: hooks.adoptedChanged });
  patchFormSetters(win, patches, hooks.formSet);
  patchTopLayer(win, patches, hooks.topLayer);
  const context2d = win.CanvasRenderingContext2D?.prototype;
  if (context2d !== undefined)
    for (const name of ['fillText', 'strokeText'])
      patches.patchMethod(context2d, name, (ctx, args) =>
        hooks.canvasText((ctx as CanvasRenderingContext2D).canvas, String(args[0])),
      );
  const elementProto = win.Element?.prototype;
  if (elementProto === undefined) return;
  patches.patchMethod(elementProto, 'attachShadow', (host, _args, root) => {
    if (typeof root !== 'object' || root === null || !isShadowRoot(root as Node)) return;
    // A closed root attached while capturing (in any frame) is kept like the loader keeps them.
    if ((root as ShadowRoot).mode === 'closed') pristine.closedShadowRoots.set(host as Element, root as ShadowRoot);
    hooks.shadowAttached(host as Node, root as ShadowRoot);
  });
}
