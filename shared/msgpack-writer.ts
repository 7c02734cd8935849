/**
 * The packing half of the codec's msgpack: the same bytes as msgpackr's
 * `new Packr({ useRecords: false })` for every value it is given (checked
 * against msgpackr itself by test/node/msgpack-writer.test.ts, fast-check
 * properties plus the wire goldens), in about 2 KB instead of msgpackr's
 * 17 KB packer, which the customer's session bundle no longer carries.
 * Decoding stays msgpackr's (Unpackr in codec.ts): that is the half that
 * meets the other side's bytes.
 *
 * What msgpackr writes, and so this: integers that fit 32 bits in their
 * shortest form (0-127 as positive fixints, as msgpackr does without
 * records), every other number as float64; strings as UTF-8 (a lone
 * surrogate as U+FFFD) with the shortest header; plain objects as map16
 * with their own enumerable keys; arrays, Maps; byte views and ArrayBuffers
 * as bin; undefined as fixext1 type 0; Dates as timestamps; Sets, Errors
 * and RegExps as arrays; bigints as int64/uint64; a toJSON() result in place
 * of an object that has one; functions as undefined.
 */

const INITIAL_BYTES = 8192;
const TypedArray = Object.getPrototypeOf(Uint8Array.prototype).constructor as abstract new () => ArrayBufferView;
const dateToJSON = Date.prototype.toJSON;
/** msgpackr's built-in extension classes, in its order (the first that matches decides). */
const EXTENSION_CLASSES: readonly (abstract new (...args: never[]) => object)[] = [
  Date,
  Set,
  Error,
  RegExp,
  ArrayBuffer,
  TypedArray,
  DataView,
];

/** Packs values to msgpack; one writer reuses its buffer across calls (not re-entrant). */
export class MsgpackWriter {
  #bytes = new Uint8Array(INITIAL_BYTES);
  #view = new DataView(this.#bytes.buffer);
  #at = 0;
  readonly #encoder = new TextEncoder();

  /** The msgpack bytes of `value`, in an array of their own. */
  pack(value: unknown): Uint8Array {
    this.#at = 0;
    this.#value(value);
    return this.#bytes.slice(0, this.#at);
  }

  #room(count: number): void {
    if (this.#at + count <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#at + count));
    grown.set(this.#bytes.subarray(0, this.#at));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  #byte(value: number): void {
    this.#room(1);
    this.#bytes[this.#at++] = value;
  }

  /** A type byte and a big-endian unsigned length of `size` bytes (1, 2 or 4). */
  #header(type: number, length: number, size: 1 | 2 | 4): void {
    this.#room(1 + size);
    this.#bytes[this.#at++] = type;
    if (size === 1) this.#bytes[this.#at] = length;
    else if (size === 2) this.#view.setUint16(this.#at, length);
    else this.#view.setUint32(this.#at, length);
    this.#at += size;
  }

