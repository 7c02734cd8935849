/**
 * The signaling hub: takes each socket (origin, sockets per address, rate,
 * size, a parsed hello in time, heartbeat), hands it to the rules of what it
 * authenticated as (seat-room.ts for the customer and the agent, viewer-room.ts
 * for invited viewers), and closes it with its error's own close code. The
 * other side may be on another instance: live-sessions.ts routes to it.
 * Page content never passes through here: only SDP, ICE and control events.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import * as z from 'zod';
import { ERROR_CODES, closeCodeFor, type ErrorCode } from '../shared/errors.js';
import {
  PROTOCOL_VERSION,
  isCompatibleVersion,
  type ClientMessage,
  type EndReason,
  type EndedBy,
  type ServerMessage,
} from '../shared/protocol.js';
import type { ServerConfig } from './config.js';
import type { ServerMetrics } from './metrics.js';
import type { SessionLifecycle } from './sessions.js';
import { LiveSessions } from './live-sessions.js';
import type { SessionBus } from './session-bus.js';
import { answerOversizeWithOwnCode, originAllowed, parseClientFrame } from './socket-rules.js';
import { ViewerRoom } from './viewer-room.js';
import { SeatRoom } from './seat-room.js';
import { VIEWER_INVITE_PREFIX } from './viewer-invites.js';
import { AddressCounts, addressKey } from './request-limits.js';
import type { AgentIdentity } from './agent-auth.js';
import {
  heartbeat,
  newConnection,
  sessionOf,
  stopAuthTimer,
  takeRateToken,
  type Connection,
} from './hub-connection.js';
import { ControlMarks } from './peer-events.js';

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
  private readonly seats: SeatRoom;
  private readonly control: ControlMarks;
  private readonly heartbeat: NodeJS.Timeout;
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
    this.seats = new SeatRoom({
      ...shared,
      metrics: this.metrics,
      live: this.live,
      viewers: this.viewers,
      control: this.control,
      send: (connection, message) => this.send(connection, message),
      refuse: (connection, code, message) => this.refuse(connection, code, message),
      reject: (connection, code, message, counts) => this.reject(connection, code, message, counts),
      background: (work, sessionId) => this.background(work, sessionId),
    });
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
    this.seats.shutdown();
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
    else await this.seats.route(connection, connection.auth, message);
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
    await this.seats.authenticate(connection, hello);
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
    this.metrics.socketsOpen.dec({ role: connection.auth.role });
    this.seats.forget(connection, connection.auth);
  }

  private send(connection: Connection, message: ServerMessage): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    connection.socket.send(JSON.stringify(message));
  }
}
