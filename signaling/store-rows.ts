/**
 * What both stores (SQLite, PostgreSQL) share: the row shapes they read back
 * (parsed, never trusted), the conversions to and from records, the
 * normalisation of audit data, and the verification of a stored chain. Both
 * stores use the same column names and types, so one parser serves both.
 */
import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { endedBy, endReason, sessionStatus } from '../shared/protocol.js';
import {
  ACTORS,
  AuditChainBrokenError,
  AUDIT_EVENT_TYPES,
  GENESIS_HASH,
  hashAuditEvent,
  hashAuditHead,
  type AuditDataValue,
  type AuditEvent,
  type AuditEventInput,
  type ChainVerification,
  type SessionPatch,
  type SessionRecord,
} from './store.js';

export const metadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export const auditDataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export const epochMs = z.number();

export const sessionRecordSchema = z.strictObject({
  id: z.string().min(1),
  conversationId: z.string().nullable(),
  agentName: z.string().nullable(),
  agentId: z.string().nullable(),
  agentBot: z.boolean().optional(),
  metadata: metadataSchema,
  customerTokenHash: z.string().min(1),
  agentTokenHash: z.string().min(1),
  createdAt: epochMs,
  expiresAt: epochMs,
  status: sessionStatus,
  startedAt: epochMs.nullable(),
  endedAt: epochMs.nullable(),
  endedBy: z.nullable(endedBy),
  endReason: z.nullable(endReason),
  controlGranted: z.boolean(),
});

export const sessionRow = z.object({
  id: z.string(),
  conversation_id: z.string().nullable(),
  agent_name: z.string().nullable(),
  agent_id: z.string().nullable(),
  agent_bot: z.union([z.literal(0), z.literal(1)]),
  metadata: z.string(),
  customer_token_hash: z.string(),
  agent_token_hash: z.string(),
  created_at: z.number(),
  expires_at: z.number(),
  status: sessionStatus,
  started_at: z.number().nullable(),
  ended_at: z.number().nullable(),
  ended_by: z.nullable(endedBy),
  end_reason: z.nullable(endReason),
  control_granted: z.union([z.literal(0), z.literal(1)]),
});

export const auditRow = z.object({
  session_id: z.string(),
  seq: z.number().int(),
  type: z.enum(AUDIT_EVENT_TYPES),
  actor: z.enum(ACTORS),
  at: z.number(),
  data: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
});

export const statusRow = z.object({ status: sessionStatus });
/** The session row's chain head; audit_head_mac is null only in a row the upgrade did not seal (never, once migrated). */
export const chainHeadRow = z.object({
  status: sessionStatus,
  ended_at: z.number().nullable(),
  ended_by: z.nullable(endedBy),
  end_reason: z.nullable(endReason),
  audit_count: z.number().int(),
  audit_head_hash: z.string(),
  audit_head_mac: z.string().nullable(),
});
export type ChainHead = z.infer<typeof chainHeadRow>;
/** What both stores select to read a chain head. */
export const CHAIN_HEAD_COLUMNS =
  'status, ended_at, ended_by, end_reason, audit_count, audit_head_hash, audit_head_mac';
export const lastEventRow = z.object({ seq: z.number().int(), hash: z.string() });

export function sessionFromRow(raw: unknown): SessionRecord {
  const row = sessionRow.parse(raw);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    agentName: row.agent_name,
    agentId: row.agent_id,
    ...(row.agent_bot === 1 ? { agentBot: true } : {}),
    metadata: metadataSchema.parse(JSON.parse(row.metadata)),
    customerTokenHash: row.customer_token_hash,
    agentTokenHash: row.agent_token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    endedBy: row.ended_by,
    endReason: row.end_reason,
    controlGranted: row.control_granted === 1,
  };
}

