/**
 * Counter values in CSS text (`counter-reset`, `counter-set`, `counter-increment`): `content: counter(s)` shows a
 * counter's value as digits outside any string, so a value that may be a part of a card or an SSN is not sent.
 * Split from mask-css.ts, which calls it after its number rule.
 */
import { cssUnescaped } from './css-escapes.js';
import { READER_DIGIT } from './number-tokens.js';
import type { MaskedText } from './sensitive-numbers.js';

const MASK_CHAR = '\u2022';
const READER_DIGIT_ONE = new RegExp(READER_DIGIT, 'u');
const READER_DIGITS = new RegExp(READER_DIGIT, 'gu');

/** Where a counter's value may be written: `counter-reset`, `counter-set` or `counter-increment`, or a CSS escape. */
const COUNTER_VALUE_HINT = /counter-(?:reset|set|increment)|\\/i;
/** A counter declaration (its name and colon, then its value up to `;`, `}` or the end). */
const COUNTER_DECLARATION = /(?<![\w-])(counter-(?:reset|set|increment))(\s*:)([^;{}]*)/gi;
/** An escape, read one way only (6 hex digits, or 1-5 and no more, and the whitespace that may end it). */
const ESCAPE = String.raw`\\(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{1,5}(?![0-9a-fA-F]))[ \t\n\r\f]?|\\[^\n\r\f0-9a-fA-F]`;
/**
 * Any declaration, its name written with CSS escapes or not (`counter-r\65set`), read only in CSS that has an
 * escape. One way to read each escape (ESCAPE), so no input makes it backtrack.
 */
const ESCAPED_DECLARATION = new RegExp(String.raw`(?<![\w\\-])((?:[\w-]|${ESCAPE})+)(\s*:)([^;{}]*)`, 'g');
const COUNTER_PROPERTY = /^counter-(?:reset|set|increment)$/i;
/** An integer of 3 digits or more standing alone in a counter's value (not a part of a name such as `g1234`). */
const COUNTER_INTEGER = /(?<![\w-])([+-]?)([0-9]{3,})(?![\w.])/g;

/**
 * Counter values of 3 digits or more bulleted (red team s12 F6): `content: counter(s)` shows a counter's value as
 * digits outside any string (`counter-reset: s 278415396`; counters holding a card's or an SSN's groups, 3-2-4:
 * the middle group alone shows). A value bulleted is not valid CSS, so the mirror drops that declaration and
 * shows the counters it set from 0. Values of up to 2 digits stay: list and section numbering. Declarations are
 * found as CSS reads them (review s15 H4): comments are nothing (`counter-reset/* *\/: …`), and a name's escapes
 * are decoded (`counter-r\65set`).
 */
export function maskCounterValues(css: MaskedText): MaskedText {
  if (!COUNTER_VALUE_HINT.test(css.text)) return css;
  const original = css.text;
  const scan = original.includes('/*') ? commentsBlanked(original) : original;
  const escaped = original.includes('\\');
  let text = '';
  let copied = 0;
  for (const match of scan.matchAll(escaped ? ESCAPED_DECLARATION : COUNTER_DECLARATION)) {
    const [, name = '', colon = '', value = ''] = match;
    if (escaped && !COUNTER_PROPERTY.test(cssUnescaped(name))) continue;
    const from = match.index + name.length + colon.length;
    const to = from + value.length;
    text +=
      original.slice(copied, from) +
      (computedCounterValue(value)
        ? ` ${MASK_CHAR}`
        : original
            .slice(from, to)
            .replace(
              COUNTER_INTEGER,
              (_integer, sign: string, digits: string) => sign + MASK_CHAR.repeat(digits.length),
            ));
    copied = to;
  }
  if (copied === 0) return css;
  text += original.slice(copied);
  return text === original ? css : { text, masked: true };
}

/** `css` with each comment (outside strings) written as spaces: the same length, so positions stay. */
function commentsBlanked(css: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < css.length) {
    const code = css.charCodeAt(i);
    if (code === 34 || code === 39) {
      i++;
      while (i < css.length && css.charCodeAt(i) !== code) i += css.charCodeAt(i) === 92 ? 2 : 1;
      i++;
    } else if (code === 47 && css.charCodeAt(i + 1) === 42) {
      const close = css.indexOf('*/', i + 2);
      const end = close < 0 ? css.length : close + 2;
      out += css.slice(copied, i) + ' '.repeat(end - i);
      copied = i = end;
    } else i++;
  }
  return copied === 0 ? css : out + css.slice(copied);
}

