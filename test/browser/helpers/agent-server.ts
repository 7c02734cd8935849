/**
 * Sessions on the real signaling server for the agent element tests, through
 * the dev server's same-origin `/__api` proxy, as the chat system creates them.
 */
// @ts-expect-error -- virtual module served by the cobrowse-test-server plugin in web-test-runner.config.mjs
import { apiKey, serverUrl } from '/__cobrowse-test-server.js';

export const SERVER_URL = serverUrl as string;

export interface AgentTestSession {
  sessionId: string;
  agentToken: string;
  customerToken: string;
}

/** Create a session through the real REST API; both tokens come back. */
export async function createAgentTestSession(agentName = 'Dana'): Promise<AgentTestSession> {
  const response = await fetch('/__api/sessions', {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey as string}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agentName }),
  });
  if (response.status !== 201)
    throw new Error(`creating a session failed: ${response.status} ${await response.text()}`);
  const raw = (await response.json()) as {
    sessionId: string;
    customer: { invite: { token: string } };
    agent: { token: string };
  };
  return { sessionId: raw.sessionId, agentToken: raw.agent.token, customerToken: raw.customer.invite.token };
}

/** The server's record of a session (status, who ended it and why). */
export async function sessionRecord(
  sessionId: string,
): Promise<{ status: string; endedBy?: string | null; endReason?: string | null }> {
  const response = await fetch(`/__api/sessions/${sessionId}`, {
    headers: { authorization: `Bearer ${apiKey as string}` },
  });
  if (!response.ok) throw new Error(`reading the session failed: ${response.status}`);
  return (await response.json()) as { status: string; endedBy?: string | null; endReason?: string | null };
}

/** The session's audit trail event types, in order. */
export async function auditTypes(sessionId: string): Promise<string[]> {
  const response = await fetch(`/__api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${apiKey as string}` },
  });
  if (!response.ok) throw new Error(`reading the audit failed: ${response.status}`);
  const body = (await response.json()) as { events: { type: string }[] };
  return body.events.map((event) => event.type);
}

export { until } from './inbox.js';
