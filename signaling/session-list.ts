/**
 * Listing sessions for agents and chat systems (`GET /api/sessions`):
 * filters, newest first, and keyset pagination with an opaque cursor (the
 * last row's creation time and id), so pages stay stable while sessions are
 * created. One SQL builder serves SQLite (`?`) and PostgreSQL (`$n`).
 */
import * as z from 'zod';
import type { SessionStatus } from '../shared/protocol.js';
import type { SessionRecord } from './store.js';
import { conversationClause, type SqlDialect } from './chain-conversation-sql.js';

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

export interface SessionListCursor {
  createdAt: number;
  id: string;
}

export interface SessionListFilter {
  /** Any of these statuses (all when empty or absent). */
  status?: readonly SessionStatus[];
  agentName?: string;
  /** The signed-in agent's id (their own list). */
  agentId?: string;
  conversationId?: string;
  /** Created at or after (epoch ms). */
  createdFrom?: number;
  /** Created before (epoch ms). */
  createdBefore?: number;
  /** Rows after this one (in newest-first order). */
  after?: SessionListCursor;
  limit: number;
}

export interface SessionListPage {
  sessions: SessionRecord[];
  /** Where the next page starts; null on the last page. */
  next: SessionListCursor | null;
}

/** WHERE clause, its parameters and the LIMIT (one more than asked, to know whether a next page exists). */
export function sessionListSql(
  filter: SessionListFilter,
  placeholder: (index: number) => string,
  dialect: SqlDialect,
): { where: string; params: unknown[]; limit: number } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (value: unknown): string => {
    params.push(value);
    return placeholder(params.length);
  };
  if (filter.status !== undefined && filter.status.length > 0)
    clauses.push(`status IN (${filter.status.map((s) => add(s)).join(', ')})`);
  if (filter.agentName !== undefined) clauses.push(`agent_name = ${add(filter.agentName)}`);
  if (filter.agentId !== undefined) clauses.push(`agent_id = ${add(filter.agentId)}`);
  // The conversation as the keyed chain records it, not the row's column (chain-conversation-sql.ts).
  if (filter.conversationId !== undefined) clauses.push(conversationClause(dialect, () => add(filter.conversationId)));
  if (filter.createdFrom !== undefined) clauses.push(`created_at >= ${add(filter.createdFrom)}`);
  if (filter.createdBefore !== undefined) clauses.push(`created_at < ${add(filter.createdBefore)}`);
  if (filter.after !== undefined) {
    const at = filter.after.createdAt;
    clauses.push(`(created_at < ${add(at)} OR (created_at = ${add(at)} AND id < ${add(filter.after.id)}))`);
  }
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params, limit: filter.limit + 1 };
}

/** The page from rows fetched with `limit + 1`. */
export function toPage(rows: SessionRecord[], limit: number): SessionListPage {
  const sessions = rows.slice(0, limit);
  const last = sessions[sessions.length - 1];
  return {
    sessions,
    next: rows.length > limit && last !== undefined ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

const cursorJson = z.strictObject({ c: z.number().int().nonnegative(), i: z.string().min(1).max(128) });

export function encodeCursor(cursor: SessionListCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.createdAt, i: cursor.id }), 'utf8').toString('base64url');
}

/** The cursor, or null when the text is not one of ours. */
export function decodeCursor(text: string): SessionListCursor | null {
  try {
    const parsed = cursorJson.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { createdAt: parsed.data.c, id: parsed.data.i } : null;
  } catch {
    return null;
  }
}

const time = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)),
]);

/** Query string of `GET /api/sessions`. */
export const sessionListQuery = z.strictObject({
  status: z
    .string()
    .max(64)
    .transform((value) => value.split(',').filter((part) => part !== ''))
    .pipe(z.array(z.enum(['pending', 'consented', 'live', 'ended'])).max(4))
    .optional(),
  agent: z.string().min(1).max(128).optional(),
  conversation: z.string().min(1).max(256).optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .transform(Number)
    .pipe(z.number().int().positive().max(MAX_PAGE))
    .optional(),
  cursor: z.string().min(1).max(512).optional(),
});
export type SessionListQuery = z.infer<typeof sessionListQuery>;
