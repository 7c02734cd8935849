/**
 * Data-channel codec: the compact wire layout (wire-format.ts: positional
 * fields, columnar node lists, name tables, seq deltas), then msgpack
 * (packed by msgpack-writer.ts with msgpackr's exact bytes; read by
 * msgpack-reader.ts, which gives what msgpackr's Unpackr gives, or by the
 * Unpackr itself where the caller passes it: the agent, see
 * msgpackr-unpack.ts), with node lists' strings beside the msgpack as
 * segments of their own (stream-segments.ts), then,
 * customer → agent, raw deflate on persistent streams (one per segment), sync-flushed per
 * message, so names and values repeated across frames cost almost nothing
 * after the first one. The agent → customer direction (pointer, ink,
 * control: small messages) goes plain, so the customer's bundle carries no
 * inflate code; the agent passes shared/inflate-stream.ts as the inflater.
 *
 * Both ends share state (the deflate window and the wire layout's tables), so
 * the decoder must see every message the encoder produced, in order. Anything
 * that makes the decoder skip or half-read a message (corrupt data, an
 * oversize or bomb message, msgpack or wire-layout violations) is fatal: the
 * caller resets both sides and asks for a fresh snapshot. Messages that decode
 * fine but do not validate are dropped and counted only.
 *
 * Strings travel as UTF-8, so a lone surrogate arrives as U+FFFD; msgpackr
 * renames an object key `__proto__` to `__proto_` (it never sets a prototype).
 *
 * This module does not import msgpackr, so the customer's bundle carries
 * none of it.
 *
 * This module has no compression code: the deflating end of the stream is
 * shared/deflate-stream.ts (pako), run by the customer in a worker where the
 * page allows one (shared/deflate-worker.ts), and the inflating end is
 * shared/inflate-stream.ts (the agent's).
 */
import { ProtocolError, type ErrorCode, type ProtocolErrorValue } from './errors.js';
import { readMsgpack } from './msgpack-reader.js';
import { MsgpackWriter } from './msgpack-writer.js';
import { channelMessage, type ChannelMessage } from './protocol.js';
import { isSegmented, joinSegments, splitSegments } from './stream-segments.js';
import { fromWire, toWire } from './wire-format.js';
import { WireFormatError, WireState } from './wire-names.js';
import { SideReader, SideWriter } from './wire-side.js';

import {
  concatBytes,
  DEFAULT_MAX_INFLATED_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  endsWithTrailer,
  SYNC_FLUSH_TRAILER,
  ZLIB_CHUNK_BYTES,
} from './stream-bytes.js';

export {
  concatBytes,
  DEFAULT_MAX_INFLATED_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  endsWithTrailer,
  SYNC_FLUSH_TRAILER,
  ZLIB_CHUNK_BYTES,
};

/** What an inflater makes of one message's wire bytes. */
export type InflateResult =
  { ok: true; bytes: Uint8Array } | { ok: false; code: 'INFLATED_TOO_LARGE' | 'CORRUPT_STREAM'; message: string };

/** The inflating end of one direction's deflate stream (shared/inflate-stream.ts). */
export interface ByteInflater {
  /** Inflates one message; stops as soon as the output passes `maxBytes`. */
  inflate(bytes: Uint8Array, maxBytes: number): InflateResult;
  reset(): void;
}

/** A message the deflater answered later: its wire bytes, or why the stream broke. */
export type DeflateOutcome = { ok: true; bytes: Uint8Array } | { ok: false; error: ProtocolError };

/**
 * The deflating end of one direction's stream: raw deflate, sync-flushed per
 * message, the trailer left off (shared/deflate-stream.ts). It may answer
 * later (a worker), but always in the order messages were given. Callbacks,
 * not promises: a hostile page may replace the global Promise.
 */
export interface StreamDeflater {
  /**
   * Compresses one packed message: returns its bytes now, or null and calls
   * `later` once with the outcome. Throws a ProtocolError when the stream broke.
   * Takes `packed` over: it may be transferred to a worker (left empty).
   */
  deflate(packed: Uint8Array, later: (outcome: DeflateOutcome) => void): Uint8Array | null;
  /** Releases what the deflater holds (a worker); the stream is unusable afterwards. */
  close(): void;
}

/**
 * A stream sends node lists' strings on side streams (stream-segments.ts)
 * once it has packed this many bytes; until then everything goes on one. The
 * side streams start with the structure stream's last 32 KiB as their
 * dictionary, so the switch costs them no cold start; a small page never
 * pays for three streams' block headers and flushes per part. On the bench
 * pages (bench/wire-bytes.mjs, level 9) against one stream throughout:
 * demo shop pages and a 300-node page unchanged (every part from the first
 * was +6-12 %), 1k-node page -0.1 %, 2k -1.2 %, 5k -6.4 %, 10k -17.9 %,
 * long article -19.3 %, 100k -36.9 %; 16 and 32 KiB gave less everywhere.
 */
