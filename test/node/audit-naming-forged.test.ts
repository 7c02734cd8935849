/**
 * Review s13 A3: the chain an agent socket's actor is taken from (its name and
 * kind on its signed events, the BOT_SESSION rule, the welcome's agent) was
 * read without checking its rows' keys. A naming row inserted on disk with any
 * hash while the agent joined, then deleted, was signed into every later event
 * of that socket, and the audit verified. Each such row is now checked against
 * its own HMAC and the keyed head: the join that would read a forged row is
 * refused, and once it is gone the agent joins under the name the chain gave.
 * A hand-over reads its consent and naming rows the same way.
 *
 * Over the wire, the SQLite file edited as someone with write access would.
 * The oracle is the agent the test created the session for; the controls
 * insert no row.
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import {
  afterControlRequest,
  consentGranted,
  get,
  handOver,
  onDiskUnguarded,
  type AuditRead,
} from './helpers/row-on-disk.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';

const { start, open } = serverScope();

/** A row no key wrote, after the chain's last event. */
function forge(s: TestServer, sessionId: string, type: string, data: Record<string, unknown>): void {
  onDiskUnguarded(s, (db) =>
    db
      .prepare(
        'INSERT INTO audit_events (session_id, seq, type, actor, at, data, prev_hash, hash) VALUES (?, 999999, ?, ?, ?, ?, ?, ?)',
      )
      .run(sessionId, type, 'api', Date.now(), JSON.stringify(data), 'f'.repeat(64), 'e'.repeat(64)),
  );
}

function unforge(s: TestServer, sessionId: string): void {
  onDiskUnguarded(s, (db) =>
    db.prepare('DELETE FROM audit_events WHERE session_id = ? AND seq = 999999').run(sessionId),
  );
}

const cases = [
  {
    what: 'a bot renamed by a forged agent-assigned row',
    bot: true,
    type: 'agent-assigned',
    data: { agentName: 'Dana Whitfield (supervisor)', agentId: 'agent-dana' },
  },
  {
    what: 'a person made a bot by a forged session-created row',
    bot: false,
    type: 'session-created',
    data: { conversationId: null, agentName: 'Lumen helper', agentId: null, agentBot: true },
  },
];

describe('a forged naming row names no agent (review s13 A3)', () => {
  for (const c of cases) {
    for (const tamper of [false, true]) {
      it(`${c.what} (${tamper ? 'forged during the join' : 'control'}): the agent's events are signed as the chain named it`, async () => {
        const server = await start();
        const name = c.bot ? 'Lumen helper' : 'Dana';
        const s = await createSession(server, { agentName: name, ...(c.bot ? { agentBot: true } : {}) });
        await consentGranted(server, await open(server), s, false);
        if (tamper) {
          forge(server, s.sessionId, c.type, c.data);
          // The join that reads the forged row is refused (an internal error: the chain is broken), never welcomed.
          const first = await open(server);
          first.send({ t: 'hello', v: PROTOCOL_VERSION, token: s.agentToken });
          expect(await first.next('error')).toMatchObject({ code: 'INTERNAL' });
          expect(first.messages.filter((m) => m.t === 'welcome')).toEqual([]);
          first.close();
          unforge(server, s.sessionId);
        }
        const agent = await open(server);
        const welcome = await agent.hello(s.agentToken);
        expect({ name: welcome.agentName, bot: welcome.agentBot ?? false }).toEqual({ name, bot: c.bot });
        const { audit, requested } = await afterControlRequest(server, s.sessionId, agent);
        expect(requested?.data).toEqual(c.bot ? { agentKind: 'bot', agentName: name } : {});
        expect(audit.verification.valid).toBe(true);
      });
    }
  }

  for (const tamper of [false, true]) {
    it(`a hand-over the customer did not allow ${tamper ? 'with a forged allowing consent row before the chain: refused' : '(control): refused'}; one allowed (control) is taken`, async () => {
      const server = await start();
      const s = await createSession(server, { agentName: 'Lumen helper', agentBot: true });
      await consentGranted(server, await open(server), s, false);
      // Before the first event: the chain's own last row stays the head, so appends still link.
      if (tamper) {
        onDiskUnguarded(server, (db) =>
          db
            .prepare(
              'INSERT INTO audit_events (session_id, seq, type, actor, at, data, prev_hash, hash) VALUES (?, 0, ?, ?, ?, ?, ?, ?)',
            )
            .run(
              s.sessionId,
              'consent-granted',
              'customer',
              Date.now(),
              '{"handover":true}',
              'f'.repeat(64),
              'd'.repeat(64),
            ),
        );
      }
      const res = await handOver(server, s.sessionId, { agentName: 'Ana', agentId: 'agent-ana' });
      expect(res.status).not.toBe(200);
      if (tamper)
        onDiskUnguarded(server, (db) =>
          db.prepare('DELETE FROM audit_events WHERE session_id = ? AND seq = 0').run(s.sessionId),
        );
      const audit = (await get(server, `/api/sessions/${s.sessionId}/audit`)) as AuditRead;
      expect(audit.events.some((e) => e.type === 'handed-over')).toBe(false);
      expect(audit.verification.valid).toBe(true);
      // Control: a session whose customer allowed it is handed over.
      const allowed = await createSession(server, { agentName: 'Lumen helper', agentBot: true });
      await consentGranted(server, await open(server), allowed, true);
      expect((await handOver(server, allowed.sessionId, { agentName: 'Ana', agentId: 'agent-ana' })).status).toBe(200);
    });
  }
});
