/**
 * Every message of the product, as zod schemas: the signaling socket
 * (customer/agent <-> server, JSON text frames) and the data channel
 * (customer <-> agent, msgpack + deflate, see codec.ts). Types are z.infer of
 * the schemas; nothing is used without being parsed first.
 *
 * zod/mini, not classic zod: these schemas ship in the customer's bundle, where
 * classic zod weighed three times as much. It loads no locale, so issue
 * messages are generic in the browser; the server configures English.
 */
import * as z from 'zod/mini';
import { ERROR_CODE_LIST } from './errors.js';
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
} from './viewer-protocol.js';

/**
 * major.minor; peers with another major version are refused. The data
 * channel's layout follows the order of the message union and of each
 * schema's fields below (shared/wire-format.ts): changing either is a major
 * change.
 */
export const PROTOCOL_VERSION = '3.0';

export const protocolVersion = z.string().check(z.regex(/^\d{1,4}\.\d{1,4}$/, 'version must look like "1.0"'));

/** True when `version` can talk to this build (same major). */
export function isCompatibleVersion(version: string): boolean {
  return version.split('.')[0] === PROTOCOL_VERSION.split('.')[0];
}

// ---------------------------------------------------------------------------
// Shared pieces

export const role = z.enum(['customer', 'agent']);
export type Role = z.infer<typeof role>;

export const sessionId = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed session id'));
export const token = z.string().check(z.minLength(16), z.maxLength(256));

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

const nodeId = z.number().check(z.int(), z.nonnegative(), z.lte(2 ** 31));
const seq = z.number().check(z.int(), z.nonnegative());
const coord = z.number();
const shortText = z.string().check(z.maxLength(2_048));
const url = z.string().check(z.maxLength(8_192));

// ---------------------------------------------------------------------------
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

export const remoteActionKind = z.enum(['click', 'input', 'key', 'scroll', 'navigate', 'edit']);

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

export const clientHello = z.strictObject({
  t: z.literal('hello'),
  v: protocolVersion,
  token,
});

export const clientSignal = z.strictObject({ t: z.literal('signal'), data: signalData });
export const clientEvent = z.strictObject({ t: z.literal('event'), event: peerEvent });
export const clientEnd = z.strictObject({ t: z.literal('end'), reason: z.optional(endReason) });
export const clientPing = z.strictObject({ t: z.literal('ping'), ts: z.optional(z.number()) });

/** The customer's signal for the peer connection to one viewer (shared/viewer-protocol.ts). */
export const clientViewerSignal = z.strictObject({ t: z.literal('viewer-signal'), viewer: viewerId, data: signalData });

