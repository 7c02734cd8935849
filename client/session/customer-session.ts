/**
 * The customer's live session, started only after consent: signaling socket,
 * the peer connection to the agent (the customer is the initiator), the
 * capture engine, remote control and the guidance overlay. One method sets the
 * state and tells the element.
 */
import { CobrowseChannel } from '../../shared/channel.js';
import { customerDeflater } from '../../shared/customer-deflater.js';
import { createPeer, type PeerTransport } from '../../shared/peer.js';
import { customerInvite, type ChannelMessage, type IceServer, type EndReason } from '../../shared/protocol.js';
import { SignalingClient, signalingUrl } from '../../shared/signaling-client.js';
import { titleOf } from '../capture/dom-read.js';
import { fromJson, microtask, pristine, toJson } from '../pristine.js';
import { GuidanceAnnouncer } from './guidance-announcer.js';
import { auditablePageUrl, auditableText } from '../../shared/page-privacy.js';
import { markStage } from '../../shared/stage-marks.js';
import { CaptureEngine } from '../capture/capture-engine.js';
import { createMaskConfig } from '../capture/mask-dom.js';
import { canvasOptionsFrom } from '../capture/canvas.js';
import { assetOptionsFrom } from '../capture/assets.js';
import { frameOptionsFrom } from '../capture/frame-bridge.js';
import { saveResume } from '../resume-store.js';
import type { CustomerEndReason, CustomerSessionState, SessionHandle, SessionStartOptions } from '../session-api.js';
import { GuidanceOverlay } from './guidance-overlay.js';
import { HiddenAreas } from './hidden-areas.js';
import { applyRemoteAction } from './remote-actions.js';
import { RemoteInput } from './remote-input.js';

/** After the peer connection drops while the agent is still there, try again after this long. */
const PEER_RETRY_MS = [500, 1_000, 2_000, 4_000, 8_000];

export class CustomerSession implements SessionHandle {
  readonly #options: SessionStartOptions;
  readonly #signaling: SignalingClient;
  readonly #window: Window & typeof globalThis;
  readonly #maskConfig;
  #state: CustomerSessionState = 'connecting';
  #iceServers: IceServer[] = [];
  #agentPresent = false;
  #peer: PeerTransport | null = null;
  #channel: CobrowseChannel | null = null;
  #capture: CaptureEngine | null = null;
  #paused = false;
  #announcer: GuidanceAnnouncer | null = null;
  /** Outlines of what the agent cannot see, on the customer's own page. */
  #hiddenAreas: HiddenAreas | null = null;
  /** Who guides: the invite's agent, until a person takes over from an automated one. */
  #agentName: string;
  #overlay: GuidanceOverlay | null = null;
  #controlGranted = false;
  /** The agent is (as far as this page knows) the automated one. */
  #agentBot = false;
  #controlPending = false;
  #peerAttempt = 0;
  #peerRetry: ReturnType<typeof setTimeout> | null = null;
  #pageReported = false;
  /** The last numbered action applied on this channel: each is applied at most once, in order. */
  #lastActionN = 0;
  /** The field of the last audited edit: typing is audited once per field, not per key. */
  #auditedEdit: number | null = null;
  readonly #remoteInput = new RemoteInput((id) => this.#channel?.send({ t: 'input-conflict', id }));
  readonly #onInput = (event: Event) => this.#remoteInput.noteInputEvent(event);
  readonly #onPageHide = () => {
    // Refresh the resume record so the next same-origin page picks the session up.
    if (this.#state !== 'ended') saveResume(this.#options.invite, Date.now(), this.#controlGranted);
  };

