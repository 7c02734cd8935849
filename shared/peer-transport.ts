/**
 * What every peer adapter shares: the transport interface callers see
 * (bytes in, bytes out, typed events), its errors, and the helpers both
 * implementations use. shared/peer.ts wraps simple-peer (the agent, the SDK,
 * Node); shared/peer-native.ts drives the browser's own RTCPeerConnection
 * (the customer's session bundle, which so carries no simple-peer). Both
 * speak simple-peer's signal format, so either side can be either one.
 */
import type { IceServer, SignalData } from './protocol.js';

/**
 * bufferedAmount at or below which 'drain' fires. 64 KB matches simple-peer's
 * own backpressure mark and the safe single-message size, so a sender that
 * waits for 'drain' always has room for at least one more chunk.
 */
export const PEER_DRAIN_THRESHOLD_BYTES = 64 * 1024;

export const DEFAULT_CHANNEL_LABEL = 'cobrowse';

/** The WebRTC classes a non-browser environment must supply. */
export interface WrtcImplementation {
  RTCPeerConnection: new (configuration?: RTCConfiguration) => RTCPeerConnection;
  RTCSessionDescription: new (init: RTCSessionDescriptionInit) => RTCSessionDescription;
  RTCIceCandidate: new (init?: RTCIceCandidateInit) => RTCIceCandidate;
}

export interface PeerOptions {
  /** The initiator creates the data channel and sends the offer. */
  initiator: boolean;
  iceServers: IceServer[];
  /** 'relay' forces traffic through TURN (used to prove the TURN path works). */
  iceTransportPolicy?: 'all' | 'relay';
  /** Node only; browsers use their native WebRTC. */
  wrtc?: WrtcImplementation;
  /** Label of the data channel (only the initiator's label counts). */
  channelLabel?: string;
}

export type PeerErrorCode =
  /** No WebRTC in this environment, or the configuration was refused. */
  | 'unsupported'
  /** Offer/answer/candidate could not be created or applied. */
  | 'signaling-failed'
  /** ICE or DTLS failed: no path between the peers. */
  | 'connection-failed'
  /** The data channel reported an error. */
  | 'channel-failed'
  /** The WebRTC stack emitted a signal outside the protocol's schema; it was dropped. */
  | 'invalid-signal'
  /** send() before 'connect' or after 'close'. */
  | 'not-connected'
  /** The channel refused the message (e.g. larger than the remote max-message-size). */
  | 'send-failed';

/** A transport error as a value. */
export interface PeerError {
  code: PeerErrorCode;
  message: string;
}

/** Thrown by `send()`; carries the same code as the error events. */
export class PeerTransportError extends Error implements PeerError {
  readonly code: PeerErrorCode;
  constructor(code: PeerErrorCode, message: string) {
    super(message);
    this.name = 'PeerTransportError';
    this.code = code;
  }
}

/** 'local': close() was called; 'remote': the other side closed; 'failed': an error ended it (an 'error' event came first). */
export type PeerCloseReason = 'local' | 'remote' | 'failed';

export interface PeerEvents {
  /** A signal to hand to the other side through the signaling server. */
  signal: SignalData;
  connect: void;
  data: Uint8Array;
  /** Emitted once; nothing is emitted after it. */
  close: { reason: PeerCloseReason };
  error: PeerError;
  /** bufferedAmount fell to PEER_DRAIN_THRESHOLD_BYTES or below after being above it. */
  drain: void;
}

export interface SelectedCandidatePair {
  /** 'host' | 'srflx' | 'prflx' | 'relay' */
  localType: string;
  remoteType: string;
  /** Transport of the local candidate ('udp' | 'tcp'), when the stack reports it. */
  protocol?: string;
}

export interface PeerTransport {
  /** Applies a signal from the other side; ignored once closed. Early candidates are held until the description they belong to is set. */
  signal(data: SignalData): void;
  /** Sends one message; throws PeerTransportError when not connected or the channel refuses it. */
  send(bytes: Uint8Array): void;
  /** Bytes queued in the data channel and not yet sent. */
  readonly bufferedAmount: number;
  readonly connected: boolean;
  on<K extends keyof PeerEvents>(event: K, listener: (payload: PeerEvents[K]) => void): () => void;
  /** Closes the connection; idempotent and never throws. */
  close(): void;
  /** The ICE candidate pair in use, from getStats(); null before connecting or after closing. */
  selectedCandidatePair(): Promise<SelectedCandidatePair | null>;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** SCTP cause code 12, "User-Initiated Abort". */
const SCTP_USER_INITIATED_ABORT = 12;

/**
 * Chromium reports the other side's close() as a data-channel error (an
 * RTCError with SCTP cause "User-Initiated Abort"). That is an orderly remote
 * close, not a failure.
 */
export function isRemoteAbort(error: unknown): boolean {
  try {
    if (typeof error === 'object' && error !== null && 'sctpCauseCode' in error) {
      if (error.sctpCauseCode === SCTP_USER_INITIATED_ABORT) return true;
    }
  } catch {
    // err-code may have copied the RTCError onto a plain object whose inherited getters throw.
  }
  return /User-Initiated Abort/i.test(messageOf(error));
}

export function copyIceServers(servers: readonly IceServer[]): RTCIceServer[] {
  // Copies: some WebRTC stacks (node-datachannel) normalise the config in place.
  return servers.map((server) => ({
    urls: Array.isArray(server.urls) ? [...server.urls] : server.urls,
    ...(server.username !== undefined ? { username: server.username } : {}),
    ...(server.credential !== undefined ? { credential: server.credential } : {}),
  }));
}

type StatsEntry = Record<string, unknown>;

function stringField(entry: StatsEntry | undefined, key: string): string | undefined {
  const value = entry?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** Finds the selected pair the standard way (transport.selectedCandidatePairId) or, failing that, the nominated succeeded pair. */
export function findSelectedPair(report: RTCStatsReport): SelectedCandidatePair | null {
  const entries = new Map<string, StatsEntry>();
  report.forEach((value: unknown, id: string) => {
    if (typeof value === 'object' && value !== null) entries.set(id, value as StatsEntry);
  });
  let pair: StatsEntry | undefined;
  for (const entry of entries.values()) {
    const selectedId = entry['type'] === 'transport' ? stringField(entry, 'selectedCandidatePairId') : undefined;
    if (selectedId !== undefined && entries.has(selectedId)) {
      pair = entries.get(selectedId);
      break;
    }
  }
  if (!pair) {
    for (const entry of entries.values()) {
      if (entry['type'] === 'candidate-pair' && entry['nominated'] === true && entry['state'] === 'succeeded') {
        pair = entry;
        break;
      }
    }
  }
  if (!pair) return null;
  const localId = stringField(pair, 'localCandidateId');
  const remoteId = stringField(pair, 'remoteCandidateId');
  const local = localId === undefined ? undefined : entries.get(localId);
  const remote = remoteId === undefined ? undefined : entries.get(remoteId);
  const localType = stringField(local, 'candidateType');
  const remoteType = stringField(remote, 'candidateType');
  if (localType === undefined || remoteType === undefined) return null;
  const protocol = stringField(local, 'protocol');
  return protocol === undefined ? { localType, remoteType } : { localType, remoteType, protocol };
}
