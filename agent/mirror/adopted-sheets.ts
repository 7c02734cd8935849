/**
 * Constructed stylesheets in the mirror: the customer's adopted sheets of a
 * document or shadow root (made in the mirror document's own realm, the
 * only place a sheet may be adopted), followed by the mirror's own sheet
 * (masked and blocked markers, focus, canvas boxes), one per document.
 */
import { MIRROR_CSS } from './masked-style.js';

/** The mirror's own sheet of each mirrored document. */
export class MirrorSheets {
  readonly #sheets = new WeakMap<Document, CSSStyleSheet>();

  for(doc: Document, view: Window & typeof globalThis): CSSStyleSheet {
    let sheet = this.#sheets.get(doc);
    if (!sheet) {
      sheet = new view.CSSStyleSheet();
      sheet.replaceSync(MIRROR_CSS);
      this.#sheets.set(doc, sheet);
    }
    return sheet;
  }
}

/** Adopts the customer's sheets (CSS texts, each passed through `toMirrorCss`) and then the mirror's own. */
export function setAdoptedSheets(
  root: Document | ShadowRoot,
  cssTexts: readonly string[],
  own: MirrorSheets,
  toMirrorCss: (css: string) => string,
): void {
  const doc = root.nodeType === 9 ? (root as Document) : root.ownerDocument;
  const view = doc?.defaultView;
  if (!doc || !view) return;
  const sheets: CSSStyleSheet[] = [];
  for (const text of cssTexts) {
    const sheet = new view.CSSStyleSheet();
    sheet.replaceSync(toMirrorCss(text));
    sheets.push(sheet);
  }
  root.adoptedStyleSheets = [...sheets, own.for(doc, view as Window & typeof globalThis)];
}
