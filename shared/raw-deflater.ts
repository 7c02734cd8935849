/**
 * One raw deflate stream, sync-flushed per message, on pako's zlib functions
 * (deflate-stream.ts). pako's `Deflate` wrapper does the same calls but also
 * carries what only other uses need (string input, gzip headers, its message
 * table): 0.7 KB min+gzip of the customer's deflate module. The loop is the
 * wrapper's push() with Z_SYNC_FLUSH, so the bytes are the same
 * (test/node/raw-deflater.test.ts checks them against pako's `Deflate`); its
 * one output buffer is reused instead of a new one per message.
 */
import {
  ZStream,
  Z_DEFAULT_STRATEGY,
  Z_OK,
  Z_STREAM_END,
  Z_STREAM_ERROR,
  Z_SYNC_FLUSH,
  zlibDeflate,
  zlibDeflateInit2,
  zlibDeflateSetDictionary,
} from 'pako';
import { concatBytes } from './stream-bytes.js';

/** deflateInit2's method (deflate) and memLevel, pako's defaults; window 2^15 without a zlib header (raw). */
const DEFLATED = 8;
const RAW_WINDOW_BITS = -15;
const MEM_LEVEL = 8;
/** Room zlib wants left for a sync flush's marker, as pako's wrapper keeps it. */
const FLUSH_MARKER_ROOM = 6;

export class RawDeflater {
  readonly #strm = new ZStream();
  readonly #buffer: Uint8Array<ArrayBuffer>;
  #failed = false;

  /** A stream at `level` (0-9), starting with `dictionary` as its history when given. */
  constructor(level: number, outputBytes: number, dictionary?: Uint8Array) {
    const strm = this.#strm;
    strm.avail_out = 0;
    let status = zlibDeflateInit2(strm, level, DEFLATED, RAW_WINDOW_BITS, MEM_LEVEL, Z_DEFAULT_STRATEGY);
    if (status === Z_OK && dictionary !== undefined && dictionary.length > 0)
      status = zlibDeflateSetDictionary(strm, dictionary);
    if (status !== Z_OK) throw new Error(`deflate could not start (${status})`);
    this.#buffer = new Uint8Array(outputBytes);
  }

  /** zlib's message when the stream failed. */
  get msg(): string {
    return this.#strm.msg;
  }

  /** `input` compressed and sync-flushed (a copy, trailer included), or null once the stream failed. */
  flush(input: Uint8Array): Uint8Array | null {
    if (this.#failed) return null;
    const strm = this.#strm;
    const parts: Uint8Array[] = [];
    let total = 0;
    const emit = (bytes: number): void => {
      parts.push(strm.output.slice(0, bytes));
      total += bytes;
      strm.avail_out = 0;
    };
    strm.input = input;
    strm.next_in = 0;
    strm.avail_in = input.length;
    for (;;) {
      if (strm.avail_out === 0) {
        strm.output = this.#buffer;
        strm.next_out = 0;
        strm.avail_out = this.#buffer.length;
      }
      if (strm.avail_out <= FLUSH_MARKER_ROOM) {
        emit(strm.next_out);
        continue;
      }
      const status = zlibDeflate(strm, Z_SYNC_FLUSH);
      if (status === Z_STREAM_ERROR || status === Z_STREAM_END) break;
      if (strm.avail_out === 0 || strm.next_out > 0) {
        emit(strm.next_out);
        continue;
      }
      if (strm.avail_in === 0) return concatBytes(parts, total);
    }
    this.#failed = true;
    return null;
  }
}
