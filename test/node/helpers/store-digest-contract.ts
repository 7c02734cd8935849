/**
 * The session list's part of the Store contract (audit-digest.ts): what an
 * entry of GET /api/sessions reads of a session's audit, on both stores
 * (store-sqlite.test.ts, store-postgres.test.ts). The oracle is what the test
 * wrote (which rows, how many, the last one's hash as listEvents returns it);
 * the entry is also checked against the full summary's fields, folded from
 * every row. Controls: an empty audit, and many rows of one type (still a
 * handful read).
 */
import { expect, it } from 'vitest';
import { listEntry } from '../../../signaling/audit-digest.js';
import { summarizeSession } from '../../../signaling/audit-summary.js';
import { GENESIS_HASH, type AuditEventInput, type SessionRecord, type Store } from '../../../signaling/store.js';
import { makeSession, type StoreHarness } from './store-contract.js';
import { eachFreshStore } from './store-scope.js';

const at = (type: AuditEventInput['type'], when: number, data: AuditEventInput['data'] = {}): AuditEventInput => ({
  type,
  actor: type === 'session-created' ? 'api' : type === 'agent-assigned' ? 'agent' : 'customer',
  at: when,
  data,
});

/** The summary less its lists: what the entry must equal, apart from the page count and last page. */
function scalarSummary(session: SessionRecord, events: Parameters<typeof summarizeSession>[1]) {
  const {
    pagesVisited,
    controlEvents: _controls,
    remoteActions: _actions,
    ...rest
  } = summarizeSession(session, events);
  return { ...rest, pageCount: pagesVisited.length, lastPage: pagesVisited.at(-1) ?? null };
}

export function storeDigestContract(makeHarness: () => Promise<StoreHarness>): void {
  let store: Store;
  eachFreshStore(makeHarness, (fresh) => {
    store = fresh.store;
  });

  it('picks the agent events, the first consent, control and end, and the last page; counts every row', async () => {
    const session = makeSession({ agentName: 'Ada', agentId: 'ada' });
    await store.createSession(session);
    const written: AuditEventInput[] = [
      at('session-created', 1, { agentName: 'Ada', agentId: 'ada', agentBot: false }),
      at('consent-shown', 2),
      at('consent-granted', 3),
      at('page-visited', 4, { url: 'https://shop.example/a', title: 'A' }),
      at('control-requested', 5),
      at('control-granted', 6),
      at('remote-action', 7, { action: 'click', target: 'button "Buy"' }),
      at('control-revoked', 8),
      at('control-granted', 9),
      at('page-visited', 10, { url: 'https://shop.example/b' }),
      at('agent-assigned', 11, { agentName: 'Bo', agentId: 'bo', via: 'support-code' }),
      at('page-visited', 12, { url: 'https://shop.example/c?q=secret', title: 'C' }),
    ];
    for (const input of written) await store.appendEvent(session.id, input);
    await store.endSession(session.id, { by: 'customer', reason: 'customer-ended', at: 13 });
    const every = await store.listEvents(session.id);

    const digest = await store.auditDigest(session.id);
    expect(digest.events.map((event) => [event.seq, event.type])).toEqual([
      [1, 'session-created'],
      [3, 'consent-granted'],
      [6, 'control-granted'],
      [11, 'agent-assigned'],
      [12, 'page-visited'],
      [13, 'ended'],
    ]);
    expect(digest.events).toEqual(every.filter((event) => [1, 3, 6, 11, 12, 13].includes(event.seq)));
    expect(digest).toMatchObject({ count: 13, pages: 3, headHash: every.at(-1)?.hash });

    const stored = await store.getSession(session.id);
    if (!stored) throw new Error('no session');
    const entry = listEntry(stored, digest);
    expect(entry).toMatchObject({
      agentName: 'Bo',
      agentBot: false,
      consent: 'granted',
      controlGranted: true,
      status: 'ended',
      endedBy: 'customer',
      endReason: 'customer-ended',
      startedAt: 3,
      endedAt: 13,
      durationMs: 10,
      auditEvents: 13,
      pageCount: 3,
      lastPage: { url: 'https://shop.example/c', title: 'C', at: 12 },
    });
    expect(entry).toEqual(scalarSummary(stored, every));
  });

  it("follows a bot's hand-over as the full summary does", async () => {
    const session = makeSession({ agentName: 'Helper', agentId: null, agentBot: true });
    await store.createSession(session);
    await store.appendEvent(
      session.id,
      at('session-created', 1, { agentName: 'Helper', agentId: null, agentBot: true }),
    );
    await store.appendEvent(session.id, at('consent-granted', 2, { handover: true }));
    const read = async () => {
      const stored = await store.getSession(session.id);
      if (!stored) throw new Error('no session');
      return { entry: listEntry(stored, await store.auditDigest(session.id)), stored };
    };
    const before = await read();
    expect(before.entry).toMatchObject({ agentName: 'Helper', agentBot: true, handoverAllowed: true });
    expect(before.entry).toEqual(scalarSummary(before.stored, await store.listEvents(session.id)));
    await store.updateSessionWithEvent(
      session.id,
      { agentName: 'Dana', agentId: 'dana', agentBot: false },
      { type: 'handed-over', actor: 'api', at: 3, data: { to: 'Dana', toAgentId: 'dana' } },
    );
    const after = await read();
    expect(after.entry).toMatchObject({ agentName: 'Dana', agentBot: false, handoverAllowed: false });
    expect(after.entry).toEqual(scalarSummary(after.stored, await store.listEvents(session.id)));
  });

  it('controls: an empty audit, and many rows of one type still read as one', async () => {
    const empty = makeSession();
    await store.createSession(empty);
    expect(await store.auditDigest(empty.id)).toEqual({ events: [], count: 0, pages: 0, headHash: GENESIS_HASH });

    const busy = makeSession();
    await store.createSession(busy);
    for (let i = 0; i < 120; i += 1)
      await store.appendEvent(
        busy.id,
        at(i % 2 === 0 ? 'page-visited' : 'consent-granted', i, { url: `https://x.example/${i}` }),
      );
    const digest = await store.auditDigest(busy.id);
    expect(digest.events.map((event) => [event.seq, event.type])).toEqual([
      [2, 'consent-granted'],
      [119, 'page-visited'],
    ]);
    expect(digest).toMatchObject({ count: 120, pages: 60 });
  });
}
