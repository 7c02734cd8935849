/**
 * Browser stand-in for the npm `buffer` package, for simple-peer only (see
 * simple-peer-shims.mjs). simple-peer wraps every received ArrayBuffer with
 * `Buffer.from` and our randombytes stand-in hex-encodes ids; that is all the
 * session bundle needs, and the npm polyfill costs about 27 KB minified for it.
 * A Buffer here is a Uint8Array, so received data stays plain bytes.
 */
'use strict';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function unknownEncoding(encoding) {
  return new TypeError(`Unknown encoding: ${encoding} (the browser Buffer shim supports utf8 and hex)`);
}

function isUtf8(encoding) {
  return encoding === undefined || encoding === 'utf8' || encoding === 'utf-8';
}

class Buffer extends Uint8Array {
  /** Like Node's: an ArrayBuffer is wrapped without copying; views, arrays and strings are copied. */
  static from(value, encodingOrOffset, length) {
    if (value instanceof ArrayBuffer)
      return new Buffer(value, encodingOrOffset ?? 0, length ?? value.byteLength - (encodingOrOffset ?? 0));
    if (ArrayBuffer.isView(value)) {
      const copy = new Buffer(value.byteLength);
      copy.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      return copy;
    }
    if (typeof value === 'string') {
      if (isUtf8(encodingOrOffset)) return Buffer.from(new TextEncoder().encode(value));
      if (encodingOrOffset === 'hex') {
        // Node stops at the first pair that is not hex; so does this.
        const pairs = value.match(/^(?:[0-9a-fA-F]{2})*/)?.[0] ?? '';
        const bytes = new Buffer(pairs.length / 2);
        for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(pairs.slice(i * 2, i * 2 + 2), 16);
        return bytes;
      }
      throw unknownEncoding(encodingOrOffset);
    }
    if (Array.isArray(value)) return new Buffer(value);
    throw new TypeError('Buffer.from expects an ArrayBuffer, a view, an array or a string');
  }

  /** A zero-filled Buffer of `size` bytes. */
  static alloc(size) {
    return new Buffer(size);
  }

  /** Zero-filled too: the saving Node makes here is not worth a separate path. */
  static allocUnsafe(size) {
    return new Buffer(size);
  }

  static isBuffer(value) {
    return value instanceof Buffer;
  }

  static concat(list, totalLength) {
    const length = totalLength ?? list.reduce((sum, part) => sum + part.byteLength, 0);
    const joined = new Buffer(length);
    let offset = 0;
    for (const part of list) {
      if (offset >= length) break;
      const bytes = part.byteLength > length - offset ? part.subarray(0, length - offset) : part;
      joined.set(bytes, offset);
      offset += bytes.byteLength;
    }
    return joined;
  }

  /** utf8 (the default) or hex, over [start, end) like Node's. */
  toString(encoding, start = 0, end = this.length) {
    const bytes = this.subarray(start, end);
    if (isUtf8(encoding)) return new TextDecoder().decode(bytes);
    if (encoding === 'hex') {
      let hex = '';
      for (const byte of bytes) hex += HEX[byte];
      return hex;
    }
    throw unknownEncoding(encoding);
  }
}

module.exports = { Buffer };
