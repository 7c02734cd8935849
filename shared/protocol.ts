/**
 * Every message of the product, as zod schemas: the signaling socket
 * (customer/agent <-> server, JSON text frames) and the data channel
 * (customer <-> agent, msgpack + deflate, see codec.ts). Types are z.infer of
 * the schemas; nothing is used without being parsed first.
 */
import * as z from 'zod';
import { ERROR_CODE_LIST } from './errors.js';

/** major.minor; peers with another major version are refused. */
export const PROTOCOL_VERSION = '1.0';

export const protocolVersion = z.string().regex(/^\d{1,4}\.\d{1,4}$/, 'version must look like "1.0"');

/** True when `version` can talk to this build (same major). */
export function isCompatibleVersion(version: string): boolean {
  return version.split('.')[0] === PROTOCOL_VERSION.split('.')[0];
}

// ---------------------------------------------------------------------------
// Shared pieces

export const role = z.enum(['customer', 'agent']);
export type Role = z.infer<typeof role>;

export const sessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed session id');
export const token = z.string().min(16).max(256);

export const errorCode = z.enum(ERROR_CODE_LIST);

/** Why a session ended, as recorded in the audit log and shown to both sides. */
export const endReason = z.enum([
  'customer-ended',
  'agent-ended',
  'declined',
  'expired',
  'api',
  'left-site',
  'peer-lost',
  'error',
]);
export type EndReason = z.infer<typeof endReason>;

export const endedBy = z.enum(['customer', 'agent', 'system', 'api']);
export type EndedBy = z.infer<typeof endedBy>;

const nodeId = z.number().int().nonnegative().max(2 ** 31);
const seq = z.number().int().nonnegative();
const coord = z.number().finite();
const shortText = z.string().max(2_048);
const url = z.string().max(8_192);

// ---------------------------------------------------------------------------
// WebRTC signaling payloads (what simple-peer emits and accepts)

export const sdpSignal = z.strictObject({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().max(64_000),
});

export const candidateSignal = z.strictObject({
  type: z.literal('candidate'),
  candidate: z.strictObject({
    candidate: z.string().max(2_048),
    sdpMLineIndex: z.number().int().nonnegative().nullable().optional(),
    sdpMid: z.string().max(64).nullable().optional(),
    usernameFragment: z.string().max(256).nullable().optional(),
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
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof iceServer>;

// ---------------------------------------------------------------------------
// Audit events a peer reports over the signaling socket. The server decides
// which role may report which kind (see AUDIT_KIND_ROLES) and never trusts a
// role or id the client claims.

export const remoteActionKind = z.enum(['click', 'input', 'key', 'scroll', 'navigate']);

export const peerEvent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('consent-shown') }),
  z.strictObject({ kind: z.literal('consent-granted') }),
  z.strictObject({ kind: z.literal('consent-declined') }),
  z.strictObject({ kind: z.literal('connected') }),
  z.strictObject({ kind: z.literal('page-visited'), url, title: shortText.optional() }),
  z.strictObject({ kind: z.literal('control-requested') }),
  z.strictObject({ kind: z.literal('control-granted') }),
  z.strictObject({ kind: z.literal('control-denied') }),
  z.strictObject({ kind: z.literal('control-revoked') }),
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
};

// ---------------------------------------------------------------------------
// Signaling socket: client -> server

export const clientHello = z.strictObject({
  t: z.literal('hello'),
  v: protocolVersion,
  token,
});

export const clientSignal = z.strictObject({ t: z.literal('signal'), data: signalData });
export const clientEvent = z.strictObject({ t: z.literal('event'), event: peerEvent });
export const clientEnd = z.strictObject({ t: z.literal('end'), reason: endReason.optional() });
export const clientPing = z.strictObject({ t: z.literal('ping'), ts: z.number().optional() });

export const clientMessage = z.discriminatedUnion('t', [clientHello, clientSignal, clientEvent, clientEnd, clientPing]);
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
  agentName: shortText.optional(),
  iceServers: z.array(iceServer),
  expiresAt: z.number(),
});

export const serverPeer = z.strictObject({ t: z.literal('peer'), role, present: z.boolean() });
export const serverSignal = z.strictObject({ t: z.literal('signal'), data: signalData });
/** An audit event of the other side, forwarded so each side can follow the session. */
export const serverEvent = z.strictObject({ t: z.literal('event'), from: role, event: peerEvent });
export const serverEnded = z.strictObject({ t: z.literal('ended'), by: endedBy, reason: endReason });
export const serverError = z.strictObject({ t: z.literal('error'), code: errorCode, message: z.string() });
export const serverPong = z.strictObject({ t: z.literal('pong'), ts: z.number().optional() });

