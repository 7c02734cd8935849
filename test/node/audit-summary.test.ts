import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarizeSession } from '../../signaling/audit-summary.js';
import { openSqliteStore } from '../../signaling/sqlite-store.js';
import {
  GENESIS_HASH,
  hashToken,
  type AuditEventInput,
  type SessionRecord,
  type Store,
} from '../../signaling/store.js';

// Summaries are built from events as the real store chains and returns them.
let dataDir: string;
let store: Store;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-summary-'));
  store = openSqliteStore({ dataDir, auditKey: 'test-audit-key-0123456789abcdefghijklmnop' });
});

afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const T0 = 1_700_000_000_000;
let counter = 0;

async function createSession(overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
  counter += 1;
  const session: SessionRecord = {
    id: `summary-session-${counter}`,
    conversationId: 'conv-42',
    agentName: 'Grace',
    agentId: null,
    metadata: {},
    customerTokenHash: hashToken(`c-${counter}`),
    agentTokenHash: hashToken(`a-${counter}`),
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    status: 'pending',
    startedAt: null,
    endedAt: null,
    endedBy: null,
    endReason: null,
    controlGranted: false,
    ...overrides,
  };
  await store.createSession(session);
  await store.appendEvent(session.id, { type: 'session-created', actor: 'api', at: T0, data: {} });
  return session;
}

async function record(
  sessionId: string,
  type: AuditEventInput['type'],
  actor: AuditEventInput['actor'],
  at: number,
  data: AuditEventInput['data'] = {},
): Promise<void> {
  await store.appendEvent(sessionId, { type, actor, at, data });
}

async function summary(sessionId: string): Promise<ReturnType<typeof summarizeSession>> {
  const session = await store.getSession(sessionId);
  if (session === undefined) throw new Error('session vanished');
  return summarizeSession(session, await store.listEvents(sessionId));
}

