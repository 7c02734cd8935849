/**
 * The agent seat's connection on the customer's side: the peer (this side
 * initiates), its data channel and the capture run feeding it, with the hold
 * of the first walk while WebRTC connects. The session (customer-session.ts)
 * decides when it starts and what a drop or an open channel means.
 */
import { CobrowseChannel } from '../../shared/channel.js';
import { customerDeflater } from '../../shared/customer-deflater.js';
import { createNativePeer } from '../../shared/peer-native.js';
import type { PeerTransport } from '../../shared/peer-transport.js';
import type { ChannelMessage, IceServer, SignalData } from '../../shared/protocol.js';
import { markStage } from '../../shared/stage-marks.js';
import type { CaptureEngine } from '../capture/capture-engine.js';
import type { MaskConfig } from '../capture/mask-dom.js';
import type { SessionStartOptions } from '../session-api.js';
import { startChannelCapture } from './channel-capture.js';
import { ConnectingHold } from './connecting-hold.js';
import type { PeerLink } from './viewer-links.js';

/** After the peer connection drops while the agent is still there, try again after this long. */
const PEER_RETRY_MS = [500, 1_000, 2_000, 4_000, 8_000];

export interface AgentSeatDeps {
  options: SessionStartOptions;
  window: Window & typeof globalThis;
  mask: MaskConfig;
  /** The ICE servers to connect with now. */
  iceServers: () => IceServer[];
  sendSignal: (data: SignalData) => void;
  onMessage: (message: ChannelMessage) => void;
  paused: () => boolean;
  /** Outlines what the agent cannot see, once the first snapshot is out (a session's start, not a resume). */
  outline: () => void;
  /** The data channel opened (after the seat's own start of capture). */
  onOpen: (channel: CobrowseChannel) => void;
  /** The connection dropped by itself (the seat stopped it already). */
  onDrop: () => void;
}

export class AgentSeat {
  readonly #deps: AgentSeatDeps;
  #peer: PeerTransport | null = null;
  #channel: CobrowseChannel | null = null;
  #capture: CaptureEngine | null = null;
  #attempt = 0;
  readonly #connectingHold = new ConnectingHold();
  #retry: ReturnType<typeof setTimeout> | null = null;

  constructor(deps: AgentSeatDeps) {
    this.#deps = deps;
  }

  get started(): boolean {
    return this.#peer !== null;
  }

