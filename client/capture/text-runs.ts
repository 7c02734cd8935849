/**
 * The text a text node renders beside: a number split over two text nodes
 * ("4111 1111 " + "1111 1111") or over sibling inline elements (one <span>
 * per group, as formatting widgets render them) is one number on screen, so
 * masking looks at the neighbours' text too.
 *
 * Neighbours are read in the flat tree (flat-tree.ts): text a shadow root
 * renders and text slotted into it join like any inline text. A run stops
 * at elements that break a line of text (blocks such as <p>, <li>, table
 * cells, form controls, replaced elements) and at documents. <div>, <span>,
 * <br> and unknown (custom) elements join: flex rows of <div>s render one
 * number as easily as <span>s do, and when in doubt we mask. Inline
 * elements' boundaries add nothing; a <br> is a line break to the rule
 * (LINE_BREAK_MARK: a card wrapped by <br> must pass Luhn, so lists of one
 * number per line stay readable); other elements' count as whitespace (one
 * separator). Table cells of one row join when the row writes a card or
 * an SSN a group per cell (table-runs.ts).
 */

/** Tags whose boundary ends a run of text (their content, if any, is its own run). */
const RUN_BREAK_TAGS: ReadonlySet<string> = new Set([
  'address',
  'article',
  'aside',
  'audio',
  'blockquote',
  'body',
  'button',
  'canvas',
  'caption',
  'col',
  'colgroup',
  'dd',
  'details',
  'dialog',
  'dl',
  'dt',
  'embed',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'frame',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'head',
  'header',
  'hr',
  'html',
  'iframe',
  'img',
  'input',
  'legend',
  'li',
  'main',
  'math',
  'menu',
  'nav',
  'noscript',
  'object',
  'ol',
  'optgroup',
  'option',
  'p',
  'picture',
  'pre',
  'script',
  'section',
  'select',
  'style',
  'summary',
  'svg',
  'table',
  'tbody',
  'td',
  'template',
  'textarea',
  'tfoot',
  'th',
  'thead',
  'title',
  'tr',
  'ul',
  'video',
]);
import { localNameOf, nodeTypeOf, parentNodeOf } from './dom-read.js';
import { LINE_BREAK_MARK } from '../../shared/sensitive-numbers.js';
import { flatEdgeChild, flatParent, flatSibling } from './flat-tree.js';
import { cellJoin } from './table-runs.js';
import { generatedText } from './mask-pseudo.js';

/**
 * Inline by default: their boundaries add nothing to the text ("<b>4111</b>-<i>1111</i>" reads
 * 4111-1111). Other joining elements (<div>...) count as a line break, i.e. whitespace. Custom
 * elements (a dash in the name) are inline by default too.
 */
const INLINE_TAGS: ReadonlySet<string> = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'big',
  'cite',
  'code',
  'data',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'ins',
  'kbd',
  'label',
  'mark',
  'nobr',
  'output',
  'q',
  'rb',
  'rp',
  'rt',
  'ruby',
  's',
  'samp',
  'slot',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
]);

function boundaryText(el: Element): string {
  const tag = localNameOf(el);
  if (tag === 'br') return LINE_BREAK_MARK;
  return INLINE_TAGS.has(tag) || tag.includes('-') ? '' : ' ';
}

/** Characters of neighbouring text looked at on each side: a 19-digit number with separators and indentation fits. */
const CONTEXT_CHARS = 96;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

function breaksRun(el: Element, isOwnUi: (node: Node) => boolean): boolean {
  return RUN_BREAK_TAGS.has(localNameOf(el)) || isOwnUi(el);
}

export interface RunNeighbours {
  /** The neighbours' text in rendering order (element boundaries as spaces). */
  text: string;
  /** The text nodes that text came from, nearest first. */
  nodes: CharacterData[];
  /** Where each of `nodes` starts in `text`. */
  starts: number[];
}

/**
 * Text rendered right before (`direction` -1) or after (+1) `start` in the
 * same run, up to about CONTEXT_CHARS characters. `start` may be any node.
 */
