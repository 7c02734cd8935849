/**
 * The peer adapter on simple-peer: one WebRTC data channel between customer
 * and agent, with typed events and bytes in, bytes out. This is the only
 * module that knows simple-peer; callers see `PeerTransport`
 * (peer-transport.ts) and protocol types, so the transport can be swapped
 * without touching them: the customer's session bundle uses the native
 * adapter (peer-native.ts), which speaks the same signals. Runs in browsers
 * (native WebRTC) and in Node (pass `wrtc` from `nodeWrtc()` in peer-node.ts).
 */
import SimplePeer from 'simple-peer';
import { TypedEmitter } from './event-emitter.js';
import {
  copyIceServers,
  DEFAULT_CHANNEL_LABEL,
  findSelectedPair,
  isRemoteAbort,
  messageOf,
  PEER_DRAIN_THRESHOLD_BYTES,
  PeerTransportError,
  type PeerCloseReason,
  type PeerErrorCode,
  type PeerEvents,
  type PeerOptions,
  type PeerTransport,
  type SelectedCandidatePair,
} from './peer-transport.js';
import { signalData, type SignalData } from './protocol.js';

export * from './peer-transport.js';

/**
 * The parts of a simple-peer instance the adapter needs beyond its typings:
 * the data channel (for 'bufferedamountlow', which simple-peer consumes
 * itself only for its stream API) and the peer connection (for getStats()).
 */
interface SimplePeerInternals {
  _channel?: RTCDataChannel | null;
  _pc?: RTCPeerConnection | null;
}

const SIGNALING_ERROR_CODES = new Set([
  'ERR_CREATE_OFFER',
  'ERR_CREATE_ANSWER',
  'ERR_SET_LOCAL_DESCRIPTION',
  'ERR_SET_REMOTE_DESCRIPTION',
  'ERR_ADD_ICE_CANDIDATE',
  'ERR_SIGNALING',
]);

function errorCodeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

function toPeerErrorCode(simplePeerCode: string | undefined): PeerErrorCode {
  if (simplePeerCode === undefined) return 'channel-failed';
  if (SIGNALING_ERROR_CODES.has(simplePeerCode)) return 'signaling-failed';
  if (simplePeerCode === 'ERR_WEBRTC_SUPPORT' || simplePeerCode === 'ERR_PC_CONSTRUCTOR') return 'unsupported';
  if (simplePeerCode === 'ERR_ICE_CONNECTION_FAILURE' || simplePeerCode === 'ERR_CONNECTION_FAILURE') {
    return 'connection-failed';
  }
  return 'channel-failed';
}

class SimplePeerTransport implements PeerTransport {
  readonly #events = new TypedEmitter<PeerEvents>();
  readonly #peer: SimplePeer.Instance;
  #closed = false;
  #closeRequested = false;
  #failed = false;
  /** The native data channel opened (before simple-peer's own 'connect', which waits for a getStats round trip). */
  #channelOpen = false;
  #connectEmitted = false;
  #detachChannel: (() => void) | null = null;

  constructor(options: PeerOptions) {
    const config: RTCConfiguration = { iceServers: copyIceServers(options.iceServers) };
    if (options.iceTransportPolicy) config.iceTransportPolicy = options.iceTransportPolicy;
    const peerOptions: SimplePeer.Options = {
      initiator: options.initiator,
      config,
      trickle: true,
      channelName: options.channelLabel ?? DEFAULT_CHANNEL_LABEL,
      // Ordered and reliable (no maxRetransmits/maxPacketLifeTime): the codec's
      // deflate stream and DOM sequence numbers assume nothing is lost or reordered.
      channelConfig: { ordered: true },
    };
    if (options.wrtc) {
      // simple-peer's typings want the DOM constructor types exactly; ours is the structural subset it uses.
      peerOptions.wrtc = options.wrtc as unknown as NonNullable<SimplePeer.Options['wrtc']>;
    }
    try {
      this.#peer = new SimplePeer(peerOptions);
    } catch (error) {
      throw new PeerTransportError('unsupported', messageOf(error));
    }
    this.#peer.on('signal', (raw: unknown) => this.#onSignal(raw));
    this.#peer.on('connect', () => this.#onConnect());
    this.#peer.on('data', (chunk: unknown) => this.#onData(chunk));
    this.#peer.on('error', (error: unknown) => this.#onError(error));
    this.#peer.on('close', () => this.#onClose());
    this.#watchChannelOpen();
  }

