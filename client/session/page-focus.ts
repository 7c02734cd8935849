/** Where focus is on the customer's page, across same-origin frames and open shadow roots. */

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
