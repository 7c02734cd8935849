/**
 * The inflating side of the codec's customer → agent streams (raw deflate,
 * sync-flushed per message, the 00 00 ff ff trailer left off the wire): one
 * for the messages' structure and one per side stream of strings
 * (stream-segments.ts). Gives back what the customer's packer made: plain
 * msgpack, or a message in segments. Its own module so that only the agent's
 * bundle carries pako's inflate: the customer receives the agent's messages
 * uncompressed (see codec.ts).
 */
import { Inflate, Z_SYNC_FLUSH } from 'pako';
// The sender drops each sync flush's trailer; we put it back.
import { SYNC_FLUSH_TRAILER, ZLIB_CHUNK_BYTES, concatBytes, type ByteInflater, type InflateResult } from './codec.js';
import { isSegmented, joinSegments, splitSegments, StreamHistory, STREAM_NAMES } from './stream-segments.js';

/** Thrown from inside pako's onData to abandon an inflate that went over the limit. */
class InflateLimitReached extends Error {}

type SegmentResult = { ok: true; chunks: Uint8Array[] } | (InflateResult & { ok: false });

class InflateStream implements ByteInflater {
  /** Per segment, its stream; the side ones start with the first message in segments. */
  #streams: (Inflate | null)[] = [this.#create(), null, null];
  /** What came out of the structure stream, until the side streams start with it as their dictionary. */
  #history: StreamHistory | null = new StreamHistory();
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #limit = 0;

  inflate(bytes: Uint8Array, maxBytes: number): InflateResult {
    this.#bytes = 0;
    this.#limit = maxBytes;
    if (!isSegmented(bytes)) {
      const one = this.#inflate(0, bytes);
      if (!one.ok) return one;
      const packed = concatBytes(one.chunks, this.#bytes);
      this.#history?.add(packed);
      return { ok: true, bytes: packed };
    }
    const segments = splitSegments(bytes);
    if (segments === null || segments[0]?.length === 0)
      return { ok: false, code: 'CORRUPT_STREAM', message: 'A message in segments has a malformed header.' };
    const inflated: Uint8Array[][] = [];
    for (const [i, segment] of segments.entries()) {
      // An empty segment: the sender's stream had nothing for this message and was not flushed.
      if (segment.length === 0) {
        inflated.push([]);
        continue;
      }
      const result = this.#inflate(i, segment);
      if (!result.ok) return result;
      inflated.push(result.chunks);
      if (i === 0 && this.#history !== null) {
        // The side streams start here, with what the structure stream carried so far (this message's included).
        for (const chunk of result.chunks) this.#history.add(chunk);
        const dictionary = this.#history.take();
        this.#history = null;
        this.#streams[1] = this.#create(dictionary);
        this.#streams[2] = this.#create(dictionary);
      }
    }
    return { ok: true, bytes: joinSegments(inflated) };
  }

  reset(): void {
    this.#streams = [this.#create(), null, null];
    this.#history = new StreamHistory();
    this.#chunks = [];
    this.#bytes = 0;
  }

  /** Inflates one segment on its stream; the limit counts every segment of the message together. */
  #inflate(index: number, bytes: Uint8Array): SegmentResult {
    const inflate = this.#streams[index];
    if (inflate == null) return { ok: false, code: 'CORRUPT_STREAM', message: 'No such inflate stream.' };
    const name = STREAM_NAMES[index] ?? String(index);
    this.#chunks = [];
    let pushed: boolean;
    try {
      pushed = inflate.push(bytes, false) && inflate.push(SYNC_FLUSH_TRAILER, Z_SYNC_FLUSH);
    } catch (err) {
      this.#chunks = [];
      if (err instanceof InflateLimitReached)
        return { ok: false, code: 'INFLATED_TOO_LARGE', message: `Message inflates beyond ${this.#limit} bytes.` };
      throw err;
    }
    const chunks = this.#chunks;
    this.#chunks = [];
    if (!pushed)
      return {
        ok: false,
        code: 'CORRUPT_STREAM',
        message: `Inflate failed on the ${name} stream: ${inflate.msg || 'unknown error'}.`,
      };
    // Our encoder never finishes its streams; a final block means a foreign or corrupt sender.
    if (inflate.ended) return { ok: false, code: 'CORRUPT_STREAM', message: `The ${name} stream ended unexpectedly.` };
    return { ok: true, chunks };
  }

  #create(dictionary?: Uint8Array): Inflate {
    const inflate = new Inflate({
      raw: true,
      chunkSize: ZLIB_CHUNK_BYTES,
      ...(dictionary !== undefined && dictionary.length > 0 ? { dictionary } : {}),
    });
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
