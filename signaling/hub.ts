/**
 * The signaling hub: authenticates sockets by token, pairs the customer and
 * the agent of one session, relays WebRTC signals only between them, records
 * audit events, and enforces every limit with its own close code. The other
 * side may be on another instance: live-sessions.ts routes to it.
 * Page content never passes through here: only SDP, ICE and control events.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import * as z from 'zod';
import { ERROR_CODES, closeCodeFor, type ErrorCode } from '../shared/errors.js';
import {
  AUDIT_KIND_ROLES,
  PROTOCOL_VERSION,
  isCompatibleVersion,
  type ClientMessage,
  type EndReason,
  type EndedBy,
  type PeerEvent,
  type Role,
  type ServerMessage,
} from '../shared/protocol.js';
import type { ServerConfig } from './config.js';
import type { ServerMetrics } from './metrics.js';
import type { SessionLifecycle } from './sessions.js';
import { hashToken, type SessionRecord } from './store.js';
import { LiveSessions, otherRole } from './live-sessions.js';
import type { SessionBus } from './session-bus.js';
import {
  answerOversizeWithOwnCode,
  auditableEvent,
  END_REASONS_BY_ROLE,
  originAllowed,
  parseClientFrame,
} from './socket-rules.js';
import { isViewerMessage, ViewerRoom } from './viewer-room.js';
import { VIEWER_INVITE_PREFIX } from './viewer-invites.js';
import { AGENT_SEAT } from '../shared/viewer-protocol.js';
import { iceServersFor, welcomeIceServers } from './turn.js';
import { AddressCounts, addressKey } from './request-limits.js';
import { JOIN_TICKET_PREFIX, type AgentIdentity } from './agent-auth.js';
import {
  heartbeat,
  newConnection,
  sessionOf,
  stopAuthTimer,
  takeRateToken,
  type Authenticated,
  type Connection,
} from './hub-connection.js';
import { sessionFromTicket } from './join-tickets.js';
import { agentActor } from './agent-actor.js';
import { afterPeerEvent, ControlMarks, peerEventRefusal, type PeerEventRulesOptions } from './peer-events.js';

// The protocol schemas are zod/mini, which loads no locale so the customer's bundle stays
// small; the server explains invalid messages to clients in English.
z.config(z.locales.en());

export interface HubOptions {
  config: ServerConfig;
  /** Presence and routing between instances; LocalBus for one instance. */
  bus: SessionBus;
  sessions: SessionLifecycle;
  metrics: ServerMetrics;
  log: FastifyBaseLogger;
  now?: () => number;
}

export class SignalingHub {
  private readonly connections = new Set<Connection>();
  /** Sockets per address key (request-limits.ts: an IPv6 /64 is one address). */
  private readonly perIp = new AddressCounts();
  private readonly live: LiveSessions<Connection>;
  private readonly viewers: ViewerRoom;
  private readonly control: ControlMarks;
  private readonly eventRules: PeerEventRulesOptions;
  private readonly heartbeat: NodeJS.Timeout;
  private shuttingDown = false;
  private readonly config: ServerConfig;
  private readonly sessions: SessionLifecycle;
  private readonly metrics: ServerMetrics;
  private readonly log: FastifyBaseLogger;
  private readonly now: () => number;
  private readonly bus: SessionBus;
  private nextConnectionId = 0;

  constructor(options: HubOptions) {
    this.config = options.config;
    this.bus = options.bus;
    this.sessions = options.sessions;
    this.metrics = options.metrics;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.heartbeat = setInterval(() => this.tick(), this.config.limits.heartbeatIntervalMs);
    this.heartbeat.unref();
    const endSocket = (connection: Connection, by: EndedBy, reason: EndReason) => {
      this.send(connection, { t: 'ended', by, reason });
      const expired = reason === 'expired';
      const message = expired ? ERROR_CODES.SESSION_EXPIRED.message : `Session ended (${reason}).`;
      this.refuse(connection, expired ? 'SESSION_EXPIRED' : 'SESSION_ENDED', message);
    };
    const shared = { config: this.config, bus: this.bus, sessions: this.sessions, log: this.log, now: this.now };
    this.control = new ControlMarks(this.bus, this.now);
    this.sessions.onHandedOver((session) => this.background(this.control.set(session, false), session.id));
    this.live = new LiveSessions<Connection>({
      ...shared,
      send: (connection, message) => this.send(connection, message),
      refuseSocket: (connection, code) => this.refuse(connection, code),
      endSocket,
    });
    this.viewers = new ViewerRoom({
      ...shared,
      send: (connection, message) => this.send(connection, message),
      refuse: (connection, code, message) => this.refuse(connection, code, message),
      reject: (connection, code, message) => this.reject(connection, code, message),
      endSocket: (connection, session) =>
        endSocket(connection, session.endedBy ?? 'system', session.endReason ?? 'error'),
      deliver: (sessionId, role, message) => this.live.deliver(sessionId, role, message),
      connected: (sessionId, role) => this.live.connected(sessionId, role),
      background: (work, sessionId) => this.background(work, sessionId),
      control: this.control,
    });
    this.eventRules = {
      control: this.control,
      leadOf: (sessionId) => this.viewers.leadOf(sessionId),
      leadConnected: (sessionId, lead) =>
        lead === AGENT_SEAT ? this.live.connected(sessionId, 'agent') : this.viewers.watching(sessionId, lead),
    };
  }

