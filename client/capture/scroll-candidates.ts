/**
 * Which elements may have a scroll offset worth reading. Each read of
 * scrollLeft or scrollTop makes Chromium check style and layout for the
 * element (measured: 112-130 ms for both reads over the 56k elements of the
 * 100k-node bench page, ten times what reading all their attributes cost),
 * yet only a scroll container can be scrolled: an element whose overflow is
 * not visible, through a style rule, its own style attribute or an SVG
 * overflow attribute, or one the browser makes a scroller itself (text fields,
 * selects, dialogs, popovers, marquee, svg; html and body for the viewport).
 *
 * So a document's style sheets are read once per capture run for the rules
 * that mention overflow, and only elements matching one of their selectors or
 * the built-in list are asked. Where that cannot be known, every element of
 * the document is asked, as before: a sheet whose rules cannot be read
 * (cross-origin without CORS), overflow set inside nested or scoped rules,
 * more rules than one `matches` call stays cheap for, or a selector that
 * `matches` does not take. Elements in shadow trees and custom elements (their
 * own sheets, `:host`, `::slotted`) are always asked, by the serializer, and so
 * are shadow hosts and their children.
 * Rules added after the run started are not seen: elements they make
 * scrollable are read from the next snapshot on (a scroll event still sends
 * their offset as it changes).
 */
import { matchesOf } from './dom-read.js';

/**
 * Browser-made scrollers, checked by tag name (with attributeMayScroll for [popover], an SVG
 * [overflow] and a style attribute that may set overflow): one `matches` call per element cost
 * more than the reads it saved.
 */
const BUILT_IN_TAGS: ReadonlySet<string> = new Set([
  'textarea',
  'input',
  'select',
  'dialog',
  'marquee',
  'svg',
  'html',
  'body',
]);
/** A style attribute that can set overflow (it mentions overflow, or `all`). */
const STYLE_MENTIONS_OVERFLOW = /overflow|all/i;
/** Past this many overflow rules, one `matches` per element could cost what the reads cost. */
const MAX_RULE_SELECTORS = 64;
const STYLE_RULE = 1;
const IMPORT_RULE = 3;
const KEYFRAMES_RULE = 7;
/** Declarations that can make an element a scroll container (`all: inherit` takes the parent's overflow). */
const MENTIONS_OVERFLOW = /overflow|(?:^|[\s;{])all\s*:/i;

interface RuleLike {
  type: number;
  cssText: string;
  selectorText?: string;
  cssRules?: CSSRuleList;
  styleSheet?: CSSStyleSheet | null;
  style?: CSSStyleDeclaration;
}

/**
 * Whether one attribute makes its element a possible scroller on its own: the serializer asks
 * this of the attributes it reads anyway.
 */
export function attributeMayScroll(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (lower === 'popover' || lower === 'overflow') return true;
  return lower === 'style' && STYLE_MENTIONS_OVERFLOW.test(value);
}

export class ScrollCandidates {
  /** Per document: the selector of its sheets' possible scrollers ('' for none), or null when every element must be asked. */
  readonly #byDocument = new WeakMap<Document, string | null>();

  /**
   * Whether `el`, an element of `doc`'s own tree (not a shadow tree), may be scrolled. `tag` is
   * its local name; `byAttribute`, whether one of its attributes made it one (attributeMayScroll).
   */
  may(el: Element, doc: Document, tag: string, byAttribute: boolean): boolean {
    const selector = this.prepare(doc);
    if (selector === null || byAttribute || BUILT_IN_TAGS.has(tag.toLowerCase())) return true;
    if (selector === '') return false;
    try {
      return matchesOf(el, selector);
    } catch {
      return true;
    }
  }

  /** Reads `doc`'s sheets for overflow rules unless done (a snapshot does it before its first slice). */
  prepare(doc: Document): string | null {
    let selector = this.#byDocument.get(doc);
    if (selector === undefined) {
      selector = sheetScrollerSelector(doc);
      this.#byDocument.set(doc, selector);
    }
    return selector;
  }
}

/** The selectors of `doc`'s style rules that set overflow ('' for none), or null when that cannot be known. */
export function sheetScrollerSelector(doc: Document): string | null {
  const selectors: string[] = [];
  try {
    const sheets: CSSStyleSheet[] = [...Array.from(doc.styleSheets), ...Array.from(doc.adoptedStyleSheets ?? [])];
    for (const sheet of sheets) if (!collect(sheet.cssRules, selectors, 0)) return null;
  } catch {
    return null;
  }
  if (selectors.length > MAX_RULE_SELECTORS) return null;
  if (selectors.length === 0) return '';
  const selector = selectors.join(',');
  try {
    // One invalid selector (a prefixed pseudo-class only style sheets accept) makes the whole list throw.
    matchesOf(doc.createElement('div'), selector);
  } catch {
    return null;
  }
  return selector;
}

/** Adds the selectors of rules that mention overflow; false when the answer cannot be known. */
function collect(rules: CSSRuleList, selectors: string[], depth: number): boolean {
  if (depth > 16) return false;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as RuleLike | undefined;
    if (rule === undefined) continue;
    if (rule.type === IMPORT_RULE) {
      const imported = rule.styleSheet;
      if (imported && !collect(imported.cssRules, selectors, depth + 1)) return false;
      continue;
    }
    // Keyframes can animate overflow on elements whose own rules never mention it.
    if (rule.type === KEYFRAMES_RULE) {
      if (MENTIONS_OVERFLOW.test(rule.cssText)) return false;
      continue;
    }
    const nested = rule.cssRules;
    if (rule.type === STYLE_RULE) {
      const mentions = rule.style !== undefined && MENTIONS_OVERFLOW.test(rule.style.cssText);
      // Nested style rules have relative selectors that `matches` cannot take alone.
      if (nested !== undefined && nested.length > 0) {
        if (mentions || MENTIONS_OVERFLOW.test(rule.cssText)) return false;
        continue;
      }
      if (mentions && rule.selectorText !== undefined) selectors.push(rule.selectorText);
      continue;
    }
    if (nested !== undefined) {
      // @media, @supports, @layer, @container: their style rules apply as written. @scope changes what
      // a selector means, so any overflow inside it is unknowable here.
      if (rule.cssText.startsWith('@scope')) {
        if (MENTIONS_OVERFLOW.test(rule.cssText)) return false;
        continue;
      }
      if (!collect(nested, selectors, depth + 1)) return false;
      continue;
    }
    // Any other rule (@font-face, @page, @property...) makes nothing a scroll container.
  }
  return true;
}