  /** The agent seat's channel and capture (where its control answers go, whose node ids its actions name). */
  link(): PeerLink {
    return { channel: this.#channel, capture: this.#capture };
  }

  /** Open, or on a first attempt still connecting: a walk started now goes out (else it starts on open). */
  get canWalk(): boolean {
    return this.#channel?.open === true || this.#attempt === 0;
  }

  /** A peer (this side initiates) and its channel, listening from the start: the first message can come before 'connect'. */
  connect(): { peer: PeerTransport; channel: CobrowseChannel } {
    const { iceTransportPolicy } = this.#deps.options;
    const peer = createNativePeer({
      iceServers: this.#deps.iceServers(),
      ...(iceTransportPolicy ? { iceTransportPolicy } : {}),
    });
    return { peer, channel: this.#channelOn(peer) };
  }

  /** Compression runs in a worker where the page allows one (shared/customer-deflater.ts). */
  #channelOn(peer: PeerTransport): CobrowseChannel {
    const wire = this.#deps.options.onWireBytes ? { onWireBytes: this.#deps.options.onWireBytes } : {};
    return new CobrowseChannel(peer, { role: 'customer', deflater: customerDeflater, ...wire });
  }

  /** The agent seat's channel, listening from the start: the first message can come before 'connect'. */
  #useChannel(channel: CobrowseChannel): void {
    this.#channel = channel;
    channel.on('message', (message) => this.#deps.onMessage(message));
  }

  /** The agent's answer or ICE candidates; the first walk holds its slices from the answer until the channel opens. */
  signal(data: SignalData): void {
    if (data.type === 'answer') {
      markStage('answer-received');
      if (this.#peer && !this.#channel?.open) this.#connectingHold.hold();
    }
    this.#peer?.signal(data);
  }

  /**
   * The agent seat's capture; the 'Hidden from' outlines when sharing starts (not on every page of the site,
   * nor on a reconnect), once the snapshot is on the data channel: 40-80 ms of main thread at 10k nodes.
   */
  startCapture(outline: boolean): void {
    const channel = this.#channel;
    if (channel === null || this.#capture !== null) return;
    const show = () => {
      if (channel.open) this.#deps.outline();
    };
    this.#capture = this.captureOn(channel, true, outline && !this.#deps.options.resumed ? show : undefined);
    if (!channel.open) this.#connectingHold.walkStarted(() => this.dropEarlyCapture());
  }

  /** Paused: the capture stops, and what was walked while connecting waits in the channel: none of it may leave. */
  pause(): void {
    this.#capture?.stop();
    this.#capture = null;
    this.dropEarlyCapture();
  }

  /**
   * Paused, or not open in time (capture then starts on open): what was walked while connecting never leaves.
   * A fresh channel on the same peer replaces the one holding it (the agent's stream has not begun): a new
   * offer would race with the answer and ICE candidates for the old one, which carry no connection id.
   */
  dropEarlyCapture(): void {
    this.#connectingHold.end();
    const peer = this.#peer;
    const channel = this.#channel;
    if (peer === null || channel === null || channel.open) return;
    this.#capture?.stop();
    this.#capture = null;
    if (channel.discard()) this.#useChannel(this.#channelOn(peer));
  }

  /** A new connection (none is running): the offer goes through `sendSignal`, `onOffer` tells the host. */
  start(): void {
    const { peer, channel } = this.connect();
    this.#peer = peer;
    markStage('peer-created');
    this.#useChannel(channel);
    peer.on('signal', (data) => {
      this.#deps.sendSignal(data);
      if (data.type !== 'offer') return;
      markStage('offer-sent');
      this.#deps.options.host.onOffer?.();
    });
    peer.on('connect', () => this.#onConnected(peer));
    // Walked while WebRTC connects (consent is given; the parts wait in the channel) on a first attempt only:
    // a retry (ICE failed, no relay) would walk the page again for nothing (~440 ms at 100k nodes).
    if (!this.#deps.paused() && this.#attempt === 0) this.startCapture(true);
    peer.on('close', () => {
      if (this.#peer !== peer) return;
      this.stop();
      this.#deps.onDrop();
    });
  }

  /** After a drop while the agent is still there: `start` runs after the next backoff step. */
  retryLater(start: () => void): void {
    const delay = PEER_RETRY_MS[Math.min(this.#attempt, PEER_RETRY_MS.length - 1)]!;
    this.#attempt += 1;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      start();
    }, delay);
  }

  /** A returning agent gets a fresh connection: attempts count from the first again. */
  restart(): void {
    this.stop();
    this.#attempt = 0;
  }

  /** Each connection gets its own channel (a fresh deflate stream) and its own capture, so it starts with a fresh snapshot. */
  captureOn(channel: CobrowseChannel, marks: boolean, afterSnapshot?: () => void): CaptureEngine {
    // The agent seat's walk (marks) waits while its connection completes; a viewer's starts once connected.
    const holdSlices = () => (marks ? this.#connectingHold.current : null);
    const deps = { window: this.#deps.window, mask: this.#deps.mask, host: this.#deps.options.host, marks, holdSlices };
    return startChannelCapture(channel, afterSnapshot ? { ...deps, afterSnapshot } : deps);
  }

  #onConnected(peer: PeerTransport): void {
    const channel = this.#channel;
    if (this.#peer !== peer || channel === null) return;
    markStage('channel-open');
    this.#connectingHold.end();
    if (!this.#deps.paused()) this.startCapture(true);
    this.#attempt = 0;
    this.#deps.onOpen(channel);
  }

  stop(): void {
    this.#connectingHold.end();
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#capture?.stop();
    this.#capture = null;
    this.#channel?.close();
    this.#channel = null;
    this.#peer?.close();
    this.#peer = null;
  }
}
