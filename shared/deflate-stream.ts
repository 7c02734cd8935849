/**
 * The deflating end of the codec's customer → agent stream: raw deflate on
 * one persistent stream (pako), sync-flushed per message, the 00 00 ff ff
 * trailer left off the wire (the inflater puts it back). Names and values
 * repeated across frames cost almost nothing after the first one, which a
 * native CompressionStream cannot do: it has no flush, so it emits nothing
 * until the stream is closed (measured in Chromium 156).
 *
 * Its own module so that the customer's session bundle carries no deflate
 * code: it runs in a worker (deflate-worker.ts) or, where the page's CSP
 * forbids one, is imported on the main thread.
 */
import { Deflate, Z_SYNC_FLUSH } from 'pako';
import type { StreamDeflater } from './codec.js';
import { ProtocolError } from './errors.js';
import {
  concatBytes,
  DEFAULT_MAX_MESSAGE_BYTES,
  endsWithTrailer,
  SYNC_FLUSH_TRAILER,
  ZLIB_CHUNK_BYTES,
} from './stream-bytes.js';

export interface DeflateStreamOptions {
  /** zlib compression level, 0-9 (default 6). */
  level?: number;
  /** Largest compressed message accepted (default 16 MiB). */
  maxMessageBytes?: number;
}

/** One deflate stream, compressing synchronously on the calling thread. */
export class DeflateStream implements StreamDeflater {
  readonly #maxMessageBytes: number;
  readonly #deflate: Deflate;
  #output: Uint8Array[] = [];
  #outputBytes = 0;
  /** A message went into the stream but could not be handed out: the peer can no longer follow. */
  #broken = false;

  constructor(opts: DeflateStreamOptions = {}) {
    this.#maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#deflate = new Deflate({ raw: true, level: opts.level ?? 6, chunkSize: ZLIB_CHUNK_BYTES });
    this.#deflate.onData = (chunk: Uint8Array) => {
      this.#output.push(chunk);
      this.#outputBytes += chunk.length;
    };
  }

  /** Compresses one message; throws a ProtocolError CORRUPT_STREAM or MESSAGE_TOO_LARGE when the stream broke. */
  deflate(packed: Uint8Array): Uint8Array {
    if (this.#broken) throw new ProtocolError('CORRUPT_STREAM', 'The deflate stream must be replaced.');
    this.#output = [];
    this.#outputBytes = 0;
    const ok = this.#deflate.push(packed, Z_SYNC_FLUSH);
    const compressed = concatBytes(this.#output, this.#outputBytes);
    this.#output = [];
    if (!ok || !endsWithTrailer(compressed)) {
      this.#broken = true;
      throw new ProtocolError('CORRUPT_STREAM', `Deflate failed: ${this.#deflate.msg || 'no sync-flush trailer'}.`);
    }
    const wireLength = compressed.length - SYNC_FLUSH_TRAILER.length;
    if (wireLength > this.#maxMessageBytes) {
      this.#broken = true;
      throw new ProtocolError('MESSAGE_TOO_LARGE', `A message compresses to ${wireLength} bytes.`);
    }
    // slice, not subarray: the result must not pin pako's 16 KiB output buffer.
    return compressed.slice(0, wireLength);
  }

  close(): void {
    this.#broken = true;
  }
}

/** A fresh main-thread deflater for CobrowseChannel's `deflater` option. */
export function deflateStream(): DeflateStream {
  return new DeflateStream();
}
