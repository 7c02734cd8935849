/**
 * The text an element's `::marker` and `::before`, and its `::after`, show
 * beside its own (the README's masking limit: `<span class=a>4111 1111</span>`
 * with `.a::after{content:" 1111 1111"}` is one card on screen; review F3:
 * `<li>` with `li{list-style-type: "4111 1111 "}`). text-runs.ts reads it as a
 * part of a text's run, so the element's text is masked when the two together
 * hold a number; the generated string itself is masked in the CSS
 * (shared/css-string-text.ts: its edges are open).
 *
 * Read from the computed style, as Chromium resolves it (content-text.ts,
 * list-marker.ts).
 */

import { maskOpenEdges } from '../../shared/css-string-text.js';
import { FOLDED_DIGITS, READER_DIGIT } from '../../shared/number-tokens.js';
import { contentText, COUNTER_TEXT } from './content-text.js';
import { getAttr, localNameOf, nodeTypeOf, parentNodeOf, shadowRootOf } from './dom-read.js';
import {
  computedStyleOf,
  listItemNumber,
  markerText,
  maskListNumber,
  pseudoMarkerText,
  styleValue,
} from './list-marker.js';

/**
 * The text `el`'s `::marker` and `::before` (`side` -1) or its `::after` (+1) show, '' when none (the marker only
 * where the element may have one: markerMayShow).
 */
export function generatedText(el: Element, side: -1 | 1): string {
  const shows = mayShow(el);
  const marker =
    side < 0 && markerMayShow(el, shows)
      ? markerText(el, (shows & SHOWS_MARKERS) !== 0, (shows & SHOWS_DIGITS) !== 0)
      : '';
  if ((shows & (SHOWS_DIGITS | SHOWS_PSEUDO_ITEMS)) === 0) return marker;
  const style = computedStyleOf(el, side < 0 ? '::before' : '::after');
  const content = style === null ? '' : styleValue(style, 'content');
  if (style === null || content === '' || content === 'none' || content === 'normal') return marker;
  // A ::before/::after made a list item shows its own marker first (review s15b L2, M1).
  const own = (shows & SHOWS_PSEUDO_ITEMS) !== 0 ? pseudoMarkerText(style) : '';
  if ((shows & SHOWS_DIGITS) === 0) return marker + own;
  // `counter(list-item)` in a list item's own ::before/::after: its number (list-marker.ts).
  return marker + own + contentText(content, LIST_ITEM_NAME.test(content) ? listItemNumber(el) : COUNTER_TEXT);
}

/** The list item's counter named in a `content` value. */
const LIST_ITEM_NAME = /\blist-item\b/i;

/**
 * Whether `el` may show a marker with a digit: a list item (`<ol>` numbers them with no rule of the page's), or the
 * page's sheets give one a marker (`display: list-item`, `list-style-type`, `::marker`), or its style attribute may.
 */
function markerMayShow(el: Element, shows: number): boolean {
  return (shows & SHOWS_MARKERS) !== 0 || localNameOf(el) === 'li' || (getAttr(el, 'style') ?? '').includes('list');
}

/**
 * What a document's pseudo-element rules may show (a bit set): a digit (`::before`, `::after`), an attribute's
 * value, a marker (a rule giving elements markers or styling them), a `::before`/`::after` made a list item (its
 * own marker).
 */
const SHOWS_DIGITS = 1;
const SHOWS_ATTRIBUTES = 2;
const SHOWS_MARKERS = 4;
const SHOWS_PSEUDO_ITEMS = 8;
const SHOWS_ALL = SHOWS_DIGITS | SHOWS_ATTRIBUTES | SHOWS_MARKERS | SHOWS_PSEUDO_ITEMS;

/**
 * Per document, within the current task: what a rule of its sheets may give a pseudo-element to show (SHOWS_*).
 * Reading every element's computed ::before/::after cost the snapshot of the 10,000-node bench page about 30 ms (a
 * few thousand texts with a digit at an end); most pages have no such rule. Kept for one task only (what the page
 * changes between two of the capture's tasks is read again).
 */
let documentsRead: Map<Document, number> | null = null;

/** What `el`'s ::before or ::after may show (SHOWS_*; see documentsRead); all when unsure. */
function mayShow(el: Element): number {
  const doc = el.ownerDocument;
  // In a shadow tree, on a shadow host (`:host::after`) and slotted into one (`::slotted(div)`, review s15b M1), its
  // sheets count too: read the element.
  if (doc === null || el.getRootNode() !== doc || el.shadowRoot !== null || isSlottable(el)) return SHOWS_ALL;
  if (documentsRead === null) {
    documentsRead = new Map();
    queueMicrotask(() => (documentsRead = null));
  }
  let shows = documentsRead.get(doc);
  if (shows === undefined) {
    shows = sheetsShow([...Array.from(doc.styleSheets), ...doc.adoptedStyleSheets]);
    documentsRead.set(doc, shows);
  }
  return shows;
}

/** Whether `el` is a child of a shadow host (its shadow root's `::slotted()` rules may style it). */
function isSlottable(el: Element): boolean {
  const parent = parentNodeOf(el);
  return parent !== null && nodeTypeOf(parent) === ELEMENT_NODE && shadowRootOf(parent as Element) !== null;
}
const ELEMENT_NODE = 1;