export const serverMessage = z.discriminatedUnion('t', [
  serverWelcome,
  serverPeer,
  serverSignal,
  serverEvent,
  serverEnded,
  serverError,
  serverPong,
]);
export type ServerMessage = z.infer<typeof serverMessage>;

// ---------------------------------------------------------------------------
// DOM serialization: a flat list of nodes in document order, each naming its
// parent, so a snapshot and a mutation "add" share one shape and deep pages
// never recurse.
//
// Contract between the capture engine (client/capture) and the mirror (agent/mirror):
// - Node ids are integers >= 1, stable for a node's life within one capture
//   run. Id 0 is the top document: the parent of the doctype and <html>, and
//   the scroll target for the window.
// - Snapshot: nodes in pre-order (parent before children, siblings in order),
//   `nx` omitted. It may come in parts (part 0..n, `final` on the last); part 0
//   starts a fresh mirror document; each part takes its own seq.
// - An open shadow root is a 'shadow' node whose parent is the host; a
//   same-origin iframe's document is a 'doc' node whose parent is the iframe.
//   Their children name them as parent.
// - Attributes carry absolute URLs; on* handlers are never sent; <script>
//   elements are sent without attributes or children, only to keep sibling
//   positions. `css` on a <style>/<link> holds its CSSOM rules when they are
//   readable and differ from the text (or the link's sheet is same-origin).
// - Masking happens before serialization: a masked value is already replaced
//   and flagged `m`; a blocked element carries `blk` (its size), keeps only
//   layout attributes (class, style) and has no children.
// - Mutations apply in this order: removes, adds (in array order; each add's
//   parent and its `nx` sibling already exist when it is applied; a moved node
//   is a remove followed by an add of its whole subtree; a re-added node keeps
//   its id), attrs, texts, sheets. A `sheets` entry for a root id (0, a doc or
//   a shadow node) is that root's whole adopted list, one CSS text per sheet.
// - Seq continues across snapshots; the mirror restarts its expectation at
//   each snapshot's part 0. A scroll inside an iframe names its 'doc' node.

const attributes = z.record(z.string().max(256), z.string().max(1_000_000));

/** Same-size placeholder for a `data-cobrowse-block` subtree. */
export const blockedBox = z.strictObject({ w: coord, h: coord });

export const elementNode = z.strictObject({
  k: z.literal('el'),
  id: nodeId,
  /** Parent node id; 0 for the document's own children. */
  p: nodeId,
  /** For mutation adds: the next sibling's id, or null to append. */
  nx: nodeId.nullable().optional(),
  tag: z.string().min(1).max(128),
  ns: z.enum(['svg', 'math']).optional(),
  a: attributes.optional(),
  /** Form state: value, checked, selected. */
  v: z.string().max(1_000_000).optional(),
  chk: z.boolean().optional(),
  sel: z.boolean().optional(),
  /** The value was masked in the customer's browser. */
  m: z.literal(true).optional(),
  /** The subtree was blocked and replaced by a box of this size. */
  blk: blockedBox.optional(),
  /** CSSOM rules of a <style>/<link> sheet when they differ from its text. */
  css: z.array(z.string().max(1_000_000)).optional(),
  /** Scroll offsets of a scrolled element. */
  sx: coord.optional(),
  sy: coord.optional(),
});

export const textNode = z.strictObject({
  k: z.literal('text'),
  id: nodeId,
  p: nodeId,
  nx: nodeId.nullable().optional(),
  x: z.string().max(10_000_000),
  m: z.literal(true).optional(),
});

export const commentNode = z.strictObject({
  k: z.literal('comment'),
  id: nodeId,
  p: nodeId,
  nx: nodeId.nullable().optional(),
  x: z.string().max(100_000),
});

export const doctypeNode = z.strictObject({
  k: z.literal('doctype'),
  id: nodeId,
  p: nodeId,
  nx: nodeId.nullable().optional(),
  name: z.string().max(128),
});

/** An open shadow root (parent: its host) or a same-origin iframe document (parent: the iframe). */
export const rootNode = z.strictObject({
  k: z.enum(['shadow', 'doc']),
  id: nodeId,
  p: nodeId,
  nx: nodeId.nullable().optional(),
  /** Constructed stylesheets adopted by this root, as CSS text. */
  adopted: z.array(z.string().max(1_000_000)).optional(),
});

