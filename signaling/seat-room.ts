/**
 * The hub's rules for a session's two seats, the customer and the agent
 * (viewer-room.ts has the invited viewers'): a seat joins with its token or an
 * agent's join ticket, one socket per role across instances, and is welcomed
 * with what it may know (no relay credential before consent: turn.ts); it
 * relays WebRTC signals to the other seat only after consent, reports the
 * audit events its role may, ends the session, and leaves. hub.ts owns the
 * sockets themselves (limits, parsing, closing) and routes them here.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode } from '../shared/errors.js';
import {
  AUDIT_KIND_ROLES,
  PROTOCOL_VERSION,
  type ClientMessage,
  type EndReason,
  type PeerEvent,
  type Role,
  type ServerMessage,
} from '../shared/protocol.js';
import { AGENT_SEAT } from '../shared/viewer-protocol.js';
import type { ServerConfig } from './config.js';
import type { ServerMetrics } from './metrics.js';
import type { SessionLifecycle } from './sessions.js';
import { hashToken, type SessionRecord } from './store.js';
import { otherRole, type LiveSessions } from './live-sessions.js';
import type { SessionBus } from './session-bus.js';
import { auditableEvent, END_REASONS_BY_ROLE } from './socket-rules.js';
import { isViewerMessage, type ViewerRoom } from './viewer-room.js';
import { iceServersFor, welcomeIceServers } from './turn.js';
import { consentSinceWelcome } from './consent-catch-up.js';
import { customerJoin, holdsResumeKey } from './customer-resume.js';
import { stopAuthTimer, type Authenticated, type Connection } from './hub-connection.js';
import { sessionFromTicket } from './join-tickets.js';
import { JOIN_TICKET_PREFIX } from './agent-auth.js';
import { agentActor } from './agent-actor.js';
import { afterPeerEvent, peerEventRefusal, type ControlMarks, type PeerEventRulesOptions } from './peer-events.js';

export interface SeatRoomOptions {
  config: ServerConfig;
  bus: SessionBus;
  sessions: SessionLifecycle;
  metrics: ServerMetrics;
  log: FastifyBaseLogger;
  now: () => number;
  /** Which socket of this instance holds each seat, and the way to the other side. */
  live: LiveSessions<Connection>;
  viewers: ViewerRoom;
  control: ControlMarks;
  send(connection: Connection, message: ServerMessage): void;
  refuse(connection: Connection, code: ErrorCode, message?: string): void;
  reject(connection: Connection, code: ErrorCode, message?: string, counts?: boolean): void;
  background(work: Promise<unknown>, sessionId: string | null): void;
}

export class SeatRoom {
  private readonly config: ServerConfig;
  private readonly bus: SessionBus;
  private readonly sessions: SessionLifecycle;
  private readonly metrics: ServerMetrics;
  private readonly log: FastifyBaseLogger;
  private readonly now: () => number;
  private readonly live: LiveSessions<Connection>;
  private readonly viewers: ViewerRoom;
  private readonly control: ControlMarks;
  private readonly eventRules: PeerEventRulesOptions;
  private readonly send: SeatRoomOptions['send'];
  private readonly refuse: SeatRoomOptions['refuse'];
  private readonly reject: SeatRoomOptions['reject'];
  private readonly background: SeatRoomOptions['background'];
  private shuttingDown = false;

  constructor(options: SeatRoomOptions) {
    this.config = options.config;
    this.bus = options.bus;
    this.sessions = options.sessions;
    this.metrics = options.metrics;
    this.log = options.log;
    this.now = options.now;
    this.live = options.live;
    this.viewers = options.viewers;
    this.control = options.control;
    this.send = options.send;
    this.refuse = options.refuse;
    this.reject = options.reject;
    this.background = options.background;
    this.eventRules = {
      control: this.control,
      leadOf: (sessionId) => this.viewers.leadOf(sessionId),
      leadConnected: (sessionId, lead) =>
        lead === AGENT_SEAT ? this.live.connected(sessionId, 'agent') : this.viewers.watching(sessionId, lead),
    };
  }

  /** A restart is not the peers leaving: from now on no 'disconnected' audit events. */
  shutdown(): void {
    this.shuttingDown = true;
  }

