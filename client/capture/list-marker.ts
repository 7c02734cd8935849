/**
 * The text an element's `::marker` shows before its content (review F3: a
 * card split between a list item's marker and its text, `<ol start=453201>`
 * with `<li>9673 1582 41</li>`, `li{list-style-type: "4532 01"}`,
 * `li::marker{content: attr(data-n)}`, any element with `display: list-item`).
 * mask-pseudo.ts reads it with the element's `::before`, so text-runs.ts reads
 * the element's text with it; the marker's strings themselves are masked in
 * the CSS (shared/css-string-text.ts: `content`, `list-style-type` and
 * `@counter-style` strings have open edges).
 *
 * Read from the computed style, as Chromium resolves it: the marker's
 * `content` (strings joined, `attr()` substituted), else a `list-style-type`
 * string, else the list item's number in its counter style (known styles
 * only; a page's own `@counter-style` is a digit of unknown value).
 */
import { contentText, COUNTER_TEXT } from './content-text.js';
import { childNodesOf, getAttr, hasAttr, localNameOf, nodeTypeOf, parentNodeOf } from './dom-read.js';
import { domPristine as dom } from './dom-pristine.js';
import { READER_DIGIT } from '../../shared/number-tokens.js';

/** The platform's getComputedStyle and getPropertyValue, taken when the session bundle loads. */
const computedStyle = globalThis.getComputedStyle;
const propertyValue = CSSStyleDeclaration.prototype.getPropertyValue;

/** `el`'s computed style (of its `pseudo` element, `::before`…), null when the platform refuses. */
export function computedStyleOf(el: Element, pseudo: string | null): CSSStyleDeclaration | null {
  try {
    return computedStyle.call(globalThis, el, pseudo);
  } catch {
    return null;
  }
}

/** A computed property's value, through the platform's getPropertyValue. */
export function styleValue(style: CSSStyleDeclaration, name: string): string {
  return propertyValue.call(style, name);
}

/** Markers that draw a symbol, no digit. */
const SYMBOL_STYLES: ReadonlySet<string> = new Set([
  'none',
  'disc',
  'circle',
  'square',
  'disclosure-open',
  'disclosure-closed',
]);
/** Predefined counter styles that write the number in decimal digits (of their script: `\p{Nd}` to the rule). */
const DIGIT_STYLES: ReadonlySet<string> = new Set([
  'decimal',
  'decimal-leading-zero',
  'arabic-indic',
  'bengali',
  'cambodian',
  'devanagari',
  'gujarati',
  'gurmukhi',
  'kannada',
  'khmer',
  'lao',
  'malayalam',
  'mongolian',
  'myanmar',
  'oriya',
  'persian',
  'tamil',
  'telugu',
  'thai',
  'tibetan',
]);
/** Predefined counter styles that write the number in letters (a letter ends a number). */
const LETTER_STYLES =
  /^(?:(?:lower|upper)-(?:alpha|latin|roman|greek|armenian)|armenian|georgian|hebrew|hiragana(?:-iroha)?|katakana(?:-iroha)?|cjk-(?:decimal|earthly-branch|heavenly-stem|ideographic)|ethiopic-numeric|(?:japanese|korean|simp-chinese|trad-chinese)-[\w-]+)$/;
/** What a letter-style marker stands for in the text. */
const LETTER_MARKER = 'a. ';

/**
 * The text `el`'s `::marker` shows, '' when it has none. `markerRules`: the page's sheets may style `::marker`
 * (its computed content is read only then: a pseudo-element's style costs more than the element's).
 */
export function markerText(el: Element, markerRules: boolean): string {
  const style = computedStyleOf(el, null);
  if (style === null || !styleValue(style, 'display').includes('list-item')) return '';
  if (markerRules) {
    const marker = computedStyleOf(el, '::marker');
    const content = marker === null ? 'normal' : styleValue(marker, 'content');
    if (content === 'none') return '';
    if (content !== 'normal' && content !== '') return contentText(content, listItemText(el, 'decimal'));
  }
  const type = styleValue(style, 'list-style-type');
  const quote = type.charCodeAt(0);
  if (quote === 34 || quote === 39) return contentText(type);
  if (SYMBOL_STYLES.has(type)) return '';
  if (LETTER_STYLES.test(type)) return LETTER_MARKER;
  return `${listItemText(el, type)}. `;
}

