/**
 * CSS masking: the number rule (sensitive-numbers.ts) applied to the strings
 * and comments of CSS text only, so the rest of the style sheet stays valid.
 */
import { hasDigit, maskNumbers, maskUrl, type MaskedText } from './sensitive-numbers.js';

/**
 * CSS text with the digits of numbers inside its strings and comments
 * masked (`content: "…"`, attribute selectors, `url("…")`), and nothing
 * outside them touched (so `line-height: 1.428571429` stays valid CSS).
 * `strict` (the customer is typing, and the page may echo each key into
 * CSS): every digit of them, URLs included.
 */
export function maskCss(css: string, strict = false): MaskedText {
  if (!hasDigit(css)) return { text: css, masked: false };
  return maskCssStrings(css, (inner, isUrl) =>
    strict ? maskNumbers(inner, { strict }) : isUrl ? maskUrl(inner, true) : maskNumbers(inner),
  );
}

/**
 * CSS text with each string and comment (quotes and delimiters included) passed through `maskString`; with
 * `properties`, also each custom property's value (`--holder: Zoya Quixby`, strings in it included), which a
 * page may fill with what is typed without quotes (`style.setProperty('--holder', value)`).
 */
export function maskCssStrings(
  css: string,
  maskString: (inner: string, isUrl: boolean) => MaskedText,
  properties = false,
): MaskedText {
  let output = '';
  let copied = 0;
  let masked = false;
  const length = css.length;
  let i = 0;
  while (i < length) {
    const code = css.charCodeAt(i);
    let end = -1;
    let isUrl = false;
    if (code === 34 || code === 39) {
      end = i + 1;
      while (end < length && css.charCodeAt(end) !== code) end += css.charCodeAt(end) === 92 ? 2 : 1;
      end = Math.min(end + 1, length);
      isUrl = /url\(\s*$/i.test(css.slice(Math.max(0, i - 8), i));
    } else if (code === 47 && css.charCodeAt(i + 1) === 42) {
      const close = css.indexOf('*/', i + 2);
      end = close < 0 ? length : close + 2;
    } else if (properties && code === 45 && css.charCodeAt(i + 1) === 45 && declarationStart(css, i)) {
      const colon = CUSTOM_NAME.exec(css.slice(i, i + 256));
      if (colon !== null) {
        i += colon[0].length;
        end = valueEnd(css, i);
      }
    }
    if (end < 0) {
      i++;
      continue;
    }
    const inner = css.slice(i, end);
    const result = maskString(inner, isUrl);
    if (result.masked) {
      output += css.slice(copied, i) + result.text;
      copied = end;
      masked = true;
    }
    i = end;
  }
  if (!masked) return { text: css, masked: false };
  return { text: output + css.slice(copied), masked: true };
}

/** `--name:` (a custom property's name and its colon). */
const CUSTOM_NAME = /^--[\w-]*\s*:/;

/** Whether `at` starts a declaration: only whitespace since the start, a `{` or a `;`. */
function declarationStart(css: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && /\s/.test(css.charAt(i))) i--;
  return i < 0 || css.charCodeAt(i) === 123 || css.charCodeAt(i) === 59;
}

/** Where the declaration value starting at `from` ends: its `;` or `}` outside strings and brackets. */
function valueEnd(css: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < css.length) {
    const code = css.charCodeAt(i);
    if (code === 34 || code === 39) {
      i++;
      while (i < css.length && css.charCodeAt(i) !== code) i += css.charCodeAt(i) === 92 ? 2 : 1;
    } else if (code === 40 || code === 91 || code === 123) depth++;
    else if (code === 41 || code === 93) depth = Math.max(0, depth - 1);
    else if (code === 125) {
      if (depth === 0) return i;
      depth--;
    } else if (code === 59 && depth === 0) return i;
    i++;
  }
  return css.length;
}
