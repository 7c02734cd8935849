/**
 * The viewer sockets of this instance, by session and viewer id, and how a
 * message reaches a viewer: straight to its socket when it is connected here,
 * otherwise over the bus to the instance that holds it. A viewer the customer
 * removed is closed with the reason, and remembered so that its socket's close
 * records no 'viewer-left' after the 'viewer-removed'.
 */
import type { ServerMessage } from '../shared/protocol.js';
import type { Connection } from './hub-connection.js';
import type { BusNote } from './session-bus.js';
import type { SessionRecord } from './store.js';
import type { ViewerRoomOptions } from './viewer-room.js';
import type { RosterBook } from './viewer-roster.js';

/** What the room's parts (admission, participant actions) work with: its options, rosters and sockets, and its announcement. */
export interface ViewerRoomParts {
  options: ViewerRoomOptions;
  rosters: RosterBook;
  sockets: ViewerSockets;
  /** Tell everyone in the session who watches and who leads. */
  announce(sessionId: string): Promise<void>;
}

/** Bus address of a viewer's socket. */
export const viewerTarget = (viewerId: string): `viewer:${string}` => `viewer:${viewerId}`;

export class ViewerSockets {
  readonly #options: Pick<ViewerRoomOptions, 'bus' | 'send' | 'refuse' | 'endSocket' | 'background'>;
  /** Viewer sockets of this instance, by session, then viewer id. */
  readonly #local = new Map<string, Map<string, Connection>>();
  /** Sockets closed because the customer removed them: no 'viewer-left' after the 'viewer-removed'. */
  readonly #removed = new WeakSet<Connection>();
  /** When each socket was admitted (wall clock, as a late note's `madeAt` on its publisher). */
  readonly #addedAt = new WeakMap<Connection, number>();

  constructor(options: Pick<ViewerRoomOptions, 'bus' | 'send' | 'refuse' | 'endSocket' | 'background'>) {
    this.#options = options;
  }

  /** A viewer admitted on this instance. */
  add(sessionId: string, viewerId: string, connection: Connection): void {
    let local = this.#local.get(sessionId);
    if (!local) this.#local.set(sessionId, (local = new Map()));
    local.set(viewerId, connection);
    this.#addedAt.set(connection, Date.now());
  }

  /** A viewer's socket closed (it is forgotten only if it is still the one held for that viewer). */
  delete(sessionId: string, viewerId: string, connection: Connection): void {
    const local = this.#local.get(sessionId);
    if (local?.get(viewerId) === connection) local.delete(viewerId);
    if (local?.size === 0) this.#local.delete(sessionId);
  }

  /** Whether this socket was closed because the customer removed its viewer. */
  removed(connection: Connection): boolean {
    return this.#removed.has(connection);
  }

  /** Whether any viewer of the session is connected here. */
  has(sessionId: string): boolean {
    return this.#local.has(sessionId);
  }

  /** The sessions with viewers here, and those viewers' sockets (a copy: closing may change it). */
  entries(): [string, Map<string, Connection>][] {
    return [...this.#local];
  }

  deliver(sessionId: string, viewerId: string, message: ServerMessage): void {
    const local = this.#local.get(sessionId)?.get(viewerId);
    if (local && !local.closed) {
      this.send(local, message);
      return;
    }
    this.#options.background(
      this.#options.bus.publish(sessionId, { kind: 'deliver', to: viewerTarget(viewerId), message }),
      sessionId,
    );
  }

  send(connection: Connection, message: ServerMessage): void {
    if (message.t === 'error' && message.code === 'VIEWER_REMOVED') {
      this.#removed.add(connection);
      this.#options.refuse(connection, 'VIEWER_REMOVED', message.message);
    } else this.#options.send(connection, message);
  }

  /** A message another instance addressed to a viewer socket, delivered if the socket is here. */
  onDeliver(sessionId: string, note: Extract<BusNote, { kind: 'deliver' }>): void {
    const local = this.#local.get(sessionId);
    if (!local) return;
    if (!note.to.startsWith('viewer:')) return;
    const connection = local.get(note.to.slice('viewer:'.length));
    if (!connection || connection.closed) return;
    // Kept through a Redis outage and made before this socket was admitted: for the viewer's previous socket, as
    // for a role's (live-sessions.ts, review O2).
    if (note.madeAt !== undefined && (this.#addedAt.get(connection) ?? 0) > note.madeAt) return;
    this.send(connection, note.message);
  }

  /** The session ended: its viewer sockets here are told and closed. */
  close(session: SessionRecord): void {
    const local = this.#local.get(session.id);
    if (!local) return;
    this.#local.delete(session.id);
    for (const connection of local.values()) {
      if (!connection.closed) this.#options.endSocket(connection, session);
    }
  }
}