  /** Number of authenticated sockets (for metrics and tests). */
  get socketCount(): number {
    return this.connections.size;
  }

  /** Sessions whose roster this instance keeps (for tests). */
  get rosterSessions(): number {
    return this.viewers.rosterSessions;
  }

  /** Take a freshly upgraded socket. */
  accept(socket: WebSocket, ip: string, origin: string | undefined, agent: AgentIdentity | null = null): void {
    const now = this.now();
    this.nextConnectionId += 1;
    const connection = newConnection(
      String(this.nextConnectionId),
      socket,
      addressKey(ip),
      agent,
      now,
      this.config.limits.rateBurst,
    );
    socket.on('close', () => this.forget(connection));
    answerOversizeWithOwnCode(socket, () => this.oversizeMessage(connection));
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    if (!originAllowed(this.config, origin)) {
      this.refuse(connection, 'FORBIDDEN', 'This origin may not open a co-browsing socket.');
      return;
    }
    if (!this.perIp.take(connection.ip, this.config.limits.maxConnectionsPerIp)) {
      this.refuse(connection, 'TOO_MANY_CONNECTIONS');
      return;
    }
    this.connections.add(connection);
    // Across instances, the same limit holds over the sum (a client cannot spread its sockets).
    const counted = this.bus.countConnections(connection.ip, 1).then((total) => {
      if (total !== null && total > this.config.limits.maxConnectionsPerIp)
        this.refuse(connection, 'TOO_MANY_CONNECTIONS');
    });
    connection.counted = counted.catch((err: unknown) =>
      this.log.warn({ err }, 'could not count connections in redis'),
    );
    connection.auth = {
      stage: 'pending',
      timer: setTimeout(() => this.refuse(connection, 'AUTH_TIMEOUT'), this.config.limits.authTimeoutMs),
    };
    socket.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary));
    socket.on('pong', () => {
      connection.awaitingPong = false;
    });
  }

  /** Close every socket (server shutdown). */
  shutdown(): void {
    clearInterval(this.heartbeat);
    // A restart is not the peers leaving: they reconnect, so no 'disconnected' audit events.
    this.shuttingDown = true;
    this.viewers.shutdown();
    for (const connection of [...this.connections]) this.refuse(connection, 'SERVER_SHUTTING_DOWN');
    this.live.shutdown();
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    if (connection.closed) return;
    connection.lastMessageAt = this.now();
    if (!takeRateToken(connection, this.now(), this.config.limits)) {
      this.refuse(connection, 'RATE_LIMITED');
      return;
    }
    const bytes = Array.isArray(data) ? data.reduce((sum, part) => sum + part.length, 0) : data.byteLength;
    if (bytes > this.config.limits.maxPayloadBytes) {
      this.oversizeMessage(connection);
      return;
    }
    const parsed = parseClientFrame(data, isBinary);
    if (!parsed.ok) {
      // Before authentication there is nothing to keep the socket for: a client
      // with a malformed hello must learn it for good instead of waiting.
      if (connection.auth.stage === 'pending' && !isBinary) this.refuse(connection, 'BAD_MESSAGE', parsed.text);
      else this.reject(connection, 'BAD_MESSAGE', parsed.text);
      return;
    }
    const message = parsed.data;
    if (message.t === 'ping') {
      this.send(connection, { t: 'pong', ts: message.ts });
      return;
    }
    connection.queue = connection.queue
      .then(() => (connection.closed ? undefined : this.handle(connection, message)))
      .catch((err: unknown) => {
        this.log.error({ err, sessionId: sessionOf(connection) }, 'message handling failed');
        this.reject(connection, 'INTERNAL');
      });
  }

  private async handle(connection: Connection, message: ClientMessage): Promise<void> {
    if (connection.auth.stage === 'pending') {
      if (message.t !== 'hello') {
        this.refuse(connection, 'UNAUTHORIZED', 'Send hello with your token first.');
        return;
      }
      await this.authenticate(connection, message);
      return;
    }
    if (connection.auth.stage === 'viewer') await this.viewers.route(connection, connection.auth, message);
    else await this.route(connection, connection.auth, message);
  }

  private background(work: Promise<unknown>, sessionId: string | null): void {
    this.live.background(work, sessionId);
  }

  private async authenticate(connection: Connection, hello: Extract<ClientMessage, { t: 'hello' }>): Promise<void> {
    if (!isCompatibleVersion(hello.v)) {
      this.refuse(
        connection,
        'UNSUPPORTED_VERSION',
        `This server speaks protocol ${PROTOCOL_VERSION}; the client speaks ${hello.v}. Reload the page to update.`,
      );
      return;
    }
    if (hello.token.startsWith(VIEWER_INVITE_PREFIX)) {
      await this.viewers.authenticate(connection, hello.token);
      if (connection.auth.stage === 'viewer') this.metrics.socketsOpen.inc({ role: 'viewer' });
      return;
    }
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
    const actor = role === 'agent' ? agentActor(session, connection.agent, hello.agentKind) : null;
    // The customer agreed to an automated assistant: a person on its link would watch unannounced.
    if (session.agentBot && actor !== null && actor.kind !== 'bot') return this.refuse(connection, 'BOT_SESSION');
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
      ...(session.agentName ? { agentName: session.agentName } : {}),
      ...(session.agentBot ? { agentBot: true } : {}),
      iceServers: welcomeIceServers(this.config, `${session.id}-${role}`, this.now(), session),
      expiresAt: session.expiresAt,
    });
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

  private async route(connection: Connection, auth: Authenticated, message: ClientMessage): Promise<void> {
    const { role, sessionId } = auth;
    const session = await this.sessions.get(sessionId);
    if (connection.closed) return;
    if (!session || session.status === 'ended') {
      this.refuse(connection, 'SESSION_ENDED');
      return;
    }
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

  private tick(): void {
    heartbeat(this.connections, this.now(), this.config.limits.idleTimeoutMs, (connection, code) =>
      this.refuse(connection, code),
    );
  }

  private oversizeMessage(connection: Connection): void {
    this.refuse(
      connection,
      'MESSAGE_TOO_LARGE',
      `Messages are limited to ${this.config.limits.maxPayloadBytes} bytes.`,
    );
  }

  /**
   * Refuse one message with an error and keep the socket, unless it keeps
   * misbehaving: malformed messages and messages its role may not send count
   * together, and past MAX_BAD_MESSAGES the socket is closed.
   */
  private reject(
    connection: Connection,
    code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    counts = true,
  ): void {
    this.metrics.messagesRejected.inc({ code });
    this.send(connection, { t: 'error', code, message });
    if (
      counts &&
      (code === 'BAD_MESSAGE' || code === 'FORBIDDEN') &&
      ++connection.badMessages > this.config.limits.maxBadMessages
    ) {
      const malformed = code === 'BAD_MESSAGE';
      this.refuse(connection, code, malformed ? 'Too many malformed messages.' : 'Too many refused messages.');
    }
  }

  /** Close the socket with the error's close code; the reason is short (close reasons max 123 bytes). */
  private refuse(connection: Connection, code: ErrorCode, message: string = ERROR_CODES[code].message): void {
    if (connection.closed) return;
    this.send(connection, { t: 'error', code, message });
    this.metrics.socketsClosed.inc({ code });
    const role = connection.auth.stage === 'authenticated' ? connection.auth.role : null;
    this.log.info({ sessionId: sessionOf(connection), role, code }, 'socket refused');
    const reason = Buffer.from(message).byteLength <= 123 ? message : code;
    try {
      connection.socket.close(closeCodeFor(code), reason);
    } catch {
      connection.socket.terminate();
    }
    this.forget(connection);
  }

  private forget(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    stopAuthTimer(connection);
    if (this.connections.delete(connection)) this.perIp.give(connection.ip);
    if (connection.counted) {
      const ip = connection.ip;
      this.background(
        connection.counted.then(() => this.bus.countConnections(ip, -1)),
        sessionOf(connection),
      );
    }
    if (connection.auth.stage === 'viewer') {
      this.metrics.socketsOpen.dec({ role: 'viewer' });
      this.viewers.forget(connection, connection.auth);
      return;
    }
    if (connection.auth.stage !== 'authenticated') return;
    const { role, sessionId, actor } = connection.auth;
    this.metrics.socketsOpen.dec({ role });
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

  private send(connection: Connection, message: ServerMessage): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    connection.socket.send(JSON.stringify(message));
  }
}
