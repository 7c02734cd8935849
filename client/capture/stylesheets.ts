/**
 * Stylesheet capture: CSSOM rule lists of <style>/<link> sheets and of
 * constructed sheets adopted by documents and shadow roots, with URLs made
 * absolute, and the prototype patches that report CSSOM changes.
 */
import type { PrototypePatches } from './patches.js';
import { maskCss } from '../../shared/mask-css.js';
import { absoluteCssUrls } from './urls.js';
import { localNameOf, nodeTypeOf } from './dom-read.js';
import { CorsSheets, fetchedSheetRules, type CorsSheetHooks } from './cors-sheets.js';

const MAX_RULE_CHARS = 1_000_000;

/**
 * The rules of a sheet as CSS text, URLs absolute; none while the sheet is
 * disabled (script, or an alternate stylesheet); null when the sheet cannot
 * be read (cross-origin).
 */
export function readRules(sheet: CSSStyleSheet, fallbackBase: string): string[] | null {
  let rules: CSSRuleList;
  if (sheet.disabled) return [];
  try {
    rules = sheet.cssRules;
  } catch {
    // Cross-origin without CORS: the rules fetched again in CORS mode, if that worked (cors-sheets.ts).
    return fetchedSheetRules.get(sheet) ?? null;
  }
  const base = sheet.href ?? fallbackBase;
  const texts: string[] = [];
  for (let i = 0; i < rules.length; i++) {
    const text = rules[i]?.cssText;
    if (text === undefined || text.length > MAX_RULE_CHARS) continue;
    // Strings, selectors' attribute values and comments can hold what the page shows: masked like any text.
    texts.push(maskCss(absoluteCssUrls(text, base)).text);
  }
  return texts;
}

/** Parses CSS text into rule texts without touching the page (no patched method, no document sheet). */
function parseRuleTexts(
  css: string,
  win: Window & typeof globalThis,
  replaceSync: (this: CSSStyleSheet, text: string) => void,
): string[] | null {
  try {
    const sheet = new win.CSSStyleSheet();
    replaceSync.call(sheet, css);
    const texts: string[] = [];
    for (let i = 0; i < sheet.cssRules.length; i++) texts.push(sheet.cssRules[i]?.cssText ?? '');
    return texts;
  } catch {
    return null;
  }
}

/** Reads stylesheets of one capture run; keeps the unpatched replaceSync to parse style text for comparison. */
export class SheetReader {
  readonly #replaceSync: ((this: CSSStyleSheet, text: string) => void) | undefined;

  readonly #cors: CorsSheets | null;

  /** `cors`: fetch the rules of other sites' sheets the page cannot read (cors-sheets.ts). */
  constructor(win: Window & typeof globalThis, cors?: CorsSheetHooks) {
    const replaceSync: unknown = win.CSSStyleSheet?.prototype?.replaceSync;
    this.#replaceSync =
      typeof replaceSync === 'function' ? (replaceSync as (this: CSSStyleSheet, text: string) => void) : undefined;
    this.#cors =
      cors === undefined
        ? null
        : new CorsSheets(cors, (css, view) =>
            this.#replaceSync === undefined ? null : parseRuleTexts(css, view, this.#replaceSync),
          );
  }

