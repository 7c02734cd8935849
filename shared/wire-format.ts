/**
 * The shape channel messages take inside the codec, before msgpack: a message
 * becomes a positional array instead of a map, so no key names travel.
 *
 *   [type code, presence mask?, ...field values in schema order]
 *
 * - The type code is 1 + the message's index in the channelMessage union; the
 *   field order is each schema's shape order, both read from the schemas, so
 *   a field added there is carried without touching this file. The layout is
 *   therefore the order of shared/protocol/ itself (the union in channel.ts,
 *   the fields in each message's module): adding, removing or reordering
 *   a message type or field changes it, so such a change must bump
 *   PROTOCOL_VERSION's major number (peers of another major are refused).
 * - The mask (only for types with optional fields) has bit j set when the
 *   j-th optional field is present; absent fields take no slot.
 * - `seq` travels as its difference from the previous DOM frame's seq + 1
 *   (0 for an unbroken stream); node lists travel columnar
 *   (node-list-compaction.ts; the agent reads and checks them as columns, node-list-decode.ts), their strings on side streams (wire-side.ts); mutation attrs and texts as flat arrays:
 *   attrs [id, count, name ref, value|null, ...], texts [id, text, ...] with a
 *   masked text's id sent as -(id + 1). A style value may travel as the
 *   operations that build it from the element's last one (wire-style-diff.ts). The maps that still travel as maps
 *   (remote actions, sheet changes, top-layer entries, a node's rare fields)
 *   carry short keys (wire-keys.ts), so protocol.ts can name fields for people.
 *
 * Anything that does not fit (values the types forbid, which tests and buggy
 * callers hand the encoder) is sent as it is: a non-array value, or [0, value]
 * for an array, and fails schema validation on the other side as before.
 */
import { encodeNodeList } from './node-list-compaction.js';
import { decodeNodeList } from './node-list-columns.js';
import { channelMessage } from './protocol.js';
import { WireKeys } from './wire-keys.js';
import { decodeStyleDiff, encodeStyleDiff, rememberStyle } from './wire-style-diff.js';
import { decodeValue, encodeValue } from './wire-value-diff.js';
import type { SideReader, SideWriter } from './wire-side.js';
import { WireFormatError, isPlainRecord, isSafeNat, safeInt, safeKey, type WireState } from './wire-names.js';

interface MessageLayout {
  type: string;
  code: number;
  /** Field names in schema order, without `t`. */
  fields: readonly string[];
  /** Per field: its bit in the presence mask, or -1 when the field is required. */
  optionalBit: readonly number[];
  hasOptional: boolean;
}

const GENERIC_CODE = 0;

/** Reads a node list's wire form into node records (decodeNodeList, or the agent's columnar reader). */
export type NodeListRead = (wire: unknown, state: WireState, side: SideReader | null) => Record<string, unknown>[];

function isOptionalSchema(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const def: unknown = Reflect.get(schema, 'def');
  return typeof def === 'object' && def !== null && Reflect.get(def, 'type') === 'optional';
}

const LAYOUTS: readonly MessageLayout[] = channelMessage.def.options.map((option, index) => {
  const shape = option.shape as Record<string, unknown>;
  const type = option.shape.t.def.values[0] as string;
  const fields = Object.keys(shape).filter((key) => key !== 't');
  let bit = 0;
  const optionalBit = fields.map((field) => (isOptionalSchema(shape[field]) ? bit++ : -1));
  if (bit > 30) throw new Error(`Message type ${type} has too many optional fields for a presence mask.`);
  return { type, code: index + 1, fields, optionalBit, hasOptional: bit > 0 };
});
const LAYOUT_BY_TYPE = new Map(LAYOUTS.map((layout) => [layout.type, layout]));

/**
 * Mutation adds send their joined strings on the side streams only from this
 * length on: a side stream costs a few bytes per message it is flushed for
 * (its block's header and end, its segment length), which the small
 * insertions of a page's steady state do not earn back (measured on the
 * dumped steady state, bench/wire-dump.ts: 613 → 752 B/s with every add on
 * the side streams). Snapshot parts always use them.
 */
export const ADDS_SIDE_MIN_LENGTH = 1024;

/** Sentinel: the field cannot be carried in the compact form. */
const UNFIT = Symbol('unfit');

/** Keys of the maps that travel inside a field, per message type and field (the short names they always had). */
const NESTED_KEYS: Readonly<Record<string, WireKeys>> = {
  'action.action': new WireKeys({
    value: 'v',
    deleteCount: 'del',
    insert: 'ins',
    selectionStart: 'ss',
    selectionEnd: 'se',
    inputType: 'how',
  }),
  'mutations.sheets': new WireKeys({ cssRules: 'css' }),
  'top.layer': new WireKeys({ kind: 'k' }),
};

/** A map, or each map of a list, with wire keys; anything else as it is (validation refuses it later). */
function encodeNested(value: unknown, keys: WireKeys): unknown {
  if (isPlainRecord(value)) return keys.encode(value) ?? UNFIT;
  if (!Array.isArray(value)) return value;
  const out: unknown[] = [];
  for (const item of value as unknown[]) {
    const wire = isPlainRecord(item) ? keys.encode(item) : item;
    if (wire === null) return UNFIT;
    out.push(wire);
  }
  return out;
}