export function rowFromSession(record: SessionRecord): Record<string, string | number | null> {
  return {
    id: record.id,
    conversation_id: record.conversationId,
    agent_name: record.agentName,
    agent_id: record.agentId,
    agent_bot: record.agentBot === true ? 1 : 0,
    metadata: JSON.stringify(record.metadata),
    customer_token_hash: record.customerTokenHash,
    agent_token_hash: record.agentTokenHash,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    status: record.status,
    started_at: record.startedAt,
    ended_at: record.endedAt,
    ended_by: record.endedBy,
    end_reason: record.endReason,
    control_granted: record.controlGranted ? 1 : 0,
  };
}

export type ParsedEvent = { ok: true; event: AuditEvent } | { ok: false; seq: number | undefined; reason: string };

export function eventFromRow(raw: unknown): ParsedEvent {
  const row = auditRow.safeParse(raw);
  if (!row.success) {
    const seq = z.object({ seq: z.number().int() }).safeParse(raw);
    return { ok: false, seq: seq.success ? seq.data.seq : undefined, reason: z.prettifyError(row.error) };
  }
  let data: unknown;
  try {
    data = JSON.parse(row.data.data);
  } catch {
    return { ok: false, seq: row.data.seq, reason: 'data is not JSON' };
  }
  const parsedData = auditDataSchema.safeParse(data);
  if (!parsedData.success) return { ok: false, seq: row.data.seq, reason: 'data has an unexpected shape' };
  return {
    ok: true,
    event: {
      sessionId: row.data.session_id,
      seq: row.data.seq,
      type: row.data.type,
      actor: row.data.actor,
      at: row.data.at,
      data: parsedData.data,
      prevHash: row.data.prev_hash,
      hash: row.data.hash,
    },
  };
}

/** A plain copy of the event data that survives JSON unchanged, or a TypeError. */
export function normalizeAuditData(data: unknown): Record<string, AuditDataValue> {
  // A "__proto__" key would turn into a prototype on the way back out of JSON.parse-based copies.
  if (typeof data === 'object' && data !== null && Object.hasOwn(data, '__proto__')) {
    throw new TypeError('audit event data must not have a "__proto__" key');
  }
  const parsed = auditDataSchema.safeParse(data);
  if (!parsed.success) {
    throw new TypeError(
      `audit event data must map names to strings, finite numbers, booleans or null: ${z.prettifyError(parsed.error)}`,
    );
  }
  const copy: Record<string, AuditDataValue> = {};
  for (const [key, value] of Object.entries(parsed.data)) {
    // -0 would be stored and hashed as 0; normalise now so the returned event equals the stored one.
    copy[key] = typeof value === 'number' && Object.is(value, -0) ? 0 : value;
  }
  return copy;
}

export function broken(events: number, brokenAt: number, reason: string): ChainVerification {
  return { valid: false, events, brokenAt, reason };
}

/** The patched record, validated; keys are copied one by one so a caller's extra runtime keys (id, token hashes) are never written. */
export function applySessionPatch(current: SessionRecord, patch: SessionPatch): SessionRecord {
  return sessionRecordSchema.parse({
    ...current,
    ...(patch.status !== undefined && { status: patch.status }),
    ...(patch.startedAt !== undefined && { startedAt: patch.startedAt }),
    ...(patch.endedAt !== undefined && { endedAt: patch.endedAt }),
    ...(patch.endedBy !== undefined && { endedBy: patch.endedBy }),
    ...(patch.endReason !== undefined && { endReason: patch.endReason }),
    ...(patch.controlGranted !== undefined && { controlGranted: patch.controlGranted }),
    ...(patch.agentId !== undefined && { agentId: patch.agentId }),
    ...(patch.agentName !== undefined && { agentName: patch.agentName }),
    ...(patch.agentBot !== undefined && { agentBot: patch.agentBot }),
    ...(patch.agentTokenHash !== undefined && { agentTokenHash: patch.agentTokenHash }),
  });
}

/** Validate an event before it is stored; throws a TypeError/ZodError for what JSON or the enums cannot carry. */
export function normalizeAuditInput(event: AuditEventInput): AuditEventInput {
  return {
    type: z.enum(AUDIT_EVENT_TYPES).parse(event.type),
    actor: z.enum(ACTORS).parse(event.actor),
    at: epochMs.parse(event.at),
    data: normalizeAuditData(event.data),
  };
}

