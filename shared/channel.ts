/**
 * A typed message link over one peer connection: pack (wire layout +
 * msgpack) → deflate (customer → agent; possibly in a worker, answering
 * later) → chunk → send with backpressure, and reassemble → inflate →
 * validate → filter by the sender's role on the way in. Both sides use it;
 * nothing above it sees bytes. Messages leave in the order they were given,
 * whenever their compression finishes.
 */
import {
  MessageDecoder,
  MessagePacker,
  type ByteInflater,
  type MsgpackUnpack,
  type NodeListReader,
  type StreamDeflater,
} from './codec.js';
import type { ErrorCode, ProtocolErrorValue } from './errors.js';
import { TypedEmitter } from './event-emitter.js';
import { ChannelSender, ChunkAssembler } from './framing.js';
import { PEER_DRAIN_THRESHOLD_BYTES, type PeerTransport } from './peer-transport.js';
import { AGENT_ONLY_TYPES, CUSTOMER_ONLY_TYPES, type ChannelMessage, type Role } from './protocol.js';

export interface ChannelEvents {
  message: ChannelMessage;
  /** The sender can take more after refusing a message. */
  drain: void;
  /** The link is unusable (peer closed, or the shared compression stream broke). */
  close: { reason: string; error: ProtocolErrorValue | null };
}

export interface ChannelStats {
  sentMessages: number;
  sentBytes: number;
  receivedMessages: number;
  receivedBytes: number;
  dropped: Partial<Record<ErrorCode | 'WRONG_ROLE', number>>;
}

export interface ChannelOptions {
  /** Our own role: decides which message types the other side may send us, and the stream's compression. */
  role: Role;
  /** The agent's side only: inflates the customer's deflated stream (shared/inflate-stream.ts). */
  inflater?: () => ByteInflater;
  /** Reads the other side's msgpack (default shared/msgpack-reader.ts; the agent passes msgpackr-unpack.ts's). */
  unpack?: MsgpackUnpack;
  /** The agent's side only: reads node lists as columns (node-list-decode.ts's columnarNodeLists). */
  nodeLists?: NodeListReader;
  /**
   * The customer's side only: deflates the stream to the agent (deflate-offload.ts in a worker, or
   * deflate-stream.ts on the calling thread).
   */
  deflater?: () => StreamDeflater;
  maxMessageBytes?: number;
  /** Called with every encoded message (tests use it to inspect the bytes on the wire). */
  onWireBytes?: (bytes: Uint8Array) => void;
}

/** Largest message the customer accepts from the agent. */
export const AGENT_TO_CUSTOMER_MAX_BYTES = 4 * 1024 * 1024;

export class CobrowseChannel extends TypedEmitter<ChannelEvents> {
  readonly stats: ChannelStats = { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, dropped: {} };
  readonly #peer: PeerTransport;
  readonly #packer: MessagePacker;
  readonly #deflater: StreamDeflater | null;
  /** Messages given to send() whose bytes are not on the channel yet, in order (null: still compressing). */
  readonly #outbox: Array<{ bytes: Uint8Array | null; size: number }> = [];
  #outboxBytes = 0;
  readonly #decoder: MessageDecoder;
  readonly #assembler: ChunkAssembler;
  readonly #sender: ChannelSender;
  readonly #forbiddenFromPeer: ReadonlySet<ChannelMessage['t']>;
  readonly #onWireBytes: ((bytes: Uint8Array) => void) | undefined;
  readonly #unsubscribe: (() => void)[] = [];
  /** Callbacks waiting for the outbox to empty (afterSent). */
  #sentWaiters: (() => void)[] = [];
  #refused = false;
  #closed = false;

