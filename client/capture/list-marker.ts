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
 * only; a page's own `@counter-style` is two digits of unknown value, no suffix).
 */
import { contentText, COUNTER_TEXT } from './content-text.js';
import { childNodesOf, getAttr, hasAttr, localNameOf, nodeTypeOf, parentNodeOf, shadowRootOf } from './dom-read.js';
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
 * The text `el`'s `::marker` shows, '' when it has none or no number may continue from it (the item's content does
 * not start with a digit: leadingDigits). `markerRules`: the page's sheets may style `::marker` (its computed
 * content is read only then: a pseudo-element's style costs more than the element's); `beforeShows`: its `::before`
 * may show a digit between the two.
 */
export function markerText(el: Element, markerRules: boolean, beforeShows: boolean): string {
  const lead = beforeShows ? LONG_LEAD : leadingDigits(el);
  if (lead === 0) return '';
  const style = computedStyleOf(el, null);
  if (style === null || !styleValue(style, 'display').includes('list-item')) return '';
  if (markerRules) {
    const marker = computedStyleOf(el, '::marker');
    const content = marker === null ? 'normal' : styleValue(marker, 'content');
    if (content === 'none') return '';
    if (content !== 'normal' && content !== '') return contentText(content, listItemText(el, 'decimal', lead));
  }
  const type = styleValue(style, 'list-style-type');
  const quote = type.charCodeAt(0);
  if (quote === 34 || quote === 39) return contentText(type);
  if (SYMBOL_STYLES.has(type)) return '';
  if (LETTER_STYLES.test(type)) return LETTER_MARKER;
  // A page's own counter style: its suffix is not known, read as none (`27` right before `8-41-5396`: review s15b M1).
  if (!DIGIT_STYLES.has(type)) return listItemText(el, type, lead);
  // A number too short to make a masked one with the digits after it: nothing to read (most numbered lists).
  return lead + numberDigitsOf(el) >= FEWEST_MASKED ? `${listItemText(el, type, lead)}. ` : '';
}

/**
 * The text the marker of a `::before` or `::after` made a list item (`display: list-item` in its `style`) shows: its
 * `list-style-type` string, else its number (of unknown value: COUNTER_TEXT, with a decimal style's `. `); '' when it
 * is no list item or draws a symbol (review s15b L2).
 */
export function pseudoMarkerText(style: CSSStyleDeclaration): string {
  if (!styleValue(style, 'display').includes('list-item')) return '';
  const type = styleValue(style, 'list-style-type');
  const quote = type.charCodeAt(0);
  if (quote === 34 || quote === 39) return contentText(type);
  if (SYMBOL_STYLES.has(type)) return '';
  if (LETTER_STYLES.test(type)) return LETTER_MARKER;
  return DIGIT_STYLES.has(type) ? `${COUNTER_TEXT}. ` : COUNTER_TEXT;
}

/** The number `el` shows as a list item (`counter(list-item)`), in decimal digits; COUNTER_TEXT when not known. */
export function listItemNumber(el: Element): string {
  return listItemText(el, 'decimal', LONG_LEAD);
}

/** Fewest digits of a number the rule masks (an SSN's). */
const FEWEST_MASKED = 9;

/**
 * The list item's number as `type` writes it (its digits), or COUNTER_TEXT when not known, or when it is too short
 * to make a masked number with the `lead` digits after it (most numbered lists: not counted, which reads every
 * item's style).
 */
function listItemText(el: Element, type: string, lead: number): string {
  const owner = ownerOf(el);
  if (owner === null || !DIGIT_STYLES.has(type)) return COUNTER_TEXT;
  // Too short to make a masked number with the digits after it: as many digits as it may have.
  const most = numberDigits(owner);
  if (lead + most < FEWEST_MASKED) return '0'.repeat(most);
  const list = listOf(owner);
  const value = list.numbers[list.index.get(el) ?? -1] ?? null;
  if (value === null) return COUNTER_TEXT;
  const digits = String(Math.abs(value)).padStart(type === 'decimal-leading-zero' ? 2 : 1, '0');
  return value < 0 ? `-${digits}` : digits;
}

/** Characters of an item's content read for its leading digits, and nodes walked for them. */
const LEAD_CHARS = 32;
const LEAD_STEPS = 32;
/** Leading digits of content not read to its first letter: as many as a card has. */
const LONG_LEAD = 19;
const TEXT_NODE = 3;
const LETTER = /\p{L}/u;
const READER_DIGITS = new RegExp(READER_DIGIT, 'gu');

/** The platform's checkVisibility, taken when the session bundle loads. */
const checkVisibility = Element.prototype.checkVisibility;

/**
 * Whether `text` (in `el`) may be seen: its element not `display: none`, `visibility: hidden`, `opacity: 0` (an
 * ancestor's too); a text right in `el` is.
 */
function isShownText(text: Node, el: Element): boolean {
  const parent = parentNodeOf(text);
  if (parent === null || parent === el || nodeTypeOf(parent) !== ELEMENT_NODE) return true;
  try {
    return checkVisibility.call(parent as Element, { opacityProperty: true, visibilityProperty: true });
  } catch {
    return true;
  }
}