function decodeNested(wire: unknown, keys: WireKeys): unknown {
  if (isPlainRecord(wire)) return keys.decode(wire);
  if (!Array.isArray(wire)) return wire;
  return (wire as unknown[]).map((item) => (isPlainRecord(item) ? keys.decode(item) : item));
}

function encodeAttributeChanges(changes: unknown, state: WireState): unknown[] | typeof UNFIT {
  if (!Array.isArray(changes)) return UNFIT;
  const out: unknown[] = [];
  for (const change of changes as unknown[]) {
    if (!isPlainRecord(change) || !isSafeNat(change.id) || !isPlainRecord(change.attributes)) return UNFIT;
    for (const key in change) if (key !== 'id' && key !== 'attributes') return UNFIT;
    const a = change.attributes;
    const names = Object.keys(a);
    out.push(change.id, names.length);
    for (const name of names) {
      const value = a[name];
      if (typeof value !== 'string' && value !== null) return UNFIT;
      out.push(state.attributeNames.ref(name), name === 'style' ? encodeStyle(change.id, value, state) : value);
    }
  }
  return out;
}

/** A style value as it travels: the operations that build it from the last one sent, or itself (wire-style-diff.ts). */
function encodeStyle(id: number, value: string | null, state: WireState): unknown {
  const base = state.styles.get(id);
  if (value === null) {
    rememberStyle(state, id, null);
    return null;
  }
  const segments = rememberStyle(state, id, value);
  return base === undefined || segments === null ? value : (encodeStyleDiff(base, segments) ?? value);
}

function decodeStyle(id: number, wire: unknown, state: WireState): unknown {
  let value = wire;
  if (Array.isArray(wire)) {
    const base = state.styles.get(id);
    if (base === undefined) throw new WireFormatError('A style difference without a value before it.');
    value = decodeStyleDiff(base, wire);
  }
  if (typeof value === 'string' || value === null) rememberStyle(state, id, value);
  return value;
}

function decodeAttributeChanges(wire: unknown, state: WireState): Record<string, unknown>[] {
  if (!Array.isArray(wire)) throw new WireFormatError('attrs is not an array.');
  const out: Record<string, unknown>[] = [];
  let at = 0;
  while (at < wire.length) {
    const id: unknown = wire[at];
    const count: unknown = wire[at + 1];
    if (!isSafeNat(id) || !isSafeNat(count) || at + 2 + count * 2 > wire.length)
      throw new WireFormatError('Malformed attrs.');
    at += 2;
    const a: Record<string, string | null> = {};
    for (let j = 0; j < count; j++, at += 2) {
      const name = state.attributeNames.resolve(wire[at]);
      const value: unknown = name === 'style' ? decodeStyle(id, wire[at + 1], state) : wire[at + 1];
      if (typeof value !== 'string' && value !== null)
        throw new WireFormatError('An attribute value is neither text nor null.');
      a[safeKey(name)] = value;
    }
    out.push({ id, attributes: a });
  }
  return out;
}

function encodeTextChanges(changes: unknown, state: WireState): unknown[] | typeof UNFIT {
  if (!Array.isArray(changes)) return UNFIT;
  const out: unknown[] = [];
  for (const change of changes as unknown[]) {
    if (!isPlainRecord(change) || !isSafeNat(change.id) || typeof change.text !== 'string') return UNFIT;
    let masked = false;
    for (const key in change) {
      if (key === 'masked' && change.masked === true) masked = true;
      else if (key !== 'id' && key !== 'text' && !(key === 'masked' && change.masked === undefined)) return UNFIT;
    }
    out.push(masked ? -(change.id + 1) : change.id, encodeValue(state.texts, change.id, change.text));
  }
  return out;
}

function decodeTextChanges(wire: unknown, state: WireState): Record<string, unknown>[] {
  if (!Array.isArray(wire) || wire.length % 2 !== 0) throw new WireFormatError('Malformed texts.');
  const out: Record<string, unknown>[] = [];
  for (let at = 0; at < wire.length; at += 2) {
    const id = safeInt(wire[at], 'A text change id');
    const node = id >= 0 ? id : -id - 1;
    const text = decodeValue(state.texts, node, wire[at + 1]);
    if (typeof text !== 'string') throw new WireFormatError('Malformed text change.');
    out.push(id >= 0 ? { id, text } : { id: node, text, masked: true });
  }
  return out;
}

function encodeField(
  type: string,
  field: string,
  value: unknown,
  state: WireState,
  message: Record<string, unknown>,
  side: SideWriter | null,
): unknown {
  if (field === 'seq') {
    if (!isSafeNat(value)) return UNFIT;
    const delta = value - (state.lastSeq + 1);
    state.lastSeq = value;
    return delta;
  }
  if ((type === 'snapshot' && field === 'nodes') || (type === 'mutations' && field === 'adds')) {
    if (!Array.isArray(value)) return UNFIT;
    const minLength = type === 'snapshot' ? 0 : ADDS_SIDE_MIN_LENGTH;
    return encodeNodeList(value, state, side === null ? null : { writer: side, minLength }) ?? UNFIT;
  }
  if (type === 'mutations' && field === 'attrs') return encodeAttributeChanges(value, state);
  if (type === 'mutations' && field === 'texts') return encodeTextChanges(value, state);
  if (type === 'input' && field === 'value' && typeof value === 'string' && isSafeNat(message.id))
    return encodeValue(state.inputValues, message.id, value);
  const nested = NESTED_KEYS[`${type}.${field}`];
  return nested === undefined ? value : encodeNested(value, nested);
}

