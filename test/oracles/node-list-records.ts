/**
 * The oracle for the product's node list readers (shared/node-list-columns.ts
 * and the agent's columnar checks, node-list-decode.ts): the record-by-record
 * reader the product had before those, kept here unchanged so that the
 * tests compare the product with code it does not share. It uses the wire
 * layout's primitives (column, split, the key tables) and nothing else.
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
} from '../../shared/node-list-compaction.js';
import { SideStream, type SideReader } from '../../shared/wire-side.js';
import { WireFormatError, isPlainRecord, safeInt, safeKey, type WireState } from '../../shared/wire-names.js';

/** The text a form value's reference stands for (untrusted: anything but our two references is refused). */
function referencedValue(nodes: readonly Record<string, unknown>[], at: number, ref: number): string {
  const node = nodes[at] as Record<string, unknown>;
  const attributes = node.attributes;
  if (ref === VALUE_ATTRIBUTE && isPlainRecord(attributes) && typeof attributes.value === 'string')
    return attributes.value;
  const next = nodes[at + 1];
  if (ref === VALUE_NEXT_TEXT && next?.kind === 'text' && next.parent === node.id && typeof next.text === 'string')
    return next.text;
  throw new WireFormatError('A form value refers to text the list does not hold.');
}

/**
 * Rebuilds plain node objects from the columnar form (untrusted input: the
 * result still goes through schema validation). Throws WireFormatError on
 * anything our encoder cannot have produced.
 */
export function recordsDecodedOneByOne(
  value: unknown,
  state: WireState,
  side: SideReader | null = null,
): Record<string, unknown>[] {
  if (!Array.isArray(value) || value.length !== COLUMNS) throw new WireFormatError('A node list must have 6 columns.');
  const shape = column(value, 0);
  const idSkips = column(value, 1);
  const parents = column(value, 2);
  const extras = column(value, 3);
  const attributeValues = split(value[4], 'attribute values', side, SideStream.attributeValues);
  const texts = split(value[5], 'texts', side, SideStream.texts);
  if (idSkips.length % 2 !== 0) throw new WireFormatError('Id skips come in pairs.');

  const nodes: Record<string, unknown>[] = [];
  const chain: number[] = [...state.chain];
  let previousId = state.lastNodeId;
  let parentAt = 0;
  let attributeAt = 0;
  let textAt = 0;
  let skipAt = 0;
  let nextSkip = idSkips.length > 0 ? safeInt(idSkips[0], 'An id skip') - 1 : -1;

  for (let at = 0, i = 0; at < shape.length; i++) {
    // A node costs the sender a few bytes but the receiver an object: cap lists while building.
    if (i >= MAX_NODES_PER_LIST)
      throw new WireFormatError(`A node list holds over ${MAX_NODES_PER_LIST} nodes, the limit.`);
    const code = shape[at++];
    let k: string;
    let tag: string | undefined;
    if (typeof code === 'string') {
      k = 'el';
      tag = state.tags.resolve(code);
    } else {
      const n = safeInt(code, 'A node code');
      if (n >= ELEMENT_CODE) {
        k = 'el';
        tag = state.tags.resolve(n - ELEMENT_CODE);
      } else if (n >= 0) {
        k = KINDS[n] as string;
      } else {
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
      if (parentAt >= parents.length) throw new WireFormatError('Too few explicit parents.');
      p = safeInt(parents[parentAt++], 'A parent id');
      chain.length = 0;
      chain.push(p);
    } else {
      if (up < 0 || up >= chain.length) throw new WireFormatError(`Parent step ${up} leaves the list.`);
      chain.length -= up;
      p = chain[chain.length - 1] as number;
    }
    chain.push(id);

    const node: Record<string, unknown> = { kind: k, id, parent: p };
    if (tag !== undefined) {
      node.tag = tag;
      const n = safeInt(shape[at++], 'An attribute count');
      if (n < 0 || at + n > shape.length || attributeAt + n > attributeValues.length)
        throw new WireFormatError('Attribute count out of range.');
      if (n > 0) {
        const a: Record<string, string> = {};
        for (let j = 0; j < n; j++, attributeAt++) {
          const name = state.attributeNames.resolve(shape[at++]);
          const attributeValue = attributeValues[attributeAt];
          if (typeof attributeValue !== 'string') throw new WireFormatError('An attribute value is not a string.');
          a[safeKey(name)] = attributeValue;
        }
        node.attributes = a;
      }
    } else if (k === 'text' || k === 'comment') {
      const x = texts[textAt++];
      if (typeof x !== 'string') throw new WireFormatError('A text is missing.');
      node.text = x;
    }
    nodes.push(node);
  }
  if (
    parentAt !== parents.length ||
    attributeAt !== attributeValues.length ||
    textAt !== texts.length ||
    skipAt !== idSkips.length
  ) {
    throw new WireFormatError('Node list columns have entries left over.');
  }
  const count = nodes.length;

  if (extras.length % 2 !== 0) throw new WireFormatError('Extras come in pairs.');
  let at = -1;
  for (let j = 0; j < extras.length; j += 2) {
    const delta = safeInt(extras[j], 'An extras index');
    at += delta;
    const extra = extras[j + 1];
    if (delta < 1 || at >= count || !isPlainRecord(extra)) throw new WireFormatError('Malformed node extras.');
    const node = nodes[at] as Record<string, unknown>;
    for (const key of Object.keys(extra)) {
      const field = NODE_KEYS.field(key);
      if (Object.prototype.hasOwnProperty.call(node, field))
        throw new WireFormatError(`Extras repeat the field ${field}.`);
      const value = extra[key];
      node[field] =
        field === 'blocked' && isPlainRecord(value)
          ? BOX_KEYS.decode(value)
          : field === 'value' && typeof value === 'number'
            ? referencedValue(nodes, at, value)
            : value;
    }
  }
  if (count > 0) {
    state.lastNodeId = previousId;
    state.chain = chain;
  }
  return nodes;
}
