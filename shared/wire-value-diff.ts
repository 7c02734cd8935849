/**
 * Values that change a little at a time (a field's value while the customer
 * types, a text node's text while it is edited) travel as a splice of the
 * value last sent for the same node: [p, s, q], the old value with what lies
 * between its first p and last q characters replaced by s. Inside the codec
 * only: the decoder rebuilds the whole value, so the mirror sees whole values.
 * A keystroke in a long textarea then costs a few bytes instead of the whole
 * text again (deflate can copy at most 258 bytes per match). The string sent
 * is a piece of the value being sent (the masked one: masking happens before
 * serialization). The last values live in WireState (LastValues), kept by
 * both ends in step.
 */
import { WireFormatError, type LastValues } from './wire-names.js';

/** Longer values are not remembered (both ends apply the rule), so a table holds at most 32 × 64 K characters. */
export const MAX_VALUE_BASE_LENGTH = 65_536;
/** A splice that keeps fewer characters than this is not worth its integers: the value goes whole. */
const MIN_KEPT = 8;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** [p, s, q]: `to` is `from` with what lies between its first p and last q characters replaced by s. */
export function splice(from: string, to: string): [number, string, number] {
  let p = 0;
  while (p < from.length && p < to.length && from[p] === to[p]) p++;
  // Never between the two halves of a surrogate pair: a lone half would arrive as U+FFFD.
  if (p > 0 && isHighSurrogate(to.charCodeAt(p - 1))) p--;
  let q = 0;
  while (q < from.length - p && q < to.length - p && from[from.length - 1 - q] === to[to.length - 1 - q]) q++;
  if (q > 0 && isLowSurrogate(to.charCodeAt(to.length - q))) q--;
  return [p, to.slice(p, to.length - q), q];
}

/** The string [p, s, q] makes of `from` (untrusted input: throws WireFormatError on a splice our encoder cannot have sent). */
export function unsplice(from: string, p: unknown, s: unknown, q: unknown): string {
  if (
    typeof p !== 'number' ||
    typeof q !== 'number' ||
    typeof s !== 'string' ||
    !Number.isSafeInteger(p) ||
    !Number.isSafeInteger(q) ||
    p < 0 ||
    q < 0 ||
    p + q > from.length
  )
    throw new WireFormatError('Malformed splice.');
  return from.slice(0, p) + s + from.slice(from.length - q);
}

/** `value` as it travels for node `id`: a splice of the last one sent, or itself; remembers it (both ends do). */
export function encodeValue(table: LastValues<string>, id: number, value: string): string | [number, string, number] {
  const base = table.get(id);
  table.set(id, value.length <= MAX_VALUE_BASE_LENGTH ? value : null);
  if (base === undefined) return value;
  const edit = splice(base, value);
  return edit[0] + edit[2] >= MIN_KEPT ? edit : value;
}

/** The value a wire value stands for (untrusted: throws WireFormatError on a splice without a base); remembers it. */
export function decodeValue(table: LastValues<string>, id: number, wire: unknown): unknown {
  let value = wire;
  if (Array.isArray(wire)) {
    const base = table.get(id);
    if (base === undefined || wire.length !== 3) throw new WireFormatError('A splice without a value before it.');
    value = unsplice(base, wire[0], wire[1], wire[2]);
  }
  if (typeof value === 'string') table.set(id, value.length <= MAX_VALUE_BASE_LENGTH ? value : null);
  return value;
}
