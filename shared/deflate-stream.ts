/**
 * The deflating end of the codec's customer → agent stream: raw deflate on
 * persistent streams (pako), one for the messages' structure and one per side
 * stream of strings (stream-segments.ts), each sync-flushed per message that
 * has something for it, the 00 00 ff ff trailer left off the wire (the
 * inflater puts it back). Names and values
 * repeated across frames cost almost nothing after the first one, which a
 * native CompressionStream cannot do: it has no flush, so it emits nothing
 * until the stream is closed (measured in Chromium 156).
 *
 * Its own module so that the customer's session bundle carries no deflate
 * code: it runs in a worker (deflate-worker.ts) or, where the page's CSP
 * forbids one, is imported on the main thread.
 */
import type { StreamDeflater } from './codec.js';
import { ProtocolError } from './errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES, endsWithTrailer, SYNC_FLUSH_TRAILER, ZLIB_CHUNK_BYTES } from './stream-bytes.js';
import { RawDeflater } from './raw-deflater.js';
import {
  isSegmented,
  joinSegments,
  SEGMENT_COUNT,
  splitSegments,
  StreamHistory,
  STREAM_NAMES,
} from './stream-segments.js';

export interface DeflateStreamOptions {
  /** zlib compression level, 0-9 (default 6). */
  level?: number;
  /** Largest compressed message accepted (default 16 MiB). */
  maxMessageBytes?: number;
}

/** The deflate streams of one direction (one per segment), compressing synchronously on the calling thread. */
export class DeflateStream implements StreamDeflater {
  readonly #maxMessageBytes: number;
  readonly #level: number;
  /** Per segment (stream-segments.ts), its stream; the side ones start with the first message in segments. */
  readonly #streams: (RawDeflater | null)[];
  /** What went into the structure stream, until the side streams start with it as their dictionary. */
  #history: StreamHistory | null = new StreamHistory();
  /** A message went into the stream but could not be handed out: the peer can no longer follow. */
  #broken = false;

  constructor(opts: DeflateStreamOptions = {}) {
    this.#maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#level = opts.level ?? 6;
    this.#streams = [this.#create(), null, null];
  }

  /** Compresses one message; throws a ProtocolError CORRUPT_STREAM or MESSAGE_TOO_LARGE when the stream broke. */
  deflate(packed: Uint8Array): Uint8Array {
    if (this.#broken) throw new ProtocolError('CORRUPT_STREAM', 'The deflate stream must be replaced.');
    let wire: Uint8Array;
    if (isSegmented(packed)) {
      const segments = splitSegments(packed);
      if (segments === null || segments.length !== SEGMENT_COUNT || segments[0]?.length === 0) {
        this.#broken = true;
        throw new ProtocolError('CORRUPT_STREAM', 'A message in segments has a malformed header.');
      }
      const structure = this.#push(0, segments[0] as Uint8Array);
      if (this.#history !== null) {
        this.#history.add(segments[0] as Uint8Array);
        const dictionary = this.#history.take();
        this.#history = null;
        this.#streams[1] = this.#create(dictionary);
        this.#streams[2] = this.#create(dictionary);
      }
      // A side stream with nothing for this message is not flushed: its segment stays empty.
      wire = joinSegments(
        segments.map((segment, i) => (i === 0 ? [structure] : segment.length === 0 ? [] : [this.#push(i, segment)])),
      );
    } else {
      wire = this.#push(0, packed);
      this.#history?.add(packed);
    }
    if (wire.length > this.#maxMessageBytes) {
      this.#broken = true;
      throw new ProtocolError('MESSAGE_TOO_LARGE', `A message compresses to ${wire.length} bytes.`);
    }
    return wire;
  }

  close(): void {
    this.#broken = true;
  }

  /** Compresses `bytes` on segment `index`'s stream, sync-flushed; a view of the output without the trailer. */
  #push(index: number, bytes: Uint8Array): Uint8Array {
    const deflate = this.#streams[index];
    if (deflate == null) throw new ProtocolError('CORRUPT_STREAM', 'No such deflate stream.');
    const compressed = deflate.flush(bytes);
    if (compressed === null || !endsWithTrailer(compressed)) {
      this.#broken = true;
      const name = STREAM_NAMES[index] ?? String(index);
      throw new ProtocolError(
        'CORRUPT_STREAM',
        `Deflate failed on the ${name} stream: ${deflate.msg || 'no sync-flush trailer'}.`,
      );
    }
    return compressed.subarray(0, compressed.length - SYNC_FLUSH_TRAILER.length);
  }

  #create(dictionary?: Uint8Array): RawDeflater {
    return new RawDeflater(this.#level, ZLIB_CHUNK_BYTES, dictionary);
  }
}

/** A fresh main-thread deflater for CobrowseChannel's `deflater` option. */
export function deflateStream(): DeflateStream {
  return new DeflateStream();
}
