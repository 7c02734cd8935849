/**
 * The end-of-session summary: the agent's console reads it with the agent's
 * own token (or join ticket with the agent's cookie), never with the
 * customer's; the demo posts it into the chat conversation. Real server,
 * real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { DEMO_RECORD_SENDER } from '../../signaling/demo.js';
import { connect } from './helpers/ws-client.js';
import { createSession, signInAgent, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const summaryOf = (s: TestServer, bearer: string, headers: Record<string, string> = {}) =>
  fetch(`${s.baseUrl}/api/session-summary`, { headers: { authorization: `Bearer ${bearer}`, ...headers } });

describe('end-of-session summary', () => {
  it('the agent reads duration, pages, control and who ended it; the customer and strangers do not', async () => {
    server = await startTestServer();
    const created = await createSession(server, { agentId: 'agent-ada', agentName: 'Ada' });
    const ada = await signInAgent(server, { agentId: 'agent-ada', name: 'Ada Lovelace' });
    const customer = await connect(server.wsUrl);
    await customer.hello(created.customerToken);
    const agent = await connect(server.wsUrl, { cookie: ada.cookie });
    await agent.hello(created.agentToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    customer.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/cart?coupon=SECRET#x' } });
    customer.send({ t: 'event', event: { kind: 'control-granted' } });
    await agent.next('event', (m) => m.event.kind === 'control-granted');
    agent.send({ t: 'end' });
    await customer.next('ended');

    const res = await summaryOf(server, created.agentToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      sessionId: created.sessionId,
      status: 'ended',
      controlGranted: true,
      endedBy: 'agent',
      endReason: 'agent-ended',
      endedByAgent: { id: 'agent-ada', name: 'Ada Lovelace' },
      pagesVisited: [expect.objectContaining({ url: 'https://shop.example/cart' })],
    });
    expect(typeof body['durationMs']).toBe('number');
    expect(JSON.stringify(body)).not.toContain('SECRET');
    // Not for the customer, nobody without a token, nor a made-up one.
    expect((await summaryOf(server, created.customerToken)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/api/session-summary`)).status).toBe(401);
    expect((await summaryOf(server, 'x'.repeat(43))).status).toBe(401);
  });

  it('a join ticket reads it only with its agent cookie', async () => {
    server = await startTestServer();
    const created = await createSession(server, { agentId: 'agent-ada', agentName: 'Ada' });
    const ada = await signInAgent(server, { agentId: 'agent-ada', name: 'Ada' });
    const bob = await signInAgent(server, { agentId: 'agent-bob', name: 'Bob' });
    const { ticket } = (await (
      await fetch(`${server.baseUrl}/api/sessions/${created.sessionId}/join`, {
        method: 'POST',
        headers: { cookie: ada.cookie },
      })
    ).json()) as { ticket: string };
    expect((await summaryOf(server, ticket, { cookie: ada.cookie })).status).toBe(200);
    expect((await summaryOf(server, ticket)).status).toBe(401);
    expect((await summaryOf(server, ticket, { cookie: bob.cookie })).status).toBe(401);
  });

  it('the demo posts the summary into the conversation when the session ends', async () => {
    server = await startTestServer();
    const offer = (await (
      await fetch(`${server.baseUrl}/demo/api/conversations/summary-demo/offer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { message: { inviteCode: string } };
    const invite = JSON.parse(Buffer.from(offer.message.inviteCode, 'base64url').toString('utf8')) as {
      token: string;
    };
    const customer = await connect(server.wsUrl);
    customer.send({ t: 'hello', v: PROTOCOL_VERSION, token: invite.token });
    await customer.next('welcome');
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    customer.send({ t: 'event', event: { kind: 'page-visited', url: 'http://127.0.0.1/demo/checkout?step=2' } });
    customer.send({ t: 'end' });
    await customer.next('ended');
    await expect
      .poll(async () => {
        const chat = (await (
          await fetch(`${server!.baseUrl}/demo/api/conversations/summary-demo/messages`)
        ).json()) as { messages: { text: string; sender?: string }[] };
        return chat.messages.find((m) => m.sender === DEMO_RECORD_SENDER)?.text ?? '';
      })
      .toMatch(
        /^Co-browsing ended by the customer after \d+ s\. Pages visited: \/demo\/checkout\. Control was not granted\.$/,
      );
  });
});