/**
 * How many digits `el`'s content shows before its first letter (what a number in its marker may continue with),
 * read over its first texts; LONG_LEAD when they are not all read (a shadow root, many nodes, LEAD_CHARS without
 * a letter). A text with a letter the page does not show is skipped (isShownText: a hidden letter does not end what
 * the marker continues, review s15b M2). `throughLetters`: the digits of its first LEAD_CHARS characters shown,
 * letters or not (maskListNumber).
 */
function leadingDigits(el: Element, throughLetters = false): number {
  let read = '';
  let node: Node | null = dom.firstChild.call(el);
  for (let steps = 0; node !== null; steps++) {
    if (steps === LEAD_STEPS) return LONG_LEAD;
    const type = nodeTypeOf(node);
    // A text with a letter the page does not show reads as nothing (`<span style="display:none">x</span>41-5396`).
    const text = type === TEXT_NODE ? (node as Text).data.slice(0, LEAD_CHARS) : '';
    if (text !== '' && (!LETTER.test(text) || isShownText(node, el))) {
      read += text;
      const letter = throughLetters ? null : LETTER.exec(read);
      if (letter !== null) return read.slice(0, letter.index).match(READER_DIGITS)?.length ?? 0;
      if (read.length >= LEAD_CHARS)
        return throughLetters ? (read.slice(0, LEAD_CHARS).match(READER_DIGITS)?.length ?? 0) : LONG_LEAD;
    } else if (type === ELEMENT_NODE && shadowRootOf(node as Element) !== null) return LONG_LEAD;
    const child: Node | null = dom.firstChild.call(node);
    if (child !== null) {
      node = child;
      continue;
    }
    while (node !== null && node !== el && dom.nextSibling.call(node) === null) node = parentNodeOf(node);
    node = node === null || node === el ? null : dom.nextSibling.call(node);
  }
  return read.match(READER_DIGITS)?.length ?? 0;
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

/** Per list owner, within the current task: its items' numbers (listOf), the digits they have at most (numberDigits). */
let lists: Map<Element, ListNumbers> | null = null;
let bounds: Map<Element, number> | null = null;

/** The list owner (`ol`, `ul`, `menu`) whose items include `el`, or null. */
function ownerOf(el: Element): Element | null {
  const owner = parentNodeOf(el);
  if (owner === null || nodeTypeOf(owner) !== ELEMENT_NODE || !LIST_OWNERS.has(localNameOf(owner as Element)))
    return null;
  return owner as Element;
}

/** The most digits `el`'s number as a list item may have (numberDigits; LONG_LEAD outside a list owner: not known). */
function numberDigitsOf(el: Element): number {
  const owner = ownerOf(el);
  return owner === null ? LONG_LEAD : numberDigits(owner);
}

/**
 * The most digits a number of `owner`'s items may have: its `start` or an item's `value`, whichever is farthest from
 * 0, plus its count of children (from the attributes alone: no style read). Once per task.
 */
function numberDigits(owner: Element): number {
  if (bounds === null) {
    bounds = new Map();
    queueMicrotask(() => (bounds = null));
  }
  let digits = bounds.get(owner);
  if (digits === undefined) {
    let farthest = Math.abs(integerAttribute(owner, 'start') ?? 0);
    const children = childNodesOf(owner);
    for (let c = 0; c < children.length; c++) {
      const child = children[c] as Node;
      if (nodeTypeOf(child) === ELEMENT_NODE)
        farthest = Math.max(farthest, Math.abs(integerAttribute(child as Element, 'value') ?? 0));
    }
    digits = String(farthest + children.length).length;
    bounds.set(owner, digits);
  }
  return digits;
}

/**
 * The numbers of `owner`'s items (HTML's ordinal value: the owner's `start`, counting down when `reversed`, an item's
 * own `value`), read once per task for all its items; not known from an item whose counter declarations, or the
 * owner's, name `list-item` (a page's own numbering).
 */
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
 * The list items among `owner`'s children (a list owner) and their numbers (listOf); from a child whose counter
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
/**
 * An `<ol start>` or `<li value>` as it may leave (`sent`: masked so far): every digit masked when an item it numbers
 * shows a number of 3 digits or more (SHOWN_NUMBER) before text with a digit in its first LEAD_CHARS characters, which
 * the number may continue (`<ol start=278><li>41-5396`: the item's text is masked with the marker read, markerText,
 * and the marker's own digits would still show the SSN's first group; a digit after a letter too, as the letter may
 * not be shown: `<li><span style="display:none">x</span>41-5396`, review s15b M2). The mirror then numbers those
 * items from 1, as a `counter-reset` of 3 digits or more does (shared/mask-css.ts).
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
    if (number !== null && Math.abs(number) >= SHOWN_NUMBER && leadingDigits(list.items[i] as Element, true) > 0)
      return sent.replace(/[0-9]/g, MASK_CHAR);
  }
  return sent;
}

const MASK_CHAR = '\u2022';
