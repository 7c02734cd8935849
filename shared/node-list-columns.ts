/**
 * Reading node lists off their columnar wire form (layout in
 * node-list-compaction.ts), in two steps: the columns (readColumns: every
 * structural check, the stream state, the nodes with rare fields as whole
 * records), then the node records (recordsOf). decodeNodeList does both for
 * the customer's decoders and the SDK; the agent checks the columns with zod
 * in between (node-list-decode.ts). Untrusted input: anything our encoder
 * cannot have produced throws WireFormatError (fatal for the stream); the
 * records still go through schema validation.
 */
import {
  BOX_KEYS,
  COLUMNS,
  ELEMENT_CODE,
  EXPLICIT_PARENT,
  KINDS,
  MAX_NODES_PER_LIST,
  NODE_KEYS,
  VALUE_ATTRIBUTE,
  VALUE_NEXT_TEXT,
  column,
  split,
} from './node-list-compaction.js';
import { SideStream, type SideReader } from './wire-side.js';
import { WireFormatError, isPlainRecord, safeInt, safeKey, type WireState } from './wire-names.js';

export const TEXT = 0;
export const COMMENT = 1;
export const DOCTYPE = 2;

/** A node list read off its columns, before the records are made. */
export interface NodeColumns {
  /** Per node: 0 text, 1 comment, 2 doctype, 3 shadow, 4 doc, 5 element. */
  codes: number[];
  ids: number[];
  parents: number[];
  /** Per element, in order. */
  tags: string[];
  attributeCounts: number[];
  /** Per attribute, in order (as object keys: safeKey). */
  attributeNames: string[];
  attributeValues: string[];
  /** Per text node, and per comment, in order. */
  texts: string[];
  comments: string[];
  /** The nodes that have rare fields, as whole records (still unvalidated), by index. */
  extras: Map<number, Record<string, unknown>>;
}

/**
 * Reads a node list's columns (untrusted input). Throws WireFormatError on
 * anything our encoder cannot have produced; updates `state` (the last id
 * and the parent chain, which the next list goes on from).
 */
export function readColumns(value: unknown, state: WireState, side: SideReader | null): NodeColumns {
  if (!Array.isArray(value) || value.length !== COLUMNS) throw new WireFormatError('A node list must have 6 columns.');
  const shape = column(value, 0);
  const idSkips = column(value, 1);
  const parentColumn = column(value, 2);
  const extraColumn = column(value, 3);
  const attributeColumn = split(value[4], 'attribute values', side, SideStream.attributeValues);
  const textColumn = split(value[5], 'texts', side, SideStream.texts);
  if (idSkips.length % 2 !== 0) throw new WireFormatError('Id skips come in pairs.');

  const columns: NodeColumns = {
    codes: [],
    ids: [],
    parents: [],
    tags: [],
    attributeCounts: [],
    attributeNames: [],
    attributeValues: [],
    texts: [],
    comments: [],
    extras: new Map(),
  };
  const { codes, ids, parents, tags, attributeCounts, attributeNames, attributeValues } = columns;
  const chain: number[] = [...state.chain];
  let previousId = state.lastNodeId;
  let parentAt = 0;
  let textAt = 0;
  let skipAt = 0;
  let nextSkip = idSkips.length > 0 ? safeInt(idSkips[0], 'An id skip') - 1 : -1;

  for (let at = 0, i = 0; at < shape.length; i++) {
    // A node costs the sender a few bytes but the receiver an object: cap lists while reading.
    if (i >= MAX_NODES_PER_LIST)
      throw new WireFormatError(`A node list holds over ${MAX_NODES_PER_LIST} nodes, the limit.`);
    const code = shape[at++];
    let n: number;
    let tag: string | undefined;
    if (typeof code === 'string') {
      n = ELEMENT_CODE;
      tag = state.tags.resolve(code);
    } else {
      n = safeInt(code, 'A node code');
      if (n >= ELEMENT_CODE) {
        tag = state.tags.resolve(n - ELEMENT_CODE);
        n = ELEMENT_CODE;
      } else if (n < 0) {
        throw new WireFormatError(`Unknown node code ${n}.`);
      }
    }

    let id = previousId + 1;
    if (i === nextSkip) {
      id += safeInt(idSkips[skipAt + 1], 'An id delta');
      skipAt += 2;
      if (skipAt < idSkips.length) {
        const delta = safeInt(idSkips[skipAt], 'An id skip');
        if (delta < 1) throw new WireFormatError('Id skips must move forward.');
        nextSkip = i + delta;
      }
    }
    if (!Number.isSafeInteger(id)) throw new WireFormatError('An id is out of range.');
    previousId = id;

    if (at >= shape.length) throw new WireFormatError('A node has no parent step.');
    const up = safeInt(shape[at++], 'A parent step');
    let p: number;
    if (up === EXPLICIT_PARENT) {
      if (parentAt >= parentColumn.length) throw new WireFormatError('Too few explicit parents.');
      p = safeInt(parentColumn[parentAt++], 'A parent id');
      chain.length = 0;
      chain.push(p);
    } else {
      if (up < 0 || up >= chain.length) throw new WireFormatError(`Parent step ${up} leaves the list.`);
      chain.length -= up;
      p = chain[chain.length - 1] as number;
    }
    chain.push(id);
    codes.push(n);
    ids.push(id);
    parents.push(p);

    if (tag !== undefined) {
      tags.push(tag);
      const count = safeInt(shape[at++], 'An attribute count');
      if (count < 0 || at + count > shape.length || attributeValues.length + count > attributeColumn.length)
        throw new WireFormatError('Attribute count out of range.');
      attributeCounts.push(count);
      for (let j = 0; j < count; j++) {
        const name = state.attributeNames.resolve(shape[at++]);
        const attributeValue = attributeColumn[attributeValues.length];
        if (typeof attributeValue !== 'string') throw new WireFormatError('An attribute value is not a string.');
        attributeNames.push(safeKey(name));
        attributeValues.push(attributeValue);
      }
    } else if (n === TEXT || n === COMMENT) {
      const x = textColumn[textAt++];
      if (typeof x !== 'string') throw new WireFormatError('A text is missing.');
      (n === TEXT ? columns.texts : columns.comments).push(x);
    }
  }
  if (
    parentAt !== parentColumn.length ||
    attributeValues.length !== attributeColumn.length ||
    textAt !== textColumn.length ||
    skipAt !== idSkips.length
  ) {
    throw new WireFormatError('Node list columns have entries left over.');
  }
  readExtras(columns, extraColumn);
  if (codes.length > 0) {
    state.lastNodeId = previousId;
    state.chain = chain;
  }
  return columns;
}

