/**
 * Where and when a session was created, as its keyed chain records it (review
 * s12, A2): the 'session-created' event holds the conversation the session
 * was made for, and its time. The session row repeats both in columns that
 * carry no key, so the summary (and through it the webhook) reads them from
 * here, and verification (audit-chain.ts) holds the row's conversation to it.
 */
import type { AuditEvent, SessionRecord } from './store.js';

export interface ChainOrigin {
  conversationId: string | null;
  createdAt: number;
  /** The seq of the event that said so; 0: the session row's (a chain without its creation event). */
  namedAt: number;
}

/** The creation event's conversation and time, or the row's where the chain has no such event. */
export function chainOrigin(
  row: Pick<SessionRecord, 'conversationId' | 'createdAt'>,
  ordered: readonly AuditEvent[],
): ChainOrigin {
  const created = ordered.find((event) => event.type === 'session-created');
  const fromRow = { conversationId: row.conversationId, createdAt: row.createdAt, namedAt: 0 };
  return created === undefined ? fromRow : originAfter(fromRow, created);
}

/** The origin after `event`: only the creation event names it (the first one; there is never another). */
export function originAfter(origin: ChainOrigin, event: AuditEvent): ChainOrigin {
  if (event.type !== 'session-created' || origin.namedAt !== 0) return origin;
  const named = event.data['conversationId'];
  const conversationId =
    typeof named === 'string' || named === null ? named : 'conversationId' in event.data ? null : origin.conversationId;
  return { conversationId, createdAt: event.at, namedAt: event.seq };
}