  constructor(peer: PeerTransport, options: ChannelOptions) {
    super();
    this.#peer = peer;
    const maxMessageBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
    const customer = options.role === 'customer';
    if (!customer && options.inflater === undefined)
      throw new TypeError("The agent side needs an inflater for the customer's deflated stream.");
    if (customer && options.deflater === undefined)
      throw new TypeError('The customer side needs a deflater for its stream to the agent.');
    // Customer → agent is deflated; agent → customer goes plain (codec.ts).
    this.#packer = new MessagePacker({ maxMessageBytes });
    this.#deflater = customer ? (options.deflater?.() ?? null) : null;
    // The customer only ever receives the agent's small messages (pointer, ink, control, actions):
    // a tight cap keeps a hostile agent from making the customer's tab take in megabytes.
    const inbound = customer ? Math.min(maxMessageBytes, AGENT_TO_CUSTOMER_MAX_BYTES) : maxMessageBytes;
    this.#decoder = new MessageDecoder(
      customer
        ? { maxMessageBytes: inbound, unpack: options.unpack }
        : { maxMessageBytes, inflater: options.inflater, unpack: options.unpack, nodeLists: options.nodeLists },
    );
    this.#assembler = new ChunkAssembler({ maxMessageBytes: inbound });
    this.#onWireBytes = options.onWireBytes;
    // What the other side may send us: never the messages only our own role sends.
    this.#forbiddenFromPeer = customer ? CUSTOMER_ONLY_TYPES : AGENT_ONLY_TYPES;
    const drainListeners = new Set<() => void>();
    this.#sender = new ChannelSender(
      {
        send: (chunk) => peer.send(chunk),
        get bufferedAmount() {
          return peer.bufferedAmount;
        },
        // The peer adapter drains at a fixed mark; the sender's threshold is informational here.
        bufferedAmountLowThreshold: PEER_DRAIN_THRESHOLD_BYTES,
        onDrain: (listener) => {
          drainListeners.add(listener);
          return () => drainListeners.delete(listener);
        },
      },
      { lowWaterMark: PEER_DRAIN_THRESHOLD_BYTES },
    );
    this.#unsubscribe.push(
      peer.on('drain', () => {
        for (const listener of [...drainListeners]) listener();
        this.#maybeDrained();
      }),
      // Messages given before the data channel opened wait in the outbox (compressed); they leave on open.
      peer.on('connect', () => this.#flushOutbox()),
      peer.on('data', (bytes) => this.#onData(bytes)),
      peer.on('close', ({ reason }) => this.#finish(`peer ${reason}`, null)),
    );
  }

  get open(): boolean {
    return !this.#closed && this.#peer.connected;
  }

  /** Bytes waiting to be compressed, in our queue and in the data channel's buffer. */
  get backlogBytes(): number {
    return this.#outboxBytes + this.#sender.queuedBytes + this.#peer.bufferedAmount;
  }

  /**
   * Send one message; false when it was refused for backpressure (wait for 'drain'). On the customer's
   * deflated stream, messages given before the data channel opens are packed and compressed but wait
   * here: nothing goes on the wire until then (the session starts its snapshot while WebRTC connects).
   */
  send(message: ChannelMessage): boolean {
    if (this.#closed) return false;
    let packed: Uint8Array;
    try {
      packed = this.#packer.pack(message);
    } catch {
      // A packing failure (message too large) leaves the stream usable; count and refuse.
      this.#count('MESSAGE_TOO_LARGE');
      return false;
    }
    if (this.#deflater === null) return this.#transmit(packed);
    const slot: { bytes: Uint8Array | null; size: number } = { bytes: null, size: packed.length };
    let now: Uint8Array | null;
    try {
      now = this.#deflater.deflate(packed, (outcome) => {
        if (!outcome.ok) {
          this.#deflateFailed(outcome.error);
          return;
        }
        slot.bytes = outcome.bytes;
        // Held until the channel opens, a message weighs its compressed bytes: an early snapshot's packed
        // parts would otherwise count against the backlog limit long after they were compressed.
        this.#outboxBytes += outcome.bytes.length - slot.size;
        slot.size = outcome.bytes.length;
        this.#flushOutbox();
      });
    } catch (error) {
      this.#deflateFailed(error);
      return false;
    }
    if (now !== null && this.#outbox.length === 0 && this.#peer.connected) return this.#transmit(now);
    slot.bytes = now;
    if (now !== null) slot.size = now.length;
    this.#outbox.push(slot);
    this.#outboxBytes += slot.size;
    this.#flushOutbox();
    if (this.backlogBytes > 4 * 1024 * 1024) this.#refused = true;
    return !this.#closed;
  }

  /**
   * Calls `callback` once no message given to send() so far waits for
   * compression any more: at once when none does, else when the last of them
   * is on the data channel or the channel closes. For work that should not
   * delay those messages.
   */
  afterSent(callback: () => void): void {
    if (this.#closed || this.#outbox.length === 0) callback();
    else this.#sentWaiters.push(callback);
  }

  #runSentWaiters(): void {
    const waiters = this.#sentWaiters;
    this.#sentWaiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Sends the compressed messages at the head of the outbox, in order, once the data channel is open. */
  #flushOutbox(): void {
    while (!this.#closed && this.#peer.connected) {
      const head = this.#outbox[0];
      if (head === undefined || head.bytes === null) return;
      this.#outbox.shift();
      this.#outboxBytes -= head.size;
      this.#transmit(head.bytes);
      if (this.#outbox.length === 0 && this.#peer.bufferedAmount <= PEER_DRAIN_THRESHOLD_BYTES) this.#maybeDrained();
      if (this.#outbox.length === 0) this.#runSentWaiters();
    }
  }

  /** Refused senders hear 'drain' once nothing waits in front of the data channel any more. */
  #maybeDrained(): void {
    if (!this.#refused || this.#closed || this.#outbox.length > 0 || this.#sender.queuedBytes > 0) return;
    this.#refused = false;
    this.emit('drain', undefined);
  }

  #deflateFailed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#finish('stream broken', { code: 'CORRUPT_STREAM', message: `Compression failed: ${message}` });
  }

  /** Hands one message's wire bytes to the data channel; false when the channel is gone or overflowed. */
  #transmit(bytes: Uint8Array): boolean {
    this.#onWireBytes?.(bytes);
    let accepted: boolean;
    try {
      accepted = this.#sender.send(bytes);
    } catch {
      this.#finish('send failed', { code: 'INTERNAL', message: 'The data channel refused a message.' });
      return false;
    }
    if (!accepted) {
      // The deflate stream already consumed this message; the peer would be out of sync. Start over.
      this.#finish('backpressure overflow', { code: 'MESSAGE_TOO_LARGE', message: 'The send queue overflowed.' });
      return false;
    }
    this.stats.sentMessages += 1;
    this.stats.sentBytes += bytes.byteLength;
    if (this.backlogBytes > 4 * 1024 * 1024) this.#refused = true;
    return true;
  }

  /** True when the caller should hold back non-essential frames (pointer, diffs) until 'drain'. */
  get congested(): boolean {
    return this.#refused;
  }

  close(): void {
    this.#finish('closed', null);
    this.#peer.close();
  }

  /**
   * Closes this link but not the peer connection: what waits in it is thrown away, and a new channel on the
   * same peer takes over with a fresh stream. Only for a link that never sent (the other side's stream
   * must not have begun): the customer drops what it walked while connecting without a new offer. One that
   * sent closes the peer as close() does, and returns false.
   */
  discard(): boolean {
    if (this.stats.sentBytes > 0) {
      this.close();
      return false;
    }
    this.#finish('discarded', null);
    return true;
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closed) return;
    const assembled = this.#assembler.push(chunk);
    if ('pending' in assembled) return;
    if ('error' in assembled) {
      this.#finish('bad chunk', assembled.error);
      return;
    }
    this.stats.receivedBytes += assembled.complete.byteLength;
    const result = this.#decoder.decode(assembled.complete);
    if (!result.ok) {
      this.#count(result.error.code);
      if (result.fatal) this.#finish('stream broken', result.error);
      return;
    }
    if (this.#forbiddenFromPeer.has(result.message.t)) {
      this.#count('WRONG_ROLE');
      return;
    }
    this.stats.receivedMessages += 1;
    this.emit('message', result.message);
  }

  #count(code: ErrorCode | 'WRONG_ROLE'): void {
    this.stats.dropped[code] = (this.stats.dropped[code] ?? 0) + 1;
  }

  #finish(reason: string, error: ProtocolErrorValue | null): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#deflater?.close();
    this.#outbox.length = 0;
    this.#outboxBytes = 0;
    this.#sender.close();
    this.#assembler.clear();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.emit('close', { reason, error });
    this.#runSentWaiters();
    if (error) this.#peer.close();
  }
}
