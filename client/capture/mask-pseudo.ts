/**
 * The text an element's `::before` and `::after` show beside its own (the
 * README's masking limit: `<span class=a>4111 1111</span>` with
 * `.a::after{content:" 1111 1111"}` is one card on screen). text-runs.ts reads
 * it as a part of a text's run, so the element's text is masked when the two
 * together hold a number; the generated string itself is masked in the CSS
 * (shared/css-string-text.ts: its edges are open).
 *
 * Read from the computed style, as Chromium resolves it: strings decoded and
 * joined, `attr()` and `var()` substituted; a `counter()` is a digit of unknown
 * value (it may be any number, so a number beside it is read as continuing).
 */

/** The platform's getComputedStyle and getPropertyValue, taken when the session bundle loads. */
const computedStyle = globalThis.getComputedStyle;
const propertyValue = CSSStyleDeclaration.prototype.getPropertyValue;

/** What a counter() or counters() stands for in the text: a digit (its value is not in the computed style). */
const COUNTER_TEXT = '0';

/** The text `el`'s `::before` (`side` -1) or `::after` (+1) shows, '' when none. */
export function generatedText(el: Element, side: -1 | 1): string {
  if (!mayGenerateDigits(el)) return '';
  let content: string;
  try {
    const style = computedStyle.call(globalThis, el, side < 0 ? '::before' : '::after');
    content = propertyValue.call(style, 'content');
  } catch {
    return '';
  }
  if (content === '' || content === 'none' || content === 'normal') return '';
  return contentText(content);
}

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 102);
}

/** Where the call whose name starts at `at` ends (after its `)`; strings inside skipped). */
function callEnd(value: string, at: number): number {
  let depth = 0;
  for (let i = at; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 34 || code === 39) {
      i++;
      while (i < value.length && value.charCodeAt(i) !== code) i += value.charCodeAt(i) === 92 ? 2 : 1;
    } else if (code === 40) depth++;
    else if (code === 41 && --depth === 0) return i + 1;
  }
  return value.length;
}

/**
 * The text a computed `content` value shows: its strings decoded (CSSOM serialises them double-quoted, `\"`, `\\`
 * and control characters as hex escapes), a counter as COUNTER_TEXT, quotes as `"`, an image as a space; the
 * alternative text after `/` is not shown.
 */
export function contentText(value: string): string {
  let text = '';
  let i = 0;
  while (i < value.length) {
    const code = value.charCodeAt(i);
    if (code === 34 || code === 39) {
      i++;
      while (i < value.length && value.charCodeAt(i) !== code) {
        if (value.charCodeAt(i) !== 92) {
          text += value.charAt(i++);
          continue;
        }
        i++;
        let hexEnd = i;
        while (hexEnd < value.length && hexEnd - i < 6 && isHex(value.charCodeAt(hexEnd))) hexEnd++;
        if (hexEnd === i) {
          text += value.charAt(i++);
          continue;
        }
        const point = Number.parseInt(value.slice(i, hexEnd), 16);
        text +=
          point > 0 && point <= 0x10ffff && (point < 0xd800 || point > 0xdfff) ? String.fromCodePoint(point) : '\ufffd';
        i = hexEnd;
        if (value.charCodeAt(i) === 32) i++;
      }
      i++;
      continue;
    }
    if (code === 47) break;
    const name = /^[\w-]+/.exec(value.slice(i, i + 32))?.[0] ?? '';
    if (name === '') {
      i++;
      continue;
    }
    if (value.charCodeAt(i + name.length) === 40) {
      text += /^counters?$/i.test(name) ? COUNTER_TEXT : ' ';
      i = callEnd(value, i);
      continue;
    }
    if (/^(?:open|close)-quote$/i.test(name)) text += '"';
    i += name.length;
  }
  return text;
}

/**
 * Per document, within the current task: whether a rule of its sheets may give a pseudo-element text with a digit
 * (mayShowDigits). Reading every element's computed ::before/::after cost the snapshot of the 10,000-node bench
 * page about 30 ms (a few thousand texts with a digit at an end); most pages have no such rule. Kept for one task
 * only (what the page changes between two of the capture's tasks is read again).
 */
let documentsRead: Map<Document, boolean> | null = null;

/** Whether `el`'s ::before or ::after may show a digit (see documentsRead); true when unsure. */
function mayGenerateDigits(el: Element): boolean {
  const doc = el.ownerDocument;
  // In a shadow tree, and on a shadow host (`:host::after`), its own sheets count too: read the element.
  if (doc === null || el.getRootNode() !== doc || el.shadowRoot !== null) return true;
  if (documentsRead === null) {
    documentsRead = new Map();
    queueMicrotask(() => (documentsRead = null));
  }
  let may = documentsRead.get(doc);
  if (may === undefined) {
    may = sheetsMayShowDigits([...Array.from(doc.styleSheets), ...doc.adoptedStyleSheets]);
    documentsRead.set(doc, may);
  }
  return may;
}

/** A selector of a pseudo-element that shows text: `::before`, `::after` (`:before`, `:after`). */
const GENERATING_SELECTOR = /:(?:before|after)\b/i;
/**
 * Content that may show a digit: a digit of any script or a percent-escape (the value is read decoded: an icon
 * font's `"\\f101"` is one character of its own), or a value taken from elsewhere (`attr()`, `var()`, a counter,
 * the element's own `content` inherited).
 */
const DIGIT_CONTENT = /[\p{Nd}%]|\b(?:attr|counters?|var|env)\(|\b(?:inherit|unset|revert(?:-layer)?)\b/iu;

function sheetsMayShowDigits(sheets: readonly CSSStyleSheet[]): boolean {
  for (const sheet of sheets) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      return true; // another origin's rules, unread: they may
    }
    if (rulesMayShowDigits(rules, 0)) return true;
  }
  return false;
}

/** Rule nesting read (`@media`, `@layer`, CSS nesting, `@import`); deeper is taken as showing digits. */
const MAX_RULE_DEPTH = 16;

/** CSSRule.STYLE_RULE and IMPORT_RULE (a frame's rules are of its own realm: `instanceof` would not know them). */
const STYLE_RULE = 1;
const IMPORT_RULE = 3;

function rulesMayShowDigits(rules: CSSRuleList, depth: number): boolean {
  if (depth > MAX_RULE_DEPTH) return true;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    if (rule === undefined) continue;
    if (rule.type === STYLE_RULE) {
      const style = rule as CSSStyleRule;
      if (GENERATING_SELECTOR.test(style.selectorText)) {
        const content = style.style.getPropertyValue('content');
        if (content !== '' && content !== 'none' && content !== 'normal' && DIGIT_CONTENT.test(content)) return true;
      }
    } else if (rule.type === IMPORT_RULE) {
      const imported = (rule as CSSImportRule).styleSheet;
      if (imported !== null && sheetsMayShowDigits([imported])) return true;
    }
    const nested = (rule as { cssRules?: CSSRuleList }).cssRules;
    if (nested !== undefined && rulesMayShowDigits(nested, depth + 1)) return true;
  }
  return false;
}
