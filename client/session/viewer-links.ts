/**
 * The customer's connections to invited viewers: one peer connection, data
 * channel and capture run per viewer (channel-capture.ts), opened when the
 * server's roster names a viewer and closed when it no longer does. The
 * customer initiates each, as it does with the agent seat.
 */
import type { CobrowseChannel } from '../../shared/channel.js';
import type { PeerTransport } from '../../shared/peer-transport.js';
import type { ChannelMessage, SignalData } from '../../shared/protocol.js';
import type { ViewerInfo } from '../../shared/viewer-protocol.js';
import type { CaptureEngine } from '../capture/capture-engine.js';

/** What only the lead may send (guidance and control); from anyone else it is refused. */
const LEAD_ONLY = new Set<ChannelMessage['t']>([
  'pointer',
  'highlight',
  'annotation',
  'annotation-clear',
  'control-request',
  'control-revoke',
  'action',
]);

/** Answers the action `message` as not applied: its sender has no control. */
export function refuseAction(message: Extract<ChannelMessage, { t: 'action' }>, link: PeerLink): void {
  link.channel?.send({
    t: 'action-refused',
    kind: message.action.kind,
    reason: 'no-control',
    ...(message.serial !== undefined ? { serial: message.serial } : {}),
  });
}

/**
 * A message from a connection that is not the lead's: a viewer watches, so its guidance is dropped and its
 * requests are answered with a refusal. True when `message` was refused (the caller stops there).
 */
export function refusedFromViewer(message: ChannelMessage, link: PeerLink): boolean {
  if (!LEAD_ONLY.has(message.t)) return false;
  if (message.t === 'action') refuseAction(message, link);
  if (message.t === 'control-request') link.channel?.send({ t: 'control-deny' });
  return true;
}

/** After a viewer's connection drops while it is still in the roster, try again after this long. */
const RETRY_MS = [500, 1_000, 2_000, 4_000, 8_000];

/** What the session needs of one connection: where to answer, and whose node ids an action names. */
export interface PeerLink {
  readonly channel: CobrowseChannel | null;
  readonly capture: CaptureEngine | null;
}

interface ViewerLink extends PeerLink {
  info: ViewerInfo;
  peer: PeerTransport;
  channel: CobrowseChannel;
  capture: CaptureEngine | null;
  attempt: number;
}

export interface ViewerLinksOptions {
  /** A new peer (this side initiates) and its channel, already listening. */
  connect(): { peer: PeerTransport; channel: CobrowseChannel };
  sendSignal(viewerId: string, data: SignalData): void;
  /** A capture run on the channel, or null while sharing is paused. */
  startCapture(channel: CobrowseChannel): CaptureEngine | null;
  onMessage(viewerId: string, message: ChannelMessage, link: PeerLink): void;
}

export class ViewerLinks {
  readonly #options: ViewerLinksOptions;
  readonly #links = new Map<string, ViewerLink>();
  readonly #wanted = new Map<string, ViewerInfo>();
  readonly #retries = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(options: ViewerLinksOptions) {
    this.#options = options;
  }

  /** The server's roster changed: connect to new viewers, drop those who left or were removed. */
  update(viewers: readonly ViewerInfo[]): void {
    this.#wanted.clear();
    for (const viewer of viewers) this.#wanted.set(viewer.id, viewer);
    for (const id of [...this.#links.keys()]) if (!this.#wanted.has(id)) this.#drop(id);
    for (const viewer of viewers) if (!this.#links.has(viewer.id)) this.#open(viewer, 0);
  }

  /** The connection to a viewer (for the lead's guidance and control), if open. */
  get(viewerId: string): PeerLink | undefined {
    return this.#links.get(viewerId);
  }

  signal(viewerId: string, data: SignalData): void {
    this.#links.get(viewerId)?.peer.signal(data);
  }

  /** Stop every capture run (paused); the connections stay up. */
  pause(): void {
    for (const link of this.#links.values()) {
      link.capture?.stop();
      link.capture = null;
    }
  }

  /** A fresh capture run, and so a fresh snapshot, on every open channel. */
  resume(): void {
    for (const link of this.#links.values())
      if (link.channel.open && !link.capture) link.capture = this.#options.startCapture(link.channel);
  }

  closeAll(): void {
    this.#wanted.clear();
    for (const id of [...this.#links.keys()]) this.#drop(id);
    for (const timer of this.#retries.values()) clearTimeout(timer);
    this.#retries.clear();
  }

  #open(info: ViewerInfo, attempt: number): void {
    const { peer, channel } = this.#options.connect();
    const link: ViewerLink = { info, peer, channel, capture: null, attempt };
    this.#links.set(info.id, link);
    channel.on('message', (message) => this.#options.onMessage(info.id, message, link));
    peer.on('signal', (data) => this.#options.sendSignal(info.id, data));
    peer.on('connect', () => {
      if (this.#links.get(info.id) !== link) return;
      link.attempt = 0;
      link.capture = this.#options.startCapture(channel);
    });
    peer.on('close', () => {
      if (this.#links.get(info.id) !== link) return;
      this.#drop(info.id);
      if (!this.#wanted.has(info.id)) return;
      const delay = RETRY_MS[Math.min(link.attempt, RETRY_MS.length - 1)] ?? 8_000;
      this.#retries.set(
        info.id,
        setTimeout(() => {
          this.#retries.delete(info.id);
          const wanted = this.#wanted.get(info.id);
          if (wanted && !this.#links.has(info.id)) this.#open(wanted, link.attempt + 1);
        }, delay),
      );
    });
  }

  #drop(viewerId: string): void {
    const link = this.#links.get(viewerId);
    if (!link) return;
    this.#links.delete(viewerId);
    link.capture?.stop();
    link.capture = null;
    link.channel.close();
    link.peer.close();
  }
}