export const clientMessage = z.discriminatedUnion('t', [
  clientHello,
  clientSignal,
  clientEvent,
  clientEnd,
  clientPing,
  clientViewerSignal,
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
  iceServers: z.array(iceServer),
  expiresAt: z.number(),
  /** Present when this socket is an invited viewer (read-only unless handed the lead). */
  viewer: z.optional(viewerInfo),
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

/** A viewer's signal for the customer's peer connection to it. */
export const serverViewerSignal = z.strictObject({ t: z.literal('viewer-signal'), viewer: viewerId, data: signalData });

export const serverMessage = z.discriminatedUnion('t', [
  serverWelcome,
  serverPeer,
  serverSignal,
  serverEvent,
  serverEnded,
  serverError,
  serverPong,
  serverAgent,
  serverViewerSignal,
  serverViewers,
  serverViewerInvited,
  serverWhisper,
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
//   `next` omitted. It may come in parts (part 0..n, `final` on the last); part 0
//   starts a fresh mirror document; each part takes its own seq.
// - An open shadow root is a 'shadow' node whose parent is the host; a
//   same-origin iframe's document is a 'doc' node whose parent is the iframe.
//   Their children name them as parent.
// - Attributes carry absolute URLs; on* handlers are never sent; <script>
//   elements are sent without attributes or children, only to keep sibling
//   positions. `cssRules` on a <style>/<link> holds its CSSOM rules when they are
//   readable and differ from the text (or the link's sheet is same-origin).
// - Masking happens before serialization: a masked value is already replaced
//   and flagged `masked`; a blocked element carries `blocked` (its size), keeps only
//   layout attributes (class, style) and has no children.
// - Mutations apply in this order: removes, adds (in array order; each add's
//   parent and its `next` sibling already exist when it is applied; a moved node
//   is a remove followed by an add of its whole subtree; a re-added node keeps
//   its id), attrs, texts, sheets. A `sheets` entry for a root id (0, a doc or
//   a shadow node) is that root's whole adopted list, one CSS text per sheet.
// - Seq continues across snapshots; the mirror restarts its expectation at
//   each snapshot's part 0. A scroll inside an iframe names its 'doc' node.

const attributes = z.record(z.string().check(z.maxLength(256)), z.string().check(z.maxLength(1_000_000)));

/** Same-size placeholder for a `data-cobrowse-block` subtree. */
export const blockedBox = z.strictObject({ width: coord, height: coord });

export const elementNode = z.strictObject({
  kind: z.literal('el'),
  id: nodeId,
  /** Parent node id; 0 for the document's own children. */
  parent: nodeId,
  /** For mutation adds: the next sibling's id, or null to append. */
  next: z.optional(z.nullable(nodeId)),
  tag: z.string().check(z.minLength(1), z.maxLength(128)),
  namespace: z.optional(z.enum(['svg', 'math'])),
  attributes: z.optional(attributes),
  /** Form state: value, checked, selected. */
  value: z.optional(z.string().check(z.maxLength(1_000_000))),
  checked: z.optional(z.boolean()),
  selected: z.optional(z.boolean()),
  /** A checkbox shown as indeterminate (a property with no attribute). */
  indeterminate: z.optional(z.boolean()),
  /** The page marked the control invalid with setCustomValidity() (the message itself is not sent). */
  invalid: z.optional(z.boolean()),
  /** The value was masked in the customer's browser. */
  masked: z.optional(z.literal(true)),
  /** The subtree was blocked and replaced by a box of this size. */
  blocked: z.optional(blockedBox),
  /** CSSOM rules of a <style>/<link> sheet when they differ from its text. */
  cssRules: z.optional(z.array(z.string().check(z.maxLength(1_000_000)))),
  /** Scroll offsets of a scrolled element. */
  scrollX: z.optional(coord),
  scrollY: z.optional(coord),
});

export const textNode = z.strictObject({
  kind: z.literal('text'),
  id: nodeId,
  parent: nodeId,
  next: z.optional(z.nullable(nodeId)),
  text: z.string().check(z.maxLength(10_000_000)),
  masked: z.optional(z.literal(true)),
});

export const commentNode = z.strictObject({
  kind: z.literal('comment'),
  id: nodeId,
  parent: nodeId,
  next: z.optional(z.nullable(nodeId)),
  text: z.string().check(z.maxLength(100_000)),
});

export const doctypeNode = z.strictObject({
  kind: z.literal('doctype'),
  id: nodeId,
  parent: nodeId,
  next: z.optional(z.nullable(nodeId)),
  name: z.string().check(z.maxLength(128)),
});

/** An open shadow root (parent: its host) or a same-origin iframe document (parent: the iframe). */
export const rootNode = z.strictObject({
  kind: z.enum(['shadow', 'doc']),
  id: nodeId,
  parent: nodeId,
  next: z.optional(z.nullable(nodeId)),
  /** Constructed stylesheets adopted by this root, as CSS text. */
  adopted: z.optional(z.array(z.string().check(z.maxLength(1_000_000)))),
  /** A document's mode where its doctype would mislead: a srcdoc document is never in quirks mode, a legacy doctype is. */
  quirks: z.optional(z.boolean()),
});

export const serializedNode = z.discriminatedUnion('kind', [elementNode, textNode, commentNode, doctypeNode, rootNode]);
export type SerializedNode = z.infer<typeof serializedNode>;

// ---------------------------------------------------------------------------
// Data channel messages. DOM frames carry `seq` (one counter per stream of
// DOM frames); a receiver that sees a gap asks for a resync.

const domFrame = { seq } as const;

/**
 * How the agent's browser gets the page's images, sprites, fonts and posters:
 * 'channel', only from the customer over the data channel (it never fetches
 * from the page's sites); 'fallback', what the customer cannot send it loads
 * itself; 'direct', it loads all of them itself (no asset is sent).
 */
export const assetPolicy = z.enum(['channel', 'fallback', 'direct']);
export type AssetPolicy = z.infer<typeof assetPolicy>;

export const snapshotFrame = z.strictObject({
  t: z.literal('snapshot'),
  ...domFrame,
  /** A large snapshot arrives in parts (time slices); the mirror is built when `final`. */
  part: z.number().check(z.int(), z.nonnegative()),
  final: z.boolean(),
  url,
  title: shortText,
  viewportWidth: coord,
  viewportHeight: coord,
  devicePixelRatio: coord,
  scrollX: coord,
  scrollY: coord,
  nodes: z.array(serializedNode),
  /** Constructed stylesheets adopted by the document. */
  adopted: z.optional(z.array(z.string().check(z.maxLength(1_000_000)))),
  focus: z.optional(z.nullable(nodeId)),
  /** Absent from customers that predate assets over the channel: the agent then loads them itself. */
  assets: z.optional(assetPolicy),
  /** The document's mode where its doctype would mislead (a legacy doctype's quirks mode); see rootNode. */
  quirks: z.optional(z.boolean()),
});

export const attributeChange = z.strictObject({
  id: nodeId,
  /** null removes the attribute. */
  attributes: z.record(z.string().check(z.maxLength(256)), z.nullable(z.string().check(z.maxLength(1_000_000)))),
});

export const textChange = z.strictObject({
  id: nodeId,
  text: z.string().check(z.maxLength(10_000_000)),
  masked: z.optional(z.literal(true)),
});

export const mutationsFrame = z.strictObject({
  t: z.literal('mutations'),
  ...domFrame,
  removes: z.array(nodeId),
  adds: z.array(serializedNode),
  attrs: z.array(attributeChange),
  texts: z.array(textChange),
  /** CSSOM changes: the full rule list of a sheet owner (style/link element or root). */
  sheets: z.optional(
    z.array(z.strictObject({ id: nodeId, cssRules: z.array(z.string().check(z.maxLength(1_000_000))) })),
  ),
});

export const inputFrame = z.strictObject({
  t: z.literal('input'),
  ...domFrame,
  id: nodeId,
  value: z.optional(z.string().check(z.maxLength(1_000_000))),
  checked: z.optional(z.boolean()),
  selected: z.optional(z.boolean()),
  indeterminate: z.optional(z.boolean()),
  invalid: z.optional(z.boolean()),
  masked: z.optional(z.literal(true)),
});

export const scrollFrame = z.strictObject({
  t: z.literal('scroll'),
  ...domFrame,
  /** 0 is the window. */
  id: nodeId,
  x: coord,
  y: coord,
});

export const viewportFrame = z.strictObject({
  t: z.literal('viewport'),
  ...domFrame,
  width: coord,
  height: coord,
  devicePixelRatio: coord,
});

export const selectionFrame = z.strictObject({
  t: z.literal('selection'),
  ...domFrame,
  ranges: z
    .array(
      z.strictObject({
        start: nodeId,
        startOffset: z.number().check(z.int()),
        end: nodeId,
        endOffset: z.number().check(z.int()),
      }),
    )
    .check(z.maxLength(64)),
});

export const focusFrame = z.strictObject({ t: z.literal('focus'), ...domFrame, id: z.nullable(nodeId) });

export const mediaFrame = z.strictObject({
  t: z.literal('media'),
  ...domFrame,
  id: nodeId,
  paused: z.boolean(),
  time: z.number().check(z.nonnegative()),
});

export const navigationFrame = z.strictObject({ t: z.literal('nav'), ...domFrame, url, title: shortText });

/** What the customer's top layer holds, bottom to top: modal dialogs, open popovers, the full-screen element. */
export const topLayerFrame = z.strictObject({
  t: z.literal('top'),
  ...domFrame,
  layer: z
    .array(z.strictObject({ id: nodeId, kind: z.enum(['modal', 'popover', 'fullscreen']) }))
    .check(z.maxLength(64)),
});

/** Canvas images travel as these formats only (the mirror decodes them as images, never as anything else). */
export const CANVAS_IMAGE_TYPES = ['image/webp', 'image/png', 'image/jpeg'] as const;
/** Largest canvas image one frame may carry. */
export const MAX_CANVAS_IMAGE_BYTES = 1024 * 1024;
const canvasSide = z.number().check(z.int(), z.positive(), z.lte(8_192));

/**
 * The pixels of a canvas (2D or WebGL) as a compressed image, sent when they
 * changed, at a bounded rate. Never for a canvas inside a masked or blocked
 * region (client/capture/canvas.ts); the mirror shows it in the canvas's box.
 */
export const canvasFrame = z.strictObject({
  t: z.literal('canvas'),
  ...domFrame,
  id: nodeId,
  /** The image's size in pixels. */
  width: canvasSide,
  height: canvasSide,
  type: z.enum(CANVAS_IMAGE_TYPES),
  image: z
    .instanceof(Uint8Array)
    .check(z.refine((bytes) => bytes.byteLength > 0 && bytes.byteLength <= MAX_CANVAS_IMAGE_BYTES)),
});

/** Largest asset sent over the channel, and the data one asset-data message carries at most. */
export const MAX_ASSET_BYTES = 16 * 1024 * 1024;
export const MAX_ASSET_CHUNK_BYTES = 64 * 1024;
const assetHash = z.string().check(z.regex(/^[0-9a-f]{16,64}$/));

/**
 * The customer's answer for one asset URL (as it appears in DOM frames, fragment
 * removed): the hash of its bytes (sent before in asset-data messages), or null
 * when the customer cannot or must not send it; then `direct` says whether the
 * agent's browser may load it itself.
 */
export const assetFrame = z.strictObject({
  t: z.literal('asset'),
  url,
  hash: z.nullable(assetHash),
  type: z.optional(z.string().check(z.regex(/^[a-z]+\/[a-z0-9.+-]{1,100}$/))),
  direct: z.optional(z.boolean()),
});

/** A piece of an asset's bytes: `size` is the whole asset's, `offset` this piece's (pieces come in order). */
export const assetDataFrame = z.strictObject({
  t: z.literal('asset-data'),
  hash: assetHash,
  size: z.number().check(z.int(), z.positive(), z.lte(MAX_ASSET_BYTES)),
  offset: z.number().check(z.int(), z.nonnegative(), z.lt(MAX_ASSET_BYTES)),
  data: z
    .instanceof(Uint8Array)
    .check(z.refine((bytes) => bytes.byteLength > 0 && bytes.byteLength <= MAX_ASSET_CHUNK_BYTES)),
});

/** A pointer position in page coordinates (either side's pointer). */
export const pointerMessage = z.strictObject({
  t: z.literal('pointer'),
  x: coord,
  y: coord,
  /** A click ripple. */
  click: z.optional(z.boolean()),
  /** The pointer left the page. */
  gone: z.optional(z.boolean()),
  /** The customer holds the primary button down (the page's `:active` rules match under it). */
  down: z.optional(z.boolean()),
});

export const highlightMessage = z.strictObject({
  t: z.literal('highlight'),
  /** null clears the highlight. */
  id: z.nullable(nodeId),
  label: z.optional(shortText),
});

export const annotationMessage = z.strictObject({
  t: z.literal('annotation'),
  id: z.string().check(z.maxLength(64)),
  shape: z.enum(['path', 'arrow']),
  /** Page coordinates, flattened [x0, y0, x1, y1, ...]. */
  points: z.array(coord).check(z.maxLength(20_000)),
  color: z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/)),
});

export const annotationClearMessage = z.strictObject({ t: z.literal('annotation-clear') });

export const controlRequestMessage = z.strictObject({ t: z.literal('control-request') });
export const controlGrantMessage = z.strictObject({ t: z.literal('control-grant') });
export const controlDenyMessage = z.strictObject({ t: z.literal('control-deny') });
export const controlRevokeMessage = z.strictObject({ t: z.literal('control-revoke') });

export const remoteAction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('click'), id: nodeId, x: z.optional(coord), y: z.optional(coord) }),
  z.strictObject({ kind: z.literal('input'), id: nodeId, value: z.string().check(z.maxLength(100_000)) }),
  z.strictObject({
    kind: z.literal('key'),
    id: nodeId,
    key: z.string().check(z.maxLength(32)),
    code: z.optional(z.string().check(z.maxLength(32))),
    shift: z.optional(z.boolean()),
    ctrl: z.optional(z.boolean()),
    alt: z.optional(z.boolean()),
    meta: z.optional(z.boolean()),
  }),
  z.strictObject({ kind: z.literal('scroll'), id: nodeId, x: coord, y: coord }),
  z.strictObject({ kind: z.literal('navigate'), to: z.union([url, z.enum(['back', 'forward', 'reload'])]) }),
  /**
   * One keystroke's worth of text editing in a field, as a splice of the
   * field's value: replace `deleteCount` characters at `at` with `insert`, then
   * put the selection at selectionStart..selectionEnd. A splice, not the whole value, so the agent's copy
   * (whose digits may show as • while the customer's field has focus) never
   * writes its bullets back. `chain` counts the agent's runs of typing in a
   * field; after the customer edits that field, the customer refuses the rest
   * of the run (the customer's text wins).
   */
  z.strictObject({
    kind: z.literal('edit'),
    id: nodeId,
    chain: z.number().check(z.int(), z.nonnegative()),
    at: z.number().check(z.int(), z.nonnegative()),
    deleteCount: z.number().check(z.int(), z.nonnegative()),
    insert: z.string().check(z.maxLength(100_000)),
    selectionStart: z.optional(z.number().check(z.int(), z.nonnegative())),
    selectionEnd: z.optional(z.number().check(z.int(), z.nonnegative())),
    /** What the key did (an InputEvent inputType such as insertText, deleteContentBackward, insertFromPaste, insertCompositionText). */
    inputType: z.optional(z.string().check(z.maxLength(48))),
  }),
]);
export type RemoteAction = z.infer<typeof remoteAction>;
export type EditAction = Extract<RemoteAction, { kind: 'edit' }>;

