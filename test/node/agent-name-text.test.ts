/**
 * Review U2: a signed-in agent's display name (an identity minted for the chat system's agent, or the OpenID
 * Connect provider's claim: one schema, signaling/agent-auth.ts) was not held to well-formed Unicode, while REST
 * bodies are since f18f5a0. A name cut mid-emoji signed in; a code the agent claimed wrote it to the session's
 * row (SQLite stores U+FFFD for the lone surrogate) and to the audit chain (JSON keeps the escape), so the honest
 * audit read as tampered. Viewer names given over the socket or the REST invite were not checked either.
 *
 * Oracles, outside the schemas: the HTTP status and body, who /api/me says is signed in, the audit's
 * verification and events as the API gives them, and a hand-written surrogate-pair and control-character
 * test for what must be refused. Controls: a name with a whole emoji signs in and verifies; the audit does read
 * the row's column edited to U+FFFD as tampering (the oracle can fail); a viewer named with a whole emoji.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { mintCookieValue } from '../../signaling/agent-auth.js';
import { connect } from './helpers/ws-client.js';
import { get, onDiskUnguarded, type AuditRead } from './helpers/row-on-disk.js';
import { createSession, signInAgent, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const CUT = 'Dana \ud83d';

async function mint(s: TestServer, name: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${s.baseUrl}/api/agent-identities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agentId: 'agent-dana', name }),
  });
  return { status: res.status, body: await res.text() };
}

/** The signed-in agent claims a fresh support code; the session's id. */
async function claimCode(s: TestServer, cookie: string): Promise<string> {
  const issued = (await (await fetch(`${s.baseUrl}/api/support-codes`, { method: 'POST' })).json()) as { code: string };
  const claimed = await fetch(`${s.baseUrl}/api/support-codes/claim`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ code: issued.code }),
  });
  expect(claimed.status).toBe(200);
  return ((await claimed.json()) as { sessionId: string }).sessionId;
}

/** The audit as the API gives it: its verification, and the agent-assigned event's name. */
async function assigned(s: TestServer, sessionId: string): Promise<{ valid: boolean; name: unknown }> {
  const audit = (await get(s, `/api/sessions/${sessionId}/audit`)) as AuditRead;
  const event = audit.events.find((e) => e.type === 'agent-assigned');
  return { valid: audit.verification.valid, name: event?.data['agentName'] };
}