/** The list item's number as `type` writes it (its digits), or COUNTER_TEXT when not known. */
function listItemText(el: Element, type: string): string {
  const value = DIGIT_STYLES.has(type) ? ordinalOf(el) : null;
  if (value === null) return COUNTER_TEXT;
  const digits = String(Math.abs(value)).padStart(type === 'decimal-leading-zero' ? 2 : 1, '0');
  return value < 0 ? `-${digits}` : digits;
}

/** Elements whose list items count from their own start (the HTML list owners). */
const LIST_OWNERS: ReadonlySet<string> = new Set(['ol', 'ul', 'menu']);
const ELEMENT_NODE = 1;
/** An HTML integer (`start`, `value`): what parses, leading whitespace and a sign allowed. */
const HTML_INTEGER = /^[\t\n\f\r ]*([+-]?[0-9]+)/;
/** A counter declaration naming the list item's counter (a page's own numbering: not followed). */
const LIST_ITEM_NAMED = /(?<![\w-])list-item(?![\w-])/;

/** A list owner's list items in order, their numbers (null: not known), and which set their own (`value`). */
interface ListNumbers {
  items: Element[];
  numbers: (number | null)[];
  ownValue: boolean[];
  /** Each item's index in `items`. */
  index: Map<Element, number>;
}

/** Per list owner, within the current task: its items' numbers (listOf). */
let lists: Map<Element, ListNumbers> | null = null;

/** The list owner (`ol`, `ul`, `menu`) whose items include `el`, or null. */
function ownerOf(el: Element): Element | null {
  const owner = parentNodeOf(el);
  if (owner === null || nodeTypeOf(owner) !== ELEMENT_NODE || !LIST_OWNERS.has(localNameOf(owner as Element)))
    return null;
  return owner as Element;
}

/**
 * The number a list item of an `ol`, `ul` or `menu` shows (HTML's ordinal value: the owner's `start`, counting down
 * when `reversed`, a `value` of its own), null when not known: another parent, or a page's own `counter-*` of
 * `list-item` on the owner or an item before it.
 */
function ordinalOf(el: Element): number | null {
  const owner = ownerOf(el);
  if (owner === null) return null;
  const list = listOf(owner);
  return list.numbers[list.index.get(el) ?? -1] ?? null;
}

/** `owner`'s ListNumbers, read once per task for all its items. */
function listOf(owner: Element): ListNumbers {
  if (lists === null) {
    lists = new Map();
    queueMicrotask(() => (lists = null));
  }
  let list = lists.get(owner);
  if (list === undefined) {
    list = countItems(owner);
    lists.set(owner, list);
  }
  return list;
}
/** HTML's integer in `el`'s attribute `name`, null when it has none that parses. */
function integerAttribute(el: Element, name: string): number | null {
  const match = HTML_INTEGER.exec(getAttr(el, name) ?? '');
  return match === null ? null : Number.parseInt(match[1] as string, 10);
}

/** Whether a style's counter declarations name `list-item`. */
function countsListItems(style: CSSStyleDeclaration): boolean {
  return (
    LIST_ITEM_NAMED.test(styleValue(style, 'counter-reset')) ||
    LIST_ITEM_NAMED.test(styleValue(style, 'counter-set')) ||
    LIST_ITEM_NAMED.test(styleValue(style, 'counter-increment'))
  );
}

/**
 * The list items among `owner`'s children (a list owner) and their numbers (ordinalOf); from a child whose counter
 * declarations name `list-item` on (the owner's: all), not known.
 */
