/**
 * A simulated support agent for customer element tests: the real signaling
 * client, a real (non-initiator) WebRTC peer and the typed channel, in the
 * test page itself. It uses the browser's native WebSocket and
 * RTCPeerConnection captured when this module loads, so the page
 * instrumentation installed later counts only what the customer's code does.
 * (Served as an esbuild bundle by web-test-runner.config.mjs: simple-peer is CommonJS.)
 */
import { CobrowseChannel } from '../../../shared/channel.js';
import { inflateStream } from '../../../shared/inflate-stream.js';
import { createPeer, type PeerTransport } from '../../../shared/peer.js';
import type { ChannelMessage } from '../../../shared/protocol.js';
import { SignalingClient, signalingUrl, type SocketLike } from '../../../shared/signaling-client.js';
import { Inbox } from './inbox.js';

const NativeWebSocket = window.WebSocket;
const nativeWrtc = {
  RTCPeerConnection: window.RTCPeerConnection,
  RTCSessionDescription: window.RTCSessionDescription,
  RTCIceCandidate: window.RTCIceCandidate,
};

export class SimulatedAgent {
  /** Every message the customer sent over the data channel, decoded and validated, in order. */
  readonly #inbox = new Inbox('the agent');
  /** Bytes received on the data channel so far (every chunk, before decoding). */
  bytesReceived = 0;
  /** For each message in `received`, the bytes received before the chunk that carried it. */
  readonly bytesBefore: number[] = [];
  readonly signaling: SignalingClient;
  #peer: PeerTransport | null = null;
  #channel: CobrowseChannel | null = null;

  constructor(serverUrl: string, agentToken: string) {
    this.signaling = new SignalingClient({
      url: signalingUrl(serverUrl),
      token: agentToken,
      createSocket: (url) => new NativeWebSocket(url) as unknown as SocketLike,
    });
    this.signaling.on('signal', (message) => {
      // The customer initiates: a new offer means a new connection, as in the agent's console.
      if (message.data.type === 'offer') this.#dropPeer();
      this.#ensurePeer().signal(message.data);
    });
    this.signaling.connect();
  }

  get connected(): boolean {
    return this.#channel?.open ?? false;
  }

  /** Send one agent message to the customer; throws before the channel is open. */
  send(message: ChannelMessage): void {
    if (!this.#channel?.open) throw new Error('the agent channel is not open');
    this.#channel.send(message);
  }

  /** Every message received, in order. */
  get received(): ChannelMessage[] {
    return this.#inbox.messages;
  }

  /** Resolves with the first received message (past or future) that matches. */
  waitFor<T extends ChannelMessage>(match: (message: ChannelMessage) => message is T, timeoutMs?: number): Promise<T>;
  waitFor(match: (message: ChannelMessage) => boolean, timeoutMs?: number): Promise<ChannelMessage>;
  waitFor(match: (message: ChannelMessage) => boolean, timeoutMs?: number): Promise<ChannelMessage> {
    return this.#inbox.waitFor(match, timeoutMs);
  }

  /** Resolves once the data channel to the customer is open. */
  async waitConnected(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.connected) {
      if (Date.now() > deadline) throw new Error('the agent never connected to the customer');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): void {
    this.#dropPeer();
    this.signaling.close();
  }

  #dropPeer(): void {
    const peer = this.#peer;
    this.#peer = null;
    this.#channel?.close();
    this.#channel = null;
    peer?.close();
  }

  #ensurePeer(): PeerTransport {
    if (this.#peer) return this.#peer;
    const peer = createPeer({ initiator: false, iceServers: [], wrtc: nativeWrtc });
    this.#peer = peer;
    peer.on('signal', (data) => this.signaling.send({ t: 'signal', data }));
    // Listen from the start, as the product does: the customer's snapshot can arrive before our 'connect'.
    const channel = new CobrowseChannel(peer, { role: 'agent', inflater: inflateStream });
    channel.on('message', (message) => {
      this.bytesBefore.push(this.bytesReceived);
      this.#inbox.push(message);
    });
    this.#channel = channel;
    // After the channel's own listener: a chunk's messages are decoded before it is counted.
    peer.on('data', (bytes) => (this.bytesReceived += bytes.byteLength));
    peer.on('close', () => {
      if (this.#peer === peer) this.#peer = null;
    });
    return peer;
  }
}
