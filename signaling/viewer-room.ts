/**
 * The hub's rules for invited viewers: a viewer authenticates with its invite
 * and takes one of the session's viewer places (viewer-admission.ts), watches
 * read-only over its own peer connection with the customer, and may act only
 * as its role and the lead allow (here, and viewer-actions.ts for inviting,
 * handing the lead on, whispering and the customer's removal). Who watches and
 * who leads is read from the audit (viewer-invites.ts) once per session and
 * instance, then kept as viewer events are appended (viewer-roster.ts), and
 * sent to everyone in the session on every change; messages reach a viewer's
 * socket here or over the bus (viewer-sockets.ts). A supervisor's whisper goes
 * to the lead's socket only: never to the customer's.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode } from '../shared/errors.js';
import type { ClientMessage, Role, ServerMessage } from '../shared/protocol.js';
import { AGENT_SEAT, type ParticipantId } from '../shared/viewer-protocol.js';
import type { ServerConfig } from './config.js';
import type { Connection, ViewerAuth } from './hub-connection.js';
import type { BusNote, SessionBus } from './session-bus.js';
import type { SessionLifecycle } from './sessions.js';
import type { SessionRecord } from './store.js';
import { REMOVED, viewerData, viewersMessage } from './viewer-invites.js';
import { RosterBook } from './viewer-roster.js';
import type { ControlMarks } from './peer-events.js';
import { admitViewer, releaseViewerPlaces } from './viewer-admission.js';
import { participantAction, removeViewer, type ViewerMessage } from './viewer-actions.js';
import { ViewerSockets, type ViewerRoomParts } from './viewer-sockets.js';

export { isViewerMessage } from './viewer-actions.js';

export interface ViewerRoomOptions {
  config: ServerConfig;
  bus: SessionBus;
  sessions: SessionLifecycle;
  log: FastifyBaseLogger;
  now: () => number;
  send(connection: Connection, message: ServerMessage): void;
  refuse(connection: Connection, code: ErrorCode, message?: string): void;
  reject(connection: Connection, code: ErrorCode, message?: string): void;
  /** Tell a socket its session ended and close it. */
  endSocket(connection: Connection, session: SessionRecord): void;
  /** Send to the customer or the agent seat, wherever it is connected. */
  deliver(sessionId: string, role: Role, message: ServerMessage): void;
  connected(sessionId: string, role: Role): Promise<boolean>;
  background(work: Promise<unknown>, sessionId: string | null): void;
  /** Whether control is granted now: taken back when the lead changes or the lead gives it back. */
  control: ControlMarks;
}

export class ViewerRoom {
  readonly #options: ViewerRoomOptions;
  readonly #sockets: ViewerSockets;
  readonly #rosters: RosterBook;
  readonly #parts: ViewerRoomParts;
  #shuttingDown = false;

