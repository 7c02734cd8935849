/**
 * A simulated customer for agent element tests: the real signaling client
 * with the customer token, a real initiating WebRTC peer and the typed
 * channel, in the test page itself. It consents over signaling, sends
 * hand-written DOM frames (each validated with channelMessage.parse first)
 * and records, decoded and validated, everything the agent's element sends.
 * (Served as an esbuild bundle by web-test-runner.config.mjs: simple-peer is CommonJS.)
 */
import { customerDeflater } from '../../../shared/customer-deflater.js';
import { CobrowseChannel } from '../../../shared/channel.js';
import { createPeer, type PeerTransport } from '../../../shared/peer.js';
import { channelMessage, type ChannelMessage, type EndReason } from '../../../shared/protocol.js';
import { SignalingClient, signalingUrl } from '../../../shared/signaling-client.js';
import { Inbox } from './inbox.js';

export class SimulatedCustomer {
  /** Every message the agent sent over the data channel, decoded and validated, in order. */
  readonly #inbox = new Inbox('the customer');
  readonly signaling: SignalingClient;
  #peer: PeerTransport | null = null;
  #channel: CobrowseChannel | null = null;
  #welcomed: Promise<void>;

  constructor(serverUrl: string, customerToken: string) {
    this.signaling = new SignalingClient({ url: signalingUrl(serverUrl), token: customerToken });
    this.#welcomed = new Promise((resolve) => this.signaling.on('welcome', () => resolve()));
    this.signaling.on('signal', (message) => this.#peer?.signal(message.data));
    this.signaling.connect();
  }

  get connected(): boolean {
    return this.#channel?.open ?? false;
  }

  /** Consent over signaling, as the customer's element does when "Allow sharing" is clicked. */
  async consent(): Promise<void> {
    await this.#welcomed;
    this.signaling.send({ t: 'event', event: { kind: 'consent-granted' } });
  }

  /** Open a new peer connection to the agent (the customer initiates) and wait for the channel. */
  async connectPeer(timeoutMs = 15_000): Promise<void> {
    this.dropPeer();
    const peer = createPeer({ initiator: true, iceServers: [] });
    this.#peer = peer;
    peer.on('signal', (data) => this.signaling.send({ t: 'signal', data }));
    // Listen from the start, as the product does: the agent's first message can arrive before our 'connect'.
    const channel = new CobrowseChannel(peer, { role: 'customer', deflater: customerDeflater });
    channel.on('message', (message) => this.#inbox.push(message));
    this.#channel = channel;
    peer.on('connect', () => {
      if (this.#peer !== peer) return;
      this.signaling.send({ t: 'event', event: { kind: 'connected' } });
    });
    const deadline = Date.now() + timeoutMs;
    while (!this.connected) {
      if (Date.now() > deadline) throw new Error('the customer never connected to the agent');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Send one message to the agent after validating it as the agent's channel will. */
  send(message: ChannelMessage): void {
    const parsed = channelMessage.parse(message);
    if (!this.#channel?.open) throw new Error('the customer channel is not open');
    this.#channel.send(parsed);
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

  /** Close the peer connection only: the customer stays present on the signaling server. */
  dropPeer(): void {
    const channel = this.#channel;
    const peer = this.#peer;
    this.#channel = null;
    this.#peer = null;
    channel?.close();
    peer?.close();
  }

  /** End the session as the customer's End button does: on the channel and on the server. */
  end(reason: EndReason = 'customer-ended'): void {
    if (this.#channel?.open) this.#channel.send({ t: 'end', by: 'customer', reason });
    this.signaling.send({ t: 'end', reason });
  }

  close(): void {
    this.dropPeer();
    this.signaling.close();
  }
}
