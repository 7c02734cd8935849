/**
 * The run of text a text node is rendered in, for finding a masked field's
 * value echoed a letter or a word per inline element: a card preview that
 * animates each letter of the name on the card in its own <span> sends
 * texts of one letter, none of which is an echo alone, while the agent's
 * mirror shows them side by side as the name. The run is the text of the
 * node's nearest ancestor that is not an inline element (a few levels up at
 * most), read over its text nodes; an element the run reader does not know
 * as inline ends it. Not the number rule's reading (text-runs.ts): that one
 * works with neighbours of a node in the walk; this one is read only when a
 * masked field's value is being looked for.
 */
import { childNodesOf, localNameOf, nodeTypeOf, parentElementOf } from './dom-read.js';

/** Elements a page writes a letter or a word in, inside a line of text. */
const INLINE: ReadonlySet<string> = new Set([
  'span',
  'b',
  'i',
  'em',
  'strong',
  'a',
  'small',
  'big',
  'u',
  's',
  'mark',
  'code',
  'tt',
  'kbd',
  'samp',
  'var',
  'sup',
  'sub',
  'abbr',
  'bdi',
  'bdo',
  'q',
  'cite',
  'time',
  'data',
  'font',
  'label',
  'ins',
  'del',
  'tspan',
]);
/** Inline levels climbed at most (a letter in a <span> in a word's <span> in a line's <span>). */
const MAX_DEPTH = 4;
/** Text nodes read per run at most: a block of more is not a line a value is echoed in. */
const MAX_TEXTS = 400;
const TEXT_NODE = 3;

export interface EchoRun {
  /** The run's text. */
  text: string;
  /** Where the node's text starts in it. */
  offset: number;
}

/** The run `node` is rendered in, or null when it is alone there (or the run is too large to be a line). */
export function echoRunOf(node: CharacterData): EchoRun | null {
  const parent = parentElementOf(node);
  if (parent === null || !INLINE.has(localNameOf(parent))) return null;
  const holder = echoLineHolderOf(node);
  return holder === null ? null : lineText(holder, node, 2);
}

/** The element a text's line is read in: its nearest ancestor that is not an inline element (a few levels up at most). */
export function echoLineHolderOf(node: CharacterData): Element | null {
  let holder = parentElementOf(node);
  for (let depth = 0; holder !== null && INLINE.has(localNameOf(holder)) && depth < MAX_DEPTH; depth++)
    holder = parentElementOf(holder);
  return holder;
}

/** The text of `holder`'s line (echoLineHolderOf) and where `node` starts in it; null when too large or not there. */
export function echoLineOf(holder: Element, node: CharacterData): EchoRun | null {
  return lineText(holder, node, 1);
}

/** `holder`'s texts joined and where `node` starts in them; null when too large, fewer than `minTexts`, or not there. */
function lineText(holder: Element, node: CharacterData, minTexts: number): EchoRun | null {
  const texts: CharacterData[] = [];
  if (!collectTexts(holder, texts) || texts.length < minTexts) return null;
  let text = '';
  let offset = -1;
  for (const each of texts) {
    if (each === node) offset = text.length;
    text += each.data;
  }
  return offset < 0 ? null : { text, offset };
}

/** The text nodes under `parent` in order; false when there are more than MAX_TEXTS. */
function collectTexts(parent: Node, into: CharacterData[]): boolean {
  for (const child of Array.from(childNodesOf(parent))) {
    const type = nodeTypeOf(child);
    if (type === TEXT_NODE) {
      into.push(child as CharacterData);
      if (into.length > MAX_TEXTS) return false;
    } else if (type === 1 && !collectTexts(child, into)) {
      return false;
    }
  }
  return true;
}
