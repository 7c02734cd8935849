/**
 * The customer's live session, started only after consent: signaling socket,
 * the peer connection to the agent (the customer is the initiator), the
 * capture engine, remote control and the guidance overlay. One method sets the
 * state and tells the element.
 */
import type { CobrowseChannel } from '../../shared/channel.js';
import { customerInvite, type ChannelMessage, type IceServer, type EndReason } from '../../shared/protocol.js';
import { AGENT_SEAT, type ParticipantId, type ViewerInfo } from '../../shared/viewer-protocol.js';
import { SignalingClient, signalingUrl } from '../../shared/signaling-client.js';
import { fromJson, microtask, pristine, toJson } from '../pristine.js';
import { heldResumeKeys } from '../resume-store.js';
import { auditablePageUrl, auditableText } from '../../shared/page-privacy.js';
import { auditableTitle } from './action-target.js';
import { markStage } from '../../shared/stage-marks.js';
import { createMaskConfig } from '../capture/mask-dom.js';
import { refusedFromViewer, ViewerLinks, type PeerLink } from './viewer-links.js';
import type { CustomerEndReason, CustomerSessionState, SessionHandle, SessionStartOptions } from '../session-api.js';
import { LeadGuidance } from './lead-guidance.js';
import { HiddenAreas } from './hidden-areas.js';
import { RemoteControl } from './remote-control.js';
import { AgentSeat } from './agent-seat.js';
import { ControlGrant } from './control-grant.js';

