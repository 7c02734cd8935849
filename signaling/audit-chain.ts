/**
 * The audit chain's integrity, shared by both stores: verification of the
 * stored rows against the key and against the session row (its keyed head,
 * its status and end), where the next event links (never over a cut), the
 * head's MAC, the upgrade that signs old heads, and the per-session cap
 * (AuditLimits). Row shapes and conversions are store-rows.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { WitnessedHead } from './audit-witness.js';
import { agentAfter, rowAgent, sameAgent, type ChainAgent } from './chain-agent.js';
import { originAfter, type ChainOrigin } from './chain-origin.js';
import { broken, chainHeadRow, eventFromRow, lastEventRow, nextAuditEvent, type ChainHead } from './store-rows.js';
import {
  AuditChainBrokenError,
  GENESIS_HASH,
  hashAuditEvent,
  hashAuditHead,
  type AuditEvent,
  type AuditEventInput,
  type AuditLimits,
  type ChainVerification,
} from './store.js';

/**
 * Check stored rows (in seq order) against the key and against the chain head
 * the session recorded, and that head against the heads the server remembers
 * (`witnessed`, audit-witness.ts, read before the head); reports the first broken event.
 */
export function verifyEventRows(
  auditKey: string,
  sessionId: string,
  rows: unknown[],
  headRow: unknown,
  witnessed: readonly WitnessedHead[] = [],
): ChainVerification {
  let expectedSeq = 1;
  let expectedPrev = GENESIS_HASH;
  const hashes: string[] = [];
  const head = headRow === undefined ? undefined : chainHeadRow.parse(headRow);
  const facts: ChainFacts = {
    last: undefined,
    ended: undefined,
    agent: rowAgent({
      agentName: head?.agent_name ?? null,
      agentId: head?.agent_id ?? null,
      agentBot: head?.agent_bot === 1,
    }),
    origin: { conversationId: head?.conversation_id ?? null, createdAt: 0, namedAt: 0 },
    consented: false,
    createdAt: undefined,
  };
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
    hashes.push(hash);
    noteFact(facts, event);
  }
  if (head !== undefined) {
    if (!headIsKeyed(auditKey, sessionId, head)) {
      return broken(
        rows.length,
        Math.min(head.audit_count, rows.length) + 1,
        'the recorded chain head is not signed under the audit key (rewound or forged)',
      );
    }
    // An event not stored is the count checks' to report.
    const seen = witnessDisagreement(witnessed, head, (seq) => hashes[seq - 1]);
    if (seen?.behind !== undefined) {
      return broken(
        rows.length,
        head.audit_count + 1,
        `the recorded chain head (${head.audit_count} events) is behind the ${seen.behind} this server saw written (an earlier head put back, or committed events lost)`,
      );
    }
    if (seen?.other !== undefined) {
      return broken(rows.length, seen.other, overwrittenReason(seen.other));
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
  } else {
    // No session row: deleted whole (review s13 L2), unless nothing was ever written for it here.
    const seen = Math.max(0, ...witnessed.map((w) => w.count));
    if (seen > 0) {
      return broken(
        rows.length,
        Math.min(rows.length, seen) + 1,
        `the session and the ${seen} events this server saw written for it are missing (deleted whole)`,
      );
    }
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
 * Rows read outside verification (a few picked by type, `rows` read before
 * `headRow`): each must carry its own HMAC under the key and lie within the
 * session's keyed head (review s13 A3: a naming row inserted on disk, with any
 * hash, named the agent of a socket joining while it existed, and was deleted
 * before verification saw it). Throws AuditChainBrokenError otherwise: a
 * forged row neither names anyone nor is skipped in favour of an earlier one.
 */
export function keyedRows(auditKey: string, sessionId: string, rows: unknown[], headRow: unknown): AuditEvent[] {
  if (rows.length === 0) return [];
  const head = headRow === undefined ? undefined : chainHeadRow.parse(headRow);
  if (head === undefined || !headIsKeyed(auditKey, sessionId, head)) {
    throw new AuditChainBrokenError(sessionId, 'its recorded chain head is not signed under the audit key');
  }
  return rows.map((row) => {
    const parsed = eventFromRow(row);
    if (!parsed.ok) throw new AuditChainBrokenError(sessionId, `an event is unreadable: ${parsed.reason}`);
    const { hash, prevHash, ...unhashed } = parsed.event;
    if (unhashed.sessionId !== sessionId || hashAuditEvent(auditKey, prevHash, unhashed) !== hash) {
      throw new AuditChainBrokenError(sessionId, `its event ${unhashed.seq} was not written under the audit key`);
    }
    if (unhashed.seq > head.audit_count) {
      throw new AuditChainBrokenError(
        sessionId,
        `its event ${unhashed.seq} lies past its recorded chain head (${head.audit_count})`,
      );
    }
    return parsed.event;
  });
}

/**
 * Where the chain disagrees with a head the server remembers writing: it is
 * `behind` that head's count, or its event at that count is `other` than the
 * one written (a chain grown again over a cut: every row is keyed, so it
 * cannot carry the hash written before, review s13 W3). `hashAt`: the stored
 * event's hash at a seq up to the head's count (undefined: not checked).
 */
export function witnessDisagreement(
  witnessed: readonly WitnessedHead[],
  head: ChainHead,
  hashAt: (seq: number) => string | undefined,
): { behind?: number; other?: number } | undefined {
  const behind = witnessed.find((seen) => seen.count > head.audit_count);
  if (behind !== undefined) return { behind: behind.count };
  for (const seen of witnessed) {
    if (seen.hash === undefined || seen.count === 0) continue;
    const stored = hashAt(seen.count);
    if (stored !== undefined && stored !== seen.hash) return { other: seen.count };
  }
  return undefined;
}

/** The seqs whose stored hash an append needs for witnessDisagreement (the head's own hash it has). */
export function witnessSeqs(witnessed: readonly WitnessedHead[], head: ChainHead): number[] {
  return witnessed
    .filter((seen) => seen.hash !== undefined && seen.count > 0 && seen.count < head.audit_count)
    .map((seen) => seen.count);
}

const hashRow = z.object({ seq: z.number().int(), hash: z.string() });

/** The stored hashes an append read at witnessSeqs, by seq. */
export function witnessHashes(rows: unknown[]): Map<number, string> {
  return new Map(rows.map((raw) => hashRow.parse(raw)).map((row) => [row.seq, row.hash]));
}

function overwrittenReason(seq: number): string {
  return `event ${seq} is not the one this server saw written (the chain was cut and written over)`;
}

/**
 * Where the next event of a session links: its keyed head, checked against
 * the last stored row and against the heads the server remembers (`witnessed`;
 * `witnessHashes`: the stored hashes at witnessSeqs, a missing one absent).
 * Throws AuditChainBrokenError when they disagree, so a cut at the end of
 * the chain is never linked over.
 */
export function appendPoint(
  auditKey: string,
  sessionId: string,
  head: ChainHead,
  lastRow: unknown,
  witnessed: readonly WitnessedHead[] = [],
  witnessHashes: ReadonlyMap<number, string> = new Map(),
): { seq: number; hash: string; type: string } | undefined {
  if (!headIsKeyed(auditKey, sessionId, head)) {
    throw new AuditChainBrokenError(sessionId, 'its recorded chain head is not signed under the audit key');
  }
  // A remembered event no longer stored is a disagreement too ('' matches no hash).
  const hashAt = (seq: number): string =>
    seq === head.audit_count ? head.audit_head_hash : (witnessHashes.get(seq) ?? '');
  const seen = witnessDisagreement(witnessed, head, hashAt);
  if (seen?.behind !== undefined) {
    throw new AuditChainBrokenError(
      sessionId,
      `its recorded chain head (${head.audit_count}) is behind the ${seen.behind} events this server saw written`,
    );
  }
  if (seen?.other !== undefined) throw new AuditChainBrokenError(sessionId, `its ${overwrittenReason(seen.other)}`);
  const last = lastRow === undefined ? undefined : lastEventRow.parse(lastRow);
  const stored = last ?? { seq: 0, hash: GENESIS_HASH, type: '' };
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
  /** Who the agent is (chain-agent.ts), starting from the row's for a chain that does not name it. */
  agent: ChainAgent;
  /** The conversation the chain's creation event names (chain-origin.ts), starting from the row's. */
  origin: ChainOrigin;
  /** Whether the chain has a 'consent-granted' event. */
  consented: boolean;
  /**
   * When its creation event says the session was created, for a chain written since that event names the agent
   * (chain-agent.ts: every session created through the API since then); undefined for older ones.
   */
  createdAt: number | undefined;
}

function noteFact(facts: ChainFacts, event: AuditEvent): void {
  facts.last = event;
  if (event.type === 'ended') facts.ended = event;
  if (event.type === 'consent-granted') facts.consented = true;
  if (event.type === 'session-created' && event.seq === 1 && 'agentBot' in event.data) facts.createdAt = event.at;
  facts.agent = agentAfter(facts.agent, event);
  facts.origin = originAfter(facts.origin, event);
}

/**
 * Where the session row says what its chain does not: whether and how it
 * ended (status and end fields are written in one transaction with the
 * 'ended' event, so no crash leaves them apart), and who its agent is (name,
 * id, bot: written with their event by updateSessionWithEvent), and the
 * conversation it was created for, and when (the row's created_at and the
 * creation event's time are one clock reading: the session lists select and
 * order on the column, review s13 L1). A consented or live row needs the
 * chain's consent (written before the row's status; a pending row with a
 * consent event is a crash between the two, not told apart from an edit).
 * The row's start time and control flag are no part of the record
 * (audit-summary.ts reads them from the chain), so they are not checked.
 */
function rowDisagreement(head: ChainHead, facts: ChainFacts): { at: number; reason: string } | undefined {
  const ended = endDisagreement(head, facts);
  if (ended !== undefined) return ended;
  if (!sameAgent(facts.agent, head)) {
    return {
      at: Math.max(1, facts.agent.namedAt),
      reason: "the session's agent (name, id, bot) does not match the one its chain names",
    };
  }
  if (facts.origin.conversationId !== head.conversation_id) {
    return {
      at: Math.max(1, facts.origin.namedAt),
      reason: "the session's conversation does not match the one its chain was created for",
    };
  }
  if (facts.createdAt !== undefined && facts.createdAt !== head.created_at) {
    return { at: 1, reason: "the session's creation time does not match its 'session-created' event" };
  }
  if ((head.status === 'consented' || head.status === 'live') && !facts.consented) {
    return {
      at: (facts.last?.seq ?? 0) + 1,
      reason: `the session is recorded as ${head.status} but its chain has no consent`,
    };
  }
  return undefined;
}

function endDisagreement(head: ChainHead, facts: ChainFacts): { at: number; reason: string } | undefined {
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

/**
 * What an append did: `event` is the event asked for (absent: refused at the
 * cap), `wrote` the chain's new count if anything was written (the event or
 * 'audit-limit') and its last event's hash, for the witness (audit-witness.ts) once committed.
 */
export interface Appended {
  event?: AuditEvent;
  wrote?: { count: number; hash: string };
}

/**
 * What an append writes, given the locked head and the last stored row: the
 * event, or past the cap the 'audit-limit' event in its place (once:
 * `limitWritten` says whether the chain has it) and the event refused.
 * Throws as appendPoint does.
 */
export function planAppend(
  auditKey: string,
  limits: AuditLimits,
  sessionId: string,
  head: ChainHead,
  lastRow: unknown,
  input: AuditEventInput,
  limitWritten: boolean,
  witnessed: readonly WitnessedHead[] = [],
  witnessHashes: ReadonlyMap<number, string> = new Map(),
): { write: AuditEvent | undefined; bytes: number; refused: boolean } {
  const last = appendPoint(auditKey, sessionId, head, lastRow, witnessed, witnessHashes);
  if (fitsCap(limits, head, input)) {
    return {
      write: nextAuditEvent(auditKey, sessionId, last, input),
      bytes: head.audit_bytes + auditBytes(input),
      refused: false,
    };
  }
  const limit = auditLimitInput(limits, head.audit_count, head.audit_bytes, input);
  if (limitWritten || !fitsCap(limits, head, limit))
    return { write: undefined, bytes: head.audit_bytes, refused: true };
  return {
    write: nextAuditEvent(auditKey, sessionId, last, limit),
    bytes: head.audit_bytes + auditBytes(limit),
    refused: true,
  };
}

/** Bytes an event's data takes in the audit (its stored JSON, UTF-8). */
export function auditBytes(input: AuditEventInput): number {
  return Buffer.byteLength(JSON.stringify(input.data), 'utf8');
}

/**
 * Taken past the ordinary cap, into the room kept at the end: what lets a
 * customer take back control or hide the page (the hub forwards only what
 * the audit took), the cap's own event, and a signed-in agent claiming the
 * session (the row names them before the event is appended).
 */
const RESERVE_TYPES: ReadonlySet<string> = new Set([
  'audit-limit',
  'control-revoked',
  'paused',
  'resumed',
  'agent-assigned',
]);
/**
 * Always taken, like 'ended': at most once per session, and written after the
 * session row changed (a hand-over's new agent token), so refusing it would
 * lose the new agent's link and leave the audit silent about who watches.
 */
const ALWAYS_TYPES: ReadonlySet<string> = new Set(['ended', 'handed-over']);
/** Room kept at the end of the cap: events, bytes. The last event's room is always the 'ended' one's. */
const RESERVE_EVENTS = 32;
const RESERVE_BYTES = 8 * 1024;

/**
 * Whether `input` fits the session's cap: ALWAYS_TYPES always; RESERVE_TYPES up
 * to one event and 1 KB short of the cap (room for 'ended'); anything else
 * up to RESERVE_EVENTS events and RESERVE_BYTES short of it.
 */
export function fitsCap(limits: AuditLimits, head: ChainHead, input: AuditEventInput): boolean {
  if (ALWAYS_TYPES.has(input.type)) return true;
  const reserve = RESERVE_TYPES.has(input.type);
  const maxEvents = limits.maxEvents - (reserve ? 1 : RESERVE_EVENTS);
  const maxBytes = limits.maxBytes - (reserve ? 1_024 : RESERVE_BYTES);
  return head.audit_count + 1 <= maxEvents && head.audit_bytes + auditBytes(input) <= maxBytes;
}

/** The 'audit-limit' event: which cap, and what was refused first. */
export function auditLimitInput(
  limits: AuditLimits,
  count: number,
  bytes: number,
  refused: AuditEventInput,
): AuditEventInput {
  return {
    type: 'audit-limit',
    actor: 'system',
    at: refused.at,
    data: { events: count, bytes, maxEvents: limits.maxEvents, maxBytes: limits.maxBytes, refused: refused.type },
  };
}