export const SIDE_STREAMS_AFTER_BYTES = 8 * 1024;

export interface MessagePackerOptions {
  /** Largest message accepted, checked on the msgpack bytes (default 16 MiB). */
  maxMessageBytes?: number;
  /** When the side streams start (default SIDE_STREAMS_AFTER_BYTES; tests move it). */
  sideStreamsAfterBytes?: number;
}

/** Reads one msgpack value from a message's bytes; throws when they are not one. */
export type MsgpackUnpack = (packed: Uint8Array) => unknown;

export interface MessageDecoderOptions {
  /** Reads the msgpack (default msgpack-reader.ts; the agent passes msgpackr's, see msgpackr-unpack.ts). */
  unpack?: MsgpackUnpack;
  /** Inflates a deflated stream (pass shared/inflate-stream.ts's inflateStream); without it messages are plain msgpack. */
  inflater?: () => ByteInflater;
  /** Largest compressed message accepted, after chunk reassembly (default 16 MiB). */
  maxMessageBytes?: number;
  /** Largest inflated message accepted; inflation stops as soon as it is passed (default 64 MiB). */
  maxInflatedBytes?: number;
  /**
   * How node lists are read: by default as records the message schema checks node by node; the
   * agent passes node-list-decode.ts's columnarNodeLists (checked as columns), which the customer's
   * bundle, never receiving node lists, so does not carry.
   */
  nodeLists?: NodeListReader;
}

/** What a message's schema parse gives (zod's safeParse result, as the decoder reads it). */
export type MessageParse =
  | { success: true; data: ChannelMessage }
  | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };

/** Reads node lists off the wire and validates the messages whose lists it checked itself. */
export interface NodeListReader {
  /** The node records of a list's wire form (WireFormatError on a broken one), as node-list-compaction.ts lays it out. */
  read(wire: unknown, state: WireState, side: SideReader | null): Record<string, unknown>[];
  /** The parse of a message whose node list read() checked, or null when the whole message needs the schema. */
  parseChecked(message: unknown): MessageParse | null;
}

export type DecodeResult =
  { ok: true; message: ChannelMessage } | { ok: false; error: ProtocolErrorValue; fatal: boolean };

export interface DecoderStats {
  decoded: number;
  rejected: number;
  byCode: Partial<Record<ErrorCode, number>>;
}

/**
 * The first stage of encoding, on the sender's thread: the compact wire
 * layout (whose name tables both ends share) and msgpack. Its output is what
 * a StreamDeflater compresses, or what goes on the wire uncompressed.
 */
export class MessagePacker {
  readonly #maxMessageBytes: number;
  readonly #sideStreamsAfterBytes: number;
  /**
   * msgpackr's bytes without records (the wire layout already sends positional
   * arrays, so records would only add definitions), from msgpack-writer.ts:
   * msgpackr's packer is 17 KB of the customer's bundle.
   */
  readonly #packr = new MsgpackWriter();
  /** Where node lists' strings go while a message is laid out (the side streams, stream-segments.ts). */
  readonly #side = new SideWriter();
  /** Bytes packed since the stream started: the side streams are used from sideStreamsAfterBytes on. */
  #packedBytes = 0;
  #wire = new WireState();

  constructor(opts: MessagePackerOptions = {}) {
    this.#maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#sideStreamsAfterBytes = opts.sideStreamsAfterBytes ?? SIDE_STREAMS_AFTER_BYTES;
  }

  /**
   * Packs one message into bytes of its own. Throws a ProtocolError
   * MESSAGE_TOO_LARGE (the wire state is left as it was: the stream stays
   * usable) when the message is too big.
   */
  pack(message: ChannelMessage): Uint8Array {
    const mark = this.#wire.mark();
    let packed: Uint8Array;
    this.#side.clear();
    try {
      packed = this.#packr.pack(
        toWire(message, this.#wire, this.#packedBytes >= this.#sideStreamsAfterBytes ? this.#side : null),
      );
      if (this.#side.used) packed = joinSegments([[packed], ...this.#side.sideSegments()]);
    } catch (err) {
      this.#wire.restore(mark);
      throw err;
    }
    if (packed.length > this.#maxMessageBytes) {
      this.#wire.restore(mark);
      throw new ProtocolError(
        'MESSAGE_TOO_LARGE',
        `A ${message.t} message packs to ${packed.length} bytes, over the ${this.#maxMessageBytes} byte limit.`,
      );
    }
    this.#packedBytes += packed.length;
    // The writer's result is an array of its own: the next message does not overwrite it.
    return packed;
  }

  /** Start a fresh wire state (with a fresh deflate stream, after the peer reported a fatal decode error). */
  reset(): void {
    this.#wire = new WireState();
    this.#packedBytes = 0;
  }
}

/** Decodes one direction's channel messages; never throws, returns typed errors. */
export class MessageDecoder {
  readonly #maxMessageBytes: number;
  readonly #maxInflatedBytes: number;
  readonly #unpack: MsgpackUnpack;
  readonly #inflater: ByteInflater | null;
  readonly #nodeLists: NodeListReader | undefined;
  #wire = new WireState();
  /** After a fatal error every decode fails until reset(): inflating further would only yield garbage. */
  #broken: ProtocolErrorValue | null = null;