function decodeField(
  type: string,
  field: string,
  wire: unknown,
  state: WireState,
  message: Record<string, unknown>,
  side: SideReader | null,
  readNodeList: NodeListRead,
): unknown {
  if (field === 'seq') {
    const seq = state.lastSeq + 1 + safeInt(wire, 'A seq delta');
    if (!isSafeNat(seq)) throw new WireFormatError('A seq is out of range.');
    state.lastSeq = seq;
    return seq;
  }
  if ((type === 'snapshot' && field === 'nodes') || (type === 'mutations' && field === 'adds'))
    return readNodeList(wire, state, side);
  if (type === 'mutations' && field === 'attrs') return decodeAttributeChanges(wire, state);
  if (type === 'mutations' && field === 'texts') return decodeTextChanges(wire, state);
  if (type === 'input' && field === 'value') {
    // Without a valid id the encoder sent the value as it was (the schema refuses the message).
    if (isSafeNat(message.id)) return decodeValue(state.inputValues, message.id, wire);
    if (Array.isArray(wire)) throw new WireFormatError('A splice without an element id.');
  }
  const nested = NESTED_KEYS[`${type}.${field}`];
  return nested === undefined ? wire : decodeNested(wire, nested);
}

function encodeCompact(message: unknown, state: WireState, side: SideWriter | null): unknown[] | null {
  if (!isPlainRecord(message) || typeof message.t !== 'string') return null;
  const layout = LAYOUT_BY_TYPE.get(message.t);
  if (layout === undefined) return null;
  for (const key in message) {
    if (key !== 't' && message[key] !== undefined && !layout.fields.includes(key)) return null;
  }
  const out: unknown[] = [layout.code];
  let mask = 0;
  if (layout.hasOptional) out.push(0);
  for (let i = 0; i < layout.fields.length; i++) {
    const field = layout.fields[i] as string;
    const value = message[field];
    const bit = layout.optionalBit[i] as number;
    if (value === undefined) {
      if (bit < 0) return null;
      continue;
    }
    if (bit >= 0) mask |= 1 << bit;
    const wire = encodeField(layout.type, field, value, state, message, side);
    if (wire === UNFIT) return null;
    out.push(wire);
  }
  if (layout.hasOptional) out[1] = mask;
  return out;
}

/**
 * The wire value for `message`, updating `state` as the decoder will. On a
 * refusal after this call (message too large) restore a mark taken before it.
 * Node lists' strings go to `side` when given (the codec's side streams).
 */
export function toWire(message: unknown, state: WireState, side: SideWriter | null = null): unknown {
  const mark = state.mark();
  const compact = encodeCompact(message, state, side);
  if (compact !== null) return compact;
  state.restore(mark);
  side?.clear();
  return Array.isArray(message) ? [GENERIC_CODE, message] : message;
}

/**
 * The message a wire value stands for (still unvalidated), updating `state`
 * as the encoder did, taking node lists' strings from `side` where the
 * message refers to it, reading node lists with `readNodeList`. Throws
 * WireFormatError when the value breaks the format: the stream state can no
 * longer be trusted.
 */
export function fromWire(
  value: unknown,
  state: WireState,
  side: SideReader | null = null,
  readNodeList: NodeListRead = decodeNodeList,
): unknown {
  if (!Array.isArray(value)) return value;
  const code: unknown = value[0];
  if (code === GENERIC_CODE) {
    if (value.length !== 2) throw new WireFormatError('A generic message has one value.');
    return value[1];
  }
  const layout = typeof code === 'number' ? LAYOUTS[code - 1] : undefined;
  if (layout === undefined)
    throw new WireFormatError(`Unknown message code (${typeof code === 'number' ? code : typeof code}).`);
  let at = 1;
  let mask = 0;
  if (layout.hasOptional) {
    const raw: unknown = value[at++];
    if (!isSafeNat(raw) || raw >= 2 ** 31) throw new WireFormatError('Malformed presence mask.');
    mask = raw;
  }
  const message: Record<string, unknown> = { t: layout.type };
  for (let i = 0; i < layout.fields.length; i++) {
    const field = layout.fields[i] as string;
    const bit = layout.optionalBit[i] as number;
    if (bit >= 0 && (mask & (1 << bit)) === 0) continue;
    if (at >= value.length) throw new WireFormatError(`A ${layout.type} message is missing ${field}.`);
    message[field] = decodeField(layout.type, field, value[at++], state, message, side, readNodeList);
  }
  if (at !== value.length) throw new WireFormatError(`A ${layout.type} message has extra values.`);
  return message;
}
