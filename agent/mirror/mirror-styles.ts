/**
 * Stylesheets in the mirror: every CSS text the customer sends (a <style>'s
 * text, a sheet's rules, adopted sheets) is sanitized and has its URLs
 * resolved against the customer's page before the mirror document sees it.
 */
import { applySheetRules, mirrorCss, replaceLinkWithRules, type BuildContext } from './build-node.js';
import { MirrorSheets, setAdoptedSheets } from './adopted-sheets.js';
import { isDocument, isElement, isShadowRoot } from './dom-nodes.js';

export class MirrorStyles {
  readonly #ctx: BuildContext;
  #own = new MirrorSheets();

  constructor(ctx: BuildContext) {
    this.#ctx = ctx;
  }

  /** A new snapshot: the mirror's own sheets are made again for the new documents. */
  reset(): void {
    this.#own = new MirrorSheets();
  }

  /** The mirror's own sheet of `doc` (canvas images add their rules to it). */
  ownSheet(doc: Document): CSSStyleSheet | null {
    const view = doc.defaultView;
    return view === null ? null : this.#own.for(doc, view as Window & typeof globalThis);
  }

  /** Adopts the customer's sheets on a document or shadow root, then the mirror's own. */
  setAdopted(root: Document | ShadowRoot, cssTexts: readonly string[]): void {
    setAdoptedSheets(root, cssTexts, this.#own, (text) => mirrorCss(text, this.#ctx));
  }

  /** A text node's data as the mirror shows it: CSS inside a <style> is made safe first. */
  textFor(parent: Node | null, text: string): string {
    return isElement(parent) && parent.localName === 'style' ? mirrorCss(text, this.#ctx) : text;
  }

  /** A <style>'s rules as the customer's sheet has them (set by script, so not in its text). */
  applyRules(style: Element, rules: readonly string[]): void {
    applySheetRules(style, rules, this.#ctx);
  }

  /**
   * A sheet's rules changed: a document or shadow root adopts them, a <link>
   * is replaced by a <style> holding them (returned, to take the link's id),
   * a <style> gets them as its sheet.
   */
  applySheet(owner: Node, rules: readonly string[]): Element | null {
    if (isDocument(owner) || isShadowRoot(owner)) {
      this.setAdopted(owner, rules.length > 0 ? [rules.join('\n')] : []);
      return null;
    }
    if (!isElement(owner)) return null;
    if (owner.localName === 'link') return replaceLinkWithRules(owner, rules, this.#ctx);
    applySheetRules(owner, rules, this.#ctx);
    return null;
  }
}
