/**
 * The agent's side of a session: signaling socket with the agent token, the
 * peer connection (the customer initiates; we answer), the data channel, and
 * the mirror. One method sets the connection state and emits it.
 */
import { CobrowseChannel } from '../../shared/channel.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import { columnarNodeLists } from '../../shared/node-list-decode.js';
import { msgpackrUnpack } from '../../shared/msgpackr-unpack.js';
import { TypedEmitter } from '../../shared/event-emitter.js';
import { createPeer, type PeerTransport } from '../../shared/peer.js';
import {
  isDomFrame,
  type ChannelMessage,
  type EndReason,
  type IceServer,
  type RemoteAction,
} from '../../shared/protocol.js';
import { SignalingClient, signalingUrl, type SocketLike } from '../../shared/signaling-client.js';
import { AGENT_SEAT, type ParticipantId, type ViewerInfo, type ViewerKind } from '../../shared/viewer-protocol.js';
import { markStage } from '../../shared/stage-marks.js';
import type { Mirror } from '../mirror/mirror.js';
import {
  END_DESCRIPTIONS,
  INVALID_MESSAGES,
  ROLE_TAKEN_ATTEMPTS,
  ROLE_TAKEN_FINAL,
  ROLE_TAKEN_RETRYING,
} from './session-words.js';

export type AgentState =
  | 'connecting'
  /** The customer has not answered the consent prompt yet. */
  | 'waiting-for-consent'
  /** Consent given, the customer's page is not connected right now (navigating, or gone). */
  | 'waiting-for-customer'
  /** Setting up the peer connection. */
  | 'joining'
  | 'live'
  /** Lost the customer's page or the server; retrying. The view is stale. */
  | 'reconnecting'
  | 'ended'
  /** The link is wrong, expired or already used. */
  | 'invalid'
  /** The server would not let this console join (another console holds the agent's place). */
  | 'refused';

export interface AgentSessionEvents {
  state: { state: AgentState; detail: string };
  /**
   * Control held by the agent changed; `by` says who changed it: the customer
   * (granted or took it back), the agent (released it), or the connection (lost with it).
   */
  control: { granted: boolean; pending: boolean; by: 'customer' | 'agent' | 'connection' };
  /** A message from the customer that the UI shows (pointer, refusals). */
  message: ChannelMessage;
  /** The customer's page (from nav frames and snapshots). */
  page: { url: string; title: string };
  /** The customer paused sharing (true) or resumed it (false). */
  paused: boolean;
  /** Who watches and who leads (this console is `self`). */
  viewers: { viewers: readonly ViewerInfo[]; lead: ParticipantId; limit: number };
  /** A supervisor's private note to this console, as the lead. */
  whisper: { from: ViewerInfo; text: string; at: number };
  /** An invite this console asked for (the lead's Invite button). */
  invited: { viewer: ViewerInfo; link: string };
  /** The server refused a request of this console (inviting, handing on the lead, a whisper). */
  refusal: string;
}

export interface AgentSessionOptions {
  serverUrl: string;
  token: string;
  /** Where frames go; the session owns neither its DOM nor its lifetime. */
  mirror: Pick<Mirror, 'apply' | 'applyAsset'>;
  iceTransportPolicy?: 'all' | 'relay';
  createSocket?: (url: string) => SocketLike;
}

export class AgentSession extends TypedEmitter<AgentSessionEvents> {
  readonly #options: AgentSessionOptions;
  readonly #signaling: SignalingClient;
  #state: AgentState = 'connecting';
  /** Refusals in a row because another console holds the agent's place (reset once welcomed). */
  #roleTakenRefusals = 0;
  #detail = '';
  #iceServers: IceServer[] = [];
  #peer: PeerTransport | null = null;
  /** An answering peer made ahead of the customer's offer (see #prepareSparePeer). */
  #sparePeer: PeerTransport | null = null;
  #channel: CobrowseChannel | null = null;
  #controlGranted = false;
  #controlPending = false;
  #customerPresent = false;
  #consented = false;
  /** Numbers this channel's actions; the customer answers each with action-ack or action-refused. */
  #actionN = 0;
  readonly #unacked = new Set<number>();
  #drainWaiters: (() => void)[] = [];
  agentName = '';
  sessionId = '';
  /** Set when this console joined with a viewer invite: watching read-only unless handed the lead. */
  viewer: ViewerInfo | null = null;
  /** Who leads the session now. */
  lead: ParticipantId = AGENT_SEAT;