/** The next event of a chain whose last stored event is `last`, hashed under the key. */
export function nextAuditEvent(
  auditKey: string,
  sessionId: string,
  last: { seq: number; hash: string } | undefined,
  input: AuditEventInput,
): AuditEvent {
  const unhashed = {
    sessionId,
    seq: (last?.seq ?? 0) + 1,
    type: input.type,
    actor: input.actor,
    at: input.at,
    data: input.data,
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  return { ...unhashed, prevHash, hash: hashAuditEvent(auditKey, prevHash, unhashed) };
}

/** The audit_events row for an event. */
export function rowFromEvent(event: AuditEvent): {
  session_id: string;
  seq: number;
  type: string;
  actor: string;
  at: number;
  data: string;
  prev_hash: string;
  hash: string;
} {
  return {
    session_id: event.sessionId,
    seq: event.seq,
    type: event.type,
    actor: event.actor,
    at: event.at,
    data: JSON.stringify(event.data),
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

/**
 * Check stored rows (in seq order) against the key and against the chain head
 * the session recorded; reports the first broken event.
 */
export function verifyEventRows(
  auditKey: string,
  sessionId: string,
  rows: unknown[],
  headRow: unknown,
): ChainVerification {
  let expectedSeq = 1;
  let expectedPrev = GENESIS_HASH;
  const facts: ChainFacts = { last: undefined, ended: undefined };
  for (const row of rows) {
    const parsed = eventFromRow(row);
    if (!parsed.ok) return broken(rows.length, parsed.seq ?? expectedSeq, `unreadable event: ${parsed.reason}`);
    const event = parsed.event;
    if (event.seq !== expectedSeq) {
      return broken(
        rows.length,
        expectedSeq,
        event.seq > expectedSeq
          ? `event ${expectedSeq} is missing (next stored event is ${event.seq})`
          : `event ${event.seq} appears out of order where ${expectedSeq} was expected`,
      );
    }
    if (event.prevHash !== expectedPrev) {
      return broken(rows.length, event.seq, `event ${event.seq} does not link to the hash of the event before it`);
    }
    const { hash, prevHash, ...unhashed } = event;
    if (hashAuditEvent(auditKey, prevHash, unhashed) !== hash) {
      return broken(rows.length, event.seq, `event ${event.seq} was altered after it was written (hash mismatch)`);
    }
    expectedPrev = hash;
    expectedSeq += 1;
    noteFact(facts, event);
  }
  if (headRow !== undefined) {
    const head = chainHeadRow.parse(headRow);
    if (!headIsKeyed(auditKey, sessionId, head)) {
      return broken(
        rows.length,
        Math.min(head.audit_count, rows.length) + 1,
        'the recorded chain head is not signed under the audit key (rewound or forged)',
      );
    }
    if (head.audit_count > rows.length) {
      return broken(
        rows.length,
        rows.length + 1,
        `the session recorded ${head.audit_count} events but only ${rows.length} are stored (events removed from the end)`,
      );
    }
    if (head.audit_count < rows.length) {
      return broken(
        rows.length,
        head.audit_count + 1,
        `the session recorded ${head.audit_count} events but ${rows.length} are stored (events inserted outside the store)`,
      );
    }
    if (head.audit_head_hash !== expectedPrev) {
      return broken(rows.length, rows.length, 'the last event does not match the recorded chain head');
    }
    const disagreement = rowDisagreement(head, facts);
    if (disagreement !== undefined) return broken(rows.length, disagreement.at, disagreement.reason);
  }
  return { valid: true, events: rows.length };
}

/** Whether the head's MAC is the audit key's over this session's count and head hash. */
export function headIsKeyed(auditKey: string, sessionId: string, head: ChainHead): boolean {
  if (head.audit_head_mac === null) return false;
  const expected = Buffer.from(hashAuditHead(auditKey, sessionId, head.audit_count, head.audit_head_hash), 'hex');
  const actual = Buffer.from(head.audit_head_mac, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Where the next event of a session links: its keyed head, checked against
 * the last stored row. Throws AuditChainBrokenError when they disagree, so a
 * cut at the end of the chain is never linked over.
 */
export function appendPoint(
  auditKey: string,
  sessionId: string,
  head: ChainHead,
  lastRow: unknown,
): { seq: number; hash: string } | undefined {
  if (!headIsKeyed(auditKey, sessionId, head)) {
    throw new AuditChainBrokenError(sessionId, 'its recorded chain head is not signed under the audit key');
  }
  const last = lastRow === undefined ? undefined : lastEventRow.parse(lastRow);
  const stored = last ?? { seq: 0, hash: GENESIS_HASH };
  if (stored.seq !== head.audit_count || stored.hash !== head.audit_head_hash) {
    throw new AuditChainBrokenError(
      sessionId,
      `its last stored event (${stored.seq}) is not the recorded chain head (${head.audit_count})`,
    );
  }
  return last;
}

/** The session row's new head after `event`, signed. */
export function headAfter(auditKey: string, event: AuditEvent): { count: number; hash: string; mac: string } {
  return { count: event.seq, hash: event.hash, mac: hashAuditHead(auditKey, event.sessionId, event.seq, event.hash) };
}

/**
 * The 'ended' event of endSession: a chain the store refuses to extend (AuditChainBrokenError)
 * still lets the session end, without the event; verification reports the chain.
 */
export function appendEnded<T>(append: () => T): T | undefined {
  try {
    return append();
  } catch (error) {
    if (error instanceof AuditChainBrokenError) return undefined;
    throw error;
  }
}

const legacyHeadRow = z.object({ id: z.string(), audit_count: z.number().int(), audit_head_hash: z.string() });

/**
 * Migration: sign the heads recorded before heads were keyed, as they stand.
 * A cut made before the upgrade is sealed with them (it was undetectable then too).
 */
export function sealLegacyHeads(auditKey: string, rows: unknown[]): { id: string; mac: string }[] {
  return rows.map((raw) => {
    const row = legacyHeadRow.parse(raw);
    return { id: row.id, mac: hashAuditHead(auditKey, row.id, row.audit_count, row.audit_head_hash) };
  });
}

/** What the session row repeats of its chain (red team s11, F4): the facts verification holds the row to. */
interface ChainFacts {
  last: AuditEvent | undefined;
  ended: AuditEvent | undefined;
}

function noteFact(facts: ChainFacts, event: AuditEvent): void {
  facts.last = event;
  if (event.type === 'ended') facts.ended = event;
}

/**
 * Where the session row says what its chain does not: whether and how it
 * ended (status and end fields are written in one transaction with the
 * 'ended' event, so no crash leaves them apart). The row's start time and
 * control flag are no part of the record (audit-summary.ts reads both from
 * the chain), so they are not checked.
 */
function rowDisagreement(head: ChainHead, facts: ChainFacts): { at: number; reason: string } | undefined {
  const { ended, last } = facts;
  const next = (last?.seq ?? 0) + 1;
  if (ended !== undefined && last !== ended) {
    return { at: ended.seq + 1, reason: "events follow the session's 'ended' event" };
  }
  if (head.status === 'ended') {
    if (ended === undefined) return { at: next, reason: "the session has ended but its chain has no 'ended' event" };
    if (head.ended_at !== ended.at || head.ended_by !== ended.data['by'] || head.end_reason !== ended.data['reason']) {
      return { at: ended.seq, reason: "the session's end (when, by whom, why) does not match its 'ended' event" };
    }
    return undefined;
  }
  if (ended !== undefined) return { at: ended.seq, reason: 'the chain has ended but the session is recorded as open' };
  if (head.ended_at !== null || head.ended_by !== null || head.end_reason !== null) {
    return { at: next, reason: 'the session records an end its chain does not have' };
  }
  return undefined;
}