export function runNeighbours(start: Node, direction: -1 | 1, isOwnUi: (node: Node) => boolean): RunNeighbours {
  const parts: string[] = [];
  const nodes: CharacterData[] = [];
  const partOf: number[] = [];
  let size = 0;
  /** Whether generated content met from here on may still join the number (no letter yet: mask-pseudo.ts). */
  let joinable = true;
  const generated = (el: Element, side: -1 | 1): void => {
    const text = joinable ? generatedText(el, side) : '';
    if (text === '') return;
    parts.push(text);
    size += text.length;
    if (NUMBER_END.test(text)) joinable = false;
  };
  let node: Node = start;
  outer: while (size < CONTEXT_CHARS) {
    let next: Node | null = flatSibling(node, direction);
    if (next === null) {
      const parent = flatParent(node);
      if (parent === null || nodeTypeOf(parent) !== ELEMENT_NODE) break;
      // Its ::after (::before going back) shows at this end of its content, inside it (mask-pseudo.ts).
      if (!isOwnUi(parent)) generated(parent as Element, direction);
      if (!breaksRun(parent as Element, isOwnUi)) {
        parts.push(boundaryText(parent as Element));
        size++;
        node = parent;
        continue;
      }
      // A table cell ends the run unless its row writes one number over its cells (table-runs.ts).
      const join = isOwnUi(parent) ? null : cellJoin(parent as Element, direction);
      if (join === null) break;
      parts.push(join.boundary);
      size++;
      next = flatEdgeChild(join.cell, direction);
      if (next === null) break;
    }
    // Enter `next` and go down to its nearest leaf on this side.
    for (;;) {
      const type = nodeTypeOf(next);
      if (type === TEXT_NODE || type === CDATA_SECTION_NODE) {
        const data = (next as CharacterData).data;
        // A letter the page does not show ends nothing (`278<span style="display:none">x</span>-41-5396`): its text
        // renders nothing (review s15b M2). Asked only of the first text with a letter on each side.
        if (joinable && NUMBER_END.test(data) && !isShownText(next)) {
          node = next;
          break;
        }
        partOf.push(parts.length);
        parts.push(data);
        size += data.length;
        if (joinable && NUMBER_END.test(data)) joinable = false;
        nodes.push(next as CharacterData);
        node = next;
        break;
      }
      if (type !== ELEMENT_NODE) {
        node = next; // comments and processing instructions render nothing
        break;
      }
      const el = next as Element;
      if (breaksRun(el, isOwnUi)) break outer;
      parts.push(boundaryText(el));
      size++;
      // Its ::before (::after going back) shows first; an empty element's both.
      generated(el, -direction as -1 | 1);
      const child = flatEdgeChild(el, direction);
      if (child === null) {
        generated(el, direction);
        node = el;
        break;
      }
      next = child;
    }
  }
  if (direction < 0) parts.reverse();
  const offsets: number[] = [];
  let offset = 0;
  for (const part of parts) {
    offsets.push(offset);
    offset += part.length;
  }
  const starts = partOf.map((part) => offsets[direction < 0 ? parts.length - 1 - part : part] ?? 0);
  return { text: parts.join(''), nodes, starts };
}

/** The platform's checkVisibility, taken when the session bundle loads. */
const checkVisibility = Element.prototype.checkVisibility;

/** Whether a text's element is shown (not `display: none`, `visibility: hidden`, in `content-visibility: hidden`). */
function isShownText(text: Node): boolean {
  const parent = parentNodeOf(text);
  if (parent === null || nodeTypeOf(parent) !== ELEMENT_NODE) return true;
  try {
    return checkVisibility.call(parent as Element, { visibilityProperty: true });
  } catch {
    return true;
  }
}

/** A letter, which ends a number (one of `a-f` may be a piece of a percent-escape, so those do not count). */
const NUMBER_END = /(?![a-fA-F])\p{L}/u;

/** The text of a text's whole run: its neighbours' text (runNeighbours) around its own `data`. */
export function runText(data: string, before: RunNeighbours | null, after: RunNeighbours | null): string {
  return (before?.text ?? '') + data + (after?.text ?? '');
}

/** Ancestors looked through for a text's anchor (runAnchor): inline elements nest a few deep at most. */
const ANCHOR_DEPTH = 4;

/**
 * The element a text's run is anchored in: its nearest ancestor that is not inline (a <span> or <b>
 * around it is often replaced with the text: innerHTML), within ANCHOR_DEPTH levels; null at a root.
 */
export function runAnchor(node: Node): Element | null {
  let el: Node | null = parentNodeOf(node);
  for (let depth = 0; el !== null && nodeTypeOf(el) === ELEMENT_NODE; depth++) {
    const tag = localNameOf(el as Element);
    if (depth === ANCHOR_DEPTH || !(INLINE_TAGS.has(tag) || tag.includes('-'))) return el as Element;
    const parent = parentNodeOf(el);
    if (parent === null || nodeTypeOf(parent) !== ELEMENT_NODE) return el as Element;
    el = parent;
  }
  return null;
}

/** Whether a text node's own content belongs to a run at all (text inside <style>, <script>... does not). */
export function isRunText(node: CharacterData, isOwnUi: (node: Node) => boolean): boolean {
  const parent = parentNodeOf(node);
  if (parent === null || nodeTypeOf(parent) !== ELEMENT_NODE) return true;
  const tag = localNameOf(parent as Element);
  return tag !== 'style' && tag !== 'script' && tag !== 'textarea' && tag !== 'title' && !isOwnUi(parent);
}
