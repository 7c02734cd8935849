/**
 * Columnar wire layout of serialized node lists (snapshot parts and mutation
 * adds). Instead of one msgpack map per node, a list travels as a few
 * columns, so deflate sees like next to like (the tree's shape together, text
 * together, attribute values together):
 *
 *   [shape, idSkips, parents, extras, attributeValues, texts]
 *
 * - shape: per node, its code, its parent step and, for an element, its
 *   attribute count and that many attribute names (table index or literal).
 *   Interleaved, so a repeated piece of markup (a list item with a link) is
 *   one repeated run that deflate copies whole.
 *   - code: 0 text, 1 comment, 2 doctype, 3 shadow, 4 doc; an element is 5 +
 *     its tag's index in the stream's tag table, or the tag itself the first
 *     time (both sides then add it to the table).
 *   - parent step k >= 0: the parent is the k-th node up the chain that ends
 *     with the previous node (0: the previous node itself; 1: its parent, a
 *     sibling then). -1: the parent is the next entry of `parents`, and the
 *     chain restarts at that parent. The chain carries over from the
 *     stream's previous list, so a snapshot part goes on where the last one
 *     stopped, and rows appended one by one find their list.
 * - idSkips: [index delta, id delta] pairs for the nodes whose id is not the
 *   previous one + 1 (in pre-order there are almost none). The first node
 *   counts from the last id of the stream's previous list.
 * - extras: [index delta, map] pairs holding every other field of a node
 *   (next, namespace, value, checked, selected, masked, blocked, cssRules,
 *   scrollX, scrollY, name, adopted, and `attributes` when it is empty), so
 *   rare fields cost nothing on the nodes that lack them. Their keys are the
 *   short ones of NODE_KEYS. A value equal to its default is a reference
 *   (VALUE_ATTRIBUTE, VALUE_NEXT_TEXT).
 * - attributeValues and texts (of text and comment nodes): one string, the
 *   values joined by U+0000, so no per-string msgpack header breaks deflate's
 *   copies; a list whose values contain U+0000 (only script-made text can)
 *   or that is empty travels as an array. The codec sends the joined string
 *   on a side stream of its own (wire-side.ts, stream-segments.ts): the column
 *   then holds its length in UTF-8 bytes.
 *
 * Measured on the bench pages (with wire-format.ts; bench/wire-dump.ts dumps
 * the messages): 10k-node page 34.1 → 13.8 KB with the first columnar layout
 * (100k 323 → 116 KB, long page 20.9 → 12.7 KB); interleaving the shape and
 * joining the strings then took the long page 12.5 → 11.9 KB at level 6
 * (deflate at level 9 then 11.1 KB).
 * node-list-columns.ts reads it back (plain node objects, validation left to
 * the schema); anything that does not fit the layout throws WireFormatError.
 */
import { WireKeys } from './wire-keys.js';
import { SideStream, type SideReader, type SideWriter } from './wire-side.js';
import { WireFormatError, isPlainRecord, isSafeNat, type WireState } from './wire-names.js';

const KIND_CODES: Readonly<Record<string, number>> = { text: 0, comment: 1, doctype: 2, shadow: 3, doc: 4 };
export const KINDS = ['text', 'comment', 'doctype', 'shadow', 'doc'] as const;
export const ELEMENT_CODE = 5;
/** The keys of a node's extras on the wire (the protocol's field names before they were made readable). */
export const NODE_KEYS = new WireKeys({
  attributes: 'a',
  next: 'nx',
  namespace: 'ns',
  value: 'v',
  checked: 'chk',
  selected: 'sel',
  indeterminate: 'ind',
  invalid: 'inv',
  masked: 'm',
  blocked: 'blk',
  cssRules: 'css',
  scrollX: 'sx',
  scrollY: 'sy',
});
export const BOX_KEYS = new WireKeys({ width: 'w', height: 'h' });
export const EXPLICIT_PARENT = -1;
/**
 * A form control's value equal to its default travels as a reference to the
 * text that holds it: its own `value` attribute (an input nobody changed, a
 * hidden field), or the text node right after it, its child (a textarea's
 * content). Once the strings have streams of their own, deflate can no longer
 * copy the value from the attribute or text: 10k- and 100k-node bench pages
 * -7.8 %, 1k -6.6 %.
 */
export const VALUE_ATTRIBUTE = 0;
export const VALUE_NEXT_TEXT = 1;
export const COLUMNS = 6;
const SEPARATOR = '\u0000';
/**
 * Largest node list one message may carry. Snapshot parts hold at most
 * 20,000 nodes (client/capture/snapshot.ts); a bigger single insertion is
 * refused here and the mirror recovers through a fresh, parted snapshot.
 */
export const MAX_NODES_PER_LIST = 200_000;

function isStringRecord(value: unknown): value is Record<string, string> {
  if (!isPlainRecord(value)) return false;
  for (const key in value) if (typeof value[key] !== 'string') return false;
  return true;
}

/** Where a list's joined strings go: on the side streams when at least `minLength` long, else in place. */
export interface SideOutput {
  writer: SideWriter;
  minLength: number;
}

/**
 * Strings as one, joined by U+0000: on `stream` of `side` (its length in
 * bytes stands in for it) when there is one and the text is long enough, else
 * in place. As they are when empty or when one contains U+0000.
 */