function countItems(owner: Element): ListNumbers {
  const ownerStyle = computedStyleOf(owner, null);
  let known = ownerStyle !== null && !countsListItems(ownerStyle);
  const list: ListNumbers = { items: [], numbers: [], ownValue: [], index: new Map() };
  /** Per item: its own `value`, or null; undefined once its number is not known. */
  const own: (number | null | undefined)[] = [];
  const children = childNodesOf(owner);
  for (let c = 0; c < children.length; c++) {
    const child = children[c] as Node;
    if (nodeTypeOf(child) !== ELEMENT_NODE) continue;
    const item = child as Element;
    const style = computedStyleOf(item, null);
    if (style === null || countsListItems(style)) known = false;
    if (style === null || !styleValue(style, 'display').includes('list-item')) continue;
    const value = localNameOf(item) === 'li' ? integerAttribute(item, 'value') : null;
    list.index.set(item, list.items.length);
    list.items.push(item);
    list.ownValue.push(value !== null);
    own.push(known ? value : undefined);
  }
  const isOl = localNameOf(owner) === 'ol';
  const reversed = isOl && hasAttr(owner, 'reversed');
  const step = reversed ? -1 : 1;
  let value = ((isOl ? integerAttribute(owner, 'start') : null) ?? (reversed ? list.items.length : 1)) - step;
  for (const set of own) {
    if (set === undefined) {
      list.numbers.push(null);
      continue;
    }
    value = set ?? value + step;
    list.numbers.push(value);
  }
  return list;
}

/** An item number from which a list's own numbering (`start`, `value`) is masked beside an item's digits. */
const SHOWN_NUMBER = 100;
/** Text that a number may start (a digit after at most a few characters that are neither letters nor digits). */
const DIGIT_START = new RegExp(`^[^\\p{L}\\p{N}]{0,4}${READER_DIGIT}`, 'u');
/** Nodes looked through for an item's first text. */
const FIRST_TEXT_STEPS = 32;
const TEXT_NODE = 3;

/** The start of the first text of `el` that is not only whitespace ('' when none within FIRST_TEXT_STEPS nodes). */
function firstText(el: Element): string {
  let node: Node | null = dom.firstChild.call(el);
  for (let steps = 0; node !== null && steps < FIRST_TEXT_STEPS; steps++) {
    if (nodeTypeOf(node) === TEXT_NODE) {
      const data = (node as Text).data.trimStart();
      if (data !== '') return data.slice(0, 16);
    }
    const child: Node | null = dom.firstChild.call(node);
    if (child !== null) {
      node = child;
      continue;
    }
    while (node !== null && node !== el && dom.nextSibling.call(node) === null) node = parentNodeOf(node);
    node = node === null || node === el ? null : dom.nextSibling.call(node);
  }
  return '';
}

/**
 * An `<ol start>` or `<li value>` as it may leave (`sent`: masked so far): every digit masked when an item it numbers
 * shows a number of 3 digits or more (SHOWN_NUMBER) before text that starts with a digit, which the number may
 * continue (`<ol start=278><li>41-5396`: the item's text is masked with the marker read, markerText, and the
 * marker's own digits would still show the SSN's first group). The mirror then numbers those items from 1, as a
 * `counter-reset` of 3 digits or more does (shared/mask-css.ts).
 */
export function maskListNumber(el: Element, name: string, sent: string): string {
  const tag = localNameOf(el);
  const isStart = tag === 'ol' && name === 'start';
  if (!isStart && !(tag === 'li' && name === 'value')) return sent;
  const owner = isStart ? el : ownerOf(el);
  if (owner === null) return sent;
  const list = listOf(owner);
  const from = isStart ? 0 : (list.index.get(el) ?? list.items.length);
  for (let i = from; i < list.items.length; i++) {
    // The items up to one setting its own number.
    if ((list.ownValue[i] as boolean) && (isStart || i > from)) break;
    const number = list.numbers[i] ?? null;
    if (number !== null && Math.abs(number) >= SHOWN_NUMBER && DIGIT_START.test(firstText(list.items[i] as Element)))
      return sent.replace(/[0-9]/g, MASK_CHAR);
  }
  return sent;
}

const MASK_CHAR = '\u2022';