/**
 * A remote action. `serial` numbers the agent's actions (1, 2, ...) for this
 * channel: the customer applies each at most once, in order, and answers every
 * numbered action with `action-ack` or `action-refused` carrying the same `serial`.
 */
export const actionMessage = z.strictObject({ t: z.literal('action'), action: remoteAction, serial: z.optional(seq) });

export const actionRefusal = z.enum([
  'no-control',
  'masked',
  'not-found',
  'cross-origin',
  'invalid',
  'scheme',
  'conflict',
  'unsupported',
]);
export type ActionRefusal = z.infer<typeof actionRefusal>;

/** The customer's answer to an action it did not apply. */
export const actionRefusedMessage = z.strictObject({
  t: z.literal('action-refused'),
  kind: remoteActionKind,
  reason: actionRefusal,
  serial: z.optional(seq),
});

/** The customer applied the agent's action `serial`. */
export const actionAckMessage = z.strictObject({ t: z.literal('action-ack'), serial: seq });

/** The customer typed into the field the agent is typing in: the customer's text wins. */
export const inputConflictMessage = z.strictObject({ t: z.literal('input-conflict'), id: nodeId });

export const endMessage = z.strictObject({ t: z.literal('end'), by: role, reason: endReason });
export const resyncMessage = z.strictObject({ t: z.literal('resync'), lastSeq: z.nullable(seq) });
export const pingMessage = z.strictObject({ t: z.literal('ping'), ts: z.number() });
export const pongMessage = z.strictObject({ t: z.literal('pong'), ts: z.number() });
export const errorMessage = z.strictObject({
  t: z.literal('error'),
  code: errorCode,
  message: z.string().check(z.maxLength(2_048)),
});

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
  'top',
  'canvas',
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
  topLayerFrame,
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
  actionAckMessage,
  inputConflictMessage,
  canvasFrame,
  assetFrame,
  assetDataFrame,
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
  'action-ack',
  'input-conflict',
  'asset',
  'asset-data',
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