describe('summarizeSession', () => {
  it('summarises a full session: duration, pages in order, control granted then revoked', async () => {
    const { id } = await createSession();
    await record(id, 'consent-shown', 'customer', T0 + 1_000);
    await record(id, 'consent-granted', 'customer', T0 + 2_000);
    await store.updateSession(id, { status: 'live', startedAt: T0 + 2_000 });
    await record(id, 'connected', 'agent', T0 + 2_500);
    await record(id, 'page-visited', 'customer', T0 + 3_000, { url: 'https://shop.example/', title: 'Home' });
    await record(id, 'control-requested', 'agent', T0 + 4_000);
    await record(id, 'control-granted', 'customer', T0 + 5_000);
    await store.updateSession(id, { controlGranted: true });
    await record(id, 'remote-action', 'customer', T0 + 5_500, { action: 'click', target: 'button "Checkout"' });
    await record(id, 'page-visited', 'customer', T0 + 6_000, {
      url: 'https://shop.example/checkout?coupon=SECRET#pay',
    });
    await record(id, 'control-revoked', 'customer', T0 + 7_000);
    await record(id, 'page-visited', 'customer', T0 + 8_000, { url: 'https://shop.example/thanks', title: 'Thanks' });
    await store.endSession(id, { by: 'customer', reason: 'customer-ended', at: T0 + 62_000 });

    const events = await store.listEvents(id);
    const result = await summary(id);
    expect(result).toEqual({
      sessionId: id,
      conversationId: 'conv-42',
      agentName: 'Grace',
      agentBot: false,
      handoverAllowed: false,
      status: 'ended',
      createdAt: T0,
      startedAt: T0 + 2_000,
      endedAt: T0 + 62_000,
      durationMs: 60_000,
      endedBy: 'customer',
      endReason: 'customer-ended',
      endedByAgent: null,
      pagesVisited: [
        { url: 'https://shop.example/', title: 'Home', at: T0 + 3_000 },
        { url: 'https://shop.example/checkout', at: T0 + 6_000 },
        { url: 'https://shop.example/thanks', title: 'Thanks', at: T0 + 8_000 },
      ],
      controlGranted: true,
      controlEvents: [
        { type: 'control-requested', actor: 'agent', at: T0 + 4_000 },
        { type: 'control-granted', actor: 'customer', at: T0 + 5_000 },
        { type: 'control-revoked', actor: 'customer', at: T0 + 7_000 },
      ],
      consent: 'granted',
      remoteActions: [{ action: 'click', target: 'button "Checkout"', at: T0 + 5_500 }],
      auditEvents: events.length,
      auditHeadHash: events.at(-1)?.hash,
    });
  });

  it('orders pages by seq even when events arrive shuffled', async () => {
    const { id } = await createSession();
    for (let i = 0; i < 6; i += 1)
      await record(id, 'page-visited', 'customer', T0 + i, { url: `https://shop.example/p${i}` });
    const session = await store.getSession(id);
    if (session === undefined) throw new Error('session vanished');
    const shuffled = [...(await store.listEvents(id))].reverse();
    expect(summarizeSession(session, shuffled).pagesVisited.map((p) => p.url)).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `https://shop.example/p${i}`),
    );
  });

  it('reports a declined consent with no start and no duration', async () => {
    const { id } = await createSession();
    await record(id, 'consent-shown', 'customer', T0 + 1_000);
    await record(id, 'consent-declined', 'customer', T0 + 3_000);
    await store.endSession(id, { by: 'customer', reason: 'declined', at: T0 + 3_000 });

    const result = await summary(id);
    expect(result.consent).toBe('declined');
    expect(result.startedAt).toBeNull();
    expect(result.endedAt).toBe(T0 + 3_000);
    expect(result.durationMs).toBeNull();
    expect(result.endReason).toBe('declined');
    expect(result.pagesVisited).toEqual([]);
    expect(result.controlGranted).toBe(false);
  });

  it('reports control asked for but denied as never granted', async () => {
    const { id } = await createSession();
    await record(id, 'consent-granted', 'customer', T0 + 1_000);
    await record(id, 'control-requested', 'agent', T0 + 2_000);
    await record(id, 'control-denied', 'customer', T0 + 3_000);
    const result = await summary(id);
    expect(result.controlGranted).toBe(false);
    expect(result.controlEvents.map((e) => e.type)).toEqual(['control-requested', 'control-denied']);
  });

  it('summarises a session that never started and is still pending', async () => {
    const { id } = await createSession();
    const result = await summary(id);
    expect(result).toMatchObject({
      status: 'pending',
      startedAt: null,
      endedAt: null,
      durationMs: null,
      endedBy: null,
      endReason: null,
      pagesVisited: [],
      controlGranted: false,
      controlEvents: [],
      consent: 'pending',
      auditEvents: 1,
    });
  });

  it('summarises a session that expired before consent', async () => {
    const { id } = await createSession();
    await record(id, 'consent-shown', 'customer', T0 + 1_000);
    await store.endSession(id, { by: 'system', reason: 'expired', at: T0 + 3_600_000 });
    expect(await summary(id)).toMatchObject({
      consent: 'pending',
      startedAt: null,
      durationMs: null,
      endedBy: 'system',
      endReason: 'expired',
    });
  });

  it('takes start, end, who ended, why and control from the chained events, whatever the session row says', async () => {
    const { id } = await createSession();
    await record(id, 'consent-granted', 'customer', T0 + 1_000);
    await store.endSession(id, { by: 'customer', reason: 'customer-ended', at: T0 + 11_000 });
    // The row's columns carry no key (red team s11, F4): rewritten, they change nothing.
    await store.updateSession(id, {
      startedAt: T0 - 3_600_000,
      endedAt: T0 + 99_000,
      endedBy: 'agent',
      endReason: 'agent-ended',
      controlGranted: true,
    });
    expect(await summary(id)).toMatchObject({
      status: 'ended',
      startedAt: T0 + 1_000,
      endedAt: T0 + 11_000,
      durationMs: 10_000,
      endedBy: 'customer',
      endReason: 'customer-ended',
      controlGranted: false,
      consent: 'granted',
    });
  });

  it('anchors an empty event list to the genesis hash', async () => {
    const { id } = await createSession();
    const session = await store.getSession(id);
    if (session === undefined) throw new Error('session vanished');
    expect(summarizeSession(session, [])).toMatchObject({ auditEvents: 0, auditHeadHash: GENESIS_HASH });
  });
});