  #value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        return this.#string(value);
      case 'number':
        return this.#number(value);
      case 'boolean':
        return this.#byte(value ? 0xc3 : 0xc2);
      case 'bigint':
        return this.#bigint(value);
      case 'object':
      case 'function':
        return value === null ? this.#byte(0xc0) : this.#object(value);
      case 'undefined':
        return this.#undefined();
      default:
        throw new Error(`Unknown type: ${typeof value}`);
    }
  }

  #string(value: string): void {
    const units = value.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: write after the largest header, then move up to the real one.
    const most = units * 3;
    this.#room(5 + most);
    const start = this.#at;
    const b = this.#bytes;
    let written: number;
    if (units < 0x40) {
      // Short strings (most names and values) by hand, as msgpackr does: encodeInto costs more than it saves here.
      let at = start + 5;
      for (let i = 0; i < units; i++) {
        let c = value.charCodeAt(i);
        if (c < 0x80) b[at++] = c;
        else if (c < 0x800) {
          b[at++] = (c >> 6) | 0xc0;
          b[at++] = (c & 0x3f) | 0x80;
        } else if ((c & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
          c = 0x10000 + ((c & 0x3ff) << 10) + (value.charCodeAt(++i) & 0x3ff);
          b[at++] = (c >> 18) | 0xf0;
          b[at++] = ((c >> 12) & 0x3f) | 0x80;
          b[at++] = ((c >> 6) & 0x3f) | 0x80;
          b[at++] = (c & 0x3f) | 0x80;
        } else if ((c & 0xf800) === 0xd800) {
          // A lone surrogate: U+FFFD, as TextEncoder writes it.
          b[at++] = 0xef;
          b[at++] = 0xbf;
          b[at++] = 0xbd;
        } else {
          b[at++] = (c >> 12) | 0xe0;
          b[at++] = ((c >> 6) & 0x3f) | 0x80;
          b[at++] = (c & 0x3f) | 0x80;
        }
      }
      written = at - start - 5;
    } else {
      written = this.#encoder.encodeInto(value, b.subarray(start + 5, start + 5 + most)).written;
    }
    if (written < 0x20) b[this.#at++] = 0xa0 | written;
    else if (written < 0x100) this.#header(0xd9, written, 1);
    else if (written < 0x10000) this.#header(0xda, written, 2);
    else this.#header(0xdb, written, 4);
    b.copyWithin(this.#at, start + 5, start + 5 + written);
    this.#at += written;
  }

  #number(value: number): void {
    if (value >>> 0 === value) {
      if (value < 0x80) this.#byte(value);
      else if (value < 0x100) this.#header(0xcc, value, 1);
      else if (value < 0x10000) this.#header(0xcd, value, 2);
      else this.#header(0xce, value, 4);
    } else if (value >> 0 === value) {
      this.#room(5);
      if (value >= -0x20) this.#bytes[this.#at++] = 0x100 + value;
      else if (value >= -0x80) {
        this.#bytes[this.#at++] = 0xd0;
        this.#bytes[this.#at++] = value + 0x100;
      } else if (value >= -0x8000) {
        this.#bytes[this.#at++] = 0xd1;
        this.#view.setInt16(this.#at, value);
        this.#at += 2;
      } else {
        this.#bytes[this.#at++] = 0xd2;
        this.#view.setInt32(this.#at, value);
        this.#at += 4;
      }
    } else {
      this.#room(9);
      this.#bytes[this.#at++] = 0xcb;
      this.#view.setFloat64(this.#at, value);
      this.#at += 8;
    }
  }

  #bigint(value: bigint): void {
    this.#room(9);
    if (value < 0x8000000000000000n && value >= -0x8000000000000000n) {
      this.#bytes[this.#at++] = 0xd3;
      this.#view.setBigInt64(this.#at, value);
    } else if (value < 0x10000000000000000n && value > 0n) {
      this.#bytes[this.#at++] = 0xcf;
      this.#view.setBigUint64(this.#at, value);
    } else {
      throw new RangeError(`${value} was too large to fit in MessagePack 64-bit integer format`);
    }
    this.#at += 8;
  }

  #object(value: object): void {
    const constructor: unknown = value.constructor;
    if (constructor === Object) return this.#map(value);
    if (constructor === Array) return this.#array(value as unknown[]);
    if (constructor === Map) {
      const map = value as Map<unknown, unknown>;
      const size = map.size;
      if (size < 0x10) this.#byte(0x80 | size);
      else this.#header(size < 0x10000 ? 0xde : 0xdf, size, size < 0x10000 ? 2 : 4);
      for (const [key, entry] of map) {
        this.#value(key);
        this.#value(entry);
      }
      return;
    }
    const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
    const kind = EXTENSION_CLASSES.findIndex((extension) => value instanceof extension);
    // An instance of a subclass with a toJSON of its own (not a byte view) goes through it, as in msgpackr.
    const throughToJSON =
      kind >= 0 &&
      constructor !== EXTENSION_CLASSES[kind] &&
      toJSON !== undefined &&
      toJSON !== dateToJSON &&
      !ArrayBuffer.isView(value);
    if (kind >= 0 && !throughToJSON) {
      if (value instanceof Date) return this.#date(value);
      if (value instanceof Set) return this.#array([...(value as Set<unknown>)]);
      if (value instanceof Error) {
        const fields: unknown[] = [value.name, value.message, value.cause];
        if (typeof AggregateError === 'function' && value instanceof AggregateError) fields.push(value.errors);
        return this.#array(fields);
      }
      if (value instanceof RegExp) return this.#array([value.source, value.flags]);
      return this.#bin(value as ArrayBuffer | ArrayBufferView);
    }
    if (Array.isArray(value)) return this.#array(value as unknown[]);
    if (typeof toJSON === 'function') {
      const json: unknown = toJSON.call(value);
      if (json !== value) return this.#value(json);
    } else if (toJSON) {
      // msgpackr calls any truthy toJSON; one that is not a function throws there too.
      throw new TypeError('value.toJSON is not a function');
    }
    // A function without toJSON is written as undefined.
    if (typeof value === 'function') return this.#undefined();
    this.#map(value);
  }

  /** fixext 1, type 0: msgpackr's undefined. */
  #undefined(): void {
    this.#room(3);
    this.#bytes[this.#at++] = 0xd4;
    this.#bytes[this.#at++] = 0;
    this.#bytes[this.#at++] = 0;
  }

  #array(items: readonly unknown[]): void {
    const length = items.length;
    if (length < 0x10) this.#byte(0x90 | length);
    else this.#header(length < 0x10000 ? 0xdc : 0xdd, length, length < 0x10000 ? 2 : 4);
    for (let i = 0; i < length; i++) this.#value(items[i]);
  }

  /** msgpackr's map without records: always map16, its own enumerable keys (all enumerable ones without hasOwnProperty). */
  #map(object: object): void {
    this.#room(3);
    this.#bytes[this.#at++] = 0xde;
    const sizeAt = this.#at;
    this.#at += 2;
    const record = object as Record<string, unknown> & { hasOwnProperty?: unknown };
    let size = 0;
    for (const key in record) {
      if (typeof record.hasOwnProperty !== 'function' || Object.prototype.hasOwnProperty.call(record, key)) {
        this.#string(key);
        this.#value(record[key]);
        size++;
      }
    }
    if (size > 0xffff) {
      throw new Error(
        'Object is too large to serialize with fast 16-bit map size, use the "variableMapSize" option to serialize this object',
      );
    }
    this.#view.setUint16(sizeAt, size);
  }

  #bin(value: ArrayBuffer | ArrayBufferView): void {
    const bytes = ArrayBuffer.isView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      : new Uint8Array(value);
    const length = bytes.byteLength;
    this.#header(
      length < 0x100 ? 0xc4 : length < 0x10000 ? 0xc5 : 0xc6,
      length,
      length < 0x100 ? 1 : length < 0x10000 ? 2 : 4,
    );
    this.#room(length);
    this.#bytes.set(bytes, this.#at);
    this.#at += length;
  }

  /** msgpack's timestamp extension (type -1), in its 32, 64 or 96-bit form; an invalid date as msgpackr marks it. */
  #date(date: Date): void {
    const seconds = date.getTime() / 1000;
    this.#room(15);
    const b = this.#bytes;
    if (date.getMilliseconds() === 0 && seconds >= 0 && seconds < 0x100000000) {
      b[this.#at++] = 0xd6;
      b[this.#at++] = 0xff;
      this.#view.setUint32(this.#at, seconds);
      this.#at += 4;
    } else if (seconds > 0 && seconds < 0x400000000) {
      b[this.#at++] = 0xd7;
      b[this.#at++] = 0xff;
      this.#view.setUint32(this.#at, date.getMilliseconds() * 4000000 + ((seconds / 0x100000000) >> 0));
      this.#view.setUint32(this.#at + 4, seconds);
      this.#at += 8;
    } else if (Number.isNaN(seconds)) {
      b[this.#at++] = 0xd4;
      b[this.#at++] = 0xff;
      b[this.#at++] = 0xff;
    } else {
      b[this.#at++] = 0xc7;
      b[this.#at++] = 12;
      b[this.#at++] = 0xff;
      this.#view.setUint32(this.#at, date.getMilliseconds() * 1000000);
      this.#view.setBigInt64(this.#at + 4, BigInt(Math.floor(seconds)));
      this.#at += 12;
    }
  }
}
