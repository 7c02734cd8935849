/**
 * The customer's peer adapter: the offering side of one data channel on the
 * browser's own RTCPeerConnection, speaking simple-peer's signal format
 * ({type:'offer'|'answer', sdp}, {type:'candidate', candidate}), so the
 * agent's simple-peer (shared/peer.ts) is its other end unchanged. It keeps
 * simple-peer and its Node stand-ins (about 24 KB minified) out of the
 * session bundle. Only what the product uses: the customer always offers,
 * one ordered reliable channel, trickle ICE, no media, so no renegotiation
 * (a reconnect is a new peer). Same events and error codes as peer.ts;
 * test/node/peer.test.ts and peer-browser.test.ts run it against simple-peer.
 */
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

/** The offering side takes no `initiator`: it always offers. */
export type NativePeerOptions = Omit<PeerOptions, 'initiator'>;

type CandidateInit = Extract<SignalData, { type: 'candidate' }>['candidate'];

/**
 * Runs `task` on a later microtask through the engine's own promise `then`,
 * taken when this bundle loads, as scripts/shims/queue-microtask.cjs did for
 * simple-peer: a page may have replaced queueMicrotask or window.Promise.
 */
const settled = (async () => undefined)();
const promiseThen = Object.getPrototypeOf(settled).then as (
  this: Promise<void>,
  onFulfilled: () => void,
) => Promise<void>;
function soon(task: () => void): void {
  void promiseThen.call(settled, task);
}

class NativePeerTransport implements PeerTransport {
  readonly #events = new TypedEmitter<PeerEvents>();
  readonly #pc: RTCPeerConnection;
  readonly #channel: RTCDataChannel;
  /** Settles once the offer is the local description: an answer is applied only after it. */
  readonly #offered: Promise<void>;
  #answered = false;
  /** Candidates that came before the answer; addIceCandidate needs the remote description. */
  #pendingCandidates: CandidateInit[] = [];
  #open = false;
  #closed = false;
  #closeRequested = false;
  #failed = false;

  constructor(options: NativePeerOptions) {
    const config: RTCConfiguration = { iceServers: copyIceServers(options.iceServers) };
    if (options.iceTransportPolicy) config.iceTransportPolicy = options.iceTransportPolicy;
    const Connection = options.wrtc?.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    try {
      if (typeof Connection !== 'function') throw new Error('No WebRTC support: RTCPeerConnection is missing.');
      this.#pc = new Connection(config);
      // Ordered and reliable (no maxRetransmits/maxPacketLifeTime): the codec's
      // deflate stream and DOM sequence numbers assume nothing is lost or reordered.
      this.#channel = this.#pc.createDataChannel(options.channelLabel ?? DEFAULT_CHANNEL_LABEL, { ordered: true });
    } catch (error) {
      throw new PeerTransportError('unsupported', messageOf(error));
    }
    this.#watchConnection();
    this.#watchChannel();
    this.#offered = this.#offer();
  }

  get bufferedAmount(): number {
    return this.#closed ? 0 : this.#channel.bufferedAmount;
  }

  get connected(): boolean {
    return this.#open && !this.#quiet;
  }