  readonly stats: DecoderStats = { decoded: 0, rejected: 0, byCode: {} };

  constructor(opts: MessageDecoderOptions = {}) {
    this.#maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#maxInflatedBytes = opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
    this.#inflater = opts.inflater?.() ?? null;
    this.#unpack = opts.unpack ?? readMsgpack;
    this.#nodeLists = opts.nodeLists;
  }

  /** Decode one message as produced by MessageEncoder.encode. */
  decode(bytes: Uint8Array): DecodeResult {
    try {
      return this.#decode(bytes);
    } catch (err) {
      // Nothing above should throw; if something does, the stream state is unknown.
      return this.#fatal('INTERNAL', `Decoder failure: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Start a fresh stream, matching a reset() of the peer's encoder. */
  reset(): void {
    this.#wire = new WireState();
    this.#inflater?.reset();
    this.#broken = null;
  }

  #decode(bytes: Uint8Array): DecodeResult {
    if (this.#broken) {
      return this.#reject(
        { code: this.#broken.code, message: `The stream is unusable until reset: ${this.#broken.message}` },
        true,
      );
    }
    // Tag check rather than instanceof, so bytes from another realm (an iframe, a worker's transfer) pass.
    if (Object.prototype.toString.call(bytes) !== '[object Uint8Array]') {
      return this.#fatal('CORRUPT_STREAM', 'Input is not a Uint8Array.');
    }
    if (bytes.length > this.#maxMessageBytes) {
      // The sender's stream holds this message and ours would not: fatal.
      return this.#fatal('MESSAGE_TOO_LARGE', `Message of ${bytes.length} bytes exceeds ${this.#maxMessageBytes}.`);
    }

    let packed = bytes;
    if (this.#inflater !== null) {
      const inflated = this.#inflater.inflate(bytes, this.#maxInflatedBytes);
      if (!inflated.ok) return this.#fatal(inflated.code, inflated.message);
      packed = inflated.bytes;
    } else if (bytes.length > this.#maxInflatedBytes) {
      return this.#fatal('INFLATED_TOO_LARGE', `Message of ${bytes.length} bytes exceeds ${this.#maxInflatedBytes}.`);
    }

    let side: SideReader | null = null;
    if (isSegmented(packed)) {
      const segments = splitSegments(packed);
      const structure = segments?.[0];
      if (segments === null || structure === undefined || structure.length === 0)
        return this.#fatal('DECODE_FAILED', 'A message in segments has a malformed header.');
      packed = structure;
      side = new SideReader(segments);
    }
    let value: unknown;
    try {
      value = fromWire(this.#unpack(packed), this.#wire, side, this.#nodeLists?.read);
      side?.finish();
    } catch (err) {
      // The encoder updated its wire state for this message and we could not follow: fatal.
      return this.#fatal(
        'DECODE_FAILED',
        `${err instanceof WireFormatError ? 'wire layout' : 'msgpack'}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }

    // A node list checked in its wire form is not parsed again node by node (node-list-decode.ts).
    const parsed = this.#nodeLists?.parseChecked(value) ?? channelMessage.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
      return this.#reject({ code: 'BAD_MESSAGE', message: `Invalid channel message at ${where}` }, false);
    }
    this.stats.decoded++;
    return { ok: true, message: parsed.data };
  }

  #fatal(code: ErrorCode, message: string): DecodeResult & { ok: false } {
    const error = { code, message };
    this.#broken = error;
    return this.#reject(error, true);
  }

  #reject(error: ProtocolErrorValue, fatal: boolean): DecodeResult & { ok: false } {
    this.stats.rejected++;
    this.stats.byCode[error.code] = (this.stats.byCode[error.code] ?? 0) + 1;
    return { ok: false, error, fatal };
  }
}
