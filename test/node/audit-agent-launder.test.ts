/**
 * Signed events never copy the agent from the session row (review s12, A1).
 * handOver wrote the keyed 'handed-over' event's `from` from the row and then
 * rewrote the row's agent, and an agent socket's actor (the bot's name and
 * kind on its events) came from the row at join: a row edited on disk, then
 * overwritten by the hand-over or put back, left a signed record of a name the
 * chain never gave, and the audit verified. Over the wire, the SQLite file
 * edited as someone with write access would. The oracle is the agent the test
 * created the session for; the controls leave the row alone.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { afterControlRequest, consentGranted, get, handOver, onDisk } from './helpers/row-on-disk.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession } from './helpers/server.js';

const { start, open } = serverScope();
type Audit = { events: { type: string; data: Record<string, unknown> }[]; verification: { valid: boolean } };

describe('a row edit is never signed into the chain', () => {
  for (const tamper of [false, true]) {
    it(`hand-over after the bot was renamed on disk (${tamper ? 'renamed' : 'control'}): 'from' is the bot the chain named`, async () => {
      const server = await start();
      const s = await createSession(server, { agentName: 'Lumen helper', agentBot: true });
      await consentGranted(server, await open(server), s, true);
      if (tamper)
        onDisk(server, "UPDATE sessions SET agent_name = 'Dana Whitfield (supervisor)' WHERE id = ?", s.sessionId);
      const res = await handOver(server, s.sessionId, { agentName: 'Ana', agentId: 'agent-ana' });
      expect(res.status).toBe(200);
      const audit = (await get(server, `/api/sessions/${s.sessionId}/audit`)) as Audit;
      const handed = audit.events.find((e) => e.type === 'handed-over');
      expect(handed?.data['from']).toBe('Lumen helper');
      expect(audit.verification.valid).toBe(true);
    });
  }

  const edits = [
    {
      what: 'the bot renamed',
      sql: "UPDATE sessions SET agent_name = 'Dana Whitfield (supervisor)' WHERE id = ?",
      bot: true,
    },
    {
      what: 'a person’s session made a bot',
      sql: "UPDATE sessions SET agent_bot = 1, agent_name = 'Lumen helper' WHERE id = ?",
      bot: false,
    },
  ];
  for (const edit of edits) {
    for (const tamper of [false, true]) {
      it(`${edit.what} on disk while the agent joins, then put back (${tamper ? 'edited' : 'control'}): its signed events name the chain's agent`, async () => {
        const server = await start();
        const s = await createSession(server, {
          agentName: edit.bot ? 'Lumen helper' : 'Dana',
          ...(edit.bot ? { agentBot: true } : {}),
        });
        await consentGranted(server, await open(server), s, false);
        const saved = new Database(join(server.dataDir, 'cobrowse.db'));
        const row = saved.prepare('SELECT agent_name, agent_bot FROM sessions WHERE id = ?').get(s.sessionId) as {
          agent_name: string;
          agent_bot: number;
        };
        saved.close();
        if (tamper) onDisk(server, edit.sql, s.sessionId);
        const agent = await open(server);
        const welcome = await agent.hello(s.agentToken);
        if (tamper) {
          onDisk(
            server,
            `UPDATE sessions SET agent_name = '${row.agent_name}', agent_bot = ${row.agent_bot} WHERE id = ?`,
            s.sessionId,
          );
        }
        const { audit, requested } = await afterControlRequest(server, s.sessionId, agent);
        expect(requested?.data).toEqual(edit.bot ? { agentKind: 'bot', agentName: 'Lumen helper' } : {});
        expect(welcome).toMatchObject({ agentName: edit.bot ? 'Lumen helper' : 'Dana' });
        expect(audit.verification.valid).toBe(true);
      });
    }
  }
});
