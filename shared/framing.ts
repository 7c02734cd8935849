/**
 * Framing for the WebRTC data channel: Chromium refuses single messages much
 * over 256 KB, so encoded messages are cut into chunks (64 KiB is safe) and
 * reassembled, and the sender respects the channel's bufferedAmount instead
 * of queueing without bound.
 *
 * Wire format of one data-channel message (big-endian):
 *   WHOLE  0x01 | payload
 *   FIRST  0x02 | id u32 | index u32 (= 0) | total length u32 | payload
 *   MIDDLE 0x03 | id u32 | index u32 | payload
 *   LAST   0x04 | id u32 | index u32 | payload
 *
 * The channel is ordered and reliable, so the chunks of one message arrive
 * contiguously and in order; the assembler still keys partial messages by id
 * and fails clearly when that assumption is violated. Any assembler error
 * means a message was lost, which desyncs the codec stream: the caller resets
 * the codec and asks for a resync.
 */
import type { ProtocolErrorValue } from './errors.js';

export const DEFAULT_MAX_CHUNK_BYTES = 64 * 1024;
const MIB = 1024 * 1024;

export const ChunkKind = { whole: 0x01, first: 0x02, middle: 0x03, last: 0x04 } as const;

const WHOLE_HEADER_BYTES = 1;
const PART_HEADER_BYTES = 9;
const FIRST_HEADER_BYTES = 13;
/** Below this a chunk would carry almost nothing but header. */
const MIN_CHUNK_BYTES = 64;
const MAX_U32 = 0xffff_ffff;
/** Placeholder for a sent queue slot, so the chunk's memory can be collected before the queue is compacted. */
const EMPTY = new Uint8Array(0);

let lastMessageId = 0;
function nextMessageId(): number {
  lastMessageId = (lastMessageId + 1) >>> 0;
  return lastMessageId;
}

/** Cut one encoded message into data-channel messages of at most maxChunkBytes each (headers included). */
export function chunkMessage(
  bytes: Uint8Array,
  maxChunkBytes: number = DEFAULT_MAX_CHUNK_BYTES,
  messageId: number = nextMessageId(),
): Uint8Array[] {
  if (!Number.isSafeInteger(maxChunkBytes) || maxChunkBytes < MIN_CHUNK_BYTES) {
    throw new RangeError(`maxChunkBytes must be an integer >= ${MIN_CHUNK_BYTES}, got ${maxChunkBytes}`);
  }
  if (!Number.isInteger(messageId) || messageId < 0 || messageId > MAX_U32) {
    throw new RangeError(`messageId must be a u32, got ${messageId}`);
  }
  if (bytes.length > MAX_U32) throw new RangeError('A message cannot exceed 4 GiB.');

  if (bytes.length + WHOLE_HEADER_BYTES <= maxChunkBytes) {
    const whole = new Uint8Array(WHOLE_HEADER_BYTES + bytes.length);
    whole[0] = ChunkKind.whole;
    whole.set(bytes, WHOLE_HEADER_BYTES);
    return [whole];
  }

  const chunks: Uint8Array[] = [];
  let offset = 0;
  let index = 0;
  while (offset < bytes.length) {
    const isFirst = index === 0;
    const headerBytes = isFirst ? FIRST_HEADER_BYTES : PART_HEADER_BYTES;
    const end = Math.min(bytes.length, offset + maxChunkBytes - headerBytes);
    const isLast = end === bytes.length;
    const chunk = new Uint8Array(headerBytes + (end - offset));
    const view = new DataView(chunk.buffer);
    view.setUint8(0, isFirst ? ChunkKind.first : isLast ? ChunkKind.last : ChunkKind.middle);
    view.setUint32(1, messageId);
    view.setUint32(5, index);
    if (isFirst) view.setUint32(9, bytes.length);
    chunk.set(bytes.subarray(offset, end), headerBytes);
    chunks.push(chunk);
    offset = end;
    index++;
  }
  return chunks;
}

export interface ChunkAssemblerOptions {
  /** Largest reassembled message (default 16 MiB, the codec's compressed limit). */
  maxMessageBytes?: number;
  /** Most partial messages held at once (default 4; an ordered channel needs 1). */
  maxPending?: number;
}

export type AssembleResult = { complete: Uint8Array } | { pending: true } | { error: ProtocolErrorValue };

interface PartialMessage {
  total: number;
  nextIndex: number;
  received: number;
  parts: Uint8Array[];
}