export const createSessionBody = z
  .strictObject({
    conversationId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
    agentName: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    /** The chat system's id of the agent (signed-in agents see their sessions in the console's list). */
    agentId: z.optional(z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/))),
    /** The agent is an automated program (the Node SDK): the customer is told, and the audit names it as a bot. Needs agentName. */
    agentBot: z.optional(z.boolean()),
    metadata: z.optional(
      z.record(
        z.string().check(z.maxLength(64)),
        z.union([z.string().check(z.maxLength(1_024)), z.number(), z.boolean()]),
      ),
    ),
    /** Seconds until the session expires; capped by the server's SESSION_TTL. */
    ttlSeconds: z.optional(z.number().check(z.int(), z.positive())),
  })
  .check(
    z.refine((body) => body.agentBot !== true || body.agentName !== undefined, {
      message: 'an automated agent (agentBot) needs an agentName',
      path: ['agentName'],
    }),
  );
export type CreateSessionBody = z.infer<typeof createSessionBody>;

/** What the host page passes to `<cobrowse-session>.offer()`. */
export const customerInvite = z.strictObject({
  v: protocolVersion,
  server: z.string().check(z.url()),
  sessionId,
  token,
  agentName: z.optional(shortText),
  /** The agent is an automated program. */
  agentBot: z.optional(z.boolean()),
  expiresAt: z.number(),
});
export type CustomerInvite = z.infer<typeof customerInvite>;

/** A person takes over from the automated agent (POST /api/sessions/:id/handover). */
export const handOverBody = z.strictObject({
  agentName: z.string().check(z.minLength(1), z.maxLength(128)),
  /** The signed-in agent taking over (their session list, their join tickets); absent: nobody's, tickets of the old one stop working. */
  agentId: z.optional(z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/))),
});
export type HandOverBody = z.infer<typeof handOverBody>;

export const endSessionBody = z.optional(z.strictObject({ reason: z.optional(endReason) }));
