/**
 * The agent's side of the connection from Node: the signaling socket with the
 * agent token (ws), the answering peer (simple-peer over node-datachannel)
 * and the data channel. The same glue as agent/session/agent-session.ts,
 * without its console states; the customer initiates, we answer each offer.
 */
import WebSocket from 'ws';
import { CobrowseChannel } from '../shared/channel.js';
import { TypedEmitter } from '../shared/event-emitter.js';
import { inflateStream } from '../shared/inflate-stream.js';
import { columnarNodeLists } from '../shared/node-list-decode.js';
import { msgpackrUnpack } from '../shared/msgpackr-unpack.js';
import { createPeer, type PeerTransport, type WrtcImplementation } from '../shared/peer.js';
import type { ChannelMessage, EndReason, IceServer, ServerMessage } from '../shared/protocol.js';
import { SignalingClient, signalingUrl, type SocketLike } from '../shared/signaling-client.js';

export interface ConnectionEvents {
  /** Signaling accepted the token. */
  welcome: Extract<ServerMessage, { t: 'welcome' }>;
  /** The data channel to the customer's page opened (again, after a page change). */
  open: void;
  /** The data channel closed (the customer navigates, or left). */
  lost: void;
  /** A validated message from the customer. */
  message: ChannelMessage;
  /** An audit event of the customer, forwarded by the server. */
  event: Extract<ServerMessage, { t: 'event' }>;
  /** The session is over, or the token was refused. */
  ended: { reason: EndReason | 'refused'; detail: string };
}

export class AgentConnection extends TypedEmitter<ConnectionEvents> {
  readonly #signaling: SignalingClient;
  readonly #wrtc: WrtcImplementation;
  #iceServers: IceServer[] = [];
  #peer: PeerTransport | null = null;
  #channel: CobrowseChannel | null = null;
  #ended = false;

  constructor(options: { server: string; token: string; wrtc: WrtcImplementation; bot?: boolean }) {
    super();
    this.#wrtc = options.wrtc;
    this.#signaling = new SignalingClient({
      url: signalingUrl(options.server),
      token: options.token,
      ...(options.bot === true ? { agentKind: 'bot' as const } : {}),
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    });
    this.#signaling.on('welcome', (welcome) => {
      this.#iceServers = welcome.iceServers;
      this.emit('welcome', welcome);
    });
    // The relay credential comes with the customer's consent; the welcome before it has none.
    this.#signaling.on('ice-servers', ({ iceServers }) => (this.#iceServers = iceServers));
    this.#signaling.on('event', (event) => this.emit('event', event));
    this.#signaling.on('signal', ({ data }) => {
      if (data.type === 'offer') this.#newPeer();
      this.#peer?.signal(data);
    });
    this.#signaling.on('ended', ({ reason }) => this.#finish(reason, 'The session ended.'));
    this.#signaling.on('closed', ({ error, reason }) => {
      if (
        error === 'UNAUTHORIZED' ||
        error === 'SESSION_ENDED' ||
        error === 'SESSION_EXPIRED' ||
        error === 'UNSUPPORTED_VERSION' ||
        // A person took over from this automated agent.
        error === 'HANDED_OVER'
      ) {
        this.#finish('refused', `${error}: ${reason}`);
      } else if (!this.#channel?.open) {
        this.#finish('error', reason || 'The connection to the server was closed.');
      }
    });
  }

  get open(): boolean {
    return this.#channel?.open ?? false;
  }

  connect(): void {
    this.#signaling.connect();
  }

  /** Send to the customer's page; false when no channel is open. */
  send(message: ChannelMessage): boolean {
    return this.#channel?.open ? this.#channel.send(message) : false;
  }

  /** Report an audit event of ours (control requested or released) to the server. */
  report(kind: 'control-requested' | 'control-revoked'): void {
    this.#signaling.send({ t: 'event', event: { kind } });
  }

  /** End the session for both sides. */
  end(): void {
    if (this.#ended) return;
    this.send({ t: 'end', by: 'agent', reason: 'agent-ended' });
    this.#signaling.send({ t: 'end', reason: 'agent-ended' });
    this.#finish('agent-ended', 'You ended the session.');
  }

  /** Leave without ending the session. */
  close(): void {
    this.#ended = true;
    this.#closePeer();
    this.#signaling.close();
  }

  #newPeer(): void {
    this.#closePeer();
    const peer = createPeer({ initiator: false, iceServers: this.#iceServers, wrtc: this.#wrtc });
    this.#peer = peer;
    // Listen from the start: the snapshot can arrive before 'connect' fires here.
    const channel = new CobrowseChannel(peer, {
      role: 'agent',
      inflater: inflateStream,
      unpack: msgpackrUnpack(),
      nodeLists: columnarNodeLists,
    });
    this.#channel = channel;
    channel.on('message', (message) => {
      if (message.t === 'ping') channel.send({ t: 'pong', ts: message.ts });
      else if (message.t === 'end') this.#finish(message.reason, 'The customer ended the session.');
      else this.emit('message', message);
    });
    channel.on('close', () => {
      if (this.#channel !== channel) return;
      this.#channel = null;
      this.emit('lost', undefined);
    });
    peer.on('signal', (data) => this.#signaling.send({ t: 'signal', data }));
    peer.on('connect', () => {
      if (this.#peer !== peer) return;
      this.#signaling.send({ t: 'event', event: { kind: 'connected' } });
      this.emit('open', undefined);
    });
  }

  #closePeer(): void {
    const channel = this.#channel;
    this.#channel = null;
    channel?.close();
    this.#peer?.close();
    this.#peer = null;
  }

  #finish(reason: EndReason | 'refused', detail: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#closePeer();
    this.emit('ended', { reason, detail });
    setTimeout(() => this.#signaling.close(), 250).unref();
  }
}