/** Where each node's attributes and text start in their columns. */
interface Cursor {
  element: number;
  attribute: number;
  text: number;
  comment: number;
}

/** The record of the node at `index`, the cursor at its first attribute and text; moves the cursor past them. */
function recordAt(columns: NodeColumns, index: number, cursor: Cursor): Record<string, unknown> {
  const n = columns.codes[index] as number;
  const node: Record<string, unknown> = {
    kind: n === ELEMENT_CODE ? 'el' : KINDS[n],
    id: columns.ids[index],
    parent: columns.parents[index],
  };
  if (n === ELEMENT_CODE) {
    node.tag = columns.tags[cursor.element];
    const count = columns.attributeCounts[cursor.element++] as number;
    if (count > 0) {
      const a: Record<string, string> = {};
      const end = cursor.attribute + count;
      for (; cursor.attribute < end; cursor.attribute++)
        a[columns.attributeNames[cursor.attribute] as string] = columns.attributeValues[cursor.attribute] as string;
      node.attributes = a;
    }
  } else if (n === TEXT) {
    node.text = columns.texts[cursor.text++];
  } else if (n === COMMENT) {
    node.text = columns.comments[cursor.comment++];
  }
  return node;
}

/** The nodes with rare fields, as whole records. */
function readExtras(columns: NodeColumns, extras: readonly unknown[]): void {
  if (extras.length % 2 !== 0) throw new WireFormatError('Extras come in pairs.');
  const count = columns.codes.length;
  const cursor: Cursor = { element: 0, attribute: 0, text: 0, comment: 0 };
  let walked = 0;
  let at = -1;
  for (let j = 0; j < extras.length; j += 2) {
    const delta = safeInt(extras[j], 'An extras index');
    at += delta;
    const extra = extras[j + 1];
    if (delta < 1 || at >= count || !isPlainRecord(extra)) throw new WireFormatError('Malformed node extras.');
    // Move the cursor over the nodes before this one (their attributes and texts).
    for (; walked < at; walked++) skipNode(columns, walked, cursor);
    const node = recordAt(columns, at, cursor);
    walked = at + 1;
    for (const key of Object.keys(extra)) {
      const field = NODE_KEYS.field(key);
      if (Object.prototype.hasOwnProperty.call(node, field))
        throw new WireFormatError(`Extras repeat the field ${field}.`);
      const fieldValue = extra[key];
      node[field] =
        field === 'blocked' && isPlainRecord(fieldValue)
          ? BOX_KEYS.decode(fieldValue)
          : field === 'value' && typeof fieldValue === 'number'
            ? referencedValue(columns, node, at, cursor.text, fieldValue)
            : fieldValue;
    }
    columns.extras.set(at, node);
  }
}

function skipNode(columns: NodeColumns, index: number, cursor: Cursor): void {
  const n = columns.codes[index];
  if (n === ELEMENT_CODE) cursor.attribute += columns.attributeCounts[cursor.element++] as number;
  else if (n === TEXT) cursor.text++;
  else if (n === COMMENT) cursor.comment++;
}

/**
 * The text a form value's reference stands for (untrusted: anything but our
 * two references is refused). `nextText`: where the next text node's text is,
 * should the next node be one.
 */
function referencedValue(
  columns: NodeColumns,
  node: Record<string, unknown>,
  at: number,
  nextText: number,
  ref: number,
): string {
  const attributes = node.attributes;
  if (ref === VALUE_ATTRIBUTE && isPlainRecord(attributes) && typeof attributes.value === 'string')
    return attributes.value;
  if (ref === VALUE_NEXT_TEXT && columns.codes[at + 1] === TEXT && columns.parents[at + 1] === node.id)
    return columns.texts[nextText] as string;
  throw new WireFormatError('A form value refers to text the list does not hold.');
}

/** The node records of `columns`, in order (a node with rare fields is its record from the extras). */
export function recordsOf(columns: NodeColumns): Record<string, unknown>[] {
  const nodes: Record<string, unknown>[] = [];
  const cursor: Cursor = { element: 0, attribute: 0, text: 0, comment: 0 };
  for (let i = 0; i < columns.codes.length; i++) {
    const extra = columns.extras.get(i);
    if (extra === undefined) nodes.push(recordAt(columns, i, cursor));
    else {
      skipNode(columns, i, cursor);
      nodes.push(extra);
    }
  }
  return nodes;
}

/**
 * Rebuilds plain node objects from the columnar form (untrusted input: the
 * result still goes through schema validation). Throws WireFormatError on
 * anything our encoder cannot have produced.
 */
export function decodeNodeList(
  value: unknown,
  state: WireState,
  side: SideReader | null = null,
): Record<string, unknown>[] {
  return recordsOf(readColumns(value, state, side));
}