/** Whether every UTF-16 surrogate in `text` is half of a pair, read code unit by code unit. */
function pairedSurrogates(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const low = text.charCodeAt(i + 1);
    if (unit > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** What the schema must refuse, written apart from it: empty, too long, C0/C1 controls, lone surrogates. */
function refusable(name: string): boolean {
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f]/.test(trimmed);
  return trimmed.length === 0 || trimmed.length > 128 || control || !pairedSurrogates(trimmed);
}

describe("a signed-in agent's name (U2)", () => {
  it('an identity named with a lone surrogate or NUL is refused: 400 naming the field', async () => {
    server = await startTestServer();
    for (const name of [CUT, '\udc00Dana', 'Da\u0000na']) {
      const minted = await mint(server, name);
      expect(minted.status, JSON.stringify(name)).toBe(400);
      expect(minted.body).toMatch(/at name: .*(well-formed Unicode|control characters)/);
    }
  });

  it('a console cookie signed with such a name (before the check) signs nobody in', async () => {
    server = await startTestServer();
    const secret = server.config.agentAuth.secret;
    const exp = Date.now() + 60_000;
    const cookie = (name: string) =>
      `cobrowse_agent=${mintCookieValue(secret, { id: 'agent-dana', name, via: 'oidc' }, exp)}`;
    const me = async (name: string) =>
      (
        (await (await fetch(`${server!.baseUrl}/api/me`, { headers: { cookie: cookie(name) } })).json()) as {
          agent: unknown;
        }
      ).agent;
    expect(await me('Dana 😀')).toEqual({ id: 'agent-dana', name: 'Dana 😀', via: 'oidc' });
    expect(await me(CUT)).toBe(null);
  });

  it('control: a name with a whole emoji signs in, claims a code, and the audit verifies and names them', async () => {
    server = await startTestServer();
    const { cookie } = await signInAgent(server, { agentId: 'agent-dana', name: 'Dana 😀' });
    const sessionId = await claimCode(server, cookie);
    expect(await assigned(server, sessionId)).toEqual({ valid: true, name: 'Dana 😀' });
  });

  it("control: the audit reads the row's name written as U+FFFD (what SQLite stores for the surrogate) as tampered", async () => {
    server = await startTestServer();
    const { cookie } = await signInAgent(server, { agentId: 'agent-dana', name: 'Dana \ud83d\ude00' });
    const sessionId = await claimCode(server, cookie);
    onDiskUnguarded(server, (db) => {
      db.prepare('UPDATE sessions SET agent_name = ? WHERE id = ?').run('Dana \ufffd', sessionId);
    });
    expect((await assigned(server, sessionId)).valid).toBe(false);
  });

  it('any name is refused at the door, or signs in and its claimed session audits as valid under that name', async () => {
    server = await startTestServer();
    const s = server;
    const piece = fc.oneof(
      fc.constantFrom('D', 'a', ' ', 'é', '😀', '\ud83d', '\ude00', '\u0000', '\u0085', '\u200b', '\u202e'),
      fc.string({ unit: 'binary', maxLength: 3 }),
    );
    let index = 0;
    // Support codes allow 10 claims a minute per address (support-codes.ts): the first accepted names go all the way.
    let claims = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 8 }), async (pieces) => {
        const name = pieces.join('');
        const agentId = `agent-${index++}`;
        const minted = await fetch(`${s.baseUrl}/api/agent-identities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ agentId, name }),
        });
        expect(minted.status).toBe(refusable(name) ? 400 : 201);
        if (minted.status !== 201 || ++claims > 8) return;
        const { cookie } = await signInAgent(s, { agentId, name });
        const sessionId = await claimCode(s, cookie);
        expect(await assigned(s, sessionId)).toEqual({ valid: true, name: name.trim() });
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

describe('viewer names (U2)', () => {
  it("the lead's invite over the socket with a name cut mid-emoji: BAD_MESSAGE; a whole emoji is invited", async () => {
    server = await startTestServer();
    const created = await createSession(server, { agentName: 'Dana' });
    const customer = await connect(server.wsUrl);
    await customer.hello(created.customerToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    const agent = await connect(server.wsUrl);
    await agent.hello(created.agentToken);
    agent.send({ t: 'invite-viewer', kind: 'supervisor', name: 'Sam \ud83d' });
    expect(await agent.next('error')).toMatchObject({
      code: 'BAD_MESSAGE',
      message: expect.stringMatching(/well-formed/),
    });
    agent.send({ t: 'invite-viewer', kind: 'supervisor', name: 'Sam 😀' });
    expect((await agent.next('viewer-invited')).viewer).toMatchObject({ name: 'Sam 😀', kind: 'supervisor' });
    const audit = (await get(server, `/api/sessions/${created.sessionId}/audit`)) as AuditRead;
    expect(audit.events.filter((e) => e.type === 'viewer-invited')).toHaveLength(1);
    for (const socket of [agent, customer]) socket.close();
  });

  it('a REST invite with a name cut mid-emoji: 400 naming the field; a whole emoji is invited', async () => {
    server = await startTestServer();
    const created = await createSession(server, { agentName: 'Dana' });
    const invite = (name: string) =>
      fetch(`${server!.baseUrl}/api/sessions/${created.sessionId}/viewers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server!.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, kind: 'agent' }),
      });
    const refused = await invite('Sam \ude00');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/at name: must be well-formed Unicode/);
    expect((await invite('Sam 😀')).status).toBe(201);
  });
});
