/**
 * The console's session history filters as the query of `GET /api/sessions`
 * (status, created from/to, conversation, page size, cursor). Pure, so it is
 * tested without a browser (test/node/session-query.test.ts). Dates are the
 * agent's local days, both ends included; the server's `to` is exclusive.
 */

export type HistoryStatus = 'any' | 'pending' | 'live' | 'ended';

export interface HistoryFilters {
  status: HistoryStatus;
  /** `YYYY-MM-DD` from `<input type=date>`, or ''. */
  from: string;
  to: string;
  conversation: string;
}

export const DEFAULT_FILTERS: HistoryFilters = { status: 'ended', from: '', to: '', conversation: '' };

/** What each choice asks the server for ("live" includes a customer who allowed and is connecting). */
const STATUSES: Record<HistoryStatus, string | null> = {
  any: null,
  pending: 'pending',
  live: 'consented,live',
  ended: 'ended',
};

/** The same bound as the server's query schema. */
export const CONVERSATION_MAX = 256;

/** Local midnight of a `YYYY-MM-DD` day, or null for anything else (an impossible date included). */
function localDay(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = new Date(year, month - 1, day);
  return at.getFullYear() === year && at.getMonth() === month - 1 && at.getDate() === day ? at.getTime() : null;
}

export type HistoryQuery = { ok: true; query: string } | { ok: false; field: keyof HistoryFilters; message: string };

/** The query string for one page, or which field is wrong and why (the filters are kept as typed). */
export function historyQuery(filters: HistoryFilters, limit: number, cursor: string | null = null): HistoryQuery {
  const params = new URLSearchParams();
  const status = STATUSES[filters.status];
  if (status) params.set('status', status);
  const from = filters.from === '' ? null : localDay(filters.from);
  if (filters.from !== '' && from === null)
    return { ok: false, field: 'from', message: 'The start date is not a date.' };
  const toDay = filters.to === '' ? null : localDay(filters.to);
  if (filters.to !== '' && toDay === null) return { ok: false, field: 'to', message: 'The end date is not a date.' };
  if (from !== null && toDay !== null && from > toDay)
    return { ok: false, field: 'to', message: 'The end date is before the start date.' };
  if (from !== null) params.set('from', String(from));
  if (toDay !== null) {
    // The whole end day counts: up to the next local midnight (a 23- or 25-hour day included).
    const next = new Date(toDay);
    next.setDate(next.getDate() + 1);
    params.set('to', String(next.getTime()));
  }
  const conversation = filters.conversation.trim();
  if (conversation.length > CONVERSATION_MAX)
    return {
      ok: false,
      field: 'conversation',
      message: `A conversation id has at most ${CONVERSATION_MAX} characters.`,
    };
  if (conversation !== '') params.set('conversation', conversation);
  params.set('limit', String(limit));
  if (cursor !== null) params.set('cursor', cursor);
  return { ok: true, query: params.toString() };
}
