/**
 * The console's history filters become the query of GET /api/sessions
 * (agent/workspace/session-query.ts). Oracles: the server's own query schema
 * (it must accept every query the console builds) and local days computed
 * here with Date's field setters, not with the module's parser.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyQuery, DEFAULT_FILTERS, type HistoryFilters } from '../../agent/workspace/session-query.js';
import { sessionListQuery } from '../../signaling/session-list.js';

const day = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

function params(filters: Partial<HistoryFilters>, cursor: string | null = null): URLSearchParams {
  const built = historyQuery({ ...DEFAULT_FILTERS, ...filters }, 20, cursor);
  if (!built.ok) throw new Error(built.message);
  return new URLSearchParams(built.query);
}

describe('historyQuery', () => {
  it('asks for ended sessions by default, 20 at a time; the cursor is passed on', () => {
    expect(Object.fromEntries(params({}))).toEqual({ status: 'ended', limit: '20' });
    expect(params({ status: 'live' }).get('status')).toBe('consented,live');
    expect(params({ status: 'any' }).has('status')).toBe(false);
    expect(params({}, 'abc').get('cursor')).toBe('abc');
    expect(params({ conversation: '  conv-7  ' }).get('conversation')).toBe('conv-7');
  });

  it('a day range covers both whole local days', () => {
    const q = params({ from: '2026-03-28', to: '2026-03-29' });
    expect(Number(q.get('from'))).toBe(new Date(2026, 2, 28).getTime());
    expect(Number(q.get('to'))).toBe(new Date(2026, 2, 30).getTime());
  });

  it('refuses an end before the start, a date that is none, an overlong conversation: which field, and why', () => {
    expect(historyQuery({ ...DEFAULT_FILTERS, from: '2026-05-02', to: '2026-05-01' }, 20)).toEqual({
      ok: false,
      field: 'to',
      message: 'The end date is before the start date.',
    });
    expect(historyQuery({ ...DEFAULT_FILTERS, from: '2026-02-30' }, 20)).toMatchObject({ ok: false, field: 'from' });
    expect(historyQuery({ ...DEFAULT_FILTERS, to: 'yesterday' }, 20)).toMatchObject({ ok: false, field: 'to' });
    expect(historyQuery({ ...DEFAULT_FILTERS, conversation: 'x'.repeat(257) }, 20)).toMatchObject({
      ok: false,
      field: 'conversation',
    });
  });

  it('every query it builds is one the server accepts, and the range is exactly the chosen local days', () => {
    const date = fc.date({ min: new Date(2000, 0, 1), max: new Date(2099, 11, 31), noInvalidDate: true });
    fc.assert(
      fc.property(
        date,
        date,
        fc.constantFrom('any', 'pending', 'live', 'ended' as const),
        fc.string({ maxLength: 256 }),
        (a, b, status, conversation) => {
          const [first, last] = a <= b ? [a, b] : [b, a];
          const built = historyQuery({ status, from: day(first), to: day(last), conversation }, 20);
          if (!built.ok) return conversation.trim().length > 256;
          const parsed = sessionListQuery.safeParse(Object.fromEntries(new URLSearchParams(built.query)));
          expect(parsed.success).toBe(true);
          const start = new Date(first.getFullYear(), first.getMonth(), first.getDate());
          const end = new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1);
          expect(parsed.data?.from).toBe(start.getTime());
          expect(parsed.data?.to).toBe(end.getTime());
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
