/**
 * The hub's rules for invited viewers: a viewer authenticates with its invite,
 * takes one of the session's viewer places (MAX_VIEWERS, held through the bus
 * so the limit holds across instances), watches read-only over its own peer
 * connection with the customer, and may act only as its role and the lead
 * allow. Who watches and who leads is read from the audit (viewer-invites.ts)
 * once per session and instance, then kept as viewer events are appended
 * (viewer-roster.ts), and sent to everyone in the session on every change. A supervisor's whisper
 * goes to the lead's socket only: never to the customer's.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode } from '../shared/errors.js';
import { PROTOCOL_VERSION, type ClientMessage, type Role, type ServerMessage } from '../shared/protocol.js';
import { AGENT_SEAT, MAX_AGENTS, MAX_VIEWERS, type ParticipantId, type ViewerInfo } from '../shared/viewer-protocol.js';
import type { ServerConfig } from './config.js';
import { stopAuthTimer, type Connection, type ViewerAuth } from './hub-connection.js';
import type { BusNote, PresenceKey, SessionBus } from './session-bus.js';
import type { SessionLifecycle } from './sessions.js';
import type { SessionRecord } from './store.js';
import { welcomeIceServers } from './turn.js';
import { consentSinceWelcome } from './consent-catch-up.js';
import { REMOVED, checkViewerInvite, inviteViewer, viewerData, viewersMessage, type Roster } from './viewer-invites.js';
import { RosterBook } from './viewer-roster.js';
import type { ControlMarks } from './peer-events.js';

type ViewerMessage = Extract<
  ClientMessage,
  { t: 'viewer-signal' | 'invite-viewer' | 'remove-viewer' | 'hand-lead' | 'whisper' }
>;

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

/** Bus address of a viewer's socket. */
const viewerTarget = (viewerId: string): `viewer:${string}` => `viewer:${viewerId}`;

export function isViewerMessage(message: ClientMessage): message is ViewerMessage {
  return (
    message.t === 'viewer-signal' ||
    message.t === 'invite-viewer' ||
    message.t === 'remove-viewer' ||
    message.t === 'hand-lead' ||
    message.t === 'whisper'
  );
}

export class ViewerRoom {
  readonly #options: ViewerRoomOptions;
  /** Viewer sockets of this instance, by session, then viewer id. */
  readonly #local = new Map<string, Map<string, Connection>>();
  /** Sockets closed because the customer removed them: no 'viewer-left' after the 'viewer-removed'. */
  readonly #removed = new WeakSet<Connection>();
  readonly #rosters: RosterBook;
  #shuttingDown = false;