  constructor(options: ViewerRoomOptions) {
    this.#options = options;
    this.#sockets = new ViewerSockets(options);
    this.#rosters = new RosterBook(options);
    this.#parts = {
      options,
      rosters: this.#rosters,
      sockets: this.#sockets,
      announce: (sessionId) => this.#announce(sessionId),
    };
    options.sessions.onEnded((session) => this.#closeSession(session));
    options.bus.onNote((sessionId, note) => this.#onNote(sessionId, note));
    options.bus.onResubscribed(() => options.background(this.#resync(), null));
  }

  shutdown(): void {
    this.#shuttingDown = true;
  }

  /** Sessions whose roster is kept (for tests). */
  get rosterSessions(): number {
    return this.#rosters.size;
  }

  /** Who leads the session now ('agent' until handed on). */
  async leadOf(sessionId: string): Promise<ParticipantId> {
    return (await this.#rosters.roster(sessionId)).lead;
  }

  /** Whether this viewer watches now. */
  async watching(sessionId: string, viewerId: string): Promise<boolean> {
    return (await this.#rosters.roster(sessionId)).present.has(viewerId);
  }

  /** A socket whose hello carries a viewer invite. */
  authenticate(connection: Connection, token: string): Promise<void> {
    return admitViewer(this.#parts, connection, token);
  }

  /** A message from a viewer's socket: only what a viewer (or, as lead, the lead) may do. */
  async route(connection: Connection, auth: ViewerAuth, message: ClientMessage): Promise<void> {
    const { sessions } = this.#options;
    const { sessionId, viewer } = auth;
    const session = await sessions.get(sessionId);
    if (connection.closed) return;
    if (!session || session.status === 'ended') {
      this.#options.refuse(connection, 'SESSION_ENDED');
      return;
    }
    // Removed by the customer (its socket kept only if this instance missed the note): out now, before acting.
    if ((await this.#rosters.roster(sessionId)).removed.has(viewer.id)) return this.#sockets.send(connection, REMOVED);
    const forbid = (text: string) => this.#options.reject(connection, 'FORBIDDEN', text);
    switch (message.t) {
      case 'hello':
        this.#options.reject(connection, 'BAD_MESSAGE', 'Already authenticated.');
        return;
      case 'ping':
        return;
      case 'signal':
        if (session.status === 'pending') return forbid('The customer has not consented yet.');
        if (!(await this.#options.connected(sessionId, 'customer')))
          return this.#options.reject(connection, 'PEER_ABSENT');
        this.#options.deliver(sessionId, 'customer', { t: 'viewer-signal', viewer: viewer.id, data: message.data });
        return;
      case 'event': {
        const kind = message.event.kind;
        // Its own connection is audited as 'viewer-joined'; control is the lead's to ask for.
        if (kind === 'connected') return;
        if (kind !== 'control-requested' && kind !== 'control-revoked')
          return forbid(`A viewer may not report ${kind}.`);
        if (session.status === 'pending') return forbid('The customer has not consented yet.');
        if ((await this.leadOf(sessionId)) !== viewer.id) return forbid('Only the lead asks for control.');
        const outcome = await sessions.recordPeerEvent(sessionId, 'agent', message.event, {
          kind: 'person',
          id: connection.agent?.id ?? viewer.id,
          name: viewer.name,
        });
        if (!outcome.ok) return this.#options.reject(connection, outcome.code, outcome.message);
        if (kind === 'control-revoked') await this.#options.control.set(session, false);
        this.#options.deliver(sessionId, 'customer', { t: 'event', from: 'agent', event: message.event });
        return;
      }
      case 'end':
        return forbid('A viewer cannot end the session: close the console to leave.');
      case 'viewer-signal':
      case 'invite-viewer':
      case 'remove-viewer':
      case 'hand-lead':
      case 'whisper':
        await participantAction(this.#parts, connection, session, viewer.id, viewer, message);
        return;
    }
  }

  /** A viewer message from the customer's or the agent seat's socket (hub.ts routes it here). */
  async fromSeat(connection: Connection, role: Role, session: SessionRecord, message: ViewerMessage): Promise<void> {
    if (role === 'customer') {
      if (message.t === 'viewer-signal') {
        if (session.status === 'pending')
          return this.#options.reject(connection, 'FORBIDDEN', 'The customer has not consented yet.');
        this.#sockets.deliver(session.id, message.viewer, { t: 'signal', data: message.data });
        return;
      }
      if (message.t === 'remove-viewer') return removeViewer(this.#parts, connection, session, message.viewer);
      return this.#options.reject(connection, 'FORBIDDEN', `The customer may not send ${message.t}.`);
    }
    await participantAction(this.#parts, connection, session, AGENT_SEAT, null, message);
  }

  /**
   * Notes from other instances may have been lost (the bus subscription came back): rosters are read again, and
   * a viewer socket here whose removal (or session's end) this instance missed is closed, as the note would have.
   */
  async #resync(): Promise<void> {
    this.#rosters.clear();
    for (const [sessionId, local] of this.#sockets.entries()) {
      const session = await this.#options.sessions.get(sessionId);
      if (session?.status === 'ended') {
        this.#closeSession(session);
        continue;
      }
      const roster = await this.#rosters.roster(sessionId);
      for (const [viewerId, connection] of local)
        if (roster.removed.has(viewerId) && !connection.closed) this.#sockets.send(connection, REMOVED);
    }
  }

  /** Tell everyone in the session who watches and who leads. */
  async #announce(sessionId: string): Promise<void> {
    const roster = await this.#rosters.roster(sessionId);
    const message = viewersMessage(roster);
    this.#options.deliver(sessionId, 'customer', message);
    this.#options.deliver(sessionId, 'agent', message);
    for (const id of roster.present.keys()) this.#sockets.deliver(sessionId, id, message);
  }

  /** A customer or agent seat socket joined: tell it who watches, if anyone was ever invited. */
  async greet(connection: Connection, sessionId: string): Promise<void> {
    const roster = await this.#rosters.roster(sessionId);
    if (roster.invites.size === 0 || connection.closed) return;
    this.#options.send(connection, viewersMessage(roster));
  }

  /** A message for every viewer watching now (the customer's events: pages visited, paused, resumed). */
  async toViewers(sessionId: string, message: ServerMessage): Promise<void> {
    await this.toEachViewer(sessionId, () => message);
  }

  /** A message of its own for every viewer watching now (its relay credential once the customer consented). */
  async toEachViewer(sessionId: string, messageFor: (viewerId: string) => ServerMessage): Promise<void> {
    if (!this.#sockets.has(sessionId) && !this.#options.bus.shared) return;
    const roster = await this.#rosters.roster(sessionId);
    for (const id of roster.present.keys()) this.#sockets.deliver(sessionId, id, messageFor(id));
  }

  #onNote(sessionId: string, note: BusNote): void {
    if (note.kind === 'ended') this.#rosters.forget(sessionId);
    if (!this.#sockets.has(sessionId)) return;
    if (note.kind === 'deliver') {
      this.#sockets.onDeliver(sessionId, note);
      return;
    }
    if (note.kind !== 'ended') return;
    const closing = this.#options.sessions.get(sessionId).then((session) => session && this.#closeSession(session));
    this.#options.background(closing, sessionId);
  }

  #closeSession(session: SessionRecord): void {
    this.#rosters.forget(session.id);
    this.#sockets.close(session);
  }

  /** A viewer's socket closed: its departure is recorded before its places are let go. */
  forget(connection: Connection, auth: ViewerAuth): void {
    const { sessionId, viewer, slot } = auth;
    this.#sockets.delete(sessionId, viewer.id, connection);
    const release = () => releaseViewerPlaces(this.#options, sessionId, viewer.id, slot, connection.id);
    if (this.#shuttingDown || this.#sockets.removed(connection)) {
      this.#options.background(release(), sessionId);
      return;
    }
    const left = async () => {
      const recorded = await this.#options.sessions.recordViewerEvent(sessionId, {
        type: 'viewer-left',
        actor: 'agent',
        at: this.#options.now(),
        data: viewerData(viewer),
      });
      await release();
      if (recorded) await this.#announce(sessionId);
    };
    this.#options.background(left(), sessionId);
    this.#options.log.info({ sessionId }, 'viewer left');
  }
}
