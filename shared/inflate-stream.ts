/**
 * The inflating side of the codec's customer → agent stream (raw deflate,
 * sync-flushed per message, the 00 00 ff ff trailer left off the wire). Its
 * own module so that only the agent's bundle carries pako's inflate: the
 * customer receives the agent's messages uncompressed (see codec.ts).
 */
import { Inflate, Z_SYNC_FLUSH } from 'pako';
// The sender drops each sync flush's trailer; we put it back.
import { SYNC_FLUSH_TRAILER, ZLIB_CHUNK_BYTES, concatBytes, type ByteInflater, type InflateResult } from './codec.js';

/** Thrown from inside pako's onData to abandon an inflate that went over the limit. */
class InflateLimitReached extends Error {}

class InflateStream implements ByteInflater {
  #inflate: Inflate;
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #limit = 0;

  constructor() {
    this.#inflate = this.#create();
  }

  inflate(bytes: Uint8Array, maxBytes: number): InflateResult {
    this.#chunks = [];
    this.#bytes = 0;
    this.#limit = maxBytes;
    const inflate = this.#inflate;
    let pushed: boolean;
    try {
      pushed = inflate.push(bytes, false) && inflate.push(SYNC_FLUSH_TRAILER, Z_SYNC_FLUSH);
    } catch (err) {
      this.#chunks = [];
      if (err instanceof InflateLimitReached)
        return { ok: false, code: 'INFLATED_TOO_LARGE', message: `Message inflates beyond ${maxBytes} bytes.` };
      throw err;
    }
    const chunks = this.#chunks;
    this.#chunks = [];
    if (!pushed)
      return { ok: false, code: 'CORRUPT_STREAM', message: `Inflate failed: ${inflate.msg || 'unknown error'}.` };
    // Our encoder never finishes its stream; a final block means a foreign or corrupt sender.
    if (inflate.ended)
      return { ok: false, code: 'CORRUPT_STREAM', message: 'The compressed stream ended unexpectedly.' };
    return { ok: true, bytes: concatBytes(chunks, this.#bytes) };
  }

  reset(): void {
    this.#inflate = this.#create();
    this.#chunks = [];
    this.#bytes = 0;
  }

  #create(): Inflate {
    const inflate = new Inflate({ raw: true, chunkSize: ZLIB_CHUNK_BYTES });
    inflate.onData = (chunk: Uint8Array) => {
      this.#bytes += chunk.length;
      // Checked per output chunk, so at most one chunk past the limit is ever held.
      if (this.#bytes > this.#limit) throw new InflateLimitReached();
      this.#chunks.push(chunk);
    };
    return inflate;
  }
}

/** A fresh inflater for MessageDecoder's `inflater` option (the agent's side of the stream). */
export function inflateStream(): ByteInflater {
  return new InflateStream();
}
