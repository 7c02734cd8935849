/**
 * The customer's live session, started only after consent: signaling socket,
 * the peer connection to the agent (the customer is the initiator), the
 * capture engine, remote control and the guidance overlay. One method sets the
 * state and tells the element.
 */
import { CobrowseChannel } from '../../shared/channel.js';
import { customerDeflater } from '../../shared/customer-deflater.js';
import { createNativePeer } from '../../shared/peer-native.js';
import type { PeerTransport } from '../../shared/peer-transport.js';
import { customerInvite, type ChannelMessage, type IceServer, type EndReason } from '../../shared/protocol.js';
import { AGENT_SEAT, type ParticipantId, type ViewerInfo } from '../../shared/viewer-protocol.js';
import { SignalingClient, signalingUrl } from '../../shared/signaling-client.js';
import { fromJson, microtask, pristine, toJson } from '../pristine.js';
import { auditablePageUrl, auditableText } from '../../shared/page-privacy.js';
import { auditableTitle } from './action-target.js';
import { markStage } from '../../shared/stage-marks.js';
import type { CaptureEngine } from '../capture/capture-engine.js';
import { createMaskConfig } from '../capture/mask-dom.js';
import { startChannelCapture } from './channel-capture.js';
import { refusedFromViewer, ViewerLinks, type PeerLink } from './viewer-links.js';
import { keepResumeOnLeave, saveResume } from '../resume-store.js';
import type { CustomerEndReason, CustomerSessionState, SessionHandle, SessionStartOptions } from '../session-api.js';
import { LeadGuidance } from './lead-guidance.js';
import { HiddenAreas } from './hidden-areas.js';
import { ActionRunner } from './action-runner.js';
import { RemoteInput } from './remote-input.js';
import { ConnectingHold } from './connecting-hold.js';

/** After the peer connection drops while the agent is still there, try again after this long. */
const PEER_RETRY_MS = [500, 1_000, 2_000, 4_000, 8_000];

export class CustomerSession implements SessionHandle {
  readonly #options: SessionStartOptions;
  readonly #signaling: SignalingClient;
  readonly #window: Window & typeof globalThis;
  readonly #maskConfig;
  #state: CustomerSessionState = 'connecting';
  #iceServers: IceServer[] = [];
  /**
   * Whether #iceServers are the ones to connect with: a welcome before consent has no relay credential,
   * the server sends it with consent ('ice-servers'), and no peer starts before it arrives.
   */
  #iceReady = false;
  #agentPresent = false;
  #peer: PeerTransport | null = null;
  #channel: CobrowseChannel | null = null;
  #capture: CaptureEngine | null = null;
  #paused = false;
  /** Outlines of what the agent cannot see, on the customer's own page. */
  #hiddenAreas: HiddenAreas | null = null;
  /** Who guides: the invite's agent, until a person takes over from an automated one. */
  #agentName: string;
  readonly #guidance: LeadGuidance;
  #controlGranted = false;
  /** The agent is (as far as this page knows) the automated one. */
  #agentBot = false;
  #controlPending = false;
  #peerAttempt = 0;
  readonly #connectingHold = new ConnectingHold();
  #peerRetry: ReturnType<typeof setTimeout> | null = null;
  /** Whether the page visited went out (null before the welcome: it goes after it, and not while paused). */
  #pageReported: boolean | null = null;
  /** Who guides and may ask for control: the agent seat until the lead is handed to a viewer. */
  #lead: ParticipantId = AGENT_SEAT;
  #viewers: readonly ViewerInfo[] = [];
  readonly #viewerLinks: ViewerLinks;
  readonly #remoteInput = new RemoteInput((id) => this.#leadLink().channel?.send({ t: 'input-conflict', id }));
  readonly #onInput = (event: Event) => this.#remoteInput.noteInputEvent(event);
  readonly #actions: ActionRunner;
  /** Leaves the resume record to the next page of this tab when the page goes (resume-store.ts); stops at the end. */
  readonly #stopResumeRecord: () => void;

