/**
 * Red team s11, F2, from the outside: a customer socket flooding page-visited
 * events meets the session's audit cap (AUDIT_MAX_EVENTS / AUDIT_MAX_BYTES):
 * each event past it is answered with AUDIT_LIMIT and neither stored nor
 * forwarded, the audit says once that the cap was reached, pause and the end
 * still go through, and the chain verifies. At the default cap, filled with
 * the largest rows the protocol allows, GET /api/sessions/:id/audit answers
 * whole. Oracles: what the test sent and counted itself. Control: under the
 * cap, no error and every event stored.
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ServerMessage } from '../../shared/protocol.js';
import { DEFAULT_AUDIT_LIMITS } from '../../signaling/store.js';
import { type TestSocket } from './helpers/ws-client.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
const { start, open } = serverScope();

interface AuditAnswer {
  events: { type: string; data: Record<string, unknown> }[];
  verification: { valid: boolean };
}

async function audit(s: TestServer, id: string): Promise<{ answer: AuditAnswer; bytes: number }> {
  const res = await fetch(`${s.baseUrl}/api/sessions/${id}/audit`, {
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { answer: JSON.parse(text) as AuditAnswer, bytes: Buffer.byteLength(text) };
}

/** Every message this socket sent before now was handled: a second hello is answered in queue order (pings are not). */
let barriers = 0;
async function handled(socket: TestSocket): Promise<void> {
  barriers += 1;
  const seen = barriers;
  socket.send({ t: 'hello', v: PROTOCOL_VERSION, token: 'x'.repeat(20) });
  await socket.next('error', () => socket.messages.filter(isBarrier).length >= seen);
}
const isBarrier = (m: ServerMessage): boolean => m.t === 'error' && m.message === 'Already authenticated.';

const pageEvent = (n: number) =>
  ({ t: 'event', event: { kind: 'page-visited', url: `https://shop.example/p${n}`, title: `Page ${n}` } }) as const;

describe('the per-session audit cap over the wire', () => {
  it('past AUDIT_MAX_EVENTS: AUDIT_LIMIT, nothing stored or forwarded, one audit-limit event, pause and end recorded', async () => {
    server = await start({ AUDIT_MAX_EVENTS: '64' });
    const s = await createSession(server);
    const agent = await open(server);
    await agent.hello(s.agentToken);
    const customer = await open(server);
    await customer.hello(s.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    for (let n = 0; n < 10; n += 1) customer.send(pageEvent(n));
    await handled(customer);
    const errors = () => customer.messages.filter((m) => m.t === 'error' && !isBarrier(m));
    expect(errors()).toEqual([]); // control: under the cap
    for (let n = 10; n < 100; n += 1) customer.send(pageEvent(n));
    customer.send({ t: 'event', event: { kind: 'paused' } });
    await agent.next('event', (m) => m.event.kind === 'paused');
    await handled(customer);
    const refused = errors().filter((m) => m.t === 'error' && m.code === 'AUDIT_LIMIT').length;
    expect(refused).toBeGreaterThan(0);
    expect(errors()).toHaveLength(refused);
    const forwardedPages = agent.messages.filter((m) => m.t === 'event' && m.event.kind === 'page-visited').length;
    expect(forwardedPages).toBe(100 - refused);
    customer.send({ t: 'end' });
    await customer.closed;
    const { answer } = await audit(server, s.sessionId);
    expect(answer.events.length).toBeLessThanOrEqual(64);
    expect(answer.events.filter((e) => e.type === 'page-visited')).toHaveLength(100 - refused);
    expect(answer.events.filter((e) => e.type === 'audit-limit')).toHaveLength(1);
    expect(answer.events.slice(-2).map((e) => e.type)).toEqual(['paused', 'ended']);
    expect(answer.verification.valid).toBe(true);
  });

  it('at the cap, a hand-over from the bot to a person still goes through and is audited (its new link is not lost)', async () => {
    server = await start({ AUDIT_MAX_EVENTS: '64' });
    const s = await createSession(server, { agentName: 'Lumen helper', agentBot: true });
    const customer = await open(server);
    await customer.hello(s.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted', handover: true } });
    for (let n = 0; n < 100; n += 1) customer.send(pageEvent(n));
    // Control: the cap was reached, so an ordinary event is refused now.
    await customer.next('error', (m) => m.code === 'AUDIT_LIMIT');
    const res = await fetch(`${server.baseUrl}/api/sessions/${s.sessionId}/handover`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentName: 'Grace' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { agent: { token: string } };
    expect(body.agent.token.length).toBeGreaterThan(20);
    const { answer } = await audit(server, s.sessionId);
    expect(answer.events.filter((e) => e.type === 'handed-over')).toHaveLength(1);
    expect(answer.verification.valid).toBe(true);
  });

  it('at the default cap filled with the largest page-visited rows, the audit endpoint answers whole', async () => {
    server = await start();
    const s = await createSession(server);
    const store = server.app.cobrowse.store;
    const big = { url: `https://x.example/${'a'.repeat(8_000)}`, title: 'T'.repeat(2_048) };
    let stored = 0;
    let refused = 0;
    for (let i = 0; i < 1_000 && refused < 5; i += 1) {
      try {
        await store.appendEvent(s.sessionId, { type: 'page-visited', actor: 'customer', at: i, data: big });
        stored += 1;
      } catch (error) {
        expect(error).toMatchObject({ name: 'AuditLimitError' });
        refused += 1;
      }
    }
    expect(refused).toBe(5);
    const t0 = performance.now();
    const { answer, bytes } = await audit(server, s.sessionId);
    const ms = performance.now() - t0;
    console.log(
      `audit at the default byte cap: ${stored} rows of ~10 KB, ${(bytes / 1e6).toFixed(2)} MB answered in ${ms.toFixed(0)} ms`,
    );
    expect(answer.events.filter((e) => e.type === 'page-visited')).toHaveLength(stored);
    expect(answer.verification.valid).toBe(true);
    expect(bytes).toBeLessThan(DEFAULT_AUDIT_LIMITS.maxBytes * 1.5);
  });
});
