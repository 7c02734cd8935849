/**
 * The signaling socket (customer/agent <-> server, JSON text frames): the
 * WebRTC handshake payloads it relays, the audit events a peer reports, and
 * every message in either direction.
 */
import * as z from 'zod/mini';
import {
  clientHandLead,
  clientInviteViewer,
  clientRemoveViewer,
  clientWhisper,
  serverViewerInvited,
  serverViewers,
  serverWhisper,
  viewerId,
  viewerInfo,
} from '../viewer-protocol.js';
import { shortText, url } from './fields.js';
import { remoteActionKind } from './guidance.js';
import { endReason, endedBy, errorCode, protocolVersion, role, sessionId, token, type Role } from './session.js';

// WebRTC signaling payloads (what simple-peer emits and accepts)

export const sdpSignal = z.strictObject({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().check(z.maxLength(64_000)),
});

export const candidateSignal = z.strictObject({
  type: z.literal('candidate'),
  candidate: z.strictObject({
    candidate: z.string().check(z.maxLength(2_048)),
    sdpMLineIndex: z.optional(z.nullable(z.number().check(z.int(), z.nonnegative()))),
    sdpMid: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
    usernameFragment: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
  }),
});

export const renegotiateSignal = z.strictObject({
  type: z.literal('renegotiate'),
  renegotiate: z.literal(true),
});

export const signalData = z.discriminatedUnion('type', [sdpSignal, candidateSignal, renegotiateSignal]);
export type SignalData = z.infer<typeof signalData>;

export const iceServer = z.strictObject({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.optional(z.string()),
  credential: z.optional(z.string()),
});
export type IceServer = z.infer<typeof iceServer>;

// ---------------------------------------------------------------------------
// Audit events a peer reports over the signaling socket. The server decides
// which role may report which kind (see AUDIT_KIND_ROLES) and never trusts a
// role or id the client claims.

export const peerEvent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('consent-shown') }),
  z.strictObject({
    kind: z.literal('consent-granted'),
    /** With an automated agent: the customer also let a person from support take over without asking again. */
    handover: z.optional(z.literal(true)),
  }),
  z.strictObject({ kind: z.literal('consent-declined') }),
  z.strictObject({ kind: z.literal('connected') }),
  z.strictObject({ kind: z.literal('page-visited'), url, title: z.optional(shortText) }),
  z.strictObject({ kind: z.literal('control-requested') }),
  z.strictObject({ kind: z.literal('control-granted') }),
  z.strictObject({ kind: z.literal('control-denied') }),
  z.strictObject({ kind: z.literal('control-revoked') }),
  /** The customer paused sharing (nothing is captured or sent) and resumed it. */
  z.strictObject({ kind: z.literal('paused') }),
  z.strictObject({ kind: z.literal('resumed') }),
  z.strictObject({
    kind: z.literal('remote-action'),
    action: remoteActionKind,
    /** A description of the target (tag, role, label), never a typed value. */
    target: shortText,
  }),
]);
export type PeerEvent = z.infer<typeof peerEvent>;
export type PeerEventKind = PeerEvent['kind'];

/** Which role may report which audit event. */
export const AUDIT_KIND_ROLES: Record<PeerEventKind, readonly Role[]> = {
  'consent-shown': ['customer'],
  'consent-granted': ['customer'],
  'consent-declined': ['customer'],
  connected: ['customer', 'agent'],
  'page-visited': ['customer'],
  'control-requested': ['agent'],
  'control-granted': ['customer'],
  'control-denied': ['customer'],
  'control-revoked': ['customer', 'agent'],
  'remote-action': ['customer'],
  paused: ['customer'],
  resumed: ['customer'],
};

// ---------------------------------------------------------------------------
// Signaling socket: client -> server

/** A page's resume key: random, chosen by the page (client/resume-store.ts). */
export const resumeKey = z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/, 'malformed resume key'));
/** How many resume keys a hello names: the server's last confirmed, the last named since, and the page's own. */
export const RESUME_KEYS_KEPT = 3;