export const serializedNode = z.discriminatedUnion('k', [elementNode, textNode, commentNode, doctypeNode, rootNode]);
export type SerializedNode = z.infer<typeof serializedNode>;

// ---------------------------------------------------------------------------
// Data channel messages. DOM frames carry `seq` (one counter per stream of
// DOM frames); a receiver that sees a gap asks for a resync.

const domFrame = { seq } as const;

export const snapshotFrame = z.strictObject({
  t: z.literal('snapshot'),
  ...domFrame,
  /** A large snapshot arrives in parts (time slices); the mirror is built when `final`. */
  part: z.number().int().nonnegative(),
  final: z.boolean(),
  url,
  title: shortText,
  vw: coord,
  vh: coord,
  dpr: coord,
  sx: coord,
  sy: coord,
  nodes: z.array(serializedNode),
  /** Constructed stylesheets adopted by the document. */
  adopted: z.array(z.string().max(1_000_000)).optional(),
  focus: nodeId.nullable().optional(),
});

export const attributeChange = z.strictObject({
  id: nodeId,
  /** null removes the attribute. */
  a: z.record(z.string().max(256), z.string().max(1_000_000).nullable()),
});

export const textChange = z.strictObject({ id: nodeId, x: z.string().max(10_000_000), m: z.literal(true).optional() });

export const mutationsFrame = z.strictObject({
  t: z.literal('mutations'),
  ...domFrame,
  removes: z.array(nodeId),
  adds: z.array(serializedNode),
  attrs: z.array(attributeChange),
  texts: z.array(textChange),
  /** CSSOM changes: the full rule list of a sheet owner (style/link element or root). */
  sheets: z.array(z.strictObject({ id: nodeId, css: z.array(z.string().max(1_000_000)) })).optional(),
});

export const inputFrame = z.strictObject({
  t: z.literal('input'),
  ...domFrame,
  id: nodeId,
  v: z.string().max(1_000_000).optional(),
  chk: z.boolean().optional(),
  sel: z.boolean().optional(),
  m: z.literal(true).optional(),
});

export const scrollFrame = z.strictObject({
  t: z.literal('scroll'),
  ...domFrame,
  /** 0 is the window. */
  id: nodeId,
  x: coord,
  y: coord,
});

export const viewportFrame = z.strictObject({ t: z.literal('viewport'), ...domFrame, w: coord, h: coord, dpr: coord });

export const selectionFrame = z.strictObject({
  t: z.literal('selection'),
  ...domFrame,
  ranges: z
    .array(z.strictObject({ start: nodeId, startOffset: z.number().int(), end: nodeId, endOffset: z.number().int() }))
    .max(64),
});

export const focusFrame = z.strictObject({ t: z.literal('focus'), ...domFrame, id: nodeId.nullable() });

export const mediaFrame = z.strictObject({
  t: z.literal('media'),
  ...domFrame,
  id: nodeId,
  paused: z.boolean(),
  time: z.number().finite().nonnegative(),
});

export const navigationFrame = z.strictObject({ t: z.literal('nav'), ...domFrame, url, title: shortText });

/** A pointer position in page coordinates (either side's pointer). */
export const pointerMessage = z.strictObject({
  t: z.literal('pointer'),
  x: coord,
  y: coord,
  /** A click ripple. */
  click: z.boolean().optional(),
  /** The pointer left the page. */
  gone: z.boolean().optional(),
});

export const highlightMessage = z.strictObject({
  t: z.literal('highlight'),
  /** null clears the highlight. */
  id: nodeId.nullable(),
  label: shortText.optional(),
});

export const annotationMessage = z.strictObject({
  t: z.literal('annotation'),
  id: z.string().max(64),
  shape: z.enum(['path', 'arrow']),
  /** Page coordinates, flattened [x0, y0, x1, y1, ...]. */
  points: z.array(coord).max(20_000),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
});

export const annotationClearMessage = z.strictObject({ t: z.literal('annotation-clear') });

export const controlRequestMessage = z.strictObject({ t: z.literal('control-request') });
export const controlGrantMessage = z.strictObject({ t: z.literal('control-grant') });
export const controlDenyMessage = z.strictObject({ t: z.literal('control-deny') });
export const controlRevokeMessage = z.strictObject({ t: z.literal('control-revoke') });

