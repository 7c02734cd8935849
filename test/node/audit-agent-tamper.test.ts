/**
 * The agent a summary names (agentName, agentBot) against the session row
 * edited on disk, over the wire (red team s11, F4 follow-up): the row's agent
 * columns carry no key, so the summary must keep the agent the chain names
 * (created for, claimed by with a support code, handed over to) and GET
 * .../audit must report the row as not valid. The oracle is what the test
 * itself asked for over the wire (the names it sent); the control: the same
 * flow untouched says the same and verifies.
 */
import { describe, expect, it } from 'vitest';
import { consentGranted, get, handOver, onDisk } from './helpers/row-on-disk.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, signInAgent, type TestServer } from './helpers/server.js';

const { start, open } = serverScope();

async function valid(s: TestServer, id: string): Promise<boolean> {
  return ((await get(s, `/api/sessions/${id}/audit`))['verification'] as { valid: boolean }).valid;
}

/** The summary's agent, untouched (control) and after `edit`; and whether each verified. */
async function beforeAndAfter(s: TestServer, id: string, edit: string) {
  const pick = (summary: Record<string, unknown>) => ({
    agentName: summary['agentName'],
    agentBot: summary['agentBot'],
  });
  const before = { ...pick(await get(s, `/api/sessions/${id}`)), valid: await valid(s, id) };
  onDisk(s, edit, id);
  const after = { ...pick(await get(s, `/api/sessions/${id}`)), valid: await valid(s, id) };
  return { before, after };
}

describe("the summary's agent against the session row edited on disk", () => {
  it('a person’s session renamed on the row: the summary keeps the name it was created with, the audit is not valid', async () => {
    const server = await start();
    const s = await createSession(server, { agentName: 'Dana', agentId: 'agent-dana' });
    const { before, after } = await beforeAndAfter(
      server,
      s.sessionId,
      "UPDATE sessions SET agent_name = 'Mallory', agent_id = 'agent-mallory' WHERE id = ?",
    );
    expect(before).toEqual({ agentName: 'Dana', agentBot: false, valid: true }); // control
    expect(after).toEqual({ agentName: 'Dana', agentBot: false, valid: false });
  });

  it('a bot’s session marked a person’s on the row: the summary still says bot, the audit is not valid', async () => {
    const server = await start();
    const s = await createSession(server, { agentName: 'Lumen helper', agentBot: true });
    const { before, after } = await beforeAndAfter(
      server,
      s.sessionId,
      "UPDATE sessions SET agent_bot = 0, agent_name = 'Dana' WHERE id = ?",
    );
    expect(before).toEqual({ agentName: 'Lumen helper', agentBot: true, valid: true }); // control
    expect(after).toEqual({ agentName: 'Lumen helper', agentBot: true, valid: false });
  });

  it('a hand-over undone on the row: the summary keeps the person who took over, the audit is not valid', async () => {
    const server = await start();
    const s = await createSession(server, { agentName: 'Lumen helper', agentBot: true });
    await consentGranted(server, await open(server), s, true);
    const res = await handOver(server, s.sessionId, { agentName: 'Ana', agentId: 'agent-ana' });
    expect(res.status).toBe(200);
    const { before, after } = await beforeAndAfter(
      server,
      s.sessionId,
      "UPDATE sessions SET agent_bot = 1, agent_name = 'Lumen helper', agent_id = NULL WHERE id = ?",
    );
    expect(before).toEqual({ agentName: 'Ana', agentBot: false, valid: true }); // control
    expect(after).toEqual({ agentName: 'Ana', agentBot: false, valid: false });
  });

  it('a support-code claim renamed on the row: the summary keeps the agent who claimed it, the audit is not valid', async () => {
    const server = await start();
    const issued = await fetch(`${server.baseUrl}/api/support-codes`, { method: 'POST' });
    expect(issued.status).toBe(201);
    const { code } = (await issued.json()) as { code: string };
    const { cookie } = await signInAgent(server, { agentId: 'agent-ada', name: 'Ada' });
    const claim = await fetch(`${server.baseUrl}/api/support-codes/claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ code }),
    });
    expect(claim.status).toBe(200);
    const { sessionId } = (await claim.json()) as { sessionId: string };
    const { before, after } = await beforeAndAfter(
      server,
      sessionId,
      "UPDATE sessions SET agent_name = 'Mallory', agent_id = 'agent-mallory' WHERE id = ?",
    );
    expect(before).toEqual({ agentName: 'Ada', agentBot: false, valid: true }); // control
    expect(after).toEqual({ agentName: 'Ada', agentBot: false, valid: false });
  });
});
