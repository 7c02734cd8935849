/**
 * A session opened from an agent's list: the join ticket names the session
 * and the agent, and only that agent's signed-in console may use it (the
 * signaling socket and the peer REST endpoints share this check), and only
 * while the session is still assigned to that agent.
 */
import type { ErrorCode } from '../shared/errors.js';
import { checkJoinTicket, ticketBelongsTo, type AgentIdentity } from './agent-auth.js';
import type { SessionLifecycle } from './sessions.js';
import type { SessionRecord } from './store.js';

export type TicketPeer =
  { ok: true; session: SessionRecord | undefined } | { ok: false; code: ErrorCode; message: string };

export async function sessionFromTicket(
  sessions: Pick<SessionLifecycle, 'get'>,
  secret: string,
  ticket: string,
  agent: AgentIdentity | null,
  now: number,
): Promise<TicketPeer> {
  const checked = checkJoinTicket(secret, ticket, now);
  if (!checked.ok) {
    const again = 'Open the session from your list again.';
    return {
      ok: false,
      code: 'UNAUTHORIZED',
      message:
        checked.reason === 'expired' ? `This join link has expired. ${again}` : `This join link is not valid. ${again}`,
    };
  }
  if (!agent)
    return { ok: false, code: 'SIGNED_OUT', message: 'You are signed out. Sign in again to join this session.' };
  if (!ticketBelongsTo(checked, agent))
    return { ok: false, code: 'FORBIDDEN', message: 'This join link belongs to another agent.' };
  const session = await sessions.get(checked.sessionId);
  // Checked at use, not only when the ticket was minted: a hand-over (or a
  // reassignment) makes the session someone else's, and the ticket dies with it.
  if (session && session.agentId !== agent.id)
    return { ok: false, code: 'FORBIDDEN', message: 'This session is no longer assigned to you.' };
  return { ok: true, session };
}
