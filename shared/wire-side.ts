/**
 * The side streams of one message (stream-segments.ts): a node list's joined
 * attribute values and texts leave the msgpack structure and travel as UTF-8
 * on a compression stream of their own; the column keeps only their length
 * in bytes. SideWriter gathers them while a message is laid out
 * (node-list-compaction.ts), SideReader hands them back in the same order.
 */
import { WireFormatError } from './wire-names.js';

/** The side streams, by their segment index (stream-segments.ts). */
export const SideStream = { attributeValues: 1, texts: 2 } as const;
export type SideStream = (typeof SideStream)[keyof typeof SideStream];

/** Collects one message's side strings. */
/** Strings longer than this are encoded into an array of their own instead of the scratch buffer. */
const MAX_SCRATCH_CHARS = 1 << 20;
/** A scratch buffer grown past this for a big message (it doubles) is let go after it, not kept for the session. */
const KEPT_SCRATCH_BYTES = 4 << 20;

export class SideWriter {
  readonly #encoder = new TextEncoder();
  /** Per side stream (index 1 and 2), the UTF-8 of each string put, in order. */
  #chunks: Uint8Array[][] = [[], [], []];
  #used = false;
  /**
   * Where strings are encoded (encodeInto: one pass, no array per string; measured ~4x faster than
   * encode() in Node on the 100k-node page's joined columns). The chunks put are views of it, valid
   * until clear(): the caller copies them out (stream-segments.ts joinSegments) before the next message.
   */
  #scratch = new Uint8Array(0);
  #scratchAt = 0;

  /**
   * Puts `text` on `stream`; returns its length in UTF-8 bytes, which stands
   * in for it in the message. Lone surrogates become U+FFFD, as msgpack's
   * UTF-8 would make them.
   */
  put(stream: SideStream, text: string): number {
    let bytes: Uint8Array;
    if (text.length > MAX_SCRATCH_CHARS) bytes = this.#encoder.encode(text);
    else {
      // At most 3 bytes per UTF-16 unit. A new buffer leaves the chunks already put on the old one.
      if (this.#scratch.length - this.#scratchAt < text.length * 3) {
        this.#scratch = new Uint8Array(Math.max(text.length * 3, 2 * this.#scratch.length, 64 * 1024));
        this.#scratchAt = 0;
      }
      const { written } = this.#encoder.encodeInto(text, this.#scratch.subarray(this.#scratchAt));
      bytes = this.#scratch.subarray(this.#scratchAt, this.#scratchAt + written);
      this.#scratchAt += written;
    }
    this.#chunks[stream]?.push(bytes);
    this.#used = true;
    return bytes.length;
  }

  /** Whether anything was put (then the message goes in segments). */
  get used(): boolean {
    return this.#used;
  }

  /** The chunks of each side stream, segment 1 and 2 (segment 0 is the caller's): views valid until clear(). */
  sideSegments(): readonly (readonly Uint8Array[])[] {
    return [this.#chunks[SideStream.attributeValues] ?? [], this.#chunks[SideStream.texts] ?? []];
  }

  /** Forgets everything put (the message was sent, or is sent another way); the chunks given out are reused. */
  clear(): void {
    this.#chunks = [[], [], []];
    this.#used = false;
    this.#scratchAt = 0;
    if (this.#scratch.length > KEPT_SCRATCH_BYTES) this.#scratch = new Uint8Array(0);
  }
}

/** Hands out one received message's side strings; throws WireFormatError on any mismatch. */
export class SideReader {
  // ignoreBOM: a text that starts with U+FEFF keeps it.
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  readonly #segments: readonly Uint8Array[];
  readonly #at = [0, 0, 0];

  /** `segments`: the message's segments (index 0 is the structure, which this does not read). */
  constructor(segments: readonly Uint8Array[]) {
    this.#segments = segments;
  }

  /** The next `length` bytes of `stream`, as text. */
  take(stream: SideStream, length: unknown): string {
    const segment = this.#segments[stream];
    const at = this.#at[stream] ?? 0;
    if (segment === undefined || typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0)
      throw new WireFormatError('A side string reference is malformed.');
    if (at + length > segment.length)
      throw new WireFormatError(`A side string runs past the end of side stream ${stream}.`);
    this.#at[stream] = at + length;
    return this.#decoder.decode(segment.subarray(at, at + length));
  }

  /** Throws unless every side byte was taken: the encoder never sends bytes nothing refers to. */
  finish(): void {
    for (const stream of [SideStream.attributeValues, SideStream.texts]) {
      if ((this.#at[stream] ?? 0) !== (this.#segments[stream]?.length ?? 0))
        throw new WireFormatError(`Side stream ${stream} has bytes nothing refers to.`);
    }
  }
}