  constructor(options: ViewerRoomOptions) {
    this.#options = options;
    this.#rosters = new RosterBook(options);
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
  async authenticate(connection: Connection, token: string): Promise<void> {
    const { config, sessions, bus, now } = this.#options;
    const checked = checkViewerInvite(config.agentAuth.secret, token, now());
    if (!checked.ok) {
      const why = checked.reason === 'expired' ? 'has expired' : 'is not valid';
      this.#options.refuse(connection, 'UNAUTHORIZED', `This viewer invite ${why}. Ask the lead agent for a new one.`);
      return;
    }
    const { sessionId, viewerId } = checked;
    const session = await sessions.get(sessionId);
    if (connection.closed) return;
    if (!session || session.status === 'ended') {
      this.#options.refuse(connection, 'SESSION_ENDED', 'This co-browsing session has already ended.');
      return;
    }
    if (session.expiresAt <= now()) {
      this.#options.refuse(connection, 'SESSION_EXPIRED');
      return;
    }
    let roster = await this.#rosters.roster(sessionId);
    // Signed by us but not heard of: its 'viewer-invited' note may still be on its way from another instance.
    if (!roster.invites.has(viewerId)) roster = await this.#rosters.reload(sessionId);
    if (connection.closed) return;
    const invite = roster.invites.get(viewerId);
    const refusal = this.#inviteRefusal(connection, roster, viewerId);
    if (refusal || !invite) {
      this.#options.refuse(connection, refusal?.code ?? 'UNAUTHORIZED', refusal?.message);
      return;
    }
    const viewer: ViewerInfo = { id: invite.id, name: invite.name, kind: invite.kind };
    const ttl = session.expiresAt - now();
    if (!(await bus.claim(sessionId, viewerTarget(viewerId), connection.id, ttl))) {
      this.#options.refuse(connection, 'ROLE_TAKEN', 'This invite is open in another console. Close it there first.');
      return;
    }
    const slot = await this.#claimSlot(sessionId, connection.id, ttl);
    if (slot === null) {
      await bus.release(sessionId, viewerTarget(viewerId), connection.id);
      this.#options.refuse(
        connection,
        'VIEWERS_FULL',
        `${MAX_AGENTS} agents already watch this session, its limit. Ask one to leave, then try again.`,
      );
      return;
    }
    if (connection.closed) {
      await this.#release(sessionId, viewerId, slot, connection.id);
      return;
    }
    await bus.listen(sessionId);
    const customerPresent = await this.#options.connected(sessionId, 'customer');
    if (connection.closed) {
      await this.#release(sessionId, viewerId, slot, connection.id);
      return;
    }
    stopAuthTimer(connection);
    connection.auth = { stage: 'viewer', sessionId, viewer, slot };
    let local = this.#local.get(sessionId);
    if (!local) this.#local.set(sessionId, (local = new Map()));
    local.set(viewerId, connection);
    this.#options.send(connection, {
      t: 'welcome',
      v: PROTOCOL_VERSION,
      role: 'agent',
      sessionId,
      status: session.status,
      peerPresent: customerPresent,
      consented: session.status !== 'pending',
      ...(session.agentName ? { agentName: session.agentName } : {}),
      ...(session.agentBot ? { agentBot: true } : {}),
      iceServers: welcomeIceServers(config, `${sessionId}-${viewerId}`, now(), session),
      expiresAt: session.expiresAt,
      viewer,
    });
    const agent = connection.agent;
    await sessions.recordViewerEvent(sessionId, {
      type: 'viewer-joined',
      actor: 'agent',
      at: now(),
      data: { ...viewerData(viewer), ...(agent ? { agentId: agent.id, agentName: agent.name } : {}) },
    });
    this.#options.log.info({ sessionId, viewerKind: viewer.kind }, 'viewer joined');
    await this.#announce(sessionId);
    // Now in the roster: a consent handled since the session read reached it only if sent here (review s12 T1).
    const missed = await consentSinceWelcome(sessions, config, session, viewerId, now);
    for (const message of connection.closed ? [] : missed) this.#options.send(connection, message);
  }

  #inviteRefusal(
    connection: Connection,
    roster: Roster,
    viewerId: string,
  ): { code: ErrorCode; message: string } | null {
    const invite = roster.invites.get(viewerId);
    if (!invite) return { code: 'UNAUTHORIZED', message: 'This viewer invite is not valid.' };
    if (roster.removed.has(viewerId))
      return { code: 'VIEWER_REMOVED', message: 'The customer removed you from this session; this invite is void.' };
    if (invite.agentId !== null && !connection.agent)
      return { code: 'SIGNED_OUT', message: 'You are signed out. Sign in again to use this invite.' };
    if (invite.agentId !== null && connection.agent?.id !== invite.agentId)
      return { code: 'FORBIDDEN', message: 'This invite is for another agent.' };
    return null;
  }

  async #claimSlot(sessionId: string, holder: string, ttl: number): Promise<PresenceKey | null> {
    for (let k = 1; k <= MAX_VIEWERS; k += 1) {
      const slot: PresenceKey = `viewer-slot-${k}`;
      if (await this.#options.bus.claim(sessionId, slot, holder, ttl)) return slot;
    }
    return null;
  }

  async #release(sessionId: string, viewerId: string, slot: PresenceKey, holder: string): Promise<void> {
    await this.#options.bus.release(sessionId, viewerTarget(viewerId), holder);
    await this.#options.bus.release(sessionId, slot, holder);
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
    if ((await this.#rosters.roster(sessionId)).removed.has(viewer.id)) return this.#sendToViewer(connection, REMOVED);
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
        await this.#fromParticipant(connection, session, viewer.id, viewer, message);
        return;
    }
  }

  /** A viewer message from the customer's or the agent seat's socket (hub.ts routes it here). */
  async fromSeat(connection: Connection, role: Role, session: SessionRecord, message: ViewerMessage): Promise<void> {
    if (role === 'customer') {
      if (message.t === 'viewer-signal') {
        if (session.status === 'pending')
          return this.#options.reject(connection, 'FORBIDDEN', 'The customer has not consented yet.');
        this.#deliverToViewer(session.id, message.viewer, { t: 'signal', data: message.data });
        return;
      }
      if (message.t === 'remove-viewer') return this.#remove(connection, session, message.viewer);
      return this.#options.reject(connection, 'FORBIDDEN', `The customer may not send ${message.t}.`);
    }
    await this.#fromParticipant(connection, session, AGENT_SEAT, null, message);
  }

  /** Invite, hand the lead on or whisper: from the agent seat or a viewer. */
  async #fromParticipant(
    connection: Connection,
    session: SessionRecord,
    self: ParticipantId,
    viewer: ViewerInfo | null,
    message: ViewerMessage,
  ): Promise<void> {
    const { sessions, now, config } = this.#options;
    const forbid = (text: string) => this.#options.reject(connection, 'FORBIDDEN', text);
    const roster = await this.#rosters.roster(session.id);
    const name = (id: ParticipantId) =>
      id === AGENT_SEAT ? (session.agentName ?? 'agent') : (roster.present.get(id)?.name ?? id);
    switch (message.t) {
      case 'viewer-signal':
        return forbid('Only the customer connects to viewers.');
      case 'remove-viewer':
        return forbid('Only the customer can remove a viewer.');
      case 'invite-viewer': {
        if (roster.lead !== self) return forbid('Only the lead can invite.');
        const agent = connection.agent;
        const invited = await inviteViewer(
          sessions,
          { secret: config.agentAuth.secret, publicUrl: config.publicUrl, now: now() },
          session.id,
          { name: message.name, kind: message.kind },
          { actor: 'agent', data: { by: self, ...(agent ? { agentId: agent.id, agentName: agent.name } : {}) } },
        );
        if (!invited.ok) return this.#options.reject(connection, invited.code, invited.message);
        this.#options.send(connection, {
          t: 'viewer-invited',
          viewer: invited.viewer,
          link: invited.link,
          expiresAt: invited.expiresAt,
        });
        return;
      }
      case 'hand-lead': {
        if (roster.lead !== self) return forbid('Only the lead can hand the lead on.');
        if (message.to === self) return forbid('You already lead this session.');
        if (message.to !== AGENT_SEAT && !roster.present.has(message.to))
          return forbid('The lead goes only to someone watching now.');
        if (message.to === AGENT_SEAT && !(await this.#options.connected(session.id, 'agent')))
          return forbid('The session’s agent is not connected.');
        const recorded = await sessions.recordViewerEvent(session.id, {
          type: 'lead-handed',
          actor: 'agent',
          at: now(),
          data: { from: self, fromName: name(self), to: message.to, toName: name(message.to) },
        });
        if (!recorded) return this.#options.reject(connection, 'SESSION_ENDED');
        // The customer's page takes control back from the former lead; the server stops counting it at once.
        await this.#options.control.set(session, false);
        this.#options.log.info({ sessionId: session.id }, 'lead handed on');
        await this.#announce(session.id);
        return;
      }
      case 'whisper': {
        if (viewer?.kind !== 'supervisor') return forbid('Only a supervisor can whisper to the lead.');
        if (roster.lead === self) return forbid('You lead this session: there is nobody to whisper to.');
        const at = now();
        // Who whispered to whom and when, in the keyed chain; never the text (README, More than one viewer).
        const recorded = await sessions.recordViewerEvent(session.id, {
          type: 'whisper',
          actor: 'agent',
          at,
          data: { ...viewerData(viewer), to: roster.lead, toName: name(roster.lead) },
        });
        if (!recorded) return this.#options.reject(connection, 'SESSION_ENDED');
        const whisper: ServerMessage = { t: 'whisper', from: viewer, text: message.text, at };
        // To the lead's socket only; nothing of it goes towards the customer.
        if (roster.lead === AGENT_SEAT) this.#options.deliver(session.id, 'agent', whisper);
        else this.#deliverToViewer(session.id, roster.lead, whisper);
        return;
      }
    }
  }

  /** The customer removes a viewer: recorded, told why and disconnected; its invite stops working. */
  async #remove(connection: Connection, session: SessionRecord, viewerId: string): Promise<void> {
    const { sessions, now } = this.#options;
    const roster = await this.#rosters.roster(session.id);
    const viewer = roster.invites.get(viewerId);
    if (!viewer || roster.removed.has(viewerId))
      return this.#options.reject(connection, 'FORBIDDEN', 'There is no such viewer in this session.');
    const recorded = await sessions.recordViewerEvent(session.id, {
      type: 'viewer-removed',
      actor: 'customer',
      at: now(),
      data: viewerData({ id: viewer.id, name: viewer.name, kind: viewer.kind }),
    });
    if (!recorded) return this.#options.reject(connection, 'SESSION_ENDED');
    this.#options.log.info({ sessionId: session.id }, 'viewer removed by the customer');
    this.#deliverToViewer(session.id, viewerId, REMOVED);
    await this.#announce(session.id);
  }

  /**
   * Notes from other instances may have been lost (the bus subscription came back): rosters are read again, and
   * a viewer socket here whose removal (or session's end) this instance missed is closed, as the note would have.
   */
  async #resync(): Promise<void> {
    this.#rosters.clear();
    for (const [sessionId, local] of [...this.#local]) {
      const session = await this.#options.sessions.get(sessionId);
      if (session?.status === 'ended') {
        this.#closeSession(session);
        continue;
      }
      const roster = await this.#rosters.roster(sessionId);
      for (const [viewerId, connection] of local)
        if (roster.removed.has(viewerId) && !connection.closed) this.#sendToViewer(connection, REMOVED);
    }
  }

  /** Tell everyone in the session who watches and who leads. */
  async #announce(sessionId: string): Promise<void> {
    const roster = await this.#rosters.roster(sessionId);
    const message = viewersMessage(roster);
    this.#options.deliver(sessionId, 'customer', message);
    this.#options.deliver(sessionId, 'agent', message);
    for (const id of roster.present.keys()) this.#deliverToViewer(sessionId, id, message);
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
    if (!this.#local.has(sessionId) && !this.#options.bus.shared) return;
    const roster = await this.#rosters.roster(sessionId);
    for (const id of roster.present.keys()) this.#deliverToViewer(sessionId, id, messageFor(id));
  }

  #deliverToViewer(sessionId: string, viewerId: string, message: ServerMessage): void {
    const local = this.#local.get(sessionId)?.get(viewerId);
    if (local && !local.closed) {
      this.#sendToViewer(local, message);
      return;
    }
    this.#options.background(
      this.#options.bus.publish(sessionId, { kind: 'deliver', to: viewerTarget(viewerId), message }),
      sessionId,
    );
  }

  #sendToViewer(connection: Connection, message: ServerMessage): void {
    if (message.t === 'error' && message.code === 'VIEWER_REMOVED') {
      this.#removed.add(connection);
      this.#options.refuse(connection, 'VIEWER_REMOVED', message.message);
    } else this.#options.send(connection, message);
  }

  #onNote(sessionId: string, note: BusNote): void {
    if (note.kind === 'ended') this.#rosters.forget(sessionId);
    const local = this.#local.get(sessionId);
    if (!local) return;
    if (note.kind === 'deliver') {
      if (!note.to.startsWith('viewer:')) return;
      const connection = local.get(note.to.slice('viewer:'.length));
      if (connection && !connection.closed) this.#sendToViewer(connection, note.message);
      return;
    }
    if (note.kind !== 'ended') return;
    const closing = this.#options.sessions.get(sessionId).then((session) => session && this.#closeSession(session));
    this.#options.background(closing, sessionId);
  }

  #closeSession(session: SessionRecord): void {
    this.#rosters.forget(session.id);
    const local = this.#local.get(session.id);
    if (!local) return;
    this.#local.delete(session.id);
    for (const connection of local.values()) {
      if (!connection.closed) this.#options.endSocket(connection, session);
    }
  }

  /** A viewer's socket closed: its departure is recorded before its places are let go. */
  forget(connection: Connection, auth: ViewerAuth): void {
    const { sessionId, viewer, slot } = auth;
    const local = this.#local.get(sessionId);
    if (local?.get(viewer.id) === connection) local.delete(viewer.id);
    if (local?.size === 0) this.#local.delete(sessionId);
    const release = () => this.#release(sessionId, viewer.id, slot, connection.id);
    if (this.#shuttingDown || this.#removed.has(connection)) {
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
