import { afterEach, describe, expect, it } from 'vitest';
import { customerInvite } from '../../shared/protocol.js';
import { connect } from './helpers/ws-client.js';
import { signInAgent, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Claims come from a signed-in agent's console; the customer's code request needs no sign-in. */
const post = async (s: TestServer, path: string, body?: unknown) => {
  const { cookie } = path.endsWith('/claim') ? await signInAgent(s) : { cookie: undefined };
  return fetch(`${s.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(cookie ? { cookie } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
};

describe('support codes', () => {
  it('gives the customer a code and its invite; the agent claims it once and joins; consent is still required', async () => {
    server = await startTestServer();
    const issued = await post(server, '/api/support-codes');
    expect(issued.status).toBe(201);
    expect(issued.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await issued.json()) as { code: string; customer: { invite: unknown } };
    expect(body.code).toMatch(/^\d{4} \d{4}$/);
    const invite = customerInvite.parse(body.customer.invite);

    const claim = await post(server, '/api/support-codes/claim', { code: body.code.replace(' ', '-') });
    expect(claim.status).toBe(200);
    const claimed = (await claim.json()) as { sessionId: string; agent: { link: string; token: string } };
    expect(claimed.sessionId).toBe(invite.sessionId);
    expect(new URL(claimed.agent.link).hash).toBe(`#token=${claimed.agent.token}`);

    const agent = await connect(server.wsUrl);
    expect(await agent.hello(claimed.agent.token)).toMatchObject({ role: 'agent', consented: false });
    // Claiming gives no access to the page: signals stay refused until the customer consents.
    agent.send({ t: 'signal', data: { type: 'offer', sdp: 'v=0' } });
    expect(await agent.next('error')).toMatchObject({ code: 'FORBIDDEN' });
    agent.close();

    const again = await post(server, '/api/support-codes/claim', { code: body.code });
    expect(again.status).toBe(404);
  });

  it('refuses unknown codes and malformed claims clearly, and rate-limits guessing per address', async () => {
    server = await startTestServer();
    const wrong = await post(server, '/api/support-codes/claim', { code: '0000 0000' });
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toMatchObject({
      error: { code: 'SESSION_NOT_FOUND', message: expect.stringMatching(/not valid or has expired/) },
    });
    const malformed = await post(server, '/api/support-codes/claim', { nope: true });
    expect(malformed.status).toBe(400);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1)
      statuses.push((await post(server, '/api/support-codes/claim', { code: `1111 ${1000 + i}` })).status);
    expect(statuses).toContain(429);
  });

  it('answers the CORS preflight for customer pages on other origins', async () => {
    server = await startTestServer();
    const res = await fetch(`${server.baseUrl}/api/support-codes`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