  on<K extends keyof PeerEvents>(event: K, listener: (payload: PeerEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  signal(data: SignalData): void {
    if (this.#quiet) return;
    if (data.type === 'answer') void this.#applyAnswer(data.sdp);
    else if (data.type === 'candidate') {
      if (this.#answered) void this.#addCandidate(data.candidate);
      else this.#pendingCandidates.push(data.candidate);
    } else {
      // An offer or a renegotiation request: the answering side (simple-peer with one data channel) sends neither.
      this.#fail('signaling-failed', `Unexpected ${data.type} signal: this side makes the offer.`);
    }
  }

  send(bytes: Uint8Array): void {
    if (!this.connected) throw new PeerTransportError('not-connected', 'The data channel is not open.');
    try {
      // The view itself, not its buffer: a subarray must send only its own bytes.
      this.#channel.send(bytes as Uint8Array<ArrayBuffer>);
    } catch (error) {
      throw new PeerTransportError('send-failed', messageOf(error));
    }
  }

  close(): void {
    if (this.#quiet) return;
    this.#closeRequested = true;
    this.#teardown();
  }

  async selectedCandidatePair(): Promise<SelectedCandidatePair | null> {
    if (this.#closed) return null;
    try {
      return findSelectedPair(await this.#pc.getStats());
    } catch {
      return null;
    }
  }

  /** After close() only the close event may follow: late candidates, data or errors from the teardown are dropped. */
  get #quiet(): boolean {
    return this.#closed || this.#closeRequested;
  }

  async #offer(): Promise<void> {
    try {
      const offer = await this.#pc.createOffer();
      if (this.#quiet) return;
      await this.#pc.setLocalDescription(offer);
    } catch (error) {
      this.#fail('signaling-failed', messageOf(error));
      return;
    }
    // Sent once it is set, as simple-peer does. Sent before (to win a few ms), 'connect' came later and
    // with outliers of 150-280 ms: median 69 against simple-peer's 44 ms over 30 alternating runs between
    // two Chromium processes; sent after, 35 against 36 ms (cause not profiled).
    const local = this.#pc.localDescription;
    if (local) this.#emitSignal({ type: 'offer', sdp: local.sdp });
  }

  async #applyAnswer(sdp: string): Promise<void> {
    await this.#offered;
    if (this.#quiet) return;
    if (this.#answered) {
      this.#fail('signaling-failed', 'A second answer: this connection never renegotiates.');
      return;
    }
    this.#answered = true;
    try {
      await this.#pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (error) {
      this.#fail('signaling-failed', messageOf(error));
      return;
    }
    for (const candidate of this.#pendingCandidates.splice(0)) void this.#addCandidate(candidate);
  }

  async #addCandidate(candidate: CandidateInit): Promise<void> {
    try {
      await this.#pc.addIceCandidate(candidate);
    } catch (error) {
      // As simple-peer: a candidate this stack cannot use (an mDNS name it cannot resolve) is skipped.
      if (this.#quiet || /\.local\b/.test(candidate.candidate) || candidate.candidate === '') return;
      this.#fail('signaling-failed', messageOf(error));
    }
  }

  #emitSignal(raw: unknown): void {
    if (this.#quiet) return;
    const parsed = signalData.safeParse(raw);
    if (!parsed.success) {
      this.#reportError('invalid-signal', `Dropped a signal outside the protocol: ${parsed.error.message}`);
      return;
    }
    this.#events.emit('signal', parsed.data);
  }

  #watchConnection(): void {
    const pc = this.#pc;
    pc.onicecandidate = (event) => {
      const candidate = event.candidate;
      // null ends gathering; simple-peer's answerer needs no end-of-candidates signal.
      if (!candidate) return;
      this.#emitSignal({
        type: 'candidate',
        candidate: { candidate: candidate.candidate, sdpMLineIndex: candidate.sdpMLineIndex, sdpMid: candidate.sdpMid },
      });
    };
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed') this.#fail('connection-failed', 'Ice connection failed.');
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.#fail('connection-failed', 'Connection failed.');
    };
  }

  #watchChannel(): void {
    const channel = this.#channel;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = PEER_DRAIN_THRESHOLD_BYTES;
    channel.onopen = () => {
      if (this.#quiet || this.#open) return;
      this.#open = true;
      this.#events.emit('connect', undefined);
    };
    channel.onmessage = (event: MessageEvent<unknown>) => this.#onData(event.data);
    channel.onbufferedamountlow = () => {
      // Only a truthful drain: a stack may deliver the event after more sends refilled the buffer.
      if (!this.#quiet && channel.bufferedAmount <= PEER_DRAIN_THRESHOLD_BYTES) this.#events.emit('drain', undefined);
    };
    channel.onclose = () => this.#teardown();
    channel.onerror = (event) => {
      const error: unknown = 'error' in event ? event.error : event;
      // Chromium reports the other side's close as an error ("User-Initiated Abort"): an orderly close.
      if (isRemoteAbort(error)) this.#teardown();
      else this.#fail('channel-failed', messageOf(error));
    };
  }

  #onData(data: unknown): void {
    if (this.#quiet) return;
    if (data instanceof ArrayBuffer) this.#events.emit('data', new Uint8Array(data));
    else if (ArrayBuffer.isView(data))
      this.#events.emit('data', new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    else if (typeof data === 'string') this.#events.emit('data', new TextEncoder().encode(data));
  }

  /** An error ends the connection: one 'error' event, then close with reason 'failed'. */
  #fail(code: PeerErrorCode, message: string): void {
    if (this.#quiet) return;
    this.#failed = true;
    this.#reportError(code, message);
    this.#teardown();
  }

  #reportError(code: PeerErrorCode, message: string): void {
    this.#events.emit('error', { code, message });
  }

  /** Closes channel and connection once; 'close' follows on a later job, as simple-peer's does. */
  #teardown(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#open = false;
    const channel = this.#channel;
    channel.onopen = channel.onmessage = channel.onbufferedamountlow = channel.onclose = channel.onerror = null;
    this.#pc.onicecandidate = this.#pc.oniceconnectionstatechange = this.#pc.onconnectionstatechange = null;
    try {
      channel.close();
      this.#pc.close();
    } catch {
      // Closing must not throw, whatever state the stack is in.
    }
    const reason: PeerCloseReason = this.#closeRequested ? 'local' : this.#failed ? 'failed' : 'remote';
    soon(() => {
      this.#events.emit('close', { reason });
      this.#events.clear();
    });
  }
}

/** Creates the offering side of a peer connection on the native WebRTC stack; wire its 'signal' events to the other side's signal(). */
export function createNativePeer(options: NativePeerOptions): PeerTransport {
  return new NativePeerTransport(options);
}
