/**
 * Who is behind an agent socket, as the audit names them. It is fixed when
 * the socket authenticates, so a hand-over that turns the session into a
 * person's does not rename what the bot's socket did (or its leaving), and a
 * person who opens a bot's session is recorded as a person, not as the bot
 * (signed in: by name; by link in the console, which says so in its hello:
 * as `agentKind: "person"`).
 */
import type { AuditDataValue, SessionRecord } from './store.js';

/** The agent behind a socket or request, when they signed in (agent-auth.ts). */
export interface SignedInAgent {
  id: string;
  name: string;
}

export type AgentActor =
  /** Signed in to the console: a person, named by who signed in, whatever the session link says. */
  | { kind: 'person'; id: string; name: string }
  /** The session's automated agent (created with agentBot), with the name it had then. */
  | { kind: 'bot'; name: string | null }
  /** A bot's session link opened in the console (it says a person is there), not signed in. */
  | { kind: 'person-by-link' }
  /** A person's session link opened without signing in: the session's agent, nothing more to say. */
  | { kind: 'link' };

/** The actor of an agent socket that joined this session now (signed in or not; `declared`: what its hello said). */
export function agentActor(
  session: Pick<SessionRecord, 'agentBot' | 'agentName'>,
  signedIn: SignedInAgent | null,
  declared?: 'person' | 'bot',
): AgentActor {
  if (signedIn) return { kind: 'person', id: signedIn.id, name: signedIn.name };
  if (!session.agentBot) return { kind: 'link' };
  return declared === 'person' ? { kind: 'person-by-link' } : { kind: 'bot', name: session.agentName };
}

/** Audit data naming the actor: a bot says it is one (and which); a signed-in person says who. */
export function actorData(actor: AgentActor): Record<string, AuditDataValue> {
  switch (actor.kind) {
    case 'person':
      return { agentId: actor.id, agentName: actor.name };
    case 'bot':
      return { agentKind: 'bot', agentName: actor.name };
    case 'person-by-link':
      return { agentKind: 'person' };
    case 'link':
      return {};
  }
}
