/**
 * Session lifecycle: creation, state transitions driven by audit events, and
 * the end of a session (audit record, listeners, webhook). The only place that
 * changes a session's status.
 */
import type { SessionListFilter, SessionListPage } from './session-list.js';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode } from '../shared/errors.js';
import {
  PROTOCOL_VERSION,
  type CreateSessionBody,
  type CustomerInvite,
  type EndReason,
  type EndedBy,
  type PeerEvent,
  type Role,
} from '../shared/protocol.js';
import { summarizeSession, type SessionSummary } from './audit-summary.js';
import { listEntry, type SessionListEntry } from './audit-digest.js';
import type { ServerConfig } from './config.js';
import type { ServerMetrics } from './metrics.js';
import {
  hashToken,
  SessionEndedError,
  AuditLimitError,
  type Actor,
  type AuditEvent,
  type AuditEventInput,
  type SessionRecord,
  type Store,
} from './store.js';
import { actorData, agentActor, type AgentActor } from './agent-actor.js';
import { AGENT_EVENT_TYPES, chainAgent } from './chain-agent.js';

export type { AgentActor, SignedInAgent } from './agent-actor.js';

export interface CreatedSession {
  sessionId: string;
  conversationId: string | null;
  expiresAt: number;
  customer: { invite: CustomerInvite; inviteCode: string };
  agent: { link: string; token: string };
}

export type EventOutcome = { ok: true } | { ok: false; code: ErrorCode; message: string };

export interface WebhookSink {
  send(event: { type: string; [key: string]: unknown }): Promise<unknown>;
}

/** Encode an invite for transport in a chat message (base64url JSON). */
export function encodeInvite(invite: CustomerInvite): string {
  return Buffer.from(JSON.stringify(invite), 'utf8').toString('base64url');
}

export class SessionLifecycle {
  private readonly endedListeners = new Set<(session: SessionRecord) => void>();
  private readonly handOverListeners = new Set<(session: SessionRecord) => void>();
  private readonly viewerEventListeners = new Set<(sessionId: string, event: AuditEvent) => void>();