  constructor(options: SessionStartOptions) {
    markStage('session-start');
    this.#options = options;
    this.#window = window;
    this.#guidance = new LeadGuidance(options.host, this.#window, () => this.#leadName());
    // The loader checked the invite by hand; check it properly before using it.
    const invite = customerInvite.parse(options.invite);
    this.#agentName = invite.agentName ?? '';
    this.#agentBot = invite.agentBot === true;
    this.#maskConfig = createMaskConfig({
      extraMaskSelectors: options.host.maskSelectors,
      extraBlockSelectors: options.host.blockSelectors,
    });
    this.#signaling = new SignalingClient({
      url: signalingUrl(invite.server),
      token: invite.token,
      createSocket: (url) => new pristine.WebSocket(url),
      json: { stringify: toJson, parse: fromJson },
      microtask,
    });
    // The loader's consent socket already carries consent-granted; its welcome predates it.
    let consentRecorded = options.signaling !== undefined;
    this.#signaling.on('welcome', (welcome) => {
      markStage('customer-welcome');
      this.#iceServers = welcome.iceServers;
      this.#iceReady = welcome.consented;
      if (!welcome.consented && !consentRecorded) {
        const handover = options.handover === true ? { handover: true as const } : {};
        this.#signaling.send({ t: 'event', event: { kind: 'consent-granted', ...handover } });
      }
      // The invite (or the previous page) said the agent was automated and a person is there now: the
      // hand-over happened while this page was away, and its 'agent' message never reached it.
      const tookOver = this.#agentBot && welcome.agentBot !== true;
      this.#agentBot = welcome.agentBot === true;
      if (tookOver) this.#personTookOver();
      options.host.onAgent?.({ name: welcome.agentName ?? '', bot: this.#agentBot, tookOver });
      consentRecorded = false;
      this.#agentPresent = welcome.peerPresent;
      // The peer first: its offer is made off the main thread while the page visited is worked out (its
      // masked title: 6-8 ms on the 10k page). On the socket the event still goes before the offer.
      if (this.#agentPresent) this.#startPeer();
      else if (!this.#channel) this.#setState('waiting-for-agent');
      this.#pageReported ??= false;
      this.#reportPage();
    });
    this.#signaling.on('ice-servers', ({ iceServers }) => {
      this.#iceServers = iceServers;
      this.#iceReady = true;
      if (this.#agentPresent) this.#startPeer();
      if (this.#state !== 'ended') this.#viewerLinks.update(this.#viewers);
    });
    this.#signaling.on('peer', (message) => {
      if (message.role !== 'agent') return;
      this.#agentPresent = message.present;
      if (message.present) {
        // A returning agent (reload) gets a fresh connection.
        this.#stopPeer();
        this.#peerAttempt = 0;
        this.#startPeer();
      } else {
        // The agent closed the console: drop the connection now rather than wait for ICE to notice.
        this.#stopPeer();
        this.#setState('waiting-for-agent', { agentPresent: false });
      }
    });
    this.#signaling.on('signal', (message) => {
      if (message.data.type === 'answer') {
        markStage('answer-received');
        if (this.#peer && !this.#channel?.open) this.#connectingHold.hold();
      }
      this.#peer?.signal(message.data);
    });
    this.#signaling.on('event', (message) => {
      if (message.event.kind === 'control-revoked' && this.#controlGranted) this.#setControl(false, false);
    });
    this.#signaling.on('ended', (message) => this.#finish(message.reason));
    this.#signaling.on('agent', (message) => {
      // Live: the bot's departure (peer message) closes its connection; only what it was allowed goes now.
      this.#agentBot = message.agentBot;
      if (this.#controlGranted) this.#setControl(false, true);
      this.#guidance.renamed(message.agentName);
      this.#agentName = message.agentName;
      options.host.onAgent?.({ name: message.agentName, bot: message.agentBot, tookOver: true });
    });
    this.#signaling.on('state', (state) => {
      if (state === 'reconnecting' && !this.#channel?.open && this.#state !== 'ended') this.#setState('reconnecting');
    });
    this.#signaling.on('closed', (closed) => {
      // The server ended the session or refused us for good; without an open channel nothing is left.
      if (closed.error === 'SESSION_ENDED' || closed.error === 'SESSION_EXPIRED' || closed.error === 'UNAUTHORIZED') {
        this.#finish(closed.error === 'SESSION_EXPIRED' ? 'expired' : 'api');
      }
    });
    this.#actions = new ActionRunner({
      window: this.#window,
      maskConfig: this.#maskConfig,
      host: options.host,
      remoteInput: this.#remoteInput,
      audit: (event) => this.#signaling.send({ t: 'event', event }),
    });
    this.#viewerLinks = new ViewerLinks({
      connect: () => this.#connect(),
      sendSignal: (viewer, data) => this.#signaling.send({ t: 'viewer-signal', viewer, data }),
      startCapture: (channel) => (this.#paused ? null : this.#captureOn(channel, false)),
      onMessage: (viewer, message, link) => this.#onPeerMessage(message, viewer, link),
    });
    this.#signaling.on('viewers', (message) => this.#onViewers(message.viewers, message.lead));
    this.#signaling.on('viewer-signal', (message) => this.#viewerLinks.signal(message.viewer, message.data));
    if (options.resumed && options.controlGranted) {
      // Control was granted on the previous page and not revoked: it carries over.
      this.#controlGranted = true;
      options.host.onControl(true);
    }
    this.#paused = options.resumed && options.paused === true;
    // The session runs: its record is live (a copy never resumes) until its pagehide leaves it (resume-store.ts).
    saveResume({ invite, controlGranted: this.#controlGranted, paused: this.#paused });
    this.#stopResumeRecord = keepResumeOnLeave(
      () => (this.#state === 'ended' ? null : { invite, controlGranted: this.#controlGranted, paused: this.#paused }),
      this.#window,
    );
    // Capture phase on the window: sees the customer's typing before the page can stop it.
    this.#window.addEventListener('input', this.#onInput, true);
    const adopted = options.signaling;
    if (adopted) this.#signaling.adopt(adopted.socket, () => adopted.takeMessages());
    else this.#signaling.connect();
  }

  end(reason: CustomerEndReason = 'customer-ended'): void {
    if (this.#state === 'ended') return;
    this.#channel?.send({ t: 'end', by: 'customer', reason });
    this.#signaling.send({ t: 'end', reason });
    this.#finish(reason);
  }

  /** Outline the masked fields and blocked regions on the customer's page for a few seconds. */
  showHiddenAreas(): void {
    if (this.#state === 'ended') return;
    const host = this.#options.host;
    this.#hiddenAreas ??= new HiddenAreas(host.overlayContainer, this.#window, this.#maskConfig, () =>
      host.hiddenLabel ? host.hiddenLabel() : `Hidden from ${this.#agentName || 'support'}`,
    );
    this.#hiddenAreas.show(undefined, (count) => host.onHiddenAreas?.(count));
  }

  revokeControl(): void {
    if (!this.#controlGranted) return;
    this.#setControl(false, true);
  }

  /**
   * Paused: the capture engine is stopped (no observer, listener or timer on
   * the page) and nothing goes on the data channel; the connection stays up.
   */
  pause(): void {
    if (this.#paused || this.#state === 'ended') return;
    this.#paused = true;
    if (this.#controlGranted) this.#setControl(false, true);
    this.#capture?.stop();
    this.#capture = null;
    // What was walked while connecting waits in the channel: none of it may leave.
    this.#dropEarlyCapture();
    this.#viewerLinks.pause();
    this.#signaling.send({ t: 'event', event: { kind: 'paused' } });
  }

  /** A new capture run: the agent's mirror rebuilds from a fresh snapshot. */
  resume(): void {
    if (!this.#paused || this.#state === 'ended') return;
    this.#paused = false;
    this.#signaling.send({ t: 'event', event: { kind: 'resumed' } });
    this.#reportPage();
    // Still connecting: walk now on a first attempt, else once the channel opens (#onPeerConnected).
    if (this.#channel?.open || this.#peerAttempt === 0) this.#startCapture(false);
    this.#viewerLinks.resume();
  }

  /** The page visited, once: not while paused (the agent cannot see this tab, nor learn where it went). */
  #reportPage(): void {
    if (this.#pageReported !== false || this.#paused) return;
    this.#pageReported = true;
    const url = auditablePageUrl(location.href) ?? location.origin;
    const title = auditableText(auditableTitle(document, this.#maskConfig));
    this.#signaling.send({ t: 'event', event: { kind: 'page-visited', url, title } });
  }

  /** The customer removes a viewer: the server disconnects it and its invite stops working. */
  removeViewer(viewerId: string): void {
    if (this.#state !== 'ended') this.#signaling.send({ t: 'remove-viewer', viewer: viewerId });
  }

  /** Who watches changed, or who leads: control granted to the old lead ends with its lead. */
  #onViewers(viewers: readonly ViewerInfo[], lead: ParticipantId): void {
    if (lead !== this.#lead) {
      if (this.#controlGranted) this.#setControl(false, true);
      this.#lead = lead;
      this.#remoteInput.reset();
      this.#guidance.leadChanged();
    }
    this.#viewers = viewers;
    if (this.#state !== 'ended' && this.#iceReady) this.#viewerLinks.update(viewers);
    this.#options.host.onViewers?.(viewers, this.#leadName());
  }

  #leadName(): string {
    if (this.#lead === AGENT_SEAT) return this.#agentName;
    return this.#viewers.find((viewer) => viewer.id === this.#lead)?.name ?? this.#agentName;
  }

  /** The lead's connection: where control answers go, and whose node ids its actions name. */
  #leadLink(): PeerLink {
    if (this.#lead === AGENT_SEAT) return { channel: this.#channel, capture: this.#capture };
    return this.#viewerLinks.get(this.#lead) ?? { channel: null, capture: null };
  }

  /** A peer (this side initiates) and its channel, listening from the start: the first message can come before 'connect'. */
  #connect(): { peer: PeerTransport; channel: CobrowseChannel } {
    const { iceTransportPolicy } = this.#options;
    const peer = createNativePeer({
      iceServers: this.#iceServers,
      ...(iceTransportPolicy ? { iceTransportPolicy } : {}),
    });
    return { peer, channel: this.#channelOn(peer) };
  }

  /** Compression runs in a worker where the page allows one (shared/customer-deflater.ts). */
  #channelOn(peer: PeerTransport): CobrowseChannel {
    const wire = this.#options.onWireBytes ? { onWireBytes: this.#options.onWireBytes } : {};
    return new CobrowseChannel(peer, { role: 'customer', deflater: customerDeflater, ...wire });
  }

  /** The agent seat's channel, listening from the start: the first message can come before 'connect'. */
  #useChannel(channel: CobrowseChannel): void {
    this.#channel = channel;
    channel.on('message', (message) =>
      this.#onPeerMessage(message, AGENT_SEAT, { channel: this.#channel, capture: this.#capture }),
    );
  }

  /**
   * The agent seat's capture; the 'Hidden from' outlines when sharing starts (not on every page of the site,
   * nor on a reconnect), once the snapshot is on the data channel: 40-80 ms of main thread at 10k nodes.
   */
  #startCapture(outline: boolean): void {
    const channel = this.#channel;
    if (channel === null || this.#capture !== null) return;
    const show = () => {
      if (this.#hiddenAreas === null && channel.open) this.showHiddenAreas();
    };
    this.#capture = this.#captureOn(channel, true, outline && !this.#options.resumed ? show : undefined);
    if (!channel.open) this.#connectingHold.walkStarted(() => this.#dropEarlyCapture());
  }

  /**
   * Paused, or not open in time (capture then starts on open): what was walked while connecting never leaves.
   * A fresh channel on the same peer replaces the one holding it (the agent's stream has not begun): a new
   * offer would race with the answer and ICE candidates for the old one, which carry no connection id.
   */
  #dropEarlyCapture(): void {
    this.#connectingHold.end();
    const peer = this.#peer;
    const channel = this.#channel;
    if (peer === null || channel === null || channel.open) return;
    this.#capture?.stop();
    this.#capture = null;
    if (channel.discard()) this.#useChannel(this.#channelOn(peer));
  }

  #startPeer(): void {
    if (this.#peer || this.#state === 'ended' || !this.#iceReady) return;
    const { peer, channel } = this.#connect();
    this.#peer = peer;
    markStage('peer-created');
    this.#useChannel(channel);
    // The agent's typing runs count per channel: a new connection starts again.
    if (this.#lead === AGENT_SEAT) this.#remoteInput.reset();
    peer.on('signal', (data) => {
      this.#signaling.send({ t: 'signal', data });
      if (data.type !== 'offer') return;
      markStage('offer-sent');
      this.#options.host.onOffer?.();
    });
    peer.on('connect', () => this.#onPeerConnected(peer));
    // Walked while WebRTC connects (consent is given; the parts wait in the channel) on a first attempt only:
    // a retry (ICE failed, no relay) would walk the page again for nothing (~440 ms at 100k nodes).
    if (!this.#paused && this.#peerAttempt === 0) this.#startCapture(true);
    peer.on('close', () => {
      if (this.#peer !== peer) return;
      this.#stopPeer();
      if (this.#state === 'ended') return;
      this.#setState(this.#agentPresent ? 'reconnecting' : 'waiting-for-agent');
      if (this.#agentPresent) {
        const delay = PEER_RETRY_MS[Math.min(this.#peerAttempt, PEER_RETRY_MS.length - 1)]!;
        this.#peerAttempt += 1;
        this.#peerRetry = setTimeout(() => {
          this.#peerRetry = null;
          if (this.#agentPresent) this.#startPeer();
        }, delay);
      }
    });
  }

  /** Each connection gets its own channel (a fresh deflate stream) and its own capture, so it starts with a fresh snapshot. */
  #captureOn(channel: CobrowseChannel, marks: boolean, afterSnapshot?: () => void): CaptureEngine {
    // The agent seat's walk (marks) waits while its connection completes; a viewer's starts once connected.
    const holdSlices = () => (marks ? this.#connectingHold.current : null);
    const deps = { window: this.#window, mask: this.#maskConfig, host: this.#options.host, marks, holdSlices };
    return startChannelCapture(channel, afterSnapshot ? { ...deps, afterSnapshot } : deps);
  }

  #onPeerConnected(peer: PeerTransport): void {
    const channel = this.#channel;
    if (this.#peer !== peer || channel === null) return;
    markStage('channel-open');
    this.#connectingHold.end();
    if (!this.#paused) this.#startCapture(true);
    this.#peerAttempt = 0;
    if (this.#paused && this.#hiddenAreas === null && !this.#options.resumed) this.showHiddenAreas();
    this.#guidance.startAnnouncer();
    this.#setState('live');
    this.#signaling.send({ t: 'event', event: { kind: 'connected' } });
    if (this.#controlGranted && this.#lead === AGENT_SEAT) channel.send({ t: 'control-grant' });
  }

  /** A message over one connection: guidance and control only from the lead's, the rest from anyone's. */
  #onPeerMessage(message: ChannelMessage, from: ParticipantId, link: PeerLink): void {
    if (from !== this.#lead && refusedFromViewer(message, link)) return;
    switch (message.t) {
      case 'pointer':
      case 'highlight':
      case 'annotation':
      case 'annotation-clear':
        this.#guidance.show(message, link);
        return;
      case 'control-request':
        void this.#askControl();
        return;
      case 'control-revoke':
        // The agent hands control back.
        if (this.#controlGranted) this.#setControl(false, false);
        return;
      case 'action':
        this.#actions.run(message, link, this.#controlGranted);
        return;
      case 'resync':
        void link.capture?.resync();
        return;
      case 'end':
        // A viewer leaves by closing its console; only the agent seat ends the session.
        if (from === AGENT_SEAT) this.#finish(message.reason);
        return;
      case 'ping':
        if (!this.#paused) link.channel?.send({ t: 'pong', ts: message.ts });
        return;
      default:
        return;
    }
  }

  async #askControl(): Promise<void> {
    if (this.#controlGranted || this.#controlPending) {
      if (this.#controlGranted) this.#leadLink().channel?.send({ t: 'control-grant' });
      return;
    }
    this.#controlPending = true;
    const granted = await this.#options.host.requestControl();
    this.#controlPending = false;
    if (this.#state === 'ended') return;
    if (granted) this.#setControl(true, true);
    else {
      this.#leadLink().channel?.send({ t: 'control-deny' });
      this.#signaling.send({ t: 'event', event: { kind: 'control-denied' } });
    }
  }

  /** The one place control changes; `announce` tells the agent and the audit log. */
  #setControl(granted: boolean, announce: boolean): void {
    this.#controlGranted = granted;
    if (granted) this.#remoteInput.customerAnswered();
    this.#options.host.onControl(granted);
    if (!announce) return;
    this.#leadLink().channel?.send({ t: granted ? 'control-grant' : 'control-revoke' });
    this.#signaling.send({ t: 'event', event: { kind: granted ? 'control-granted' : 'control-revoked' } });
  }

  /**
   * A person took over from the automated agent while this page was away:
   * what the customer allowed the bot to do, the person must ask for again,
   * and a direct connection still open is the bot's (the person's is set up
   * through signaling, after this welcome).
   */
  #personTookOver(): void {
    this.#stopPeer();
    if (this.#controlGranted) this.#setControl(false, true);
  }

  #stopPeer(): void {
    this.#connectingHold.end();
    if (this.#peerRetry) clearTimeout(this.#peerRetry);
    this.#peerRetry = null;
    this.#capture?.stop();
    this.#capture = null;
    this.#channel?.close();
    this.#channel = null;
    this.#peer?.close();
    this.#peer = null;
    this.#guidance.clearTransient();
  }

  #finish(reason: EndReason): void {
    if (this.#state === 'ended') return;
    this.#stopPeer();
    this.#viewerLinks.closeAll();
    this.#guidance.destroy();
    this.#hiddenAreas?.destroy();
    this.#hiddenAreas = null;
    this.#controlGranted = false;
    this.#stopResumeRecord();
    this.#window.removeEventListener('input', this.#onInput, true);
    this.#setState('ended', { reason });
    // Give the end message a moment to leave before the socket closes.
    setTimeout(() => this.#signaling.close(), 250);
  }

  /** The one place the state changes. */
  #setState(state: CustomerSessionState, detail: { reason?: CustomerEndReason; agentPresent?: boolean } = {}): void {
    if (this.#state === state && state !== 'waiting-for-agent') return;
    this.#state = state;
    this.#options.host.onState(state, detail);
  }
}
