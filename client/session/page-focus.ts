/** Where focus is on the customer's page, across same-origin frames and open shadow roots. */
import { pristine } from '../pristine.js';

/**
 * `target.addEventListener(type, listener, true)` as EventTarget's own method: a page's `<img name="addEventListener">`
 * shadows it on `document` (and, by name, on `window`).
 */
export function listenOn(target: EventTarget, type: string, listener: (event: Event) => void): void {
  pristine.addEventListener.call(target, type, listener, true);
}

/** `target.removeEventListener(type, listener, true)`, as listenOn adds it. */
export function stopListening(target: EventTarget, type: string, listener: (event: Event) => void): void {
  pristine.removeEventListener.call(target, type, listener, true);
}

/** The outermost document of the page reachable from `doc` (same-origin frames up), where focus is decided. */
export function topDocument(doc: Document): Document {
  let current = doc;
  for (let depth = 0; depth < 32; depth++) {
    let frame: Element | null = null;
    try {
      frame = current.defaultView?.frameElement ?? null;
    } catch {
      frame = null; // a parent of another origin
    }
    if (frame === null) break;
    current = frame.ownerDocument;
  }
  return current;
}

/** The focused element, through open shadow roots and same-origin iframes (null: none, or the body). */
export function deepActiveElement(doc: Document): Element | null {
  let focused = doc.activeElement;
  for (let depth = 0; focused !== null && depth < 32; depth++) {
    const inner: Element | null | undefined =
      focused.shadowRoot?.activeElement ??
      (focused.localName === 'iframe' ? frameActiveElement(focused as HTMLIFrameElement) : null);
    if (inner === null || inner === undefined) break;
    focused = inner;
  }
  return focused === doc.body ? null : focused;
}

function frameActiveElement(frame: HTMLIFrameElement): Element | null {
  try {
    return frame.contentDocument?.activeElement ?? null;
  } catch {
    return null; // another origin
  }
}

/** `view` and the windows of its same-origin frames, at any depth. */
export function sameOriginWindows(view: Window, depth = 0): Window[] {
  const views = [view];
  if (depth > 8) return views;
  for (let i = 0; i < view.frames.length; i++) {
    try {
      const frame = view.frames[i];
      if (frame?.document) views.push(...sameOriginWindows(frame, depth + 1));
    } catch {
      // another origin: its focus moves are its own, and it cannot take focus from the page
    }
  }
  return views;
}

/**
 * Listens for `type` (capture phase) in `top` and in its same-origin frames at any depth, those added later too (an
 * iframe's load reaches its parent document): events there do not reach the top window. Returns the stop.
 */
export function listenInFrames(top: Window, type: string, listener: (event: Event) => void): () => void {
  const views = new Set<Window>();
  const onLoad = (event: Event): void => {
    if ((event.target as Element | null)?.localName === 'iframe') watch();
  };
  const watch = (): void => {
    for (const view of sameOriginWindows(top)) {
      if (views.has(view)) continue;
      views.add(view);
      listenOn(view, type, listener);
      listenOn(view.document, 'load', onLoad);
    }
  };
  watch();
  return () => {
    for (const view of views) {
      stopListening(view, type, listener);
      stopListening(view.document, 'load', onLoad);
    }
    views.clear();
  };
}