function joined(values: string[], side: SideOutput | null, stream: SideStream): string | string[] | number {
  if (values.length === 0) return values;
  for (const value of values) if (value.includes(SEPARATOR)) return values;
  const text = values.join(SEPARATOR);
  return side === null || text === '' || text.length < side.minLength ? text : side.writer.put(stream, text);
}

/** The strings of a joined column (untrusted input: still unvalidated strings). */
export function split(wire: unknown, what: string, side: SideReader | null, stream: SideStream): readonly unknown[] {
  if (typeof wire === 'string') return wire.split(SEPARATOR);
  if (typeof wire === 'number') {
    if (side === null) throw new WireFormatError(`Node list ${what} refer to a side stream the message lacks.`);
    return side.take(stream, wire).split(SEPARATOR);
  }
  if (!Array.isArray(wire)) throw new WireFormatError(`Node list ${what} are neither text nor a list.`);
  return wire;
}

/**
 * The columnar form of `nodes`, or null when some node does not have the
 * shape the layout expects (then the caller sends the message as it is).
 * Updates `state` (tag and attribute tables, last id); roll it back on null.
 */
export function encodeNodeList(
  nodes: readonly unknown[],
  state: WireState,
  side: SideOutput | null = null,
): unknown[] | null {
  const shape: (number | string)[] = [];
  const idSkips: number[] = [];
  const parents: number[] = [];
  const attributeValues: string[] = [];
  const texts: string[] = [];
  const extras: unknown[] = [];
  // The previous node and its ancestors, innermost last (carried over from the stream's previous list):
  // chain[0..top). A count of its own rather than the array's length: setting `length` is a runtime call
  // (at 100k nodes ~20 ms of the encoding in Node's profile).
  const chain: number[] = [...state.chain];
  let top = chain.length;
  let previousId = state.lastNodeId;
  let lastExtra = -1;
  let lastSkip = -1;

  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!isPlainRecord(node)) return null;
    const { kind: k, id, parent: p } = node;
    if (typeof k !== 'string' || !isSafeNat(id) || !isSafeNat(p)) return null;
    let extra: Record<string, unknown> | null = null;
    let attributesCovered = false;
    let names: string[] | null = null;

    if (k === 'el') {
      const tag = node.tag;
      if (typeof tag !== 'string') return null;
      const ref = state.tags.ref(tag);
      shape.push(typeof ref === 'number' ? ELEMENT_CODE + ref : ref);
      const a = node.attributes;
      names = isStringRecord(a) ? Object.keys(a) : [];
      if (names.length > 0) {
        const record = a as Record<string, string>;
        for (const name of names) attributeValues.push(record[name] as string);
        attributesCovered = true;
      }
    } else {
      const code = KIND_CODES[k];
      if (code === undefined) return null;
      shape.push(code);
      if (k === 'text' || k === 'comment') {
        if (typeof node.text !== 'string') return null;
        texts.push(node.text);
      }
    }

    if (id !== previousId + 1) {
      idSkips.push(i - lastSkip, id - (previousId + 1));
      lastSkip = i;
    }
    previousId = id;

    let up = -1;
    for (let j = top - 1; j >= 0; j--) {
      if (chain[j] === p) {
        up = top - 1 - j;
        break;
      }
    }
    if (up >= 0) {
      top -= up;
      shape.push(up);
    } else {
      shape.push(EXPLICIT_PARENT);
      parents.push(p);
      chain[0] = p;
      top = 1;
    }
    chain[top++] = id;
    if (names !== null) {
      shape.push(names.length);
      for (const name of names) shape.push(state.attributeNames.ref(name));
    }

    for (const key in node) {
      if (key === 'kind' || key === 'id' || key === 'parent' || node[key] === undefined) continue;
      if (
        k === 'el'
          ? key === 'tag' || (key === 'attributes' && attributesCovered)
          : key === 'text' && (k === 'text' || k === 'comment')
      )
        continue;
      // A wire key as a field name is no field of ours: send the message as it is (it fails validation).
      if (NODE_KEYS.isWireOnly(key)) return null;
      let value = node[key];
      if (key === 'blocked' && isPlainRecord(value)) {
        const box = BOX_KEYS.encode(value);
        if (box === null) return null;
        value = box;
      } else if (key === 'value' && k === 'el') {
        // A number would read as a reference below: send the message as it is (it fails validation).
        if (typeof value !== 'string') return null;
        const next = nodes[i + 1];
        if (attributesCovered && (node.attributes as Record<string, string>).value === value) value = VALUE_ATTRIBUTE;
        else if (
          isPlainRecord(next) &&
          next.kind === 'text' &&
          next.parent === id &&
          next.text === value &&
          typeof next.id === 'number'
        )
          value = VALUE_NEXT_TEXT;
      }
      extra ??= {};
      extra[NODE_KEYS.key(key)] = value;
    }
    if (extra !== null) {
      extras.push(i - lastExtra, extra);
      lastExtra = i;
    }
  }
  if (nodes.length > 0) {
    state.lastNodeId = previousId;
    chain.length = top;
    state.chain = chain;
  }
  return [
    shape,
    idSkips,
    parents,
    extras,
    joined(attributeValues, side, SideStream.attributeValues),
    joined(texts, side, SideStream.texts),
  ];
}

/** A column of the wire form, which must be an array. */
export function column(wire: readonly unknown[], index: number): readonly unknown[] {
  const value = wire[index];
  if (!Array.isArray(value)) throw new WireFormatError(`Node list column ${index} is not an array.`);
  return value;
}