export const remoteAction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('click'), id: nodeId, x: coord.optional(), y: coord.optional() }),
  z.strictObject({ kind: z.literal('input'), id: nodeId, v: z.string().max(100_000) }),
  z.strictObject({
    kind: z.literal('key'),
    id: nodeId,
    key: z.string().max(32),
    code: z.string().max(32).optional(),
    shift: z.boolean().optional(),
    ctrl: z.boolean().optional(),
    alt: z.boolean().optional(),
    meta: z.boolean().optional(),
  }),
  z.strictObject({ kind: z.literal('scroll'), id: nodeId, x: coord, y: coord }),
  z.strictObject({ kind: z.literal('navigate'), to: z.union([url, z.enum(['back', 'forward', 'reload'])]) }),
]);
export type RemoteAction = z.infer<typeof remoteAction>;

export const actionMessage = z.strictObject({ t: z.literal('action'), action: remoteAction });

/** The customer's answer to an action it did not apply. */
export const actionRefusedMessage = z.strictObject({
  t: z.literal('action-refused'),
  kind: remoteActionKind,
  reason: z.enum(['no-control', 'masked', 'not-found', 'cross-origin', 'invalid']),
});

export const endMessage = z.strictObject({ t: z.literal('end'), by: role, reason: endReason });
export const resyncMessage = z.strictObject({ t: z.literal('resync'), lastSeq: seq.nullable() });
export const pingMessage = z.strictObject({ t: z.literal('ping'), ts: z.number() });
export const pongMessage = z.strictObject({ t: z.literal('pong'), ts: z.number() });
export const errorMessage = z.strictObject({ t: z.literal('error'), code: errorCode, message: z.string().max(2_048) });

export const DOM_FRAME_TYPES = [
  'snapshot',
  'mutations',
  'input',
  'scroll',
  'viewport',
  'selection',
  'focus',
  'media',
  'nav',
] as const;

export const channelMessage = z.discriminatedUnion('t', [
  snapshotFrame,
  mutationsFrame,
  inputFrame,
  scrollFrame,
  viewportFrame,
  selectionFrame,
  focusFrame,
  mediaFrame,
  navigationFrame,
  pointerMessage,
  highlightMessage,
  annotationMessage,
  annotationClearMessage,
  controlRequestMessage,
  controlGrantMessage,
  controlDenyMessage,
  controlRevokeMessage,
  actionMessage,
  actionRefusedMessage,
  endMessage,
  resyncMessage,
  pingMessage,
  pongMessage,
  errorMessage,
]);
export type ChannelMessage = z.infer<typeof channelMessage>;
export type DomFrame = Extract<ChannelMessage, { t: (typeof DOM_FRAME_TYPES)[number] }>;

export function isDomFrame(message: ChannelMessage): message is DomFrame {
  return (DOM_FRAME_TYPES as readonly string[]).includes(message.t);
}

/** Messages only the customer sends over the data channel (DOM frames and control answers). */
export const CUSTOMER_ONLY_TYPES = new Set<ChannelMessage['t']>([
  ...DOM_FRAME_TYPES,
  'control-grant',
  'control-deny',
  'action-refused',
]);
/** Messages only the agent sends over the data channel. */
export const AGENT_ONLY_TYPES = new Set<ChannelMessage['t']>([
  'highlight',
  'annotation',
  'annotation-clear',
  'control-request',
  'action',
  'resync',
]);

// ---------------------------------------------------------------------------
// REST bodies

export const createSessionBody = z.strictObject({
  conversationId: z.string().min(1).max(256).optional(),
  agentName: z.string().min(1).max(128).optional(),
  metadata: z.record(z.string().max(64), z.union([z.string().max(1_024), z.number(), z.boolean()])).optional(),
  /** Seconds until the session expires; capped by the server's SESSION_TTL. */
  ttlSeconds: z.number().int().positive().optional(),
});
export type CreateSessionBody = z.infer<typeof createSessionBody>;

/** What the host page passes to `<cobrowse-session>.offer()`. */
export const customerInvite = z.strictObject({
  v: protocolVersion,
  server: z.string().url(),
  sessionId,
  token,
  agentName: shortText.optional(),
  expiresAt: z.number(),
});
export type CustomerInvite = z.infer<typeof customerInvite>;

export const endSessionBody = z.strictObject({ reason: endReason.optional() }).optional();
