/**
 * The audit's defences against the real hub and REST API: every audit kind
 * reported by each role (10 kinds x 2 roles) is recorded exactly when that
 * role may report it, with a table written here from the threat model (not
 * read from AUDIT_KIND_ROLES, the code under test); and an audit row edited on
 * disk behind the append-only triggers is reported `valid: false` by
 * GET /api/sessions/:id/audit (valid: true before: the control).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerEvent } from '../../shared/protocol.js';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await server?.close();
});

type Kind = PeerEvent['kind'];

/** Who may report what: the customer speaks for its page and its consent; the agent only for itself. */
const MAY_REPORT: Record<Kind, { customer: boolean; agent: boolean }> = {
  'consent-shown': { customer: true, agent: false },
  'consent-granted': { customer: true, agent: false },
  'consent-declined': { customer: true, agent: false },
  connected: { customer: true, agent: true },
  'page-visited': { customer: true, agent: false },
  'control-requested': { customer: false, agent: true },
  'control-granted': { customer: true, agent: false },
  'control-denied': { customer: true, agent: false },
  'control-revoked': { customer: true, agent: true },
  'remote-action': { customer: true, agent: false },
  paused: { customer: true, agent: false },
  resumed: { customer: true, agent: false },
};

const SAMPLE: Record<Kind, PeerEvent> = {
  'consent-shown': { kind: 'consent-shown' },
  'consent-granted': { kind: 'consent-granted' },
  'consent-declined': { kind: 'consent-declined' },
  connected: { kind: 'connected' },
  'page-visited': { kind: 'page-visited', url: 'https://shop.example/cart', title: 'Cart' },
  'control-requested': { kind: 'control-requested' },
  'control-granted': { kind: 'control-granted' },
  'control-denied': { kind: 'control-denied' },
  'control-revoked': { kind: 'control-revoked' },
  'remote-action': { kind: 'remote-action', action: 'click', target: 'button "Pay"' },
  paused: { kind: 'paused' },
  resumed: { kind: 'resumed' },
};

async function open(): Promise<TestSocket> {
  const socket = await connect(server.wsUrl);
  sockets.push(socket);
  return socket;
}

async function audit(
  sessionId: string,
): Promise<{ events: { type: string; actor: string }[]; verification: { valid: boolean } }> {
  const res = await fetch(`${server.baseUrl}/api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${server.apiKey}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { events: { type: string; actor: string }[]; verification: { valid: boolean } };
}

/** The server has handled everything this socket sent before now (it answers pings in order). */
async function handled(socket: TestSocket): Promise<void> {
  const ts = Date.now() + Math.random();
  socket.send({ t: 'ping', ts });
  await socket.next('pong', (m) => m.ts === ts);
}

describe('audit kinds x roles against the real hub', () => {
  const kinds = Object.keys(MAY_REPORT) as Kind[];
  for (const kind of kinds) {
    for (const role of ['customer', 'agent'] as const) {
      const allowed = MAY_REPORT[kind][role];
      it(`${role} reports ${kind}: ${allowed ? 'recorded' : 'refused (FORBIDDEN) and not recorded'}`, async () => {
        const s = await createSession(server);
        const customer = await open();
        await customer.hello(s.customerToken);
        // Consent first, except for the consent kinds themselves (they need a pending session).
        if (!kind.startsWith('consent-')) {
          customer.send({ t: 'event', event: { kind: 'consent-granted' } });
          await handled(customer);
        }
        const before = (await audit(s.sessionId)).events.filter((e) => e.type === kind && e.actor === role).length;
        let reporter = customer;
        if (role === 'agent') {
          reporter = await open();
          await reporter.hello(s.agentToken);
        }
        // What the agent did with control is recorded only while control is granted and the agent is there.
        if (kind === 'remote-action') {
          if (role === 'customer') await (await open()).hello(s.agentToken);
          customer.send({ t: 'event', event: { kind: 'control-granted' } });
        }
        reporter.send({ t: 'event', event: SAMPLE[kind] });
        if (!allowed) {
          const error = await reporter.next('error');
          expect(error.code).toBe('FORBIDDEN');
        }
        await handled(reporter).catch(() => undefined);
        const after = (await audit(s.sessionId)).events.filter((e) => e.type === kind && e.actor === role).length;
        expect(after - before).toBe(allowed ? 1 : 0);
      });
    }
  }
});

describe('a tampered audit chain through the REST API', () => {
  it('is reported valid: false after a row is edited on disk behind the triggers (valid: true before)', async () => {
    const s = await createSession(server);
    const customer = await open();
    await customer.hello(s.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    customer.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/checkout' } });
    await handled(customer);
    const clean = await audit(s.sessionId);
    expect(clean.verification.valid).toBe(true);
    expect(clean.events.some((e) => e.type === 'page-visited')).toBe(true);

    const raw = new Database(join(server.dataDir, 'cobrowse.db'));
    try {
      const triggers = raw
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
        .all() as { name: string }[];
      for (const { name } of triggers) raw.exec(`DROP TRIGGER "${name}"`);
      const changed = raw
        .prepare("UPDATE audit_events SET data = ? WHERE session_id = ? AND type = 'page-visited'")
        .run(JSON.stringify({ url: 'https://shop.example/innocent', title: null }), s.sessionId);
      expect(changed.changes).toBe(1);
    } finally {
      raw.close();
    }
    const tampered = await audit(s.sessionId);
    expect(tampered.verification.valid).toBe(false);
  });
});