  /** A socket whose hello carries a customer or agent token, or an agent's join ticket (its version checked). */
  async authenticate(connection: Connection, hello: Extract<ClientMessage, { t: 'hello' }>): Promise<void> {
    const found = hello.token.startsWith(JOIN_TICKET_PREFIX)
      ? await this.fromJoinTicket(connection, hello.token)
      : await this.sessions.findByToken(hashToken(hello.token));
    if (connection.closed) return;
    if (!found) {
      this.refuse(connection, 'UNAUTHORIZED', 'This link or invite is not valid.');
      return;
    }
    const { session, role } = found;
    if (session.status === 'ended') {
      this.refuse(connection, 'SESSION_ENDED', 'This co-browsing session has already ended.');
      return;
    }
    if (session.expiresAt <= this.now()) {
      await this.sessions.end(session.id, 'system', 'expired');
      this.refuse(connection, 'SESSION_EXPIRED');
      return;
    }
    // Who the agent is, as the keyed chain names it: the row's columns carry no key (review s12 A1).
    const named = await this.sessions.keyedAgent(session);
    if (connection.closed) return;
    const actor = role === 'agent' ? agentActor(named, connection.agent, hello.agentKind) : null;
    // The customer agreed to an automated assistant: a person on its link would watch unannounced.
    if (named.agentBot && actor !== null && actor.kind !== 'bot') return this.refuse(connection, 'BOT_SESSION');
    // A bot still seated after a hand-over it missed (it joined while the hand-over landed) gives way, but only
    // to a joiner the store still names: a stale joiner (looked up before the hand-over) evicts no one (s14 J2).
    const holder = this.live.holder(session.id, role);
    if (holder !== null && role === 'agent') {
      const fresh = await this.sessions.get(session.id);
      if (connection.closed) return;
      // Its token was replaced by a hand-over: the same refusal as the re-read once seated would give.
      if (!fresh || fresh.agentTokenHash !== session.agentTokenHash) return this.refuse(connection, 'HANDED_OVER');
      if (this.live.replacedAgent(fresh, holder)) this.refuse(holder, 'HANDED_OVER');
    }
    // A copy of the tab's record is refused at once, not told ROLE_TAKEN while the tab's page holds the seat.
    if (role === 'customer' && !(await holdsResumeKey(this.bus, session, hello.resume)))
      return this.refuse(connection, 'RESUME_REFUSED');
    const claimed =
      this.live.holder(session.id, role) === null &&
      (await this.bus.claim(session.id, role, connection.id, session.expiresAt - this.now()));
    if (!claimed) {
      this.refuse(connection, 'ROLE_TAKEN', `A ${role} is already connected to this session.`);
      return;
    }
    if (connection.closed) {
      await this.bus.release(session.id, role, connection.id);
      return;
    }
    // A customer page resuming from a copy of its tab's record is refused; the customer is told control and pause.
    const { bus, control, sessions, now } = this;
    const recorded =
      role === 'customer' ? await customerJoin({ bus, control, sessions, now }, session, hello.resume) : {};
    if (!recorded || connection.closed) {
      await this.bus.release(session.id, role, connection.id);
      if (!recorded) this.refuse(connection, 'RESUME_REFUSED');
      return;
    }
    await this.bus.listen(session.id);
    const peerPresent = await this.live.connected(session.id, otherRole(role));
    if (connection.closed) {
      await this.bus.release(session.id, role, connection.id);
      return;
    }
    stopAuthTimer(connection);
    connection.auth = { stage: 'authenticated', role, sessionId: session.id, actor };
    this.live.attach(session, role, connection, peerPresent);
    this.metrics.socketsOpen.inc({ role });
    this.send(connection, {
      t: 'welcome',
      v: PROTOCOL_VERSION,
      role,
      sessionId: session.id,
      status: session.status,
      peerPresent,
      consented: session.status !== 'pending',
      ...(named.agentName ? { agentName: named.agentName } : {}),
      ...(named.agentBot ? { agentBot: true } : {}),
      iceServers: welcomeIceServers(this.config, `${session.id}-${role}`, this.now(), session),
      expiresAt: session.expiresAt,
      ...recorded,
    });
    // A hand-over or an end between the session read and the attach told no one here (review s13 S1, s14 J1).
    const current = await this.sessions.get(session.id);
    if (!current || current.status === 'ended') {
      return this.live.close(session.id, current?.endedBy ?? 'system', current?.endReason ?? 'error');
    }
    if (this.live.replacedAgent(current, connection)) return this.refuse(connection, 'HANDED_OVER');
    // Consent handled between the session read and the attach reached no one here: send what was missed.
    const missed = await consentSinceWelcome(this.sessions, this.config, session, role, this.now);
    for (const message of connection.closed ? [] : missed) this.send(connection, message);
    this.metrics.joinSeconds.observe((this.now() - connection.openedAt) / 1000);
    if (peerPresent) this.live.deliver(session.id, otherRole(role), { t: 'peer', role, present: true });
    this.log.info({ sessionId: session.id, role }, 'peer joined');
    await this.viewers.greet(connection, session.id);
  }

  /** A join ticket's session (with its agent's cookie), or undefined after refusing the socket. */
  private async fromJoinTicket(
    connection: Connection,
    ticket: string,
  ): Promise<{ session: SessionRecord; role: Role } | undefined> {
    const found = await sessionFromTicket(
      this.sessions,
      this.config.agentAuth.secret,
      ticket,
      connection.agent,
      this.now(),
    );
    if (!found.ok) {
      this.refuse(connection, found.code, found.message);
      return undefined;
    }
    return found.session ? { session: found.session, role: 'agent' } : undefined;
  }

