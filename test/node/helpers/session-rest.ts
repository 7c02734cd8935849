/** REST calls the signaling tests make on one session, with the API key: its audit trail, a hand-over. */
import { expect } from 'vitest';
import type { TestServer } from './server.js';

/** The session's audit trail as the REST API gives it. */
export async function audit(server: TestServer, sessionId: string) {
  const res = await fetch(`${server.baseUrl}/api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${server.apiKey}` },
  });
  return (await res.json()) as { events: { type: string; actor: string; data: Record<string, unknown> }[] };
}

/** Hands the session over to a person named Dana (200 expected): the token of their agent seat. */
export async function handOver(server: TestServer, sessionId: string): Promise<string> {
  const res = await fetch(`${server.baseUrl}/api/sessions/${sessionId}/handover`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agentName: 'Dana' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { agent: { token: string } }).agent.token;
}