  constructor(
    private readonly store: Store,
    private readonly config: ServerConfig,
    private readonly metrics: ServerMetrics,
    private readonly log: FastifyBaseLogger,
    private readonly webhook: WebhookSink | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Called with the final record whenever a session ends, whoever ended it. */
  onEnded(listener: (session: SessionRecord) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  async create(body: CreateSessionBody): Promise<CreatedSession> {
    const now = this.now();
    const id = randomBytes(12).toString('base64url');
    const customerToken = randomBytes(32).toString('base64url');
    const agentToken = randomBytes(32).toString('base64url');
    const ttlMs = Math.min(this.config.limits.sessionTtlMs, (body.ttlSeconds ?? Infinity) * 1000);
    const record: SessionRecord = {
      id,
      conversationId: body.conversationId ?? null,
      agentName: body.agentName ?? null,
      agentId: body.agentId ?? null,
      ...(body.agentBot === true ? { agentBot: true } : {}),
      metadata: body.metadata ?? {},
      customerTokenHash: hashToken(customerToken),
      agentTokenHash: hashToken(agentToken),
      createdAt: now,
      expiresAt: now + ttlMs,
      status: 'pending',
      startedAt: null,
      endedAt: null,
      endedBy: null,
      endReason: null,
      controlGranted: false,
    };
    await this.store.createSession(record);
    await this.append(id, {
      type: 'session-created',
      actor: 'api',
      at: now,
      // The agent fields the summary reads from the chain (chain-agent.ts), not from the row.
      data: {
        conversationId: record.conversationId,
        agentName: record.agentName,
        agentId: record.agentId,
        agentBot: record.agentBot === true,
        ...actorData(agentActor(record, null)),
      },
    });
    this.metrics.sessionsCreated.inc();
    this.log.info({ sessionId: id, conversationId: record.conversationId }, 'session created');
    const invite: CustomerInvite = {
      v: PROTOCOL_VERSION,
      server: this.config.publicUrl,
      sessionId: id,
      token: customerToken,
      ...(record.agentName ? { agentName: record.agentName } : {}),
      ...(record.agentBot ? { agentBot: true } : {}),
      expiresAt: record.expiresAt,
    };
    return {
      sessionId: id,
      conversationId: record.conversationId,
      expiresAt: record.expiresAt,
      customer: { invite, inviteCode: encodeInvite(invite) },
      // The token travels in the fragment so it never reaches server or proxy logs.
      agent: { link: `${this.config.publicUrl}/agent/#token=${agentToken}`, token: agentToken },
    };
  }

  get(id: string): Promise<SessionRecord | undefined> {
    return this.store.getSession(id);
  }

  findByToken(tokenHash: string): Promise<{ session: SessionRecord; role: Role } | undefined> {
    return this.store.findByTokenHash(tokenHash);
  }

  /**
   * The session's audit events in order: read in full, so only once per
   * session and instance on a socket's path (viewer-room.ts keeps who watches
   * from then on), never per message.
   */
  events(id: string): Promise<AuditEvent[]> {
    return this.store.listEvents(id);
  }

  /** Called with each viewer event appended on this instance, as stored (with its seq). */
  onViewerEvent(listener: (sessionId: string, event: AuditEvent) => void): void {
    this.viewerEventListeners.add(listener);
  }

  /** Append a viewer event (invited, joined, left, removed, lead handed on); false once the session ended. */
  async recordViewerEvent(sessionId: string, event: AuditEventInput & { actor: Actor }): Promise<boolean> {
    try {
      const stored = await this.append(sessionId, event);
      for (const listener of this.viewerEventListeners) listener(sessionId, stored);
      return true;
    } catch (error) {
      if (error instanceof SessionEndedError || error instanceof AuditLimitError) return false;
      throw error;
    }
  }

  async summary(id: string): Promise<SessionSummary | undefined> {
    const session = await this.store.getSession(id);
    return session ? summarizeSession(session, await this.store.listEvents(id)) : undefined;
  }

  /** One page of sessions, each from a few rows of its audit (audit-digest.ts), and where the next page starts. */
  async list(filter: SessionListFilter): Promise<{ sessions: SessionListEntry[]; next: SessionListPage['next'] }> {
    const page = await this.store.listSessions(filter);
    const sessions = await Promise.all(
      page.sessions.map(async (session) => listEntry(session, await this.store.auditDigest(session.id))),
    );
    return { sessions, next: page.next };
  }

  /** The sessions of one conversation, newest first, each as a list entry (a few rows of its audit, audit-digest.ts). */
  async listByConversation(conversationId: string): Promise<SessionListEntry[]> {
    const sessions = await this.store.listByConversation(conversationId);
    return Promise.all(sessions.map(async (session) => listEntry(session, await this.store.auditDigest(session.id))));
  }

  /** The session becomes this signed-in agent's (a claimed support code): it shows in their list, and the audit says who. */
  async assignAgent(sessionId: string, agent: { id: string; name: string }, via: 'support-code'): Promise<void> {
    await this.store.updateSessionWithEvent(
      sessionId,
      { agentId: agent.id, agentName: agent.name },
      {
        type: 'agent-assigned',
        actor: 'agent',
        at: this.now(),
        data: { agentId: agent.id, agentName: agent.name, via },
      },
    );
    this.metrics.auditEvents.inc({ type: 'agent-assigned' });
  }

  /**
   * Apply an audit event reported by a peer whose role the server established;
   * an agent's events name `actor` (fixed when its socket joined; without it, the session's agent now).
   */
  async recordPeerEvent(
    sessionId: string,
    role: Role,
    event: PeerEvent,
    actor: AgentActor | null = null,
  ): Promise<EventOutcome> {
    try {
      return await this.applyPeerEvent(sessionId, role, event, actor);
    } catch (error) {
      // Ended on another socket or instance between the status check and the append.
      if (error instanceof SessionEndedError)
        return { ok: false, code: 'SESSION_ENDED', message: 'The session has ended.' };
      if (error instanceof AuditLimitError) return { ok: false, code: 'AUDIT_LIMIT', message: error.message };
      throw error;
    }
  }

  private async applyPeerEvent(
    sessionId: string,
    role: Role,
    event: PeerEvent,
    actor: AgentActor | null,
  ): Promise<EventOutcome> {
    const session = await this.store.getSession(sessionId);
    if (!session || session.status === 'ended')
      return { ok: false, code: 'SESSION_ENDED', message: 'The session has ended.' };
    const at = this.now();
    // An agent's socket names its actor when it joins (seat-room.ts); otherwise the chain's agent, never the row's alone.
    const agent = actor ?? (role === 'agent' ? agentActor(await this.keyedAgent(session), null) : { kind: 'link' });
    const append = (input: AuditEventInput): Promise<AuditEvent> =>
      this.append(sessionId, role === 'agent' ? { ...input, data: { ...input.data, ...actorData(agent) } } : input);
    switch (event.kind) {
      case 'consent-granted':
        if (session.status !== 'pending') return { ok: true };
        // The customer's leave for a person to take over counts only where the agent is a bot and the customer said it.
        await append({
          type: 'consent-granted',
          actor: role,
          at,
          data:
            event.handover && role === 'customer' && (await this.keyedAgent(session)).agentBot === true
              ? { handover: true }
              : {},
        });
        await this.store.updateSession(sessionId, { status: 'consented', startedAt: at });
        return { ok: true };
      case 'consent-declined':
        if (session.status !== 'pending') {
          return { ok: false, code: 'FORBIDDEN', message: 'Consent was already given; end the session instead.' };
        }
        await append({ type: 'consent-declined', actor: role, at, data: {} });
        await this.end(sessionId, role, 'declined', role === 'agent' ? agent : null);
        return { ok: true };
      case 'connected':
        if (session.status === 'pending')
          return { ok: false, code: 'FORBIDDEN', message: 'The customer has not consented yet.' };
        await append({ type: 'connected', actor: role, at, data: {} });
        if (session.status === 'consented') await this.store.updateSession(sessionId, { status: 'live' });
        return { ok: true };
      case 'page-visited':
        await append({ type: 'page-visited', actor: role, at, data: { url: event.url, title: event.title ?? null } });
        return { ok: true };
      case 'control-granted':
        if (session.status === 'pending')
          return { ok: false, code: 'FORBIDDEN', message: 'The customer has not consented yet.' };
        await append({ type: 'control-granted', actor: role, at, data: {} });
        await this.store.updateSession(sessionId, { controlGranted: true });
        return { ok: true };
      case 'remote-action':
        await append({ type: 'remote-action', actor: role, at, data: { action: event.action, target: event.target } });
        return { ok: true };
      case 'consent-shown':
      case 'control-requested':
      case 'control-denied':
      case 'control-revoked':
      case 'paused':
      case 'resumed':
        await append({ type: event.kind, actor: role, at, data: {} });
        return { ok: true };
    }
  }

  /**
   * The session's agent (name, bot) as its keyed chain names it (chain-agent.ts):
   * what signed events and the seats' welcomes say of the agent, so that a row
   * edited on disk is never copied into the chain (review s12 A1).
   */
  async keyedAgent(session: SessionRecord): Promise<Pick<SessionRecord, 'agentName' | 'agentBot'>> {
    const agent = chainAgent(session, await this.store.listEventsOfTypes(session.id, AGENT_EVENT_TYPES));
    return { agentName: agent.name, ...(agent.bot ? { agentBot: true } : {}) };
  }

  /** Whether the customer's latest pause holds (the audit's last paused or resumed): a resuming page is told. */
  async pausedNow(sessionId: string): Promise<boolean> {
    const events = await this.store.listEventsOfTypes(sessionId, ['paused', 'resumed']);
    return events.at(-1)?.type === 'paused';
  }

  /** Called with the updated record when a person takes over from the automated agent. */
  onHandedOver(listener: (session: SessionRecord) => void): void {
    this.handOverListeners.add(listener);
  }

  /**
   * A person takes over from the automated agent: a new agent token (the
   * bot's stops working and its socket is closed), the person's name, and no
   * new consent prompt, only if the customer allowed exactly this when
   * consenting. Otherwise HANDOVER_NOT_ALLOWED: offer a new session.
   */
  async handOver(
    sessionId: string,
    to: { agentName: string; agentId?: string | undefined },
  ): Promise<{ ok: true; agent: CreatedSession['agent'] } | { ok: false; code: ErrorCode; message: string }> {
    const session = await this.store.getSession(sessionId);
    if (!session) return { ok: false, code: 'SESSION_NOT_FOUND', message: 'No such session.' };
    if (session.status === 'ended') return { ok: false, code: 'SESSION_ENDED', message: 'The session has ended.' };
    // Keyed rows only (review s13 A3): a forged consent or naming row neither allows nor names.
    const events = await this.store.listEventsOfTypes(sessionId, [...AGENT_EVENT_TYPES, 'consent-granted']);
    const allowed = events.some(
      (e) => e.type === 'consent-granted' && e.actor === 'customer' && e.data.handover === true,
    );
    // The agent handed over from is the chain's: the row's columns carry no key (review s12 A1).
    const bot = chainAgent(session, events);
    if (!bot.bot || !allowed) {
      const message = bot.bot
        ? 'The customer did not allow a person to take over without asking again: offer a new session.'
        : 'The agent of this session is not automated: there is nothing to take over.';
      return { ok: false, code: 'HANDOVER_NOT_ALLOWED', message };
    }
    const token = randomBytes(32).toString('base64url');
    const { agentName } = to;
    // Conditional on the locked row: of two hand-overs at once, only the one that still finds the bot wins.
    const updated = await this.store.updateSessionWithEvent(
      sessionId,
      {
        agentName,
        agentId: to.agentId ?? null,
        agentBot: false,
        controlGranted: false,
        agentTokenHash: hashToken(token),
      },
      {
        type: 'handed-over',
        actor: 'api',
        at: this.now(),
        data: {
          fromKind: 'bot',
          from: bot.name,
          toKind: 'person',
          to: agentName,
          ...(to.agentId === undefined ? {} : { toAgentId: to.agentId }),
        },
      },
      (current) => current.agentBot === true && current.status !== 'ended',
    );
    if (!updated) {
      return {
        ok: false,
        code: 'HANDOVER_NOT_ALLOWED',
        message: 'The session was handed over (or ended) meanwhile: there is no automated agent to take over from.',
      };
    }
    this.metrics.auditEvents.inc({ type: 'handed-over' });
    this.log.info({ sessionId }, 'session handed over to a person');
    for (const listener of this.handOverListeners) listener(updated);
    return { ok: true, agent: { link: `${this.config.publicUrl}/agent/#token=${token}`, token } };
  }

  /** A peer's socket went away; an agent's is named by `actor` (fixed when it joined, so a bot handed over stays the bot). */
  async recordDisconnect(sessionId: string, role: Role, actor: AgentActor | null = null): Promise<void> {
    const session = await this.store.getSession(sessionId);
    if (!session || session.status === 'ended') return;
    try {
      await this.append(sessionId, {
        type: 'disconnected',
        actor: role,
        at: this.now(),
        data: role === 'agent' ? actorData(actor ?? agentActor(await this.keyedAgent(session), null)) : {},
      });
    } catch (error) {
      if (!(error instanceof SessionEndedError) && !(error instanceof AuditLimitError)) throw error;
    }
  }

  /**
   * End a session once, whichever instance asks first (the store decides);
   * later calls return the ended record unchanged and notify nobody again.
   */
  async end(
    sessionId: string,
    by: EndedBy,
    reason: EndReason,
    actor: AgentActor | null = null,
  ): Promise<SessionRecord | undefined> {
    const outcome = await this.store.endSession(sessionId, {
      by,
      reason,
      at: this.now(),
      ...(by === 'agent' && actor ? { agent: actor } : {}),
    });
    if (!outcome) return undefined;
    const ended = outcome.session;
    if (!outcome.endedNow) return ended;
    const durationMs = ended.startedAt === null || ended.endedAt === null ? null : ended.endedAt - ended.startedAt;
    this.metrics.auditEvents.inc({ type: 'ended' });
    this.metrics.sessionsEnded.inc({ reason });
    this.log.info({ sessionId, by, reason, durationMs }, 'session ended');
    for (const listener of this.endedListeners) listener(ended);
    this.notifyEnded(ended).catch((err: unknown) => this.log.warn({ sessionId, err }, 'webhook failed'));
    return ended;
  }

  /** End sessions whose time ran out while nobody was connected (also after a restart). */
  async sweepExpired(): Promise<number> {
    const now = this.now();
    let count = 0;
    for (const session of await this.store.listOpen()) {
      if (session.expiresAt <= now) {
        const ended = await this.end(session.id, 'system', 'expired');
        if (ended) count += 1;
      }
    }
    return count;
  }

  private async notifyEnded(session: SessionRecord): Promise<void> {
    if (!this.webhook) return;
    const summary = summarizeSession(session, await this.store.listEvents(session.id));
    await this.webhook.send({
      type: 'session.ended',
      sessionId: summary.sessionId,
      conversationId: summary.conversationId,
      createdAt: summary.createdAt,
      startedAt: summary.startedAt,
      endedAt: summary.endedAt,
      durationMs: summary.durationMs,
      endedBy: summary.endedBy,
      endReason: summary.endReason,
      consent: summary.consent,
      controlGranted: summary.controlGranted,
      pagesVisited: summary.pagesVisited,
      // Kept outside the server, the head hash lets the chat system detect a rewritten chain later.
      auditEvents: summary.auditEvents,
      auditHeadHash: summary.auditHeadHash,
    });
  }

  private async append(sessionId: string, event: AuditEventInput & { actor: Actor }): Promise<AuditEvent> {
    const stored = await this.store.appendEvent(sessionId, event);
    this.metrics.auditEvents.inc({ type: event.type });
    return stored;
  }
}
