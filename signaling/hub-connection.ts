/**
 * One signaling socket as the hub keeps it. Its authentication is a state
 * with a type: pending (a timer runs until hello) or authenticated (the role
 * and session the server derived from the token), so no code reads a role or
 * a session id that may not be there yet.
 */
import type { WebSocket } from 'ws';
import type { Role } from '../shared/protocol.js';
import type { ViewerInfo } from '../shared/viewer-protocol.js';
import type { AgentIdentity } from './agent-auth.js';
import type { AgentActor } from './agent-actor.js';
import type { PresenceKey } from './session-bus.js';

export type ConnectionAuth =
  | { stage: 'pending'; timer: NodeJS.Timeout | null }
  /** `actor`: who the audit names for an agent socket, fixed at authentication; null for the customer. */
  | { stage: 'authenticated'; role: Role; sessionId: string; actor: AgentActor | null }
  /** An invited viewer (viewer-room.ts): its place among the session's viewers, held under `slot`. */
  | { stage: 'viewer'; sessionId: string; viewer: ViewerInfo; slot: PresenceKey };

export type Authenticated = Extract<ConnectionAuth, { stage: 'authenticated' }>;
export type ViewerAuth = Extract<ConnectionAuth, { stage: 'viewer' }>;

export interface Connection {
  /** Names this socket as a presence holder (with the instance id). */
  id: string;
  socket: WebSocket;
  /** The client's address as per-address limits count it (request-limits.ts addressKey). */
  ip: string;
  /** The agent signed in to the console that opened this socket (cookie checked at the upgrade), or null. */
  agent: AgentIdentity | null;
  openedAt: number;
  auth: ConnectionAuth;
  lastMessageAt: number;
  awaitingPong: boolean;
  tokens: number;
  tokensAt: number;
  badMessages: number;
  closed: boolean;
  /** Messages of one socket are handled in order, each after the store answered for the one before. */
  queue: Promise<void>;
  /** This socket's place in the count of sockets per address over all instances (settled once counted). */
  counted: Promise<unknown> | null;
}

export function newConnection(
  id: string,
  socket: WebSocket,
  ip: string,
  agent: AgentIdentity | null,
  now: number,
  burst: number,
): Connection {
  return {
    id,
    socket,
    ip,
    agent,
    openedAt: now,
    auth: { stage: 'pending', timer: null },
    lastMessageAt: now,
    awaitingPong: false,
    tokens: burst,
    tokensAt: now,
    badMessages: 0,
    closed: false,
    queue: Promise.resolve(),
    counted: null,
  };
}

/** The session id for logs, when there is one. */
export function sessionOf(connection: Connection): string | null {
  return connection.auth.stage === 'pending' ? null : connection.auth.sessionId;
}

/** Stop the hello timer of a pending connection. */
export function stopAuthTimer(connection: Connection): void {
  if (connection.auth.stage === 'pending' && connection.auth.timer) clearTimeout(connection.auth.timer);
  if (connection.auth.stage === 'pending') connection.auth.timer = null;
}

/** Token bucket per socket: false when the socket sends faster than it may. */
export function takeRateToken(
  connection: Connection,
  now: number,
  limits: { ratePerSecond: number; rateBurst: number },
): boolean {
  connection.tokens = Math.min(
    limits.rateBurst,
    connection.tokens + ((now - connection.tokensAt) / 1000) * limits.ratePerSecond,
  );
  connection.tokensAt = now;
  if (connection.tokens < 1) return false;
  connection.tokens -= 1;
  return true;
}

/**
 * One heartbeat round: a socket silent past the idle timeout is closed, one
 * that did not answer the last ping is closed and terminated, every other is pinged.
 */
export function heartbeat(
  connections: Iterable<Connection>,
  now: number,
  idleTimeoutMs: number,
  refuse: (connection: Connection, code: 'IDLE_TIMEOUT' | 'HEARTBEAT_TIMEOUT') => void,
): void {
  for (const connection of connections) {
    if (connection.closed) continue;
    if (now - connection.lastMessageAt > idleTimeoutMs) {
      refuse(connection, 'IDLE_TIMEOUT');
      continue;
    }
    if (connection.awaitingPong) {
      refuse(connection, 'HEARTBEAT_TIMEOUT');
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
