/**
 * Who a session's agent is, as its keyed chain records it (red team s11, F4
 * follow-up): the 'session-created' event names the agent the session was
 * created for, 'agent-assigned' a signed-in agent who claimed it (a support
 * code), 'handed-over' the person who took over from a bot. The session row
 * repeats these in columns that carry no key, so the summary reads them from
 * here and verification (audit-chain.ts) holds the row to them.
 */
import type { AuditEvent, AuditEventType, SessionRecord } from './store.js';

export interface ChainAgent {
  name: string | null;
  id: string | null;
  bot: boolean;
  /** The seq of the event that named this agent; 0: the session row's (a chain from before its creation event named the agent). */
  namedAt: number;
}

type RowAgent = Pick<SessionRecord, 'agentName' | 'agentId' | 'agentBot'>;

/** The only events that name the agent: chainAgent over these alone is chainAgent over the whole chain. */
export const AGENT_EVENT_TYPES = [
  'session-created',
  'agent-assigned',
  'handed-over',
] as const satisfies readonly AuditEventType[];

/**
 * The agent before any event: the row's. A chain written by this version
 * replaces it at its first event ('session-created' records all three fields);
 * only a session created before that version keeps the row's (unverified, as
 * it always was: README, security model).
 */
export function rowAgent(row: RowAgent): ChainAgent {
  return { name: row.agentName, id: row.agentId, bot: row.agentBot === true, namedAt: 0 };
}

/** The agent after `event`. */
export function agentAfter(agent: ChainAgent, event: AuditEvent): ChainAgent {
  const data = event.data;
  switch (event.type) {
    case 'session-created':
      // Written since this version with all three; an older creation event leaves the row's agent.
      if (!('agentBot' in data)) return agent;
      return {
        name: text(data['agentName']),
        id: text(data['agentId']),
        bot: data['agentBot'] === true,
        namedAt: event.seq,
      };
    case 'agent-assigned':
      return { ...agent, name: text(data['agentName']), id: text(data['agentId']), namedAt: event.seq };
    case 'handed-over':
      return { name: text(data['to']), id: text(data['toAgentId']), bot: false, namedAt: event.seq };
    default:
      return agent;
  }
}

/** The agent after every event (in seq order), starting from the row's. */
export function chainAgent(row: RowAgent, ordered: readonly AuditEvent[]): ChainAgent {
  return ordered.reduce(agentAfter, rowAgent(row));
}

/** Whether the row names the same agent as the chain. */
export function sameAgent(
  agent: ChainAgent,
  row: { agent_name: string | null; agent_id: string | null; agent_bot: 0 | 1 },
): boolean {
  return agent.name === row.agent_name && agent.id === row.agent_id && agent.bot === (row.agent_bot === 1);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
