/**
 * What both stores (SQLite, PostgreSQL) share: the row shapes they read back
 * (parsed, never trusted), the conversions to and from records, the
 * normalisation of audit data, and the next event's hash (the chain's
 * integrity checks are audit-chain.ts). Both stores use the same column
 * names and types, so one parser serves both.
 */
import * as z from 'zod';
import { endedBy, endReason, sessionStatus } from '../shared/protocol.js';
import {
  ACTORS,
  AUDIT_EVENT_TYPES,
  GENESIS_HASH,
  hashAuditEvent,
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
/** The session row's chain head and what it repeats of the chain (end, agent); audit_head_mac is null only in a row the upgrade did not seal (never, once migrated). */
export const chainHeadRow = z.object({
  status: sessionStatus,
  ended_at: z.number().nullable(),
  ended_by: z.nullable(endedBy),
  end_reason: z.nullable(endReason),
  audit_count: z.number().int(),
  audit_head_hash: z.string(),
  audit_head_mac: z.string().nullable(),
  audit_bytes: z.number().int(),
  agent_name: z.string().nullable(),
  agent_id: z.string().nullable(),
  agent_bot: z.union([z.literal(0), z.literal(1)]),
  conversation_id: z.string().nullable(),
  expires_at: z.number(),
  created_at: z.number(),
});
export type ChainHead = z.infer<typeof chainHeadRow>;
/** What both stores select to read a chain head. */
export const CHAIN_HEAD_COLUMNS =
  'status, ended_at, ended_by, end_reason, audit_count, audit_head_hash, audit_head_mac, audit_bytes, agent_name, agent_id, agent_bot, conversation_id, expires_at, created_at';
export const lastEventRow = z.object({ seq: z.number().int(), hash: z.string(), type: z.string() });

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

/** A stored event, parsed; an unreadable one throws (verifyChain reports it, a listing cannot go on). */
export function readableEvent(sessionId: string, row: unknown): AuditEvent {
  const event = eventFromRow(row);
  if (!event.ok) throw new Error(`audit event of session ${sessionId} is unreadable: ${event.reason}`);
  return event.event;
}
