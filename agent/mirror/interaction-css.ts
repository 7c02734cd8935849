/**
 * Interaction pseudo-classes in the mirror follow the customer, not the
 * agent: `:hover` rules match the element under the customer's pointer (a
 * menu the customer holds open is open for the agent, and the agent's own
 * mouse over the view opens nothing), `:focus` and `:focus-within` match
 * the customer's focused element. Selectors are rewritten to mirror-only
 * attributes that the mirror sets (mirror.ts), as rrweb does for hover.
 * `:fullscreen` matches the element the mirror shows full-screen (top-layer.ts).
 * `:active` matches what the customer presses (pointer frames say when the button is down).
 */
import { FOCUS_ATTRIBUTE } from './masked-style.js';
import { FULLSCREEN_ATTRIBUTE } from './top-layer.js';

export const HOVER_ATTRIBUTE = 'data-cobrowse-mirror-hover';
/** On the customer's pressed element and its ancestors while the button is down. */
export const ACTIVE_ATTRIBUTE = 'data-cobrowse-mirror-active';

const HOVER = `[${HOVER_ATTRIBUTE}]`;
const FOCUS = `[${FOCUS_ATTRIBUTE}]`;

/** Longest first: `:focus` is a prefix of the others. */
const REWRITES: ReadonlyArray<readonly [string, string]> = [
  [':focus-within', `:is(${FOCUS}, :has(${FOCUS}))`],
  [':focus-visible', FOCUS],
  [':focus', FOCUS],
  [':hover', HOVER],
  [':active', `[${ACTIVE_ATTRIBUTE}]`],
  [':fullscreen', `[${FULLSCREEN_ATTRIBUTE}]`],
];

function isNameChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 45 ||
    code === 95 ||
    code >= 0x80
  );
}

/**
 * `css` with interaction pseudo-classes replaced by mirror attributes in
 * selectors only: text before a `{` that is not an at-rule prelude
 * (`@media (hover: hover)` stays), never in declarations, strings or comments.
 */
export function rewriteInteractionCss(css: string): string {
  if (!css.includes(':hover') && !css.includes(':focus') && !css.includes(':fullscreen') && !css.includes(':active'))
    return css;
  let out = '';
  let copied = 0;
  let segmentStart = 0;
  // Replacements found in the current segment; applied only if it turns out to be a selector.
  let pending: Array<[number, readonly [string, string]]> = [];
  const length = css.length;
  let i = 0;
  while (i < length) {
    const code = css.charCodeAt(i);
    if (code === 34 || code === 39) {
      i++;
      while (i < length && css.charCodeAt(i) !== code) i += css.charCodeAt(i) === 92 ? 2 : 1;
      i++;
      continue;
    }
    if (code === 47 && css.charCodeAt(i + 1) === 42) {
      const end = css.indexOf('*/', i + 2);
      i = end < 0 ? length : end + 2;
      continue;
    }
    if (code === 92) {
      i += 2;
      continue;
    }
    if (code === 123 /* { */) {
      if (pending.length > 0 && !css.slice(segmentStart, i).trimStart().startsWith('@')) {
        for (const [at, [from, to]] of pending) {
          out += css.slice(copied, at) + to;
          copied = at + from.length;
        }
      }
      pending = [];
      segmentStart = i + 1;
    } else if (code === 125 /* } */ || code === 59 /* ; */) {
      pending = [];
      segmentStart = i + 1;
    } else if (code === 58 && css.charCodeAt(i + 1) !== 58 && (i === 0 || css.charCodeAt(i - 1) !== 58)) {
      const rewrite = REWRITES.find(
        ([from]) => css.startsWith(from, i) && !isNameChar(css.charCodeAt(i + from.length)),
      );
      if (rewrite !== undefined) {
        pending.push([i, rewrite]);
        i += rewrite[0].length;
        continue;
      }
    }
    i++;
  }
  return copied === 0 ? css : out + css.slice(copied);
}