export const clientHello = z.strictObject({
  t: z.literal('hello'),
  v: protocolVersion,
  token,
  /**
   * Who is at an agent's socket: the console says a person, the SDK says a bot when it is one.
   * Only for the audit (a person who opens a bot's session link is recorded as a person);
   * a signed-in agent is a person whatever this says.
   */
  agentKind: z.optional(z.enum(['person', 'bot'])),
  /**
   * A customer page resuming the session (signaling/customer-resume.ts): `keys` are the resume keys the tab's
   * record holds (the server's latest must be among them once a page resumed), `next` this page's own, which the
   * server keeps as the latest. A copy of the tab's record (a duplicated tab, a popup) resumes only if the tab
   * did not resume first, and the other way round.
   */
  resume: z.optional(
    z.strictObject({ keys: z.array(resumeKey).check(z.maxLength(RESUME_KEYS_KEPT)), next: resumeKey }),
  ),
});

export const clientSignal = z.strictObject({ t: z.literal('signal'), data: signalData });
export const clientEvent = z.strictObject({ t: z.literal('event'), event: peerEvent });
export const clientEnd = z.strictObject({ t: z.literal('end'), reason: z.optional(endReason) });
export const clientPing = z.strictObject({ t: z.literal('ping'), ts: z.optional(z.number()) });

/**
 * A signal for the peer connection between the customer and one viewer, in
 * either direction: the customer names the viewer it signals to, the server
 * names the viewer a signal came from (shared/viewer-protocol.ts).
 */
export const viewerSignal = z.strictObject({ t: z.literal('viewer-signal'), viewer: viewerId, data: signalData });

export const clientMessage = z.discriminatedUnion('t', [
  clientHello,
  clientSignal,
  clientEvent,
  clientEnd,
  clientPing,
  viewerSignal,
  clientInviteViewer,
  clientRemoveViewer,
  clientHandLead,
  clientWhisper,
]);
export type ClientMessage = z.infer<typeof clientMessage>;

// ---------------------------------------------------------------------------
// Signaling socket: server -> client

export const sessionStatus = z.enum(['pending', 'consented', 'live', 'ended']);
export type SessionStatus = z.infer<typeof sessionStatus>;

export const serverWelcome = z.strictObject({
  t: z.literal('welcome'),
  v: protocolVersion,
  role,
  sessionId,
  status: sessionStatus,
  /** Whether the other side is connected right now. */
  peerPresent: z.boolean(),
  /** Whether the customer has consented (the agent waits for this). */
  consented: z.boolean(),
  agentName: z.optional(shortText),
  /** The agent is an automated program (the session was created with agentBot). */
  agentBot: z.optional(z.boolean()),
  /**
   * STUN only while the customer has not consented; the relay (TURN) credential comes with
   * `ice-servers` once they have, or in a welcome after that (red team s11, F6).
   */
  iceServers: z.array(iceServer),
  expiresAt: z.number(),
  /** Present when this socket is an invited viewer (read-only unless handed the lead). */
  viewer: z.optional(viewerInfo),
  /**
   * To the customer: control and pause as the server recorded them. A resuming page takes the stricter of these
   * and its tab's record (review s13 B8: page scripts can edit the record).
   */
  controlGranted: z.optional(z.boolean()),
  paused: z.optional(z.boolean()),
});

export const serverPeer = z.strictObject({ t: z.literal('peer'), role, present: z.boolean() });
export const serverSignal = z.strictObject({ t: z.literal('signal'), data: signalData });
/** An audit event of the other side, forwarded so each side can follow the session. */
export const serverEvent = z.strictObject({ t: z.literal('event'), from: role, event: peerEvent });
export const serverEnded = z.strictObject({ t: z.literal('ended'), by: endedBy, reason: endReason });
export const serverError = z.strictObject({ t: z.literal('error'), code: errorCode, message: z.string() });
export const serverPong = z.strictObject({ t: z.literal('pong'), ts: z.optional(z.number()) });
/** Who the agent is now: a person took over from an automated agent (hand-over). */
export const serverAgent = z.strictObject({ t: z.literal('agent'), agentName: shortText, agentBot: z.boolean() });

/**
 * This socket's ICE servers now the customer has consented, the relay credential (its own label,
 * valid no longer than the session) among them: sent to every side with consent, before the
 * consent event is forwarded, so a peer built after it can use the relay.
 */
export const serverIceServers = z.strictObject({ t: z.literal('ice-servers'), iceServers: z.array(iceServer) });

export const serverMessage = z.discriminatedUnion('t', [
  serverWelcome,
  serverPeer,
  serverSignal,
  serverEvent,
  serverEnded,
  serverError,
  serverPong,
  serverAgent,
  serverIceServers,
  viewerSignal,
  serverViewers,
  serverViewerInvited,
  serverWhisper,
]);
export type ServerMessage = z.infer<typeof serverMessage>;
