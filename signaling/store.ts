/**
 * The signaling server's persistence contract: sessions (tokens only as
 * hashes) and a per-session, append-only audit log whose events are chained
 * by an HMAC under a key kept outside the database, so that editing,
 * deleting or reordering a stored event is detectable even by someone who can
 * write to the database. The embedded implementation is sqlite-store.ts; a PostgreSQL
 * one can implement the same interfaces for scale-out.
 */
import { createHash, createHmac } from 'node:crypto';
import type { EndedBy, EndReason, SessionStatus, Role } from '../shared/protocol.js';
import type { SessionListFilter, SessionListPage } from './session-list.js';
import type { AuditDigest } from './audit-digest.js';
import { actorData, agentActor, type AgentActor } from './agent-actor.js';

export type Actor = Role | 'system' | 'api';

export interface SessionRecord {
  id: string;
  conversationId: string | null;
  agentName: string | null;
  /** The signed-in agent the session belongs to (chat system's agent id or OIDC subject); null: not assigned. */
  agentId: string | null;
  /** The agent is an automated program (created with agentBot); absent or false: a person. */
  agentBot?: boolean;
  metadata: Record<string, string | number | boolean>;
  /** sha256 hex of the tokens; the tokens themselves are never stored. */
  customerTokenHash: string;
  agentTokenHash: string;
  /** Epoch ms. */
  createdAt: number;
  expiresAt: number;
  status: SessionStatus;
  startedAt: number | null;
  endedAt: number | null;
  endedBy: EndedBy | null;
  endReason: EndReason | null;
  /** Whether control was ever granted during the session. */
  controlGranted: boolean;
}

export type SessionPatch = Partial<
  Pick<
    SessionRecord,
    | 'status'
    | 'startedAt'
    | 'endedAt'
    | 'endedBy'
    | 'endReason'
    | 'controlGranted'
    | 'agentId'
    | 'agentName'
    | 'agentBot'
    | 'agentTokenHash'
  >
>;

export type AuditEventType =
  | 'session-created'
  | 'agent-assigned'
  | 'consent-shown'
  | 'consent-granted'
  | 'consent-declined'
  | 'connected'
  | 'disconnected'
  | 'page-visited'
  | 'control-requested'
  | 'control-granted'
  | 'control-denied'
  | 'control-revoked'
  | 'remote-action'
  | 'paused'
  | 'resumed'
  /** A person took over from the automated agent, without a new consent prompt (the customer allowed it). */
  | 'handed-over'
  /** More than one viewer (signaling/viewer-room.ts): invited, joined, left, removed by the customer, lead handed on. */
  | 'viewer-invited'
  | 'viewer-joined'
  | 'viewer-left'
  | 'viewer-removed'
  | 'lead-handed'
  /** A supervisor whispered to the lead: who to whom, never the text. */
  | 'whisper'
  /** The session's audit reached its cap (events or bytes): nothing more is recorded but its end. */
  | 'audit-limit'
  | 'ended';

export const AUDIT_EVENT_TYPES: readonly AuditEventType[] = [
  'session-created',
  'agent-assigned',
  'consent-shown',
  'consent-granted',
  'consent-declined',
  'connected',
  'disconnected',
  'page-visited',
  'control-requested',
  'control-granted',
  'control-denied',
  'control-revoked',
  'remote-action',
  'paused',
  'resumed',
  'handed-over',
  'viewer-invited',
  'viewer-joined',
  'viewer-left',
  'viewer-removed',
  'lead-handed',
  'whisper',
  'audit-limit',
  'ended',
];

export const ACTORS: readonly Actor[] = ['customer', 'agent', 'system', 'api'];

export type AuditDataValue = string | number | boolean | null;

export interface AuditEventInput {
  type: AuditEventType;
  actor: Actor;
  /** Epoch ms. */
  at: number;
  data: Record<string, AuditDataValue>;
}

export interface AuditEvent extends AuditEventInput {
  sessionId: string;
  /** 1 for the first event of a session, then +1 without gaps. */
  seq: number;
  prevHash: string;
  hash: string;
}

