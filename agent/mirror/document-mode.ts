/**
 * Mirror documents in the customer's rendering mode. A document's mode is
 * fixed when it is parsed: the mirror writes a doctype to get standards mode
 * and none for quirks mode (build-node.ts prepareDocument). The capture says
 * the mode (`quirks`) only where the doctype would mislead
 * (client/capture/document-mode.ts): a srcdoc document without doctype is in
 * standards mode (the doctype written to get it is removed again, the mode
 * stays), a legacy doctype's page in quirks mode (its doctype node is added
 * afterwards, which keeps the mode).
 */

/** Whether to write the mirror document with a doctype (standards mode). */
export function parseWithDoctype(quirks: boolean | undefined, hasDoctype: boolean): boolean {
  return quirks === undefined ? hasDoctype : !quirks;
}

/** Documents whose mode the customer stated: a doctype arriving later does not switch them. */
export class StatedModes {
  readonly #stated = new WeakSet<Document>();

  /** Notes `doc`'s stated mode once it was prepared; drops the doctype written only to reach standards mode. */
  prepared(doc: Document, quirks: boolean | undefined, hasDoctype: boolean): void {
    if (quirks === undefined) {
      this.#stated.delete(doc);
      return;
    }
    this.#stated.add(doc);
    if (!quirks && !hasDoctype) doc.doctype?.remove();
  }

  has(doc: Document): boolean {
    return this.#stated.has(doc);
  }
}
