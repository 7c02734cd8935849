/**
 * Review s13 V1: PostgreSQL verifyChain read the rows, then the head, in two statements on two pooled
 * connections (no snapshot). An honest append committed in between made an untouched live session's audit
 * report tampering ("the session recorded N+1 events but only N are stored (events removed from the end)"):
 * 22 and 30 of 150 verifications in the reviewer's runs. Now both come from one REPEATABLE READ snapshot.
 * Not a timing: whether an append falls between the two reads is up to the scheduler, so the tree before
 * fails this most runs, not every run. Control: the same verifications with no append running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadWitness } from '../../signaling/audit-witness.js';
import { openPgStore } from '../../signaling/pg-store.js';
import type { AuditEventInput, Store } from '../../signaling/store.js';
import { makeSession } from './helpers/store-contract.js';
import { findPostgresBin, startPostgres, type PostgresServer } from './helpers/postgres.js';

const bin = findPostgresBin();
const KEY = 'k'.repeat(64);
const ev = (type: AuditEventInput['type'], at: number, data: AuditEventInput['data'] = {}): AuditEventInput => ({
  type,
  actor: type === 'session-created' ? 'api' : 'customer',
  at,
  data,
});

describe.skipIf(!bin)('verifyChain under concurrent honest appends (PostgreSQL)', () => {
  let pg: PostgresServer | undefined;
  beforeAll(async () => {
    pg = await startPostgres(bin ?? '');
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });

  for (const appending of [false, true]) {
    it(`${appending ? 'appends running' : 'control, no appends'}: every verification of an untouched chain is valid`, async () => {
      const store: Store = await openPgStore({
        connectionString: await pg!.createDatabase(),
        auditKey: KEY,
        headWitness: new HeadWitness(),
      });
      try {
        const session = makeSession({ expiresAt: Date.now() + 3600_000 });
        await store.createSession(session);
        await store.appendEvent(
          session.id,
          // As the server writes it: the event's time is the row's created_at, and no consent yet (pending).
          ev('session-created', session.createdAt, {
            conversationId: 'conv-1',
            agentName: 'Ada',
            agentId: null,
            agentBot: false,
          }),
        );
        let stop = false;
        const writer = (async () => {
          let n = 0;
          while (appending && !stop && n < 400) {
            n += 1;
            await store.appendEvent(
              session.id,
              ev('page-visited', 10 + n, { url: `https://shop.example/p${n}`, title: 'P' }),
            );
          }
        })();
        const reasons: string[] = [];
        for (let i = 0; i < 150; i += 1) {
          const v = await store.verifyChain(session.id);
          if (!v.valid) reasons.push((v as { reason?: string }).reason ?? JSON.stringify(v));
        }
        stop = true;
        await writer;
        const final = await store.verifyChain(session.id);
        expect(final.valid).toBe(true);
        expect(reasons).toEqual([]);
      } finally {
        await store.close();
      }
    }, 120_000);
  }
});