  /** A message from a customer or agent seat's socket. */
  async route(connection: Connection, auth: Authenticated, message: ClientMessage): Promise<void> {
    const { role, sessionId } = auth;
    const session = await this.sessions.get(sessionId);
    if (connection.closed) return;
    if (!session || session.status === 'ended') {
      this.refuse(connection, 'SESSION_ENDED');
      return;
    }
    // A bot whose hand-over note this instance missed acts no more (live-sessions.ts, red team s12 F4).
    if (role === 'agent' && this.live.replacedAgent(session, connection)) return this.refuse(connection, 'HANDED_OVER');
    switch (message.t) {
      case 'hello':
        this.reject(connection, 'BAD_MESSAGE', 'Already authenticated.');
        return;
      case 'signal': {
        // Defence in depth: no peer connection may start before the customer consented.
        if (session.status === 'pending') {
          this.reject(connection, 'FORBIDDEN', 'The customer has not consented yet.');
          return;
        }
        if (!(await this.live.connected(sessionId, otherRole(role)))) {
          this.reject(connection, 'PEER_ABSENT');
          return;
        }
        this.live.deliver(sessionId, otherRole(role), { t: 'signal', data: message.data });
        this.metrics.messagesRelayed.inc({ type: message.data.type });
        return;
      }
      case 'event':
        await this.onPeerEvent(connection, auth, session, message.event);
        return;
      case 'end': {
        const reason: EndReason = message.reason ?? (role === 'customer' ? 'customer-ended' : 'agent-ended');
        // Declining is the answer to the consent prompt: a consented session is ended, not declined.
        if (!END_REASONS_BY_ROLE[role].includes(reason) || (reason === 'declined' && session.status !== 'pending')) {
          this.reject(connection, 'FORBIDDEN', `The ${role} may not end a session with reason "${reason}".`);
          return;
        }
        await this.sessions.end(sessionId, role, reason, auth.actor);
        return;
      }
      case 'ping':
        return;
      default:
        if (isViewerMessage(message)) await this.viewers.fromSeat(connection, role, session, message);
    }
  }

  private async onPeerEvent(
    connection: Connection,
    { role, actor }: Authenticated,
    session: SessionRecord,
    event: PeerEvent,
  ): Promise<void> {
    if (!AUDIT_KIND_ROLES[event.kind].includes(role)) {
      this.reject(connection, 'FORBIDDEN', `The ${role} may not report ${event.kind}.`);
      return;
    }
    // Before consent, control only while granted, the lead seat's requests only while it leads.
    const refusal = await peerEventRefusal(this.eventRules, session, role, event);
    // An honest page reports actions that raced a revoke or the lead's socket dropping: refused, never closed for.
    if (refusal) return this.reject(connection, refusal.code, refusal.message, event.kind !== 'remote-action');
    const kept = auditableEvent(event);
    if (!kept) {
      this.reject(connection, 'BAD_MESSAGE', 'page-visited needs an http(s) URL.');
      return;
    }
    event = kept;
    const accepted = await this.sessions.recordPeerEvent(session.id, role, event, actor);
    if (!accepted.ok) {
      this.reject(connection, accepted.code, accepted.message);
      return;
    }
    await afterPeerEvent(this.control, session, event);
    if (event.kind === 'consent-granted' && session.status === 'pending') await this.grantRelay(connection, session);
    const forwarded: ServerMessage = { t: 'event', from: role, event };
    this.live.deliver(session.id, otherRole(role), forwarded);
    // Viewers follow the customer's side too (pages, pauses); nothing of the lead's goes to them.
    if (role === 'customer') await this.viewers.toViewers(session.id, forwarded);
  }

  /**
   * The customer consented: each side gets its relay credential now (its own
   * label, no longer than the session), the agent's before the consent event.
   */
  private async grantRelay(customer: Connection, session: SessionRecord): Promise<void> {
    const iceServers = (label: string): ServerMessage => ({
      t: 'ice-servers',
      iceServers: iceServersFor(this.config, `${session.id}-${label}`, this.now(), session.expiresAt),
    });
    this.send(customer, iceServers('customer'));
    this.live.deliver(session.id, 'agent', iceServers('agent'));
    await this.viewers.toEachViewer(session.id, iceServers);
  }

  /** A seat's socket closed: its place is let go and, unless the server is restarting, the other side told. */
  forget(connection: Connection, auth: Authenticated): void {
    const { role, sessionId, actor } = auth;
    const released = this.bus.release(sessionId, role, connection.id);
    const detached = this.live.detach(sessionId, role, connection);
    if (!detached) {
      this.background(released, sessionId);
      return;
    }
    // A restart is not the peers leaving: they reconnect (to another instance), so no audit event.
    if (this.shuttingDown) {
      this.background(released, sessionId);
      return;
    }
    const recorded = released.then(() => this.sessions.recordDisconnect(sessionId, role, actor));
    this.background(
      recorded.then(() => detached.away()),
      sessionId,
    );
    this.live.deliver(sessionId, otherRole(role), { t: 'peer', role, present: false });
    this.log.info({ sessionId, role }, 'peer left');
  }
}
