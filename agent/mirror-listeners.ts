/**
 * The console's listeners on the mirror: on its document and on the document
 * of every same-origin iframe mirrored inside it (events in a frame do not
 * reach the parent document), re-attached when a snapshot replaces a
 * document. Handlers run in the console; the mirror itself runs no script.
 */
export type MirrorHandlers = readonly (readonly [string, (event: Event) => void])[];

/** Handlers that may cancel the default action (the rest are passive). */
const ACTIVE_TYPES = new Set(['wheel', 'click', 'keydown', 'beforeinput']);
/** Frames nested deeper than this are not listened to. */
const MAX_DEPTH = 8;

export class MirrorListeners {
  readonly #iframe: HTMLIFrameElement;
  readonly #handlers: MirrorHandlers;
  readonly #docs = new Set<Document>();
  readonly #onLoad = () => this.sync(true);

  constructor(iframe: HTMLIFrameElement, handlers: MirrorHandlers) {
    this.#iframe = iframe;
    this.#handlers = handlers;
    // The mirror reports each document it (re)builds (prepared()); sync() runs after frames that add frames.
    iframe.addEventListener('load', this.#onLoad);
    this.sync(true);
  }

  /** The mirror's top document (where pointer leaving the page counts). */
  get topDocument(): Document | null {
    return this.#iframe.contentDocument;
  }

  /**
   * Listens on every mirrored document now present, and stops listening on
   * those gone. `rebuilt`: a snapshot rebuilt the documents with
   * document.open(), which drops every listener, so all are added again.
   */
  sync(rebuilt = false): void {
    if (rebuilt) for (const doc of [...this.#docs]) this.#detach(doc);
    const current = new Set<Document>();
    const collect = (doc: Document | null, depth: number): void => {
      if (!doc || depth > MAX_DEPTH || current.has(doc)) return;
      current.add(doc);
      for (const frame of doc.querySelectorAll('iframe')) collect(frame.contentDocument, depth + 1);
    };
    collect(this.#iframe.contentDocument, 0);
    for (const doc of [...this.#docs]) if (!current.has(doc)) this.#detach(doc);
    for (const doc of current) if (!this.#docs.has(doc)) this.#attach(doc);
  }

  /** The mirror just (re)built this document with document.open(), which dropped every listener on it. */
  prepared(doc: Document): void {
    if (this.#docs.has(doc)) this.#detach(doc);
    this.#attach(doc);
  }

  destroy(): void {
    this.#iframe.removeEventListener('load', this.#onLoad);
    for (const doc of [...this.#docs]) this.#detach(doc);
  }

  #attach(doc: Document): void {
    this.#docs.add(doc);
    for (const [type, handler] of this.#handlers)
      doc.addEventListener(type, handler, { capture: true, passive: !ACTIVE_TYPES.has(type) });
  }

  #detach(doc: Document): void {
    this.#docs.delete(doc);
    for (const [type, handler] of this.#handlers) doc.removeEventListener(type, handler, { capture: true });
  }
}
