/**
 * Browser stand-in for the npm `randombytes` package, for simple-peer only
 * (see simple-peer-shims.mjs): simple-peer draws its peer id and channel name
 * from it. Synchronous form only; simple-peer never passes a callback.
 */
'use strict';

const { Buffer } = require('./buffer.cjs');

/** crypto.getRandomValues fills at most this many bytes per call. */
const MAX_BYTES_PER_CALL = 65536;

module.exports = function randomBytes(size) {
  if (typeof size !== 'number' || size < 0) throw new RangeError('randomBytes expects a non-negative size');
  const bytes = Buffer.alloc(size);
  for (let offset = 0; offset < size; offset += MAX_BYTES_PER_CALL) {
    globalThis.crypto.getRandomValues(bytes.subarray(offset, offset + MAX_BYTES_PER_CALL));
  }
  return bytes;
};
