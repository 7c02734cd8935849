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
import { auditablePageUrl, auditableText } from '../shared/page-privacy.js';
import {
  AUDIT_KIND_ROLES,
  PROTOCOL_VERSION,
  clientMessage,
  isCompatibleVersion,
  type ClientMessage,
  type EndReason,
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
import { answerOversizeWithOwnCode, END_REASONS_BY_ROLE } from './socket-rules.js';
import { iceServersFor } from './turn.js';
import { checkJoinTicket, JOIN_TICKET_PREFIX, ticketBelongsTo, type AgentIdentity } from './agent-auth.js';

// The protocol schemas are zod/mini, which loads no locale so the customer's bundle stays
// small; the server explains invalid messages to clients in English.
z.config(z.locales.en());

interface Connection {
  /** Names this socket as a presence holder (with the instance id). */
  id: string;
  socket: WebSocket;
  ip: string;
  /** The agent signed in to the console that opened this socket (cookie checked at the upgrade), or null. */
  agent: AgentIdentity | null;
  openedAt: number;
  role: Role | null;
  sessionId: string | null;
  lastMessageAt: number;
  awaitingPong: boolean;
  tokens: number;
  tokensAt: number;
  badMessages: number;
  authTimer: NodeJS.Timeout | null;
  closed: boolean;
  /** Messages of one socket are handled in order, each after the store answered for the one before. */
  queue: Promise<void>;
  /** This socket's place in the count of sockets per address over all instances (settled once counted). */
  counted: Promise<unknown> | null;
}

export interface HubOptions {
  config: ServerConfig;
  /** Presence and routing between instances; LocalBus for one instance. */
  bus: SessionBus;
  sessions: SessionLifecycle;
  metrics: ServerMetrics;
  log: FastifyBaseLogger;
  now?: () => number;
}

/** Keep origin and masked path only: the audit record never holds query strings, fragments or numbers from the page. */
export function auditableUrl(raw: string): string | null {
  return auditablePageUrl(raw);
}

export class SignalingHub {
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();
  private readonly live: LiveSessions<Connection>;
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
    this.live = new LiveSessions<Connection>({
      config: this.config,
      bus: this.bus,
      sessions: this.sessions,
      log: this.log,
      now: this.now,
      send: (connection, message) => this.send(connection, message),
      refuseSocket: (connection, code) => this.refuse(connection, code),
      endSocket: (connection, by, reason) => {
        this.send(connection, { t: 'ended', by, reason });
        const expired = reason === 'expired';
        const message = expired ? ERROR_CODES.SESSION_EXPIRED.message : `Session ended (${reason}).`;
        this.refuse(connection, expired ? 'SESSION_EXPIRED' : 'SESSION_ENDED', message);
      },
    });
  }

  /** Number of authenticated sockets (for metrics and tests). */
  get socketCount(): number {
    return this.connections.size;
  }

  /** Take a freshly upgraded socket. */
  accept(socket: WebSocket, ip: string, origin: string | undefined, agent: AgentIdentity | null = null): void {
    const now = this.now();
    this.nextConnectionId += 1;
    const connection: Connection = {
      id: String(this.nextConnectionId),
      socket,
      ip,
      agent,
      openedAt: now,
      role: null,
      sessionId: null,
      lastMessageAt: now,
      awaitingPong: false,
      tokens: this.config.limits.rateBurst,
      tokensAt: now,
      badMessages: 0,
      authTimer: null,
      closed: false,
      queue: Promise.resolve(),
      counted: null,
    };
    socket.on('close', () => this.forget(connection));
    answerOversizeWithOwnCode(socket, () => this.oversizeMessage(connection));
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    if (!this.originAllowed(origin)) {
      this.refuse(connection, 'FORBIDDEN', 'This origin may not open a co-browsing socket.');
      return;
    }
    const fromIp = this.perIp.get(ip) ?? 0;
    if (fromIp >= this.config.limits.maxConnectionsPerIp) {
      this.refuse(connection, 'TOO_MANY_CONNECTIONS');
      return;
    }
    this.perIp.set(ip, fromIp + 1);
    this.connections.add(connection);
    // Across instances, the same limit holds over the sum (a client cannot spread its sockets).
    const counted = this.bus.countConnections(ip, 1).then((total) => {
      if (total !== null && total > this.config.limits.maxConnectionsPerIp)
        this.refuse(connection, 'TOO_MANY_CONNECTIONS');
    });
    connection.counted = counted.catch((err: unknown) =>
      this.log.warn({ err }, 'could not count connections in redis'),
    );
    connection.authTimer = setTimeout(() => this.refuse(connection, 'AUTH_TIMEOUT'), this.config.limits.authTimeoutMs);
    socket.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary));
    socket.on('pong', () => {
      connection.awaitingPong = false;
    });
  }

  /** The integrator's sites from ALLOWED_ORIGINS, and always our own origin (the agent console, the demo). */
  private originAllowed(origin: string | undefined): boolean {
    if (this.config.allowedOrigins.length === 0) return true;
    if (!origin) return false;
    if (this.config.allowedOrigins.includes(origin)) return true;
    try {
      return origin === new URL(this.config.publicUrl).origin;
    } catch {
      return false;
    }
  }

  /** Close every socket (server shutdown). */
  shutdown(): void {
    clearInterval(this.heartbeat);
    // A restart is not the peers leaving: they reconnect, so no 'disconnected' audit events.
    this.shuttingDown = true;
    for (const connection of [...this.connections]) this.refuse(connection, 'SERVER_SHUTTING_DOWN');
    this.live.shutdown();
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    if (connection.closed) return;
    connection.lastMessageAt = this.now();
    if (!this.takeRateToken(connection)) {
      this.refuse(connection, 'RATE_LIMITED');
      return;
    }
    const bytes = Array.isArray(data) ? data.reduce((sum, part) => sum + part.length, 0) : data.byteLength;
    if (bytes > this.config.limits.maxPayloadBytes) {
      this.oversizeMessage(connection);
      return;
    }
    if (isBinary) {
      this.reject(connection, 'BAD_MESSAGE', 'Signaling messages are JSON text frames.');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(
        Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'),
      );
    } catch {
      // An unauthenticated socket has nothing to keep it open for.
      if (connection.role === null) this.refuse(connection, 'BAD_MESSAGE', 'The message is not valid JSON.');
      else this.reject(connection, 'BAD_MESSAGE', 'The message is not valid JSON.');
      return;
    }
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      const text = `Invalid message${where}: ${issue?.message ?? 'unknown problem'}.`;
      // Before authentication there is nothing to keep the socket for: a client
      // with a malformed hello must learn it for good instead of waiting.
      if (connection.role === null) this.refuse(connection, 'BAD_MESSAGE', text);
      else this.reject(connection, 'BAD_MESSAGE', text);
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
        this.log.error({ err, sessionId: connection.sessionId }, 'message handling failed');
        this.reject(connection, 'INTERNAL');
      });
  }

  private async handle(connection: Connection, message: ClientMessage): Promise<void> {
    if (connection.role === null) {
      if (message.t !== 'hello') {
        this.refuse(connection, 'UNAUTHORIZED', 'Send hello with your token first.');
        return;
      }
      await this.authenticate(connection, message);
      return;
    }
    await this.route(connection, message);
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
    if (connection.authTimer) clearTimeout(connection.authTimer);
    connection.authTimer = null;
    connection.role = role;
    connection.sessionId = session.id;
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
      iceServers: iceServersFor(this.config, `${session.id}-${role}`, this.now()),
      expiresAt: session.expiresAt,
    });
    this.metrics.joinSeconds.observe((this.now() - connection.openedAt) / 1000);
    if (peerPresent) this.live.deliver(session.id, otherRole(role), { t: 'peer', role, present: true });
    this.log.info({ sessionId: session.id, role }, 'peer joined');
  }

  /**
   * A session opened from an agent's list: the ticket names the session and the
   * agent, and only that agent's signed-in console may use it. Undefined after
   * refusing (or for an unknown session).
   */
  private async fromJoinTicket(
    connection: Connection,
    ticket: string,
  ): Promise<{ session: SessionRecord; role: Role } | undefined> {
    const checked = checkJoinTicket(this.config.agentAuth.secret, ticket, this.now());
    if (!checked.ok) {
      this.refuse(
        connection,
        'UNAUTHORIZED',
        checked.reason === 'expired'
          ? 'This join link has expired. Open the session from your list again.'
          : 'This join link is not valid. Open the session from your list again.',
      );
      return undefined;
    }
    if (!connection.agent) {
      this.refuse(connection, 'SIGNED_OUT', 'You are signed out. Sign in again to join this session.');
      return undefined;
    }
    if (!ticketBelongsTo(checked, connection.agent)) {
      this.refuse(connection, 'FORBIDDEN', 'This join link belongs to another agent.');
      return undefined;
    }
    const session = await this.sessions.get(checked.sessionId);
    return session ? { session, role: 'agent' } : undefined;
  }

  private async route(connection: Connection, message: ClientMessage): Promise<void> {
    const role = connection.role as Role;
    const sessionId = connection.sessionId as string;
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
        await this.onPeerEvent(connection, session, message.event);
        return;
      case 'end': {
        const reason: EndReason = message.reason ?? (role === 'customer' ? 'customer-ended' : 'agent-ended');
        if (!END_REASONS_BY_ROLE[role].includes(reason)) {
          this.reject(connection, 'FORBIDDEN', `The ${role} may not end a session with reason "${reason}".`);
          return;
        }
        await this.sessions.end(sessionId, role, reason, role === 'agent' ? connection.agent : null);
        return;
      }
      case 'ping':
        return;
    }
  }

  private async onPeerEvent(connection: Connection, session: SessionRecord, event: PeerEvent): Promise<void> {
    const role = connection.role as Role;
    if (!AUDIT_KIND_ROLES[event.kind].includes(role)) {
      this.reject(connection, 'FORBIDDEN', `The ${role} may not report ${event.kind}.`);
      return;
    }
    if (event.kind === 'page-visited') {
      const url = auditableUrl(event.url);
      if (!url) {
        this.reject(connection, 'BAD_MESSAGE', 'page-visited needs an http(s) URL.');
        return;
      }
      event = event.title === undefined ? { ...event, url } : { ...event, url, title: auditableText(event.title) };
    } else if (event.kind === 'remote-action') {
      // Second line behind the customer's own masking: the audit never keeps a number from the page.
      event = { ...event, target: auditableText(event.target) };
    }
    const accepted = await this.sessions.recordPeerEvent(
      session.id,
      role,
      event,
      role === 'agent' ? connection.agent : null,
    );
    if (!accepted.ok) {
      this.reject(connection, accepted.code, accepted.message);
      return;
    }
    this.live.deliver(session.id, otherRole(role), { t: 'event', from: role, event });
  }

  private tick(): void {
    const now = this.now();
    for (const connection of this.connections) {
      if (connection.closed) continue;
      if (now - connection.lastMessageAt > this.config.limits.idleTimeoutMs) {
        this.refuse(connection, 'IDLE_TIMEOUT');
        continue;
      }
      if (connection.awaitingPong) {
        this.refuse(connection, 'HEARTBEAT_TIMEOUT');
        connection.socket.terminate();
        continue;
      }
      connection.awaitingPong = true;
      try {
        connection.socket.ping();
      } catch {
        // The socket is already going away; its close handler cleans up.
      }
    }
  }

  private takeRateToken(connection: Connection): boolean {
    const now = this.now();
    const { ratePerSecond, rateBurst } = this.config.limits;
    connection.tokens = Math.min(rateBurst, connection.tokens + ((now - connection.tokensAt) / 1000) * ratePerSecond);
    connection.tokensAt = now;
    if (connection.tokens < 1) return false;
    connection.tokens -= 1;
    return true;
  }

  private oversizeMessage(connection: Connection): void {
    this.refuse(
      connection,
      'MESSAGE_TOO_LARGE',
      `Messages are limited to ${this.config.limits.maxPayloadBytes} bytes.`,
    );
  }

  /** Refuse one message with an error and keep the socket, unless it keeps misbehaving. */
  private reject(connection: Connection, code: ErrorCode, message: string = ERROR_CODES[code].message): void {
    this.metrics.messagesRejected.inc({ code });
    this.send(connection, { t: 'error', code, message });
    if (code === 'BAD_MESSAGE' && ++connection.badMessages > this.config.limits.maxBadMessages) {
      this.refuse(connection, 'BAD_MESSAGE', 'Too many malformed messages.');
    }
  }

  /** Close the socket with the error's close code; the reason is short (close reasons max 123 bytes). */
  private refuse(connection: Connection, code: ErrorCode, message: string = ERROR_CODES[code].message): void {
    if (connection.closed) return;
    this.send(connection, { t: 'error', code, message });
    this.metrics.socketsClosed.inc({ code });
    this.log.info({ sessionId: connection.sessionId, role: connection.role, code }, 'socket refused');
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
    if (connection.authTimer) clearTimeout(connection.authTimer);
    if (this.connections.delete(connection)) {
      const count = (this.perIp.get(connection.ip) ?? 1) - 1;
      if (count <= 0) this.perIp.delete(connection.ip);
      else this.perIp.set(connection.ip, count);
    }
    if (connection.counted) {
      const ip = connection.ip;
      this.background(
        connection.counted.then(() => this.bus.countConnections(ip, -1)),
        connection.sessionId,
      );
    }
    if (!connection.role || !connection.sessionId) return;
    this.metrics.socketsOpen.dec({ role: connection.role });
    const sessionId = connection.sessionId;
    const role = connection.role;
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
    const agent = role === 'agent' ? connection.agent : null;
    const recorded = released.then(() => this.sessions.recordDisconnect(sessionId, role, agent));
    this.background(
      recorded.then(() => detached.away()),
      sessionId,
    );
    this.live.deliver(sessionId, otherRole(role), { t: 'peer', role, present: false });
    this.log.info({ sessionId: connection.sessionId, role: connection.role }, 'peer left');
  }

  private send(connection: Connection, message: ServerMessage): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    connection.socket.send(JSON.stringify(message));
  }
}
