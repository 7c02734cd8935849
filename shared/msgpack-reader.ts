/**
 * The reading half of the codec's msgpack for the customer's side, which
 * only ever reads the agent's small messages (pointer, ink, control,
 * actions): about 1.5 KB instead of msgpackr's 15 KB Unpackr, which stays
 * where it earns its size, on the agent's side (shared/msgpackr-unpack.ts).
 *
 * For every input it either gives what msgpackr's
 * `new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number', structuredClone: false })`
 * gives, or throws a MsgpackReadError saying what was wrong (checked against
 * msgpackr itself, valid and hostile bytes alike, by
 * test/node/msgpack-reader.test.ts). It refuses more than msgpackr does, all
 * of it bytes msgpack-writer.ts never writes: every extension but type 0
 * (undefined), msgpackr's record definitions (0x72), the never-used byte
 * 0xc1, and nesting deeper than MAX_DEPTH (msgpackr overflows the stack).
 *
 * As msgpackr: maps become plain objects, a `__proto__` key becomes
 * `__proto_`, number, boolean and nil keys become strings and any other key
 * is refused; 64-bit integers become (possibly rounded) numbers; bin is a
 * view into the input; strings are UTF-8 with U+FFFD for bad bytes, a
 * leading byte order mark dropped only from strings over 64 bytes (msgpackr
 * hands those to TextDecoder and decodes shorter ones itself); bytes left
 * after the value are an error.
 */

/** Deeper than any message of the protocol, far below where a recursive reader overflows its stack. */
export const MAX_DEPTH = 256;

/** Bytes that are not one msgpack value this reader accepts. */
export class MsgpackReadError extends Error {
  override name = 'MsgpackReadError';
}

/** Keeps a leading byte order mark: it is part of the string that was sent. */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The one msgpack value `bytes` holds. Throws a MsgpackReadError for anything else. */
export function readMsgpack(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  let at = 0;

  /** Claims the next `count` bytes and returns where they start. */
  const take = (count: number): number => {
    if (count > end - at) throw new MsgpackReadError(`The data ends inside a value (byte ${at} of ${end}).`);
    at += count;
    return at - count;
  };
  /** An unsigned big-endian integer of 1, 2 or 4 bytes. */
  const uint = (size: number): number => {
    const from = take(size);
    return size === 1 ? (bytes[from] ?? 0) : size === 2 ? view.getUint16(from) : view.getUint32(from);
  };
  const int64 = (high: (from: number) => number): number => {
    const from = take(8);
    return high(from) * 0x1_0000_0000 + view.getUint32(from + 4);
  };
  const text = (length: number): string => {
    const from = take(length);
    if (length > 64) return utf8.decode(bytes.subarray(from, at));
    let ascii = '';
    for (let i = from; i < at; i++) {
      const byte = bytes[i] ?? 0;
      if (byte > 0x7f) return utf8.decode(bytes.subarray(from, at));
      ascii += String.fromCharCode(byte);
    }
    return ascii;
  };
  const extension = (length: number): undefined => {
    const type = uint(1);
    take(length);
    // Type 0 is msgpackr's undefined; 0x72 its record definitions, which a reader without records must refuse.
    if (type !== 0) throw new MsgpackReadError(`Extension type ${type} is not accepted.`);
    return undefined;
  };
  const array = (length: number, depth: number): unknown[] => {
    if (length > end - at) throw new MsgpackReadError(`An array of ${length} items in ${end - at} bytes.`);
    // Grown item by item: a hostile length allocates nothing before its items are there.
    const items: unknown[] = [];
    for (let i = 0; i < length; i++) items.push(value(depth));
    return items;
  };
  const map = (length: number, depth: number): Record<string, unknown> => {
    if (length > (end - at) / 2) throw new MsgpackReadError(`A map of ${length} entries in ${end - at} bytes.`);
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < length; i++) {
      const key = value(depth);
      let name: string;
      if (typeof key === 'string') name = key;
      else if (key == null || typeof key === 'number' || typeof key === 'boolean') name = String(key);
      else throw new MsgpackReadError(`A map key of type ${typeof key}.`);
      entries[name === '__proto__' ? '__proto_' : name] = value(depth);
    }
    return entries;
  };
  function value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new MsgpackReadError(`Values nested deeper than ${MAX_DEPTH}.`);
    const token = uint(1);
    if (token < 0x80) return token;
    if (token < 0x90) return map(token - 0x80, depth + 1);
    if (token < 0xa0) return array(token - 0x90, depth + 1);
    if (token < 0xc0) return text(token - 0xa0);
    if (token >= 0xe0) return token - 0x100;
    switch (token) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
      case 0xc5:
      case 0xc6: {
        const length = uint(1 << (token - 0xc4));
        return bytes.subarray(take(length), at);
      }
      case 0xc7:
      case 0xc8:
      case 0xc9:
        return extension(uint(1 << (token - 0xc7)));
      case 0xca:
        return view.getFloat32(take(4));
      case 0xcb:
        return view.getFloat64(take(8));
      case 0xcc:
      case 0xcd:
      case 0xce:
        return uint(1 << (token - 0xcc));
      case 0xcf:
        return int64((from) => view.getUint32(from));
      case 0xd0:
        return view.getInt8(take(1));
      case 0xd1:
        return view.getInt16(take(2));
      case 0xd2:
        return view.getInt32(take(4));
      case 0xd3:
        return int64((from) => view.getInt32(from));
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return extension(1 << (token - 0xd4));
      case 0xd9:
      case 0xda:
      case 0xdb:
        return text(uint(1 << (token - 0xd9)));
      case 0xdc:
      case 0xdd:
        return array(uint(token === 0xdc ? 2 : 4), depth + 1);
      case 0xde:
      case 0xdf:
        return map(uint(token === 0xde ? 2 : 4), depth + 1);
      default:
        throw new MsgpackReadError('Byte 0xc1, which msgpack never uses.');
    }
  }

  const result = value(0);
  if (at !== end) throw new MsgpackReadError(`${end - at} bytes after the value.`);
  return result;
}