  get bufferedAmount(): number {
    if (this.#closed) return 0;
    return this.#peer.bufferSize;
  }

  get connected(): boolean {
    return !this.#quiet && (this.#channelOpen || this.#peer.connected);
  }

  on<K extends keyof PeerEvents>(event: K, listener: (payload: PeerEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  signal(data: SignalData): void {
    if (this.#quiet) return;
    try {
      // simple-peer types candidates as RTCIceCandidate but only passes them to
      // `new RTCIceCandidate(init)`, so the plain init object is what it needs.
      this.#peer.signal(data as unknown as SimplePeer.SignalData);
    } catch (error) {
      // Only a destroyed peer throws here; the close event is on its way.
      this.#reportError('signaling-failed', messageOf(error));
    }
  }

  send(bytes: Uint8Array): void {
    if (!this.connected) throw new PeerTransportError('not-connected', 'The data channel is not open.');
    try {
      this.#peer.send(bytes);
    } catch (error) {
      throw new PeerTransportError('send-failed', messageOf(error));
    }
  }

  close(): void {
    if (this.#quiet) return;
    this.#closeRequested = true;
    try {
      this.#peer.destroy();
    } catch {
      // destroy() on a half-built or already-failing peer may throw; closing must not.
    }
  }

  async selectedCandidatePair(): Promise<SelectedCandidatePair | null> {
    const pc = (this.#peer as unknown as SimplePeerInternals)._pc;
    if (this.#closed || !pc) return null;
    try {
      return findSelectedPair(await pc.getStats());
    } catch {
      return null;
    }
  }

  /** After close() only the close event may follow: late candidates, data or errors from the teardown are dropped. */
  get #quiet(): boolean {
    return this.#closed || this.#closeRequested;
  }

  #onSignal(raw: unknown): void {
    if (this.#quiet) return;
    // transceiverRequest is for media tracks; we only ever use one data channel.
    if (typeof raw === 'object' && raw !== null && 'transceiverRequest' in raw) return;
    const parsed = signalData.safeParse(raw);
    if (!parsed.success) {
      this.#reportError('invalid-signal', `Dropped a signal outside the protocol: ${parsed.error.message}`);
      return;
    }
    this.#events.emit('signal', parsed.data);
  }

  #onConnect(): void {
    if (this.#quiet || this.#connectEmitted) return;
    this.#connectEmitted = true;
    this.#watchBufferedAmount();
    this.#events.emit('connect', undefined);
  }

  /**
   * simple-peer announces 'connect' only after a getStats() round trip once the
   * data channel is open (and retries it every 100 ms while no candidate pair
   * is reported). The channel can carry data from its own 'open' event, so we
   * connect there; simple-peer's later 'connect' is then a no-op.
   */
  #watchChannelOpen(): void {
    const internals = this.#peer as unknown as SimplePeerInternals;
    const watch = (channel: RTCDataChannel): void => {
      const onOpen = (): void => {
        if (this.#quiet) return;
        this.#channelOpen = true;
        this.#onConnect();
      };
      if (channel.readyState === 'open') onOpen();
      else channel.addEventListener('open', onOpen, { once: true });
    };
    if (internals._channel) {
      watch(internals._channel);
      return;
    }
    // The answerer learns of the channel from the initiator; simple-peer keeps the ondatachannel handler.
    internals._pc?.addEventListener('datachannel', (event) => {
      // The event's type is loose in some WebRTC stacks (node-datachannel).
      const channel = (event as RTCDataChannelEvent).channel as RTCDataChannel | undefined;
      if (channel) watch(channel);
    });
  }

  /**
   * simple-peer only turns 'bufferedamountlow' into stream backpressure for
   * write(); send() gets nothing. We listen on its channel directly (with
   * addEventListener, leaving simple-peer's own onbufferedamountlow in place).
   */
  #watchBufferedAmount(): void {
    const channel = (this.#peer as unknown as SimplePeerInternals)._channel;
    if (!channel) return;
    channel.bufferedAmountLowThreshold = PEER_DRAIN_THRESHOLD_BYTES;
    const onLow = (): void => {
      // Only a truthful drain: node-datachannel delivers the native event
      // asynchronously, so it can arrive after more sends refilled the buffer.
      // The next crossing below the threshold fires the event again.
      if (!this.#quiet && channel.bufferedAmount <= PEER_DRAIN_THRESHOLD_BYTES) this.#events.emit('drain', undefined);
    };
    channel.addEventListener('bufferedamountlow', onLow);
    this.#detachChannel = () => channel.removeEventListener('bufferedamountlow', onLow);
  }

  #onData(chunk: unknown): void {
    if (this.#quiet) return;
    // simple-peer hands out Buffers (the npm `buffer` polyfill in browsers); a
    // plain view keeps upper layers environment-neutral without copying.
    if (chunk instanceof Uint8Array) {
      this.#events.emit('data', new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } else if (typeof chunk === 'string') {
      this.#events.emit('data', new TextEncoder().encode(chunk));
    }
  }

  #onError(error: unknown): void {
    if (this.#quiet) return;
    if (isRemoteAbort(error)) return;
    this.#failed = true;
    this.#reportError(toPeerErrorCode(errorCodeOf(error)), messageOf(error));
  }

  #reportError(code: PeerErrorCode, message: string): void {
    this.#events.emit('error', { code, message });
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#detachChannel?.();
    this.#detachChannel = null;
    const reason: PeerCloseReason = this.#closeRequested ? 'local' : this.#failed ? 'failed' : 'remote';
    this.#events.emit('close', { reason });
    this.#events.clear();
  }
}

/** Creates one side of a peer connection; wire its 'signal' events to the other side's signal(). */
export function createPeer(options: PeerOptions): PeerTransport {
  return new SimplePeerTransport(options);
}