export type ChainVerification =
  { valid: true; events: number } | { valid: false; events: number; brokenAt: number; reason: string };

/** How a session ends: who, why, when. */
export interface SessionEnd {
  by: EndedBy;
  reason: EndReason;
  at: number;
  /** The agent who ended it, as their socket joined (agent-actor.ts); absent: the session's agent now. */
  agent?: AgentActor;
}

/**
 * Every method is asynchronous so that the same contract fits an embedded
 * database and one over the network; test/node/helpers/store-contract.ts is
 * the suite both implementations pass.
 */
export interface SessionStore {
  /** Rejects if the id or a token hash is already taken. */
  createSession(record: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  findByTokenHash(tokenHash: string): Promise<{ session: SessionRecord; role: Role } | undefined>;
  /**
   * Applies only the keys present (and not undefined) in the patch; undefined
   * if there is no such session, or if `when` (checked on the locked row, in
   * the same transaction as the write) says no: of two racing writers with
   * the same condition, one wins.
   */
  updateSession(
    id: string,
    patch: SessionPatch,
    when?: (current: SessionRecord) => boolean,
  ): Promise<SessionRecord | undefined>;
  /**
   * updateSession and appendEvent in one transaction, both or neither: how
   * the agent fields change (a claim, a hand-over), since the summary reads
   * them from the chain (chain-agent.ts) and verification holds the row to it.
   * Undefined as updateSession; rejects as appendEvent (a refused event
   * leaves the row unchanged, and writes no 'audit-limit' event either).
   */
  updateSessionWithEvent(
    id: string,
    patch: SessionPatch,
    event: AuditEventInput,
    when?: (current: SessionRecord) => boolean,
  ): Promise<SessionRecord | undefined>;
  /**
   * Ends the session exactly once across every writer: appends the 'ended'
   * event and sets the end fields in one transaction. `endedNow` is false
   * when it had already ended (the stored record is returned unchanged).
   */
  endSession(id: string, end: SessionEnd): Promise<{ session: SessionRecord; endedNow: boolean } | undefined>;
  /** Newest first. */
  listByConversation(conversationId: string): Promise<SessionRecord[]>;
  /** Sessions whose status is not 'ended', soonest expiry first (for TTL sweeps at startup). */
  listOpen(): Promise<SessionRecord[]>;
  /** Filtered, newest first (creation time, then id), one page after the cursor (session-list.ts). */
  listSessions(filter: SessionListFilter): Promise<SessionListPage>;
}

export interface AuditStore {
  /**
   * Atomic: reads the chain head and inserts in one transaction, so appends
   * from several writers to one session stay gap-free and ordered. Rejects
   * for an unknown session, a non-finite number, and with SessionEndedError
   * once the session has ended (whoever ended it, on whichever instance),
   * and with AuditLimitError past the session's cap (AuditLimits).
   */
  appendEvent(sessionId: string, event: AuditEventInput): Promise<AuditEvent>;
  /** In seq order. */
  listEvents(sessionId: string): Promise<AuditEvent[]>;
  /** What a session list entry reads (audit-digest.ts): a few rows picked by type and the counts, never every row. */
  auditDigest(sessionId: string): Promise<AuditDigest>;
  /**
   * In seq order, only the events of these types (a few rows, not the whole audit: chain-agent.ts's at a join),
   * each checked against its own HMAC and the keyed head (audit-chain.ts keyedRows): rejects with
   * AuditChainBrokenError for a row not written under the key.
   */
  listEventsOfTypes(sessionId: string, types: readonly AuditEventType[]): Promise<AuditEvent[]>;
  verifyChain(sessionId: string): Promise<ChainVerification>;
}

export interface Store extends SessionStore, AuditStore {
  /**
   * Records a one-time id (a minted sign-in identity) until `expiresAt`: true
   * the first time, false for every later call with the same id, whichever
   * instance makes it. Expired ids are forgotten.
   */
  spendOnce(id: string, expiresAt: number, now: number): Promise<boolean>;
  /** Whether an id was recorded with spendOnce and has not expired (a signed-out console cookie), on any instance. */
  isSpent(id: string, now: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How much one session's audit may hold (red team s11, F2); 'ended' and 'handed-over' are always taken (audit-chain.ts). */
export interface AuditLimits {
  /** Events, counting the 'audit-limit' and 'ended' events kept room for. */
  maxEvents: number;
  /** Bytes of event data (its JSON, UTF-8). */
  maxBytes: number;
}

/** AUDIT_MAX_EVENTS, AUDIT_MAX_BYTES: a long support session writes a few hundred events of a few hundred bytes. */
export const DEFAULT_AUDIT_LIMITS: AuditLimits = { maxEvents: 5_000, maxBytes: 4 * 1024 * 1024 };

/**
 * appendEvent refuses an event past the session's audit cap. The first
 * refusal records one 'audit-limit' event (committed before this is thrown).
 */
export class AuditLimitError extends Error {
  constructor(sessionId: string, limits: AuditLimits) {
    super(
      `cannot append an audit event: session ${JSON.stringify(sessionId)} reached its audit cap (${limits.maxEvents} events, ${limits.maxBytes} bytes)`,
    );
    this.name = 'AuditLimitError';
  }
}

/** appendEvent refuses a session that has ended: its 'ended' event is the last one. */
export class SessionEndedError extends Error {
  constructor(sessionId: string) {
    super(`cannot append an audit event: session ${JSON.stringify(sessionId)} has ended`);
    this.name = 'SessionEndedError';
  }
}

/** The 'ended' audit event's data: who, why and how long the session ran. */
export function endedEventInput(session: SessionRecord, end: SessionEnd): AuditEventInput {
  const durationMs = session.startedAt === null ? null : end.at - session.startedAt;
  // The agent who ended it is named: a bot as one, a signed-in person by who signed in.
  const who: Record<string, AuditDataValue> =
    end.by === 'agent' ? actorData(end.agent ?? agentActor(session, null)) : {};
  return {
    type: 'ended',
    actor: end.by,
    at: end.at,
    data: { by: end.by, reason: end.reason, durationMs, ...who },
  };
}

/**
 * appendEvent refuses a session whose stored chain does not end where its
 * keyed head says (rows cut off the end, or a head rewound or forged without
 * the key): continuing would link past the cut and hide it.
 */
export class AuditChainBrokenError extends Error {
  constructor(sessionId: string, reason: string) {
    super(`cannot append an audit event to session ${JSON.stringify(sessionId)}: ${reason}`);
    this.name = 'AuditChainBrokenError';
  }
}

/**
 * HMAC-SHA256 hex, under the audit key, of a session's chain head (how many
 * events, the last one's hash). Stored with the head, so that rewinding the
 * head after cutting rows off the end needs the key, as rewriting a row does.
 */
export function hashAuditHead(auditKey: string, sessionId: string, count: number, headHash: string): string {
  return createHmac('sha256', auditKey)
    .update(canonicalJson({ kind: 'audit-head', sessionId, count, headHash }), 'utf8')
    .digest('hex');
}

/** The hash that the first event of every session links to. */
export const GENESIS_HASH: string = '0'.repeat(64);

/** sha256 hex of a session token, the only form in which tokens are stored or compared. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * HMAC-SHA256 hex, under the audit key, over a canonical (sorted keys) JSON of
 * every field of the event plus the previous event's hash. Keyed, so write
 * access to the database is not enough to recompute a rewritten chain.
 */
export function hashAuditEvent(auditKey: string, prevHash: string, e: Omit<AuditEvent, 'hash' | 'prevHash'>): string {
  // Fields are picked explicitly so that extra runtime properties on `e`
  // cannot change the hash of what is actually stored.
  const hashed = {
    sessionId: e.sessionId,
    seq: e.seq,
    type: e.type,
    actor: e.actor,
    at: e.at,
    data: e.data,
    prevHash,
  };
  return createHmac('sha256', auditKey).update(canonicalJson(hashed), 'utf8').digest('hex');
}

/**
 * JSON with object keys sorted at every level, so that the same event always
 * hashes the same whatever order its data keys were written in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonicalJson: non-finite numbers have no JSON form');
    }
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} has no JSON form`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