/** Reassembles messages cut by chunkMessage; each push returns a message, "pending" or a typed error. */
export class ChunkAssembler {
  readonly #maxMessageBytes: number;
  readonly #maxPending: number;
  readonly #pending = new Map<number, PartialMessage>();

  constructor(opts: ChunkAssemblerOptions = {}) {
    this.#maxMessageBytes = opts.maxMessageBytes ?? 16 * MIB;
    this.#maxPending = opts.maxPending ?? 4;
  }

  /** How many partial messages are held. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Feed one data-channel message. A whole message comes back as a view of `chunk`; partial payloads are copied. */
  push(chunk: Uint8Array): AssembleResult {
    if (chunk.length < 1) return chunkError('Empty chunk.');
    const kind = chunk[0];
    if (kind === ChunkKind.whole) {
      const length = chunk.length - WHOLE_HEADER_BYTES;
      if (length > this.#maxMessageBytes) return tooLarge(length, this.#maxMessageBytes);
      return { complete: chunk.subarray(WHOLE_HEADER_BYTES) };
    }
    if (kind !== ChunkKind.first && kind !== ChunkKind.middle && kind !== ChunkKind.last) {
      return chunkError(`Unknown chunk kind ${String(kind)}.`);
    }
    const headerBytes = kind === ChunkKind.first ? FIRST_HEADER_BYTES : PART_HEADER_BYTES;
    if (chunk.length < headerBytes) return chunkError('Chunk shorter than its header.');
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const id = view.getUint32(1);
    const index = view.getUint32(5);
    const payload = chunk.subarray(headerBytes);

    if (kind === ChunkKind.first) {
      if (index !== 0) return chunkError(`First chunk of message ${id} has index ${index}.`);
      if (this.#pending.has(id)) {
        this.#pending.delete(id);
        return chunkError(`Message ${id} started twice.`);
      }
      const total = view.getUint32(9);
      if (total > this.#maxMessageBytes) return tooLarge(total, this.#maxMessageBytes);
      if (payload.length >= total) return chunkError(`Message ${id} is chunked but fits in its first chunk.`);
      if (this.#pending.size >= this.#maxPending) {
        return chunkError(`Too many partial messages (more than ${this.#maxPending}).`);
      }
      // Copy: the caller may reuse the buffer it handed us.
      this.#pending.set(id, { total, nextIndex: 1, received: payload.length, parts: [payload.slice()] });
      return { pending: true };
    }

    const partial = this.#pending.get(id);
    if (!partial) return chunkError(`Chunk ${index} of message ${id} arrived without its first chunk.`);
    if (index !== partial.nextIndex) {
      this.#pending.delete(id);
      return chunkError(`Chunk ${index} of message ${id} arrived out of order (expected ${partial.nextIndex}).`);
    }
    const received = partial.received + payload.length;
    if (received > partial.total) {
      this.#pending.delete(id);
      return received > this.#maxMessageBytes
        ? tooLarge(received, this.#maxMessageBytes)
        : chunkError(`Message ${id} is longer than its declared ${partial.total} bytes.`);
    }
    partial.received = received;
    partial.nextIndex++;
    partial.parts.push(payload.slice());

    if (kind === ChunkKind.middle) {
      if (received === partial.total) {
        this.#pending.delete(id);
        return chunkError(`Message ${id} is complete before its last chunk.`);
      }
      return { pending: true };
    }
    this.#pending.delete(id);
    if (received !== partial.total) {
      return chunkError(`Message ${id} ended at ${received} of its declared ${partial.total} bytes.`);
    }
    const complete = new Uint8Array(partial.total);
    let offset = 0;
    for (const part of partial.parts) {
      complete.set(part, offset);
      offset += part.length;
    }
    return { complete };
  }

  /** Drop every partial message (after a reset of the channel). */
  clear(): void {
    this.#pending.clear();
  }
}

function chunkError(message: string): { error: ProtocolErrorValue } {
  return { error: { code: 'CHUNK_ERROR', message } };
}

function tooLarge(bytes: number, max: number): { error: ProtocolErrorValue } {
  return { error: { code: 'MESSAGE_TOO_LARGE', message: `Message of ${bytes} bytes exceeds ${max}.` } };
}

/**
 * The slice of a data channel that ChannelSender needs. An RTCDataChannel fits
 * as is except for onDrain, which wraps its 'bufferedamountlow' event.
 */
export interface ChunkSink {
  send(chunk: Uint8Array): void;
  readonly bufferedAmount: number;
  /** ChannelSender sets this to its low water mark; drain listeners fire when bufferedAmount falls to it. */
  bufferedAmountLowThreshold: number;
  /** Subscribe to "bufferedAmount fell to the low threshold"; returns the unsubscribe function. */
  onDrain(listener: () => void): () => void;
}

export interface ChannelSenderOptions {
  /** Stop writing to the sink while its bufferedAmount is at least this (default 1 MiB). */
  highWaterMark?: number;
  /** Resume writing when bufferedAmount falls to this (default 256 KiB). */
  lowWaterMark?: number;
  /** Refuse messages that would grow the sender's own queue past this (default 16 MiB). */
  maxQueuedBytes?: number;
  maxChunkBytes?: number;
}

/** Writes encoded messages to a data channel in chunks, with backpressure and a bounded queue. */
export class ChannelSender {
  readonly #sink: ChunkSink;
  readonly #highWaterMark: number;
  readonly #maxQueuedBytes: number;
  readonly #maxChunkBytes: number;
  #queue: Uint8Array[] = [];
  #queueHead = 0;
  #queuedBytes = 0;
  #messageId = 0;
  #closed = false;
  #unsubscribe: () => void;
  #idleWaiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(sink: ChunkSink, opts: ChannelSenderOptions = {}) {
    this.#sink = sink;
    this.#highWaterMark = opts.highWaterMark ?? MIB;
    const lowWaterMark = opts.lowWaterMark ?? 256 * 1024;
    this.#maxQueuedBytes = opts.maxQueuedBytes ?? 16 * MIB;
    this.#maxChunkBytes = opts.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
    if (!(lowWaterMark < this.#highWaterMark)) throw new RangeError('lowWaterMark must be below highWaterMark.');
    sink.bufferedAmountLowThreshold = lowWaterMark;
    this.#unsubscribe = sink.onDrain(() => this.#flushOnDrain());
  }

  /** Bytes waiting in the sender, not yet handed to the sink. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Send one encoded message. Returns false, sending and queueing nothing,
   * when the sender is closed or the message would push the queue past
   * maxQueuedBytes; the caller then coalesces or asks for a resync.
   * An error thrown by the sink closes the sender and propagates.
   */
  send(messageBytes: Uint8Array): boolean {
    if (this.#closed) return false;
    this.#messageId = (this.#messageId + 1) >>> 0;
    const chunks = chunkMessage(messageBytes, this.#maxChunkBytes, this.#messageId);
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    // Upper bound of what will be queued: writing stops once bufferedAmount reaches
    // the high water mark, and it may overshoot by a chunk, never undershoot.
    const room = this.#queuedBytes === 0 ? Math.max(0, this.#highWaterMark - this.#sink.bufferedAmount) : 0;
    if (this.#queuedBytes + Math.max(0, total - room) > this.#maxQueuedBytes) return false;

    for (const chunk of chunks) this.#queue.push(chunk);
    this.#queuedBytes += total;
    try {
      this.#flush();
    } catch (err) {
      this.#fail(err);
      throw err;
    }
    return true;
  }

  /** Resolves once the queue is empty (every chunk handed to the sink) or the sender is closed; rejects if the sink failed while draining. */
  idle(): Promise<void> {
    if (this.#queuedBytes === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve, reject) => this.#idleWaiters.push({ resolve, reject }));
  }

  /** Drop the queue and stop sending; pending idle() promises resolve. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#dropQueue();
    this.#settleIdle();
  }

  #flush(): void {
    while (this.#queueHead < this.#queue.length && this.#sink.bufferedAmount < this.#highWaterMark) {
      const chunk = this.#queue[this.#queueHead];
      if (chunk === undefined) break;
      this.#sink.send(chunk);
      this.#queue[this.#queueHead] = EMPTY;
      this.#queueHead++;
      this.#queuedBytes -= chunk.length;
    }
    if (this.#queueHead === this.#queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
      this.#settleIdle();
    } else if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
  }

  #flushOnDrain(): void {
    if (this.#closed) return;
    try {
      this.#flush();
    } catch (err) {
      // A drain callback has no caller to throw to: idle() waiters hear of it.
      this.#fail(err);
    }
  }

  /** The sink threw: the channel is unusable, so stop rather than retry. */
  #fail(err: unknown): void {
    this.#closed = true;
    this.#unsubscribe();
    this.#dropQueue();
    this.#settleIdle(err);
  }

  #dropQueue(): void {
    this.#queue = [];
    this.#queueHead = 0;
    this.#queuedBytes = 0;
  }

  #settleIdle(err?: unknown): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const waiter of waiters) {
      if (err === undefined) waiter.resolve();
      else waiter.reject(err);
    }
  }
}