/** A selector of a pseudo-element that shows text: `::before`, `::after` (`:before`, `:after`). */
const GENERATING_SELECTOR = /:(?:before|after)\b/i;
/** A selector of a marker (`li::marker`). */
const MARKER_SELECTOR = /::marker\b/i;
/** A `display` that may make a list item (a custom property's value may be anything). */
const LIST_ITEM_DISPLAY = /list-item|var\(/i;
/**
 * Content that may show a digit: a digit of any script or a percent-escape (the value is read decoded: an icon
 * font's `"\\f101"` is one character of its own), or a value taken from elsewhere (`attr()`, `var()`, a counter,
 * the element's own `content` inherited).
 */
const DIGIT_CONTENT = new RegExp(
  `[\\p{Nd}${FOLDED_DIGITS}%]|\\b(?:attr|counters?|var|env)\\(|\\b(?:inherit|unset|revert(?:-layer)?)\\b`,
  'iu',
);
/** Content that may show an attribute's value: `attr()`, or what may hold one (`var()`, inherited). */
const ATTRIBUTE_CONTENT = /\b(?:attr|var)\(|\b(?:inherit|unset|revert(?:-layer)?)\b/i;

function sheetsShow(sheets: readonly CSSStyleSheet[]): number {
  let shows = 0;
  for (const sheet of sheets) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      return SHOWS_ALL; // another origin's rules, unread: they may
    }
    shows |= rulesShow(rules, 0);
    if (shows === SHOWS_ALL) break;
  }
  return shows;
}

/** Rule nesting read (`@media`, `@layer`, CSS nesting, `@import`); deeper is taken as showing anything. */
const MAX_RULE_DEPTH = 16;
/** CSSRule.STYLE_RULE and IMPORT_RULE (a frame's rules are of its own realm: `instanceof` would not know them). */
const STYLE_RULE = 1;
const IMPORT_RULE = 3;

function rulesShow(rules: CSSRuleList, depth: number): number {
  if (depth > MAX_RULE_DEPTH) return SHOWS_ALL;
  let shows = 0;
  for (let r = 0; r < rules.length && shows !== SHOWS_ALL; r++) {
    const rule = rules[r];
    if (rule === undefined) continue;
    if (rule.type === STYLE_RULE) {
      const style = rule as CSSStyleRule;
      const generating = GENERATING_SELECTOR.test(style.selectorText);
      const marker = MARKER_SELECTOR.test(style.selectorText);
      if (generating || marker) {
        const content = style.style.getPropertyValue('content');
        if (content !== '' && content !== 'none' && content !== 'normal') {
          if (generating && DIGIT_CONTENT.test(content)) shows |= SHOWS_DIGITS;
          if (ATTRIBUTE_CONTENT.test(content)) shows |= SHOWS_ATTRIBUTES;
          if (marker) shows |= SHOWS_MARKERS;
        }
      }
      const listItem = LIST_ITEM_DISPLAY.test(style.style.getPropertyValue('display'));
      if (listItem || style.style.getPropertyValue('list-style-type') !== '') shows |= SHOWS_MARKERS;
      if (listItem && generating) shows |= SHOWS_PSEUDO_ITEMS;
    } else if (rule.type === IMPORT_RULE) {
      const imported = (rule as CSSImportRule).styleSheet;
      if (imported !== null) shows |= sheetsShow([imported]);
    }
    const nested = (rule as { cssRules?: CSSRuleList }).cssRules;
    if (nested !== undefined) shows |= rulesShow(nested, depth + 1);
  }
  return shows;
}

/** A digit as a reader sees it, superscript and circled too (review s15 M2). */
const ANY_DIGIT = new RegExp(READER_DIGIT, 'u');
const ANY_DIGITS = new RegExp(READER_DIGIT, 'gu');

/**
 * An attribute value of `el` as it may leave when its ::marker, ::before or ::after shows it (`content: attr(data-a) " "
 * attr(data-b)`, each holding a part of a card: README limit). The generated text is read as shown (the values
 * joined, strings between) by the number rule, and as a `content` string is (css-string-text.ts: a number of 3
 * digits or more at its ends masked whole, the element's text is beside it); what it masks where the value stands
 * is masked in the value (a value of 1 or 2 digits too: several join). `sent`: the value masked alone. Read only where
 * the page's sheets have `attr()` in generated content. A list's `start` or an item's `value`: maskListNumber.
 */
export function maskShownAttribute(el: Element, name: string, value: string, sent: string): string {
  if (!ANY_DIGIT.test(value)) return sent;
  sent = maskListNumber(el, name, sent);
  if ((mayShow(el) & SHOWS_ATTRIBUTES) === 0) return sent;
  const masked: boolean[] = [];
  let any = false;
  for (const side of [-1, 1] as const) {
    const shown = generatedText(el, side);
    let at = shown.indexOf(value);
    if (at < 0) continue;
    const rule = maskOpenEdges(shown).text;
    for (; at >= 0; at = shown.indexOf(value, at + 1))
      for (let u = 0; u < value.length; u++)
        if (rule.charAt(at + u) === MASK_CHAR && shown.charAt(at + u) !== MASK_CHAR) any = masked[u] = true;
  }
  if (!any) return sent;
  // The value masked alone has its length unless an escape became one bullet: then every digit.
  if (sent.length !== value.length) return sent.replace(ANY_DIGITS, MASK_CHAR);
  let out = '';
  for (let u = 0; u < sent.length; u++) out += masked[u] === true ? MASK_CHAR : sent.charAt(u);
  return out;
}

const MASK_CHAR = '\u2022';