  constructor(options: SessionStartOptions) {
    markStage('session-start');
    this.#options = options;
    this.#window = window;
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
      if (!this.#pageReported) {
        this.#pageReported = true;
        const url = auditablePageUrl(location.href) ?? location.origin;
        this.#signaling.send({
          t: 'event',
          event: { kind: 'page-visited', url, title: auditableText(titleOf(document).slice(0, 2_048)) },
        });
      }
      this.#agentPresent = welcome.peerPresent;
      if (this.#agentPresent) this.#startPeer();
      else if (!this.#channel) this.#setState('waiting-for-agent');
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
      if (message.data.type === 'answer') markStage('answer-received');
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
      if (this.#announcer) this.#announcer.agentName = message.agentName;
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
    if (options.resumed && options.controlGranted) {
      // Control was granted on the previous page and not revoked: it carries over.
      this.#controlGranted = true;
      options.host.onControl(true);
    }
    this.#window.addEventListener('pagehide', this.#onPageHide);
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
    this.#signaling.send({ t: 'event', event: { kind: 'paused' } });
  }

  /** A new capture run: the agent's mirror rebuilds from a fresh snapshot. */
  resume(): void {
    if (!this.#paused || this.#state === 'ended') return;
    this.#paused = false;
    this.#signaling.send({ t: 'event', event: { kind: 'resumed' } });
    const channel = this.#channel;
    if (channel?.open) this.#startCapture(channel);
  }

  #startPeer(): void {
    if (this.#peer || this.#state === 'ended') return;
    const peer = createPeer({
      initiator: true,
      iceServers: this.#iceServers,
      ...(this.#options.iceTransportPolicy ? { iceTransportPolicy: this.#options.iceTransportPolicy } : {}),
    });
    this.#peer = peer;
    markStage('peer-created');
    // The channel listens from the start: the agent's first message can arrive
    // before this side's 'connect' fires, and must not be lost.
    const channel = new CobrowseChannel(peer, {
      role: 'customer',
      // Compression runs in a worker where the page allows one (shared/customer-deflater.ts).
      deflater: customerDeflater,
      ...(this.#options.onWireBytes ? { onWireBytes: this.#options.onWireBytes } : {}),
    });
    this.#channel = channel;
    // Action numbers and the agent's typing runs count per channel: a new connection starts again at 1.
    this.#lastActionN = 0;
    this.#remoteInput.reset();
    channel.on('message', (message) => this.#onAgentMessage(message));
    peer.on('signal', (data) => {
      if (data.type === 'offer') markStage('offer-sent');
      this.#signaling.send({ t: 'signal', data });
    });
    peer.on('connect', () => this.#onPeerConnected(peer, channel));
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

  /**
   * Each peer gets its own channel (a fresh deflate stream) and its own
   * capture, so every connection starts with a fresh snapshot. Capture starts
   * once the data channel is open, not while WebRTC connects: measured on two
   * cores (bench/allow.mjs), snapshot slices during the handshake delayed ICE
   * by 70-120 ms, more than the overlap saved.
   */
  #startCapture(channel: CobrowseChannel): void {
    if (this.#paused) return;
    const host = this.#options.host;
    const capture = new CaptureEngine({
      window: this.#window,
      // Under backpressure the engine stops producing diffs and sends a fresh snapshot once drained.
      send: (message) => {
        const sent = !channel.congested && channel.send(message);
        if (sent && message.t === 'snapshot') markStage(message.final ? 'snapshot-last-part' : 'snapshot-first-part');
        return sent;
      },
      mask: this.#maskConfig,
      canvas: canvasOptionsFrom(host.uiRoot),
      assets: assetOptionsFrom(host.uiRoot),
      frames: frameOptionsFrom(host.uiRoot),
      backlogBytes: () => channel.backlogBytes,
      isOwnUi: (node) => node === host.uiRoot || pristine.contains.call(host.uiRoot, node),
      onFailure: (reason) => {
        const message = `The customer's page could not be shared: ${reason}`;
        if (channel.open) channel.send({ t: 'error', code: 'INTERNAL', message });
        host.onCaptureFailed?.(reason);
      },
    });
    this.#capture = capture;
    channel.on('drain', () => capture.drained());
    markStage('snapshot-start');
    void capture.start();
  }

  #onPeerConnected(peer: PeerTransport, channel: CobrowseChannel): void {
    if (this.#peer !== peer) return;
    markStage('channel-open');
    this.#peerAttempt = 0;
    this.#startCapture(channel);
    const container = this.#options.host.overlayContainer.parentNode;
    if (container && !this.#announcer)
      this.#announcer = new GuidanceAnnouncer(
        container,
        container.ownerDocument ?? document,
        this.#agentName,
        ...(this.#options.host.guidanceWords ? [this.#options.host.guidanceWords.bind(this.#options.host)] : []),
      );
    const first = this.#hiddenAreas === null;
    // Shown briefly when sharing starts (not again on every page of the site, nor on a reconnect).
    if (first && !this.#options.resumed) this.showHiddenAreas();
    this.#setState('live');
    this.#signaling.send({ t: 'event', event: { kind: 'connected' } });
    if (this.#controlGranted) channel.send({ t: 'control-grant' });
  }

  /**
   * The overlay is made when the agent first points, highlights or draws: it
   * re-places itself every animation frame, work the first snapshot should not
   * compete with when the agent has shown nothing yet.
   */
  #guidance(): GuidanceOverlay {
    this.#overlay ??= new GuidanceOverlay(
      this.#options.host.overlayContainer,
      this.#window,
      this.#options.invite.agentName ?? '',
    );
    return this.#overlay;
  }

  #onAgentMessage(message: ChannelMessage): void {
    switch (message.t) {
      case 'pointer':
        if (message.gone) this.#overlay?.showPointer(message.x, message.y, true);
        else {
          this.#guidance().showPointer(message.x, message.y);
          this.#announcer?.pointing(
            document.elementFromPoint(message.x - this.#window.scrollX, message.y - this.#window.scrollY),
          );
        }
        return;
      case 'highlight': {
        const node = message.id === null ? null : this.#capture?.nodeOf(message.id);
        const element = node && node.nodeType === 1 ? (node as Element) : (node?.parentElement ?? null);
        if (element) {
          this.#guidance().highlight(element, message.label);
          this.#announcer?.highlighted(element);
        } else this.#overlay?.highlight(null, message.label);
        return;
      }
      case 'annotation':
        this.#guidance().annotate(message.id, message.shape, message.points, message.color);
        return;
      case 'annotation-clear':
        this.#overlay?.clearAnnotations();
        return;
      case 'control-request':
        void this.#askControl();
        return;
      case 'control-revoke':
        // The agent hands control back.
        if (this.#controlGranted) this.#setControl(false, false);
        return;
      case 'action': {
        const n = message.n;
        if (n !== undefined) {
          // Applied at most once and in order: a repeated or older number is not applied again.
          if (n <= this.#lastActionN) return;
          this.#lastActionN = n;
        }
        const capture = this.#capture;
        const outcome = applyRemoteAction(message.action, this.#controlGranted, {
          window: this.#window,
          nodeById: (id) => capture?.nodeOf(id),
          maskConfig: this.#maskConfig,
          isOwnUi: (node) => this.#options.host.uiRoot.contains(node),
          remoteInput: this.#remoteInput,
          navigationOrigins: this.#options.host.navigationOrigins,
        });
        if (outcome.ok) {
          // The ack goes after the frames that show the action's effect (the agent's copy waits for both).
          capture?.flushNow();
          if (n !== undefined) this.#channel?.send({ t: 'action-ack', n });
          // One audit row per field typed in, not per keystroke.
          if (message.action.kind !== 'edit' || this.#auditedEdit !== message.action.id) {
            this.#signaling.send({
              t: 'event',
              event: { kind: 'remote-action', action: message.action.kind, target: outcome.target },
            });
          }
          this.#auditedEdit = message.action.kind === 'edit' ? message.action.id : null;
        } else {
          this.#channel?.send({
            t: 'action-refused',
            kind: message.action.kind,
            reason: outcome.reason,
            ...(n !== undefined ? { n } : {}),
          });
        }
        return;
      }
      case 'resync':
        void this.#capture?.resync();
        return;
      case 'end':
        this.#finish(message.reason);
        return;
      case 'ping':
        if (!this.#paused) this.#channel?.send({ t: 'pong', ts: message.ts });
        return;
      default:
        return;
    }
  }

  async #askControl(): Promise<void> {
    if (this.#controlGranted || this.#controlPending) {
      if (this.#controlGranted) this.#channel?.send({ t: 'control-grant' });
      return;
    }
    this.#controlPending = true;
    const granted = await this.#options.host.requestControl();
    this.#controlPending = false;
    if (this.#state === 'ended') return;
    if (granted) this.#setControl(true, true);
    else {
      this.#channel?.send({ t: 'control-deny' });
      this.#signaling.send({ t: 'event', event: { kind: 'control-denied' } });
    }
  }

  /** The one place control changes; `announce` tells the agent and the audit log. */
  #setControl(granted: boolean, announce: boolean): void {
    this.#controlGranted = granted;
    this.#options.host.onControl(granted);
    if (!announce) return;
    this.#channel?.send({ t: granted ? 'control-grant' : 'control-revoke' });
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
    if (this.#peerRetry) clearTimeout(this.#peerRetry);
    this.#peerRetry = null;
    this.#capture?.stop();
    this.#capture = null;
    this.#channel?.close();
    this.#channel = null;
    this.#peer?.close();
    this.#peer = null;
    this.#overlay?.highlight(null);
    this.#overlay?.showPointer(0, 0, true);
  }

  #finish(reason: EndReason): void {
    if (this.#state === 'ended') return;
    this.#stopPeer();
    this.#overlay?.destroy();
    this.#overlay = null;
    this.#announcer?.destroy();
    this.#announcer = null;
    this.#hiddenAreas?.destroy();
    this.#hiddenAreas = null;
    this.#controlGranted = false;
    this.#window.removeEventListener('pagehide', this.#onPageHide);
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