  /** `css` for a <style>: its CSSOM rules when they differ from what its text parses to (insertRule, deleteRule...). */
  styleCss(style: HTMLStyleElement): string[] | undefined {
    const sheet = style.sheet;
    if (sheet === null) return undefined;
    if (sheet.disabled) return [];
    const base = style.ownerDocument.baseURI;
    const rules = readRules(sheet, base);
    if (rules === null) return undefined;
    const text = style.textContent ?? '';
    if (text.trim() === '') return rules.length > 0 ? rules : undefined;
    const win = style.ownerDocument.defaultView;
    if (win === null || this.#replaceSync === undefined) return rules;
    // Compare raw (not absolutized) rule texts: both sides went through the same serializer.
    const parsed = parseRuleTexts(text, win as Window & typeof globalThis, this.#replaceSync);
    if (parsed === null || parsed.length !== sheet.cssRules.length) return rules;
    for (let i = 0; i < parsed.length; i++) if (parsed[i] !== sheet.cssRules[i]?.cssText) return rules;
    return undefined;
  }

  /** `css` for a <link rel=stylesheet>: its rules when the sheet is same-origin (readable). */
  linkCss(link: HTMLLinkElement): string[] | undefined {
    const sheet = link.sheet;
    if (sheet === null) return undefined;
    // An alternate stylesheet with a title is off until chosen, yet reports disabled = false (Chromium);
    // the mirror's stand-in has no rel to tell, so it gets no rules.
    if (/(^|\s)alternate(\s|$)/i.test(link.rel) && link.title !== '') return [];
    const rules = readRules(sheet, link.ownerDocument.baseURI);
    if (rules === null) this.#cors?.request(link, sheet);
    return rules ?? undefined;
  }

  /** `css` for any sheet owner element (style or link), undefined for other elements. */
  ownerCss(el: Element): string[] | undefined {
    const tag = localNameOf(el);
    if (tag === 'style') return this.styleCss(el as HTMLStyleElement);
    if (tag === 'link' && (el as HTMLLinkElement).sheet) return this.linkCss(el as HTMLLinkElement);
    return undefined;
  }
}

/** Constructed sheets adopted by a document or shadow root, one CSS text per sheet; undefined when none. */
export function adoptedCss(root: Document | ShadowRoot): string[] | undefined {
  let sheets: readonly CSSStyleSheet[];
  try {
    sheets = root.adoptedStyleSheets ?? [];
  } catch {
    return undefined;
  }
  if (sheets.length === 0) return undefined;
  const base = (nodeTypeOf(root) === 9 ? (root as Document) : root.ownerDocument)?.baseURI ?? 'about:blank';
  return sheets.map((sheet) => (readRules(sheet, base) ?? []).join('\n'));
}

export interface SheetChangeSink {
  /** A sheet's rules changed through CSSOM. */
  sheetChanged(sheet: CSSStyleSheet): void;
  /** Some root's adoptedStyleSheets was assigned. */
  adoptedChanged(): void;
}

/** Patches one window's CSSOM so rule changes reach `sink`. */
export function patchStylesheets(
  win: Window & typeof globalThis,
  patches: PrototypePatches,
  sink: SheetChangeSink,
): void {
  const sheetProto = win.CSSStyleSheet?.prototype;
  if (sheetProto !== undefined) {
    for (const name of ['insertRule', 'deleteRule', 'addRule', 'removeRule', 'replaceSync']) {
      patches.patchMethod(sheetProto, name, (self) => sink.sheetChanged(self as CSSStyleSheet));
    }
    patches.patchMethod(sheetProto, 'replace', (self, _args, result) => {
      const sheet = self as CSSStyleSheet;
      if (result instanceof win.Promise || (typeof result === 'object' && result !== null && 'then' in result)) {
        void (result as Promise<unknown>).then(
          () => sink.sheetChanged(sheet),
          () => undefined,
        );
      }
    });
  }
  // Declaration-level edits of a rule (rule.style.setProperty...). Inline styles (no parent rule) show up as
  // `style` attribute mutations instead. Named property setters (rule.style.color = ...) are not patched:
  // hundreds of accessors on a path animation code runs every frame.
  const declarationProto = win.CSSStyleDeclaration?.prototype;
  if (declarationProto !== undefined) {
    const onDeclaration = (self: unknown): void => {
      const sheet = (self as CSSStyleDeclaration).parentRule?.parentStyleSheet ?? null;
      if (sheet !== null) sink.sheetChanged(sheet);
    };
    for (const name of ['setProperty', 'removeProperty']) patches.patchMethod(declarationProto, name, onDeclaration);
    patches.patchSetter(declarationProto, 'cssText', onDeclaration);
  }
  const onRule = (self: unknown): void => {
    const sheet = (self as CSSRule).parentStyleSheet;
    if (sheet !== null) sink.sheetChanged(sheet);
  };
  for (const [proto, name] of [
    [win.CSSStyleRule?.prototype, 'selectorText'],
    [win.CSSRule?.prototype, 'cssText'],
  ] as const) {
    if (proto !== undefined) patches.patchSetter(proto, name, onRule);
  }
  const keyframesProto = win.CSSKeyframesRule?.prototype;
  if (keyframesProto !== undefined)
    for (const name of ['appendRule', 'deleteRule']) patches.patchMethod(keyframesProto, name, onRule);
  const styleSheetProto = win.StyleSheet?.prototype;
  if (styleSheetProto !== undefined) {
    patches.patchSetter(styleSheetProto, 'disabled', (self) => {
      if (self instanceof win.CSSStyleSheet) sink.sheetChanged(self);
    });
  }
  const groupingProto = win.CSSGroupingRule?.prototype;
  if (groupingProto !== undefined) {
    for (const name of ['insertRule', 'deleteRule']) {
      patches.patchMethod(groupingProto, name, (self) => {
        const sheet = (self as CSSRule).parentStyleSheet;
        if (sheet !== null) sink.sheetChanged(sheet);
      });
    }
  }
  for (const proto of [win.Document?.prototype, win.ShadowRoot?.prototype]) {
    if (proto !== undefined) patches.patchSetter(proto, 'adoptedStyleSheets', () => sink.adoptedChanged());
  }
}