/** `reversed(list-item)` (a reversed list's counter): a name, no value. */
const REVERSED_NAME = /reversed\(\s*[\w-]+\s*\)/gi;
/** A name of a counter in a counter declaration's value (not an integer). */
const COUNTER_NAME = /(?<![\w-])-?[a-z_\u0080-\uffff\\][\w\u0080-\uffff\\-]*/gi;

/**
 * A counter value the literal rule cannot bound (review s14 S3): a function (`calc(45*99 + 77)`, min(), var()…)
 * gives any value from 1-2 digit literals, and a counter named twice (`a 99 a 99`) sums its increments. Such a
 * declaration is replaced by an invalid one (the mirror drops it: counters from 0), over-masking list numbering
 * written that way rather than showing a number.
 */
function computedCounterValue(value: string): boolean {
  if (value.replace(REVERSED_NAME, '').includes('(')) return true;
  // Names as CSS reads them: `z`, `\7a` and `\00007A` are one counter (review s15 M4).
  const names = (value.match(COUNTER_NAME) ?? []).map(cssUnescaped);
  return new Set(names).size !== names.length;
}

/** An at-rule's name and prelude, and its block when the block holds no other block (`@counter-style c { … }`). */
const AT_BLOCK = new RegExp(String.raw`@((?:[\w-]|${ESCAPE})+)[^{};@]*\{([^{}]*)\}`, 'g');
/** A counter style's descriptors whose values a marker shows (its symbols, and what goes around them). */
const SHOWN_DESCRIPTOR = /^(?:symbols|additive-symbols|prefix|suffix|pad|negative)$/i;
/** A string (skipped: the string rules read those), or an identifier (not a number: it starts with no digit). */
const STRING_OR_IDENT = new RegExp(
  String.raw`"(?:[^"\\\n]|\\[^])*"?|'(?:[^'\\\n]|\\[^])*'?|(?<![\w\\-])((?:-?(?:[a-zA-Z_\u0080-\uffff]|${ESCAPE})|--)(?:[\w\u0080-\uffff-]|${ESCAPE})*)`,
  'g',
);

/**
 * `@counter-style` symbols written as identifiers (review s15b H1: `symbols: \34 532\ 0151\ 1283\ 0366`,
 * `_4532_0151…`, a marker shows them as written, escapes decoded): an identifier there that holds a digit as a
 * reader sees it goes as a string of its text with every such digit bulleted. Strings there are the string
 * rules' (css-string-text.ts, review s14 S2). Read only in CSS with an `@` rule.
 */
export function maskCounterStyleSymbols(css: MaskedText): MaskedText {
  if (!css.text.includes('@')) return css;
  const original = css.text;
  const scan = original.includes('/*') ? commentsBlanked(original) : original;
  let text = '';
  let copied = 0;
  for (const block of scan.matchAll(AT_BLOCK)) {
    if (cssUnescaped(block[1] ?? '').toLowerCase() !== 'counter-style') continue;
    const bodyAt = block.index + block[0].length - 1 - (block[2] ?? '').length;
    for (const declaration of (block[2] ?? '').matchAll(ESCAPED_DECLARATION)) {
      const [, name = '', colon = '', value = ''] = declaration;
      if (!SHOWN_DESCRIPTOR.test(cssUnescaped(name))) continue;
      const valueAt = bodyAt + declaration.index + name.length + colon.length;
      for (const token of value.matchAll(STRING_OR_IDENT)) {
        const ident = token[1];
        if (ident === undefined) continue;
        const shown = cssUnescaped(ident);
        if (!READER_DIGIT_ONE.test(shown)) continue;
        const at = valueAt + token.index;
        text += original.slice(copied, at) + cssStringOf(shown.replace(READER_DIGITS, MASK_CHAR));
        copied = at + ident.length;
      }
    }
  }
  if (copied === 0) return css;
  return { text: text + original.slice(copied), masked: true };
}

/** `text` as a double-quoted CSS string. */
function cssStringOf(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replace(/[\n\r\f]/g, ' ')}"`;
}
