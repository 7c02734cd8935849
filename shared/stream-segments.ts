/**
 * A message in segments: the strings of node lists (attribute values, texts)
 * travel on compression streams of their own, so deflate sees like next to
 * like across messages: the tree's shape with shapes, text with text, each
 * stream with its own window and its own Huffman statistics. Measured on the
 * bench pages (bench/wire-bytes.mjs, level 9): long article page 11.8 →
 * 9.6 KB, 10k-node page -18 %, 100k-node page -37 %, pages under 8 KiB
 * unchanged; a snapshot cut into time-sliced parts mixed the three kinds in
 * every part before.
 *
 * The same layout holds before compression (MessagePacker's output: msgpack,
 * then the UTF-8 of each side stream) and on the wire (each segment deflated
 * on its own stream, DeflateStream), and the inflater gives back the first
 * form:
 *
 *   0xc1 | length of segment 0 | length of segment 1 | segment 0 | segment 1 | segment 2
 *
 * Lengths are unsigned LEB128 (at most 4 bytes); segment 2 takes the rest.
 * Segment 0 is the message's structure (never empty), 1 the attribute
 * values, 2 the texts; an empty side segment means that stream has nothing
 * for this message (its compressor is not flushed). A message without side
 * strings is sent as before: plain msgpack, one segment, no header.
 *
 * A side stream starts with the last 32 KiB of the structure stream's input
 * as its dictionary (StreamHistory), this message's structure included, so
 * strings sent inline before it are not lost to it: the packer sends node
 * lists' strings aside only once a stream has carried 8 KiB (codec.ts), so a
 * small page stays on one stream, and a bigger one does not pay a cold start.
 *
 * 0xc1 is the one byte msgpack never uses, so no packed message starts with
 * it; and a deflated message from our stream never does either: its first
 * bit is the block header's BFINAL, and the stream is never finished.
 *
 * Its own module, with nothing else of the codec, for the deflate worker.
 */

/** The first byte of a message in segments. */
export const SEGMENTED = 0xc1;
/** How many segments (and compression streams) a message in segments has. */
export const SEGMENT_COUNT = 3;
/** Deflate's window: the most of a dictionary it can use. */
const WINDOW_BYTES = 32 * 1024;
/** The streams, by segment index (for error messages). */
export const STREAM_NAMES = ['structure', 'attribute value', 'text'] as const;

/** True when `bytes` is a message in segments. */
export function isSegmented(bytes: Uint8Array): boolean {
  return bytes[0] === SEGMENTED;
}

/** One message of SEGMENT_COUNT segments, each given as the chunks that make it up (lengths under 256 MiB). */
export function joinSegments(segments: readonly (readonly Uint8Array[])[]): Uint8Array {
  const header = [SEGMENTED];
  let total = 0;
  for (const [i, chunks] of segments.entries()) {
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    total += length;
    // LEB128, for every segment but the last.
    for (; i < SEGMENT_COUNT - 1; length = Math.floor(length / 0x80)) {
      header.push(length < 0x80 ? length : (length & 0x7f) | 0x80);
      if (length < 0x80) break;
    }
  }
  const out = new Uint8Array(header.length + total);
  out.set(header);
  let at = header.length;
  for (const chunks of segments)
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
  return out;
}

/**
 * The segments of a message in segments, as views of `bytes`; null when its
 * header is malformed (a length runs past the end, or is longer than 4 bytes).
 */
export function splitSegments(bytes: Uint8Array): Uint8Array[] | null {
  if (!isSegmented(bytes)) return null;
  let at = 1;
  const lengths: number[] = [];
  for (let i = 0; i < SEGMENT_COUNT - 1; i++) {
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      if (byte === undefined || shift > 21) return null;
      length += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    lengths.push(length);
  }
  const segments: Uint8Array[] = [];
  for (const length of lengths) {
    if (at + length > bytes.length) return null;
    segments.push(bytes.subarray(at, (at += length)));
  }
  segments.push(bytes.subarray(at));
  return segments;
}

/**
 * The last 32 KiB that went through a structure stream (in on the deflating
 * end, out on the inflating end: the same bytes), kept until the side
 * streams start with it as their dictionary.
 */
export class StreamHistory {
  #chunks: Uint8Array[] = [];
  #bytes = 0;

  add(bytes: Uint8Array): void {
    this.#chunks.push(bytes.slice());
    this.#bytes += bytes.length;
    for (let first = this.#chunks[0]; first !== undefined && this.#bytes - first.length >= WINDOW_BYTES;) {
      this.#chunks.shift();
      this.#bytes -= first.length;
      first = this.#chunks[0];
    }
  }

  /** The dictionary (at most 32 KiB, the newest bytes); the history is dropped (its streams have started). */
  take(): Uint8Array {
    const all = new Uint8Array(this.#bytes);
    let at = 0;
    for (const chunk of this.#chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    this.#chunks = [];
    this.#bytes = 0;
    return all.subarray(Math.max(0, all.length - WINDOW_BYTES));
  }
}
