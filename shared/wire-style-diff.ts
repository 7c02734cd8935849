/**
 * Style attribute changes as differences from the value last sent for the
 * same element, inside the codec only: the decoder rebuilds the exact string,
 * so the mirror (and its sanitizer) still sees whole values.
 *
 * A style value is cut after every `;` and the whitespace behind it, e.g.
 * "width: 40px; transform: translateX(3px); opacity: 0.53;" into three
 * segments; cutting anywhere is exact, since the segments are joined back as
 * they are. A changed value travels as a list of operations:
 *
 *   [n, op, op, ...]
 *   - n: the first n segments are the base's first n;
 *   - an integer i >= 0: the base's segment i;
 *   - an integer -(i + 1), then p, s, q: the base's segment i with what lies
 *     between its first p and last q characters replaced by the string s
 *     (used for a segment whose property name, up to its `:`, is the same as
 *     that of base segment i);
 *   - a string: that segment as it is.
 *
 * An animation that moves one property per frame then sends the characters
 * that changed and a few small integers, not the whole declaration list
 * (bench/steady.ts on its dumped messages: 975 → 741 B/s). Every string sent
 * is a piece of the value being sent (the masked one: masking happens before
 * serialization), so nothing goes out that the whole value would not have
 * carried.
 *
 * The base is the last value sent in an attribute change of that element,
 * kept by both ends in step (WireState); at most MAX_STYLE_BASES elements are
 * remembered, the least recently changed forgotten first, and no value longer
 * than MAX_STYLE_BASE_LENGTH (at most 2 MB of text on either end).
 */
import { MAX_STYLE_BASES, WireFormatError, type WireState } from './wire-names.js';
import { splice, unsplice } from './wire-value-diff.js';

export { MAX_STYLE_BASES };

/** The longest value rebuilt from operations (the protocol's limit on an attribute value). */
export const MAX_STYLE_LENGTH = 1_000_000;
/** Longer values are not remembered (both ends apply the rule), so the tables stay small. */
export const MAX_STYLE_BASE_LENGTH = 8192;

const SEPARATOR = /;\s*/g;

/** `value` cut after each `;` and the whitespace that follows it; joining the pieces gives `value` back. */
export function styleSegments(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  SEPARATOR.lastIndex = 0;
  for (let m = SEPARATOR.exec(value); m !== null; m = SEPARATOR.exec(value)) {
    const end = m.index + m[0].length;
    out.push(value.slice(start, end));
    start = end;
  }
  if (start < value.length) out.push(value.slice(start));
  return out;
}

/** The property name of a segment ("transform" of "transform: none; "), or null without a `:`. */
function propertyName(segment: string): string | null {
  const colon = segment.indexOf(':');
  return colon < 0 ? null : segment.slice(0, colon).trim();
}

/**
 * The operations that turn `base` into `segments`, or null when they would
 * reuse nothing (then the value goes as it is).
 */
export function encodeStyleDiff(base: readonly string[], segments: readonly string[]): unknown[] | null {
  let lead = 0;
  while (lead < segments.length && lead < base.length && segments[lead] === base[lead]) lead++;
  const ops: unknown[] = [lead];
  let reused = lead > 0;
  let index: Map<string, number> | null = null;
  let names: Map<string, number> | null = null;
  for (let i = lead; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (index === null || names === null) {
      index = new Map();
      names = new Map();
      for (let j = base.length - 1; j >= 0; j--) {
        const b = base[j] as string;
        index.set(b, j);
        const name = propertyName(b);
        if (name !== null) names.set(name, j);
      }
    }
    const same = index.get(segment);
    if (same !== undefined) {
      ops.push(same);
      reused = true;
      continue;
    }
    const name = propertyName(segment);
    const sameName = name === null ? undefined : names.get(name);
    if (sameName !== undefined) {
      ops.push(-(sameName + 1), ...splice(base[sameName] as string, segment));
      reused = true;
      continue;
    }
    ops.push(segment);
  }
  return reused ? ops : null;
}

/** The value `ops` build from `base` (untrusted input: throws WireFormatError on anything our encoder cannot have sent). */
export function decodeStyleDiff(base: readonly string[], ops: readonly unknown[]): string {
  const lead = ops[0];
  if (typeof lead !== 'number' || !Number.isSafeInteger(lead) || lead < 0 || lead > base.length)
    throw new WireFormatError('Malformed style difference.');
  const parts: string[] = base.slice(0, lead);
  let length = 0;
  for (const part of parts) length += part.length;
  if (length > MAX_STYLE_LENGTH) throw new WireFormatError('A style difference builds too long a value.');
  for (let at = 1; at < ops.length; at++) {
    const op = ops[at];
    let part: string;
    if (typeof op === 'string') {
      part = op;
    } else if (typeof op === 'number' && Number.isSafeInteger(op) && op >= 0 && op < base.length) {
      part = base[op] as string;
    } else if (typeof op === 'number' && Number.isSafeInteger(op) && op < 0 && -op - 1 < base.length) {
      part = unsplice(base[-op - 1] as string, ops[at + 1], ops[at + 2], ops[at + 3]);
      at += 3;
    } else {
      throw new WireFormatError('Malformed style difference.');
    }
    length += part.length;
    if (length > MAX_STYLE_LENGTH) throw new WireFormatError('A style difference builds too long a value.');
    parts.push(part);
  }
  return parts.join('');
}

/** Records `value` as the style last sent for element `id`, as both ends do after every style change. */
export function rememberStyle(state: WireState, id: number, value: string | null): readonly string[] | null {
  const segments = value === null || value.length > MAX_STYLE_BASE_LENGTH ? null : styleSegments(value);
  state.styles.set(id, segments);
  return segments;
}