  constructor(options: AgentSessionOptions) {
    super();
    this.#options = options;
    this.#signaling = new SignalingClient({
      url: signalingUrl(options.serverUrl),
      token: options.token,
      // The console is a person: a bot's session link opened here is recorded as a person, not as the bot.
      agentKind: 'person',
      ...(options.createSocket ? { createSocket: options.createSocket } : {}),
    });
    this.#signaling.on('welcome', (welcome) => {
      this.#roleTakenRefusals = 0;
      this.sessionId = welcome.sessionId;
      this.agentName = welcome.agentName ?? '';
      this.viewer = welcome.viewer ?? null;
      this.#iceServers = welcome.iceServers;
      // A spare made with the previous socket's ICE servers (and TURN credentials) is stale.
      this.#dropSparePeer();
      this.#consented = welcome.consented;
      this.#customerPresent = welcome.peerPresent;
      if (!this.#channel?.open) this.#setWaitingState();
    });
    this.#signaling.on('ice-servers', ({ iceServers }) => {
      // The relay credential comes with consent (before its event): a spare made without it is made again.
      const changed = JSON.stringify(iceServers) !== JSON.stringify(this.#iceServers);
      this.#iceServers = iceServers;
      if (!changed || !this.#sparePeer) return;
      this.#dropSparePeer();
      this.#prepareSparePeer();
    });
    this.#signaling.on('peer', (message) => {
      if (message.role !== 'customer') return;
      this.#customerPresent = message.present;
      if (!message.present && !this.#channel?.open) this.#setWaitingState();
    });
    this.#signaling.on('event', ({ event }) => {
      if (event.kind === 'consent-granted') {
        this.#consented = true;
        if (!this.#channel?.open) this.#setWaitingState();
      }
      if (event.kind === 'page-visited') this.emit('page', { url: event.url, title: event.title ?? '' });
      if (event.kind === 'paused' || event.kind === 'resumed') this.emit('paused', event.kind === 'paused');
    });
    this.#signaling.on('signal', ({ data }) => {
      // The customer initiates: a new offer means a new connection (page change, reconnect).
      if (data.type === 'offer') {
        markStage('agent-offer-received');
        this.#newPeer();
      }
      this.#peer?.signal(data);
    });
    this.#signaling.on('ended', ({ reason }) => this.#finish(reason));
    this.#signaling.on('viewers', ({ viewers, lead, limit }) => {
      this.lead = lead;
      this.emit('viewers', { viewers, lead, limit });
    });
    this.#signaling.on('whisper', ({ from, text, at }) => this.emit('whisper', { from, text, at }));
    this.#signaling.on('viewer-invited', ({ viewer, link }) => this.emit('invited', { viewer, link }));
    this.#signaling.on('error', ({ code, message }) => {
      if (code === 'FORBIDDEN' || code === 'SESSION_NOT_FOUND') this.emit('refusal', message);
    });
    this.#signaling.on('state', (state) => {
      if (state === 'reconnecting' && !this.#channel?.open && this.#roleTakenRefusals === 0)
        this.#setState('reconnecting', 'Reconnecting to the server…');
    });
    this.#signaling.on('refused', ({ error }) => {
      if (error !== 'ROLE_TAKEN' || this.#channel?.open) return;
      // Another console holds the agent's place: a colleague, or this link in another tab. It may be a
      // connection of ours that the server has not seen drop yet, so retry a few times, saying why.
      this.#roleTakenRefusals += 1;
      if (this.#roleTakenRefusals >= ROLE_TAKEN_ATTEMPTS) {
        this.#setState('refused', ROLE_TAKEN_FINAL);
        this.#signaling.close();
      } else {
        this.#setState('reconnecting', ROLE_TAKEN_RETRYING);
      }
    });
    this.#signaling.on('closed', ({ error, reason }) => {
      if (this.#state === 'ended' || this.#state === 'invalid' || this.#state === 'refused') return;
      if (error && INVALID_MESSAGES[error]) {
        this.#setState(
          error === 'SIGNED_OUT' || error === 'VIEWER_REMOVED' || error === 'VIEWERS_FULL' || error === 'BOT_SESSION'
            ? 'refused'
            : error === 'UNAUTHORIZED' || error === 'UNSUPPORTED_VERSION'
              ? 'invalid'
              : 'ended',
          // The server's own words say who removed this viewer, or the limit.
          (error === 'VIEWER_REMOVED' || error === 'VIEWERS_FULL') && reason ? reason : INVALID_MESSAGES[error]!,
        );
      } else if (!this.#channel?.open) {
        this.#setState('ended', reason || 'The connection to the server was closed.');
      }
      // With the data channel still open, the live view keeps working without the server.
    });
  }

  get state(): AgentState {
    return this.#state;
  }

  get controlGranted(): boolean {
    return this.#controlGranted;
  }

  connect(): void {
    this.#signaling.connect();
  }

  /** This console's participant id: the agent seat, or its viewer id. */
  get self(): ParticipantId {
    return this.viewer?.id ?? AGENT_SEAT;
  }

  /** Whether this console guides and may ask for control. */
  get leads(): boolean {
    return this.lead === this.self;
  }

  /** The lead invites another agent or a supervisor; the link comes back as 'invited'. */
  inviteViewer(kind: ViewerKind, name: string): void {
    this.#signaling.send({ t: 'invite-viewer', kind, name });
  }

  /** The lead hands the lead (guidance and control requests) to another participant. */
  handLead(to: ParticipantId): void {
    this.#signaling.send({ t: 'hand-lead', to });
  }

  /** A supervisor's private note to the lead (the server never sends it towards the customer). */
  whisper(text: string): void {
    this.#signaling.send({ t: 'whisper', text });
  }

  /** Send a guidance or control message to the customer; false if not live. */
  send(message: ChannelMessage): boolean {
    return this.#channel?.open ? this.#channel.send(message) : false;
  }

  requestControl(): void {
    if (this.#controlGranted || this.#controlPending || !this.#channel?.open || !this.leads) return;
    this.#controlPending = true;
    this.#signaling.send({ t: 'event', event: { kind: 'control-requested' } });
    this.send({ t: 'control-request' });
    this.emit('control', { granted: false, pending: true, by: 'agent' });
  }

  /** Hand control back to the customer. */
  releaseControl(): void {
    if (!this.#controlGranted) return;
    this.send({ t: 'control-revoke' });
    this.#signaling.send({ t: 'event', event: { kind: 'control-revoked' } });
    this.#setControl(false, 'agent');
  }

  /** A remote action, numbered; only sent while control is held. */
  act(action: RemoteAction): boolean {
    if (!this.#controlGranted || !this.#channel?.open) return false;
    const n = this.#actionN + 1;
    if (!this.send({ t: 'action', action, serial: n })) return false;
    this.#actionN = n;
    this.#unacked.add(n);
    return true;
  }

  /** Actions sent and not yet answered (acknowledged or refused) by the customer. */
  get unansweredActions(): number {
    return this.#unacked.size;
  }

  /** Resolves once the customer has answered every action sent so far (or the channel closed). */
  drained(): Promise<void> {
    if (this.#unacked.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #answered(n: number | undefined): void {
    if (n !== undefined) this.#unacked.delete(n);
    if (this.#unacked.size > 0) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #forgetActions(): void {
    this.#actionN = 0;
    this.#unacked.clear();
    this.#answered(undefined);
  }

  /** End for both sides. */
  end(): void {
    if (this.#state === 'ended') return;
    this.send({ t: 'end', by: 'agent', reason: 'agent-ended' });
    this.#signaling.send({ t: 'end', reason: 'agent-ended' });
    this.#finish('agent-ended');
  }

  /** A viewer leaves; the session goes on for the others. */
  leave(): void {
    if (this.#state === 'ended') return;
    this.#closePeer();
    this.#dropSparePeer();
    this.#setState('ended', 'You left the session. The others go on watching.');
    this.#signaling.close();
  }

  /** Ask for a fresh snapshot (the mirror detected a gap). */
  requestResync(lastSeq: number | null): void {
    this.send({ t: 'resync', lastSeq });
  }

  close(): void {
    this.#closePeer();
    this.#dropSparePeer();
    this.#signaling.close();
  }

  #createAnsweringPeer(): PeerTransport {
    return createPeer({
      initiator: false,
      iceServers: this.#iceServers,
      ...(this.#options.iceTransportPolicy ? { iceTransportPolicy: this.#options.iceTransportPolicy } : {}),
    });
  }

  /**
   * Makes the answering peer while the console waits, so the customer's
   * offer is answered without first building a peer connection (measured
   * 10-45 ms on the agent's main thread). It is made before consent too:
   * made at the consent event, it ran while the offer was already on its
   * way, on the path from Allow to the first frame. An answering peer is
   * inert until signaled (no ICE, no traffic), and the customer alone
   * offers, only after consent; the server refuses signals before it.
   * Before consent it has no relay credential: with a relay configured, it
   * is made again when the credential comes ('ice-servers').
   */
  #prepareSparePeer(): void {
    if (this.#sparePeer || this.#state === 'ended' || this.#state === 'invalid' || this.#state === 'refused') return;
    try {
      this.#sparePeer = this.#createAnsweringPeer();
    } catch {
      // No WebRTC here: #newPeer will fail the same way, where the error is handled.
    }
  }

  #dropSparePeer(): void {
    this.#sparePeer?.close();
    this.#sparePeer = null;
  }

  #newPeer(): void {
    this.#closePeer();
    const peer = this.#sparePeer ?? this.#createAnsweringPeer();
    this.#sparePeer = null;
    this.#peer = peer;
    this.#setState('joining', 'Connecting to the customer’s page…');
    // The channel listens from the start: the customer's snapshot can arrive
    // before this side's 'connect' fires, and must not be lost.
    const channel = new CobrowseChannel(peer, {
      role: 'agent',
      inflater: inflateStream,
      unpack: msgpackrUnpack(),
      nodeLists: columnarNodeLists,
    });
    this.#channel = channel;
    this.#forgetActions();
    channel.on('message', (message) => this.#onCustomerMessage(message));
    channel.on('close', () => {
      if (this.#channel !== channel) return;
      this.#channel = null;
      this.#forgetActions();
      if (this.#controlGranted) this.#setControl(false, 'connection');
      if (this.#state !== 'ended') {
        this.#setState(
          this.#customerPresent ? 'reconnecting' : 'waiting-for-customer',
          'Lost the customer’s page; the view may be out of date.',
        );
        this.#prepareSparePeer();
      }
    });
    peer.on('signal', (data) => {
      if (data.type === 'answer') markStage('agent-answer-sent');
      this.#signaling.send({ t: 'signal', data });
    });
    peer.on('connect', () => {
      if (this.#peer !== peer) return;
      markStage('agent-channel-open');
      this.#signaling.send({ t: 'event', event: { kind: 'connected' } });
      this.#setState('live', '');
    });
  }

  #onCustomerMessage(message: ChannelMessage): void {
    if (isDomFrame(message)) {
      if (message.t === 'snapshot' && message.part === 0) markStage('agent-first-part');
      if (message.t === 'snapshot' && message.final) markStage('agent-last-part');
      this.#options.mirror.apply(message);
      if (message.t === 'snapshot' && message.part === 0) this.emit('page', { url: message.url, title: message.title });
      if (message.t === 'nav') this.emit('page', { url: message.url, title: message.title });
      return;
    }
    if (message.t === 'asset' || message.t === 'asset-data') {
      this.#options.mirror.applyAsset(message);
      return;
    }
    switch (message.t) {
      case 'control-grant':
        this.#controlPending = false;
        this.#setControl(true, 'customer');
        return;
      case 'control-deny':
        this.#controlPending = false;
        this.emit('control', { granted: false, pending: false, by: 'customer' });
        this.emit('message', message);
        return;
      case 'control-revoke':
        this.#setControl(false, 'customer');
        return;
      case 'end':
        this.#finish(message.reason);
        return;
      case 'ping':
        this.send({ t: 'pong', ts: message.ts });
        return;
      case 'action-ack':
        this.#answered(message.serial);
        this.emit('message', message);
        return;
      case 'action-refused':
        this.#answered(message.serial);
        this.emit('message', message);
        return;
      default:
        this.emit('message', message);
    }
  }

  #setControl(granted: boolean, by: AgentSessionEvents['control']['by']): void {
    this.#controlGranted = granted;
    this.emit('control', { granted, pending: this.#controlPending, by });
  }

  #setWaitingState(): void {
    if (!this.#consented) this.#setState('waiting-for-consent', 'Waiting for the customer to accept…');
    else if (!this.#customerPresent) this.#setState('waiting-for-customer', 'Waiting for the customer’s page…');
    else this.#setState('joining', 'Connecting to the customer’s page…');
    this.#prepareSparePeer();
  }

  #closePeer(): void {
    const channel = this.#channel;
    this.#channel = null;
    channel?.close();
    this.#peer?.close();
    this.#peer = null;
  }

  #finish(reason: EndReason): void {
    if (this.#state === 'ended') return;
    this.#closePeer();
    this.#forgetActions();
    this.#dropSparePeer();
    this.#controlGranted = false;
    this.#setState('ended', END_DESCRIPTIONS[reason]);
    setTimeout(() => this.#signaling.close(), 250);
  }

  /** The one place the state changes. */
  #setState(state: AgentState, detail: string): void {
    if (this.#state === state && this.#detail === detail) return;
    if (this.#state === 'ended' || this.#state === 'invalid' || this.#state === 'refused') return;
    // A final state: nothing will be answered any more, so the spare answering peer goes too.
    if (state === 'ended' || state === 'invalid' || state === 'refused') this.#dropSparePeer();
    this.#state = state;
    this.#detail = detail;
    this.emit('state', { state, detail });
  }
}
