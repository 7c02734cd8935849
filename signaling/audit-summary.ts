/**
 * The audit record of one session, condensed for people and for the chat
 * system (REST and the end-of-session webhook): when it started and ended,
 * how long it ran, which pages were seen, and who held control.
 */
import { endedBy, endReason, type EndedBy, type EndReason, type SessionStatus } from '../shared/protocol.js';
import { chainAgent } from './chain-agent.js';
import { chainOrigin } from './chain-origin.js';
import { GENESIS_HASH, type Actor, type AuditEvent, type AuditEventType, type SessionRecord } from './store.js';

export type ControlEventType = Extract<
  AuditEventType,
  'control-requested' | 'control-granted' | 'control-denied' | 'control-revoked'
>;

export interface SessionSummary {
  sessionId: string;
  conversationId: string | null;
  /** The agent's display name as the chain names it: given when the session was created, claimed, or handed over to (the person's). */
  agentName: string | null;
  /** The agent is an automated program now (false once a person took over). */
  agentBot: boolean;
  /** The agent is a bot and the customer allowed a person to take over without a new prompt (POST /handover will succeed). */
  handoverAllowed: boolean;
  status: SessionStatus;
  createdAt: number;
  /** When the customer granted consent, or null. */
  startedAt: number | null;
  endedAt: number | null;
  /** endedAt - startedAt; null if the session never started or has not ended. */
  durationMs: number | null;
  endedBy: EndedBy | null;
  endReason: EndReason | null;
  /** The signed-in agent who ended it, as the 'ended' audit event names them; null otherwise. */
  endedByAgent: { id: string; name: string } | null;
  /** In the order visited; origin + path only. */
  pagesVisited: { url: string; title?: string; at: number }[];
  controlGranted: boolean;
  controlEvents: { type: ControlEventType; actor: Actor; at: number }[];
  consent: 'pending' | 'granted' | 'declined';
  /** What the agent did with control: kind and a target description, never a typed value. */
  remoteActions: { action: string; target: string | null; at: number }[];
  /** Number of audit events and the hash of the last one; keeping the hash elsewhere anchors the chain. */
  auditEvents: number;
  auditHeadHash: string;
}

const CONTROL_EVENT_TYPES: ReadonlySet<AuditEventType> = new Set<ControlEventType>([
  'control-requested',
  'control-granted',
  'control-denied',
  'control-revoked',
]);

function isControlEventType(type: AuditEventType): type is ControlEventType {
  return CONTROL_EVENT_TYPES.has(type);
}

/** Condenses a session and its audit events (any order) into a SessionSummary. */
export function summarizeSession(session: SessionRecord, events: AuditEvent[]): SessionSummary {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const firstOf = (type: AuditEventType): AuditEvent | undefined => ordered.find((e) => e.type === type);

  const consentGranted = firstOf('consent-granted');
  const consentDeclined = firstOf('consent-declined');
  const endedEvent = firstOf('ended');

  // Every fact of the record comes from the keyed chain, not from the session row, whose columns carry
  // no key (red team s11, F4): editing them on disk changes no summary, and verification reports it.
  const startedAt = consentGranted?.at ?? null;
  const endedAt = endedEvent?.at ?? null;
  const durationMs = startedAt !== null && endedAt !== null ? Math.max(0, endedAt - startedAt) : null;
  const endedByParsed = endedBy.safeParse(endedEvent?.data['by']);
  const endReasonParsed = endReason.safeParse(endedEvent?.data['reason']);

  const pagesVisited: SessionSummary['pagesVisited'] = [];
  const controlEvents: SessionSummary['controlEvents'] = [];
  const remoteActions: SessionSummary['remoteActions'] = [];
  for (const event of ordered) {
    if (event.type === 'page-visited') {
      const url = event.data['url'];
      if (typeof url !== 'string') continue;
      const title = event.data['title'];
      pagesVisited.push({
        url: withoutQueryOrFragment(url),
        ...(typeof title === 'string' && { title }),
        at: event.at,
      });
    } else if (isControlEventType(event.type)) {
      controlEvents.push({ type: event.type, actor: event.actor, at: event.at });
    } else if (event.type === 'remote-action') {
      const action = event.data['action'];
      const target = event.data['target'];
      remoteActions.push({
        action: typeof action === 'string' ? action : 'unknown',
        target: typeof target === 'string' ? target : null,
        at: event.at,
      });
    }
  }

  const last = ordered.at(-1);
  // A session the server ended without its 'ended' event (a chain it refused to extend) still shows as ended.
  const status = endedEvent !== undefined ? 'ended' : session.status;
  const agent = chainAgent(session, ordered);
  const origin = chainOrigin(session, ordered);
  return {
    sessionId: session.id,
    conversationId: origin.conversationId,
    agentName: agent.name,
    agentBot: agent.bot,
    handoverAllowed:
      agent.bot &&
      status !== 'ended' &&
      consentGranted?.actor === 'customer' &&
      consentGranted.data['handover'] === true,
    status,
    createdAt: origin.createdAt,
    startedAt,
    endedAt,
    durationMs,
    endedBy: endedByParsed.success ? endedByParsed.data : null,
    endReason: endReasonParsed.success ? endReasonParsed.data : null,
    endedByAgent: agentOf(endedEvent),
    pagesVisited,
    controlGranted: controlEvents.some((e) => e.type === 'control-granted'),
    controlEvents,
    consent: consentOf(consentGranted !== undefined, consentDeclined !== undefined, endReasonParsed.data),
    remoteActions,
    auditEvents: ordered.length,
    auditHeadHash: last?.hash ?? GENESIS_HASH,
  };
}

function agentOf(event: AuditEvent | undefined): SessionSummary['endedByAgent'] {
  const id = event?.data['agentId'];
  const name = event?.data['agentName'];
  return typeof id === 'string' && typeof name === 'string' ? { id, name } : null;
}

function consentOf(
  grantedEvent: boolean,
  declinedEvent: boolean,
  reason: EndReason | undefined,
): SessionSummary['consent'] {
  if (grantedEvent) return 'granted';
  if (declinedEvent || reason === 'declined') return 'declined';
  return 'pending';
}

/**
 * The audit trail keeps origin + path only; a query string or fragment can
 * carry personal data, so one that slipped into an event is cut here too.
 */
function withoutQueryOrFragment(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
