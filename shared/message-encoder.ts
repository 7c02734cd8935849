/**
 * Packing and deflating in one synchronous call, on the calling thread: for
 * tests, tools and the benchmark's in-page measurements. The product's
 * customer side packs on the main thread and deflates in a worker
 * (shared/channel.ts with deflate-worker.ts); the bytes are the same.
 */
import { MessagePacker } from './codec.js';
import { DeflateStream } from './deflate-stream.js';
import { ProtocolError } from './errors.js';
import type { ChannelMessage } from './protocol.js';

export interface MessageEncoderOptions {
  /** Deflate the stream (default true); false sends plain msgpack, as the agent → customer direction does. */
  compress?: boolean;
  /** zlib compression level, 0-9 (default 6). */
  level?: number;
  /** Largest message accepted, checked on the msgpack bytes and again on the compressed bytes (default 16 MiB). */
  maxMessageBytes?: number;
  /** When node lists' strings start going on side streams (MessagePacker's option; tests move it). */
  sideStreamsAfterBytes?: number;
}

/** Encodes one direction's channel messages onto a persistent deflate stream. */
export class MessageEncoder {
  readonly #opts: MessageEncoderOptions;
  readonly #packer: MessagePacker;
  #deflate: DeflateStream | null;
  #broken = false;

  constructor(opts: MessageEncoderOptions = {}) {
    this.#opts = opts;
    this.#packer = new MessagePacker({
      ...(opts.maxMessageBytes === undefined ? {} : { maxMessageBytes: opts.maxMessageBytes }),
      ...(opts.sideStreamsAfterBytes === undefined ? {} : { sideStreamsAfterBytes: opts.sideStreamsAfterBytes }),
    });
    this.#deflate = this.#createDeflate();
  }

  /**
   * Encode one message. Throws a ProtocolError: MESSAGE_TOO_LARGE before
   * touching the stream when the message is too big (the stream stays usable),
   * or CORRUPT_STREAM when the stream can no longer be used until reset().
   */
  encode(message: ChannelMessage): Uint8Array {
    if (this.#broken)
      throw new ProtocolError('CORRUPT_STREAM', 'The encoder must be reset before it can be used again.');
    const packed = this.#packer.pack(message);
    if (this.#deflate === null) return packed;
    try {
      return this.#deflate.deflate(packed);
    } catch (error) {
      this.#broken = true;
      throw error;
    }
  }

  /** Start a fresh stream (after the peer reported a fatal decode error). */
  reset(): void {
    this.#packer.reset();
    this.#deflate = this.#createDeflate();
    this.#broken = false;
  }

  #createDeflate(): DeflateStream | null {
    if (this.#opts.compress === false) return null;
    return new DeflateStream({
      ...(this.#opts.level === undefined ? {} : { level: this.#opts.level }),
      ...(this.#opts.maxMessageBytes === undefined ? {} : { maxMessageBytes: this.#opts.maxMessageBytes }),
    });
  }
}