/** What the lead is told when remote control's code could not be loaded on the customer's page. */
const CONTROL_FAILED =
  "Remote control could not start: the customer's browser could not load its code. You can still see the page and guide.";

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
  /** The agent seat's peer, channel and capture (agent-seat.ts). */
  readonly #seat: AgentSeat;
  #paused = false;
  /** Outlines of what the agent cannot see, on the customer's own page. */
  #hiddenAreas: HiddenAreas | null = null;
  /** Who guides: the invite's agent, until a person takes over from an automated one. */
  #agentName: string;
  readonly #guidance: LeadGuidance;
  readonly #control: ControlGrant;
  /** The agent is (as far as this page knows) the automated one. */
  #agentBot = false;
  /** Whether the page visited went out (null before the welcome: it goes after it, and not while paused). */
  #pageReported: boolean | null = null;
  /** Who guides and may ask for control: the agent seat until the lead is handed to a viewer. */
  #lead: ParticipantId = AGENT_SEAT;
  #viewers: readonly ViewerInfo[] = [];
  readonly #viewerLinks: ViewerLinks;
  /** A page going into the back/forward cache closes the session's connections (its next page takes the seat). */
  readonly #onPageHide = (event: PageTransitionEvent): void => {
    if (event.persisted && this.#state !== 'ended') this.#intoCache();
  };
  /** The lead's remote actions, their code fetched when control may be granted (remote-control.ts). */
  readonly #remote: RemoteControl;

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
    const resume = options.resume;
    // Set once a socket of this page's own opened (its hello named the key), not the consent socket it adopted.
    let named = false;
    this.#signaling = new SignalingClient({
      url: signalingUrl(invite.server),
      token: invite.token,
      createSocket: (url) => {
        const socket = new pristine.WebSocket(url);
        // Its hello names this page's resume key: the server may hold it from now on (review K1/F5).
        socket.addEventListener('open', () => {
          named = true;
          if (resume) options.host.onResumeKeys?.(heldResumeKeys(resume, false));
        });
        return socket;
      },
      json: { stringify: toJson, parse: fromJson },
      microtask,
      ...(resume ? { resume } : {}),
    });
    // The loader's consent socket already carries consent-granted; its welcome predates it.
    let consentRecorded = options.signaling !== undefined;
    let first = true;
    this.#signaling.on('welcome', (welcome) => {
      markStage('customer-welcome');
      // The server holds this page's key now (not so for the consent socket's welcome: it named none).
      if (resume && named) options.host.onResumeKeys?.(heldResumeKeys(resume, true));
      // Before anything is started or reported: on a later welcome (a reconnect) the server may not have what the
      // page queued meanwhile.
      if (first) this.#stricter(welcome);
      first = false;
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
      else if (!this.#seat.link().channel) this.#setState('waiting-for-agent');
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
        this.#seat.restart();
        this.#guidance.clearTransient();
        this.#startPeer();
      } else {
        // The agent closed the console: drop the connection now rather than wait for ICE to notice.
        this.#stopPeer();
        this.#setState('waiting-for-agent', { agentPresent: false });
      }
    });
    this.#signaling.on('signal', (message) => this.#seat.signal(message.data));
    this.#signaling.on('event', (message) => {
      if (message.event.kind === 'control-revoked') this.#control.revoke(false);
    });
    this.#signaling.on('ended', (message) => this.#finish(message.reason));
    this.#signaling.on('agent', (message) => {
      // Live: the bot's departure (peer message) closes its connection; only what it was allowed goes now.
      this.#agentBot = message.agentBot;
      this.#control.revoke(true);
      this.#guidance.renamed(message.agentName);
      this.#agentName = message.agentName;
      options.host.onAgent?.({ name: message.agentName, bot: message.agentBot, tookOver: true });
    });
    this.#signaling.on('state', (state) => {
      if (state === 'reconnecting' && !this.#seat.link().channel?.open && this.#state !== 'ended')
        this.#setState('reconnecting');
    });
    this.#signaling.on('closed', (closed) => {
      // The server ended the session or refused us for good (RESUME_REFUSED: another window resumed it from a copy of
      // this tab's record); without an open channel nothing is left.
      const error = closed.error ?? '';
      if (['SESSION_ENDED', 'SESSION_EXPIRED', 'UNAUTHORIZED', 'RESUME_REFUSED'].includes(error)) {
        this.#finish(closed.error === 'SESSION_EXPIRED' ? 'expired' : 'api');
      }
    });
    this.#control = new ControlGrant({
      host: options.host,
      leadChannel: () => this.#leadLink().channel,
      audit: (event) => this.#signaling.send({ t: 'event', event }),
      onGranted: () => this.#remote.answered(),
      ended: () => this.#state === 'ended',
    });
    this.#remote = new RemoteControl({
      window: this.#window,
      maskConfig: this.#maskConfig,
      host: options.host,
      audit: (event) => this.#signaling.send({ t: 'event', event }),
      onConflict: (id) => this.#leadLink().channel?.send({ t: 'input-conflict', id }),
      granted: () => this.#control.granted,
      lead: () => this.#lead,
      onFailed: () => this.#controlFailed(),
    });
    this.#seat = new AgentSeat({
      options,
      window: this.#window,
      mask: this.#maskConfig,
      iceServers: () => this.#iceServers,
      sendSignal: (data) => this.#signaling.send({ t: 'signal', data }),
      onMessage: (message) => this.#onPeerMessage(message, AGENT_SEAT, this.#seat.link()),
      paused: () => this.#paused,
      outline: () => {
        if (this.#hiddenAreas === null) this.showHiddenAreas();
      },
      onOpen: (channel) => this.#onPeerConnected(channel),
      onDrop: () => this.#onPeerDropped(),
    });
    this.#viewerLinks = new ViewerLinks({
      connect: () => this.#seat.connect(),
      sendSignal: (viewer, data) => this.#signaling.send({ t: 'viewer-signal', viewer, data }),
      startCapture: (channel) => (this.#paused ? null : this.#seat.captureOn(channel, false)),
      onMessage: (viewer, message, link) => this.#onPeerMessage(message, viewer, link),
    });
    this.#signaling.on('viewers', (message) => this.#onViewers(message.viewers, message.lead));
    this.#signaling.on('viewer-signal', (message) => this.#viewerLinks.signal(message.viewer, message.data));
    this.#paused = options.resumed && options.paused === true;
    this.#window.addEventListener('pagehide', this.#onPageHide);
    const adopted = options.signaling;
    if (adopted) this.#signaling.adopt(adopted.socket, () => adopted.takeMessages());
    else this.#signaling.connect();
  }

  /**
   * What the tab's record says (the page's scripts can edit it) and what the server recorded, the stricter of both
   * (review s13 B8): control carries over from the previous page only if both say granted, the page is paused if
   * either says paused. What the server missed (the previous page left before its word arrived) it is told now.
   */
  #stricter(recorded: { controlGranted?: boolean | undefined; paused?: boolean | undefined }): void {
    const { resumed, controlGranted, host } = this.#options;
    if (resumed && controlGranted && recorded.controlGranted) {
      this.#control.carryOver();
      this.#remote.load();
    }
    // Either side's grant alone ends, told and recorded (a hand-over while the tab was away cleared the server's).
    else if (recorded.controlGranted || (resumed && controlGranted)) this.#control.set(false, true);
    if (recorded.paused && !this.#paused) {
      this.#paused = true;
      host.onPaused?.(true);
    } else if (this.#paused && recorded.paused === false) {
      this.#signaling.send({ t: 'event', event: { kind: 'paused' } });
    }
  }

  end(reason: CustomerEndReason = 'customer-ended'): void {
    if (this.#state === 'ended') return;
    this.#seat.link().channel?.send({ t: 'end', by: 'customer', reason });
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
    this.#control.revoke(true);
  }

  /**
   * Paused: the capture engine is stopped (no observer, listener or timer on
   * the page) and nothing goes on the data channel; the connection stays up.
   */
  pause(): void {
    if (this.#paused || this.#state === 'ended') return;
    this.#paused = true;
    this.#control.revoke(true);
    this.#seat.pause();
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
    if (this.#seat.canWalk) this.#seat.startCapture(false);
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
      this.#control.revoke(true);
      this.#lead = lead;
      this.#remote.reset();
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
    if (this.#lead === AGENT_SEAT) return this.#seat.link();
    return this.#viewerLinks.get(this.#lead) ?? { channel: null, capture: null };
  }

  #startPeer(): void {
    if (this.#seat.started || this.#state === 'ended' || !this.#iceReady) return;
    // The agent's typing runs count per channel: a new connection starts again.
    if (this.#lead === AGENT_SEAT) this.#remote.reset();
    this.#seat.start();
  }

  /** The agent seat's connection dropped by itself: try again while the agent is there. */
  #onPeerDropped(): void {
    this.#guidance.clearTransient();
    if (this.#state === 'ended') return;
    this.#setState(this.#agentPresent ? 'reconnecting' : 'waiting-for-agent');
    if (this.#agentPresent)
      this.#seat.retryLater(() => {
        if (this.#agentPresent) this.#startPeer();
      });
  }

  #onPeerConnected(channel: CobrowseChannel): void {
    if (this.#paused && this.#hiddenAreas === null && !this.#options.resumed) this.showHiddenAreas();
    this.#guidance.startAnnouncer();
    this.#setState('live');
    this.#signaling.send({ t: 'event', event: { kind: 'connected' } });
    if (this.#control.granted && this.#lead === AGENT_SEAT) channel.send({ t: 'control-grant' });
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
        // Fetched while the customer reads the prompt.
        this.#remote.load();
        void this.#control.ask();
        return;
      case 'control-revoke':
        // The agent hands control back.
        this.#control.revoke(false);
        return;
      case 'action':
        this.#remote.run(message, link);
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

  /**
   * A person took over from the automated agent while this page was away:
   * what the customer allowed the bot to do, the person must ask for again,
   * and a direct connection still open is the bot's (the person's is set up
   * through signaling, after this welcome).
   */
  #personTookOver(): void {
    this.#stopPeer();
    this.#control.revoke(true);
  }

  /** Remote control's code did not load while control was granted: control ends, and both sides are told why. */
  #controlFailed(): void {
    this.#control.revoke(true);
    this.#leadLink().channel?.send({ t: 'error', code: 'INTERNAL', message: CONTROL_FAILED });
    this.#options.host.onControlFailed?.();
  }

  #stopPeer(): void {
    this.#seat.stop();
    this.#guidance.clearTransient();
  }

  /**
   * The page goes into the back/forward cache (Chromium keeps one without a peer connection there, its socket open):
   * its connections close, so the customer's seat is free for the tab's next page (review s13 B4). The record stays
   * as the element leaves it; back from the cache, the page loads again and resumes from it (resume-store.ts).
   */
  #intoCache(): void {
    this.#stopPeer();
    this.#viewerLinks.closeAll();
    this.#signaling.close();
  }

  #finish(reason: EndReason): void {
    if (this.#state === 'ended') return;
    this.#stopPeer();
    this.#viewerLinks.closeAll();
    this.#guidance.destroy();
    this.#hiddenAreas?.destroy();
    this.#hiddenAreas = null;
    this.#control.clear();
    this.#remote.end();
    this.#window.removeEventListener('pagehide', this.#onPageHide);
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
