/**
 * The sessions this instance serves right now: which of its sockets holds
 * each role, routing to the other side wherever it is (here, or another
 * instance through the bus), and the two timers that end a session without a
 * message: its expiry, and a consented customer who does not come back.
 * Both timers end a session once across instances.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { EndReason, EndedBy, Role, ServerMessage } from '../shared/protocol.js';
import { ERROR_CODES } from '../shared/errors.js';
import type { ServerConfig } from './config.js';
import type { BusNote, SessionBus } from './session-bus.js';
import type { SessionLifecycle } from './sessions.js';
import type { SessionRecord } from './store.js';
import { iceServersFor } from './turn.js';

/** What a socket must offer to be held in a live session. */
export interface HeldSocket {
  closed: boolean;
}

interface LiveSession<C> {
  customer: C | null;
  agent: C | null;
  /** The session's agent token when the agent seat's holder was admitted: a hand-over replaces it. */
  agentTokenHash: string;
  /** When each role's holder took it (wall clock, as a late note's `madeAt` on its publisher). */
  attachedAt: Record<Role, number>;
  /** What the holder of each role was last told about the other side. */
  toldPeerPresent: Record<Role, boolean>;
  /** The agent token the customer's holder knows the agent by ('told' once it heard of a hand-over). */
  customerKnowsAgent: string;
  /** Whether the agent's holder knows the customer consented (its welcome, or the consent event since). */
  agentKnowsConsent: boolean;
  expiryTimer: NodeJS.Timeout;
  /** Runs while a consented customer is away (navigating, or gone for good). */
  customerGoneTimer: NodeJS.Timeout | null;
}

export interface LiveSessionsOptions<C> {
  config: ServerConfig;
  bus: SessionBus;
  sessions: SessionLifecycle;
  log: FastifyBaseLogger;
  now: () => number;
  send(socket: C, message: ServerMessage): void;
  /** Tell a socket of this instance that its session ended, and close it. */
  endSocket(socket: C, by: EndedBy, reason: EndReason): void;
  /** Close a socket of this instance with a refusal (the bot's, once a person took over). */
  refuseSocket(socket: C, code: 'HANDED_OVER'): void;
}

export function otherRole(role: Role): Role {
  return role === 'customer' ? 'agent' : 'customer';
}

export class LiveSessions<C extends HeldSocket> {
  readonly #live = new Map<string, LiveSession<C>>();
  readonly #options: LiveSessionsOptions<C>;
  readonly #peerWatch: NodeJS.Timeout | null = null;

  constructor(options: LiveSessionsOptions<C>) {
    this.#options = options;
    if (options.bus.shared) {
      // A peer whose instance died sends no goodbye: notice its presence lapsing instead.
      this.#peerWatch = setInterval(
        () => this.background(this.#watchPeers(), null),
        Math.max(250, options.config.presenceTtlMs),
      );
      this.#peerWatch.unref();
    }
    options.sessions.onEnded((session) => {
      const by: EndedBy = session.endedBy ?? 'system';
      const reason: EndReason = session.endReason ?? 'error';
      this.close(session.id, by, reason);
      this.background(options.bus.publish(session.id, { kind: 'ended', by, reason }), session.id);
    });
    options.sessions.onHandedOver((session) => {
      // The bot's socket closes wherever it is (its token no longer opens one); the customer learns who took over.
      this.deliver(session.id, 'agent', { t: 'error', code: 'HANDED_OVER', message: ERROR_CODES.HANDED_OVER.message });
      this.deliver(session.id, 'customer', { t: 'agent', agentName: session.agentName ?? '', agentBot: false });
    });
    options.bus.onNote((sessionId, note) => this.#onNote(sessionId, note));
    options.bus.onResubscribed(() => this.background(this.#resync(), null));
  }

  /**
   * Whether `socket` holds the agent seat for an agent the session no longer has: a person took over from the
   * bot, and the note that closes the bot's socket (HANDED_OVER) never reached this instance.
   */
  replacedAgent(session: SessionRecord, socket: C): boolean {
    const live = this.#live.get(session.id);
    return live?.agent === socket && live.agentTokenHash !== session.agentTokenHash;
  }

  /**
   * Notes from other instances may have been lost (the bus subscription came back): each session served here
   * is read from the store again. Ended: its sockets close. Handed over: the replaced agent's socket closes, and
   * a customer here not told yet learns who took over. Consented: an agent here not told yet gets its relay
   * credential and the consent (review s14 R2; a publisher's own lost notes are replayed: bus-outbox.ts).
   */
  async #resync(): Promise<void> {
    for (const [sessionId, live] of [...this.#live]) {
      const session = await this.#options.sessions.get(sessionId);
      if (!session) continue;
      if (session.status === 'ended') {
        this.close(sessionId, session.endedBy ?? 'system', session.endReason ?? 'error');
        continue;
      }
      const agent = this.holder(sessionId, 'agent');
      if (agent && this.replacedAgent(session, agent)) this.#options.refuseSocket(agent, 'HANDED_OVER');
      const customer = this.holder(sessionId, 'customer');
      if (customer && live.customerKnowsAgent !== 'told' && live.customerKnowsAgent !== session.agentTokenHash) {
        const named = await this.#options.sessions.keyedAgent(session);
        this.#sendTo(sessionId, 'customer', customer, {
          t: 'agent',
          agentName: named.agentName ?? '',
          agentBot: named.agentBot === true,
        });
      }
      if (
        agent &&
        this.holder(sessionId, 'agent') === agent &&
        !live.agentKnowsConsent &&
        session.status !== 'pending'
      ) {
        const { config, now } = this.#options;
        const label = `${sessionId}-agent`;
        this.#sendTo(sessionId, 'agent', agent, {
          t: 'ice-servers',
          iceServers: iceServersFor(config, label, now(), session.expiresAt),
        });
        this.#sendTo(sessionId, 'agent', agent, { t: 'event', from: 'customer', event: { kind: 'consent-granted' } });
      }
    }
  }

  /** Work nobody waits for (timers, closing sockets): failures are logged here. */
  background(work: Promise<unknown>, sessionId: string | null): void {
    work.catch((err: unknown) => this.#options.log.error({ err, sessionId }, 'background session work failed'));
  }

  /** The socket of this instance holding `role`, if any. */
  holder(sessionId: string, role: Role): C | null {
    const socket = this.#live.get(sessionId)?.[role] ?? null;
    return socket && !socket.closed ? socket : null;
  }

  /** Whether `role` is connected anywhere. */
  async connected(sessionId: string, role: Role): Promise<boolean> {
    return this.holder(sessionId, role) !== null || this.#options.bus.present(sessionId, role);
  }

  /** Send to the socket holding `role`, here or on another instance. */
  deliver(sessionId: string, role: Role, message: ServerMessage): void {
    const local = this.holder(sessionId, role);
    if (local) {
      this.#sendTo(sessionId, role, local, message);
      return;
    }
    this.background(this.#options.bus.publish(sessionId, { kind: 'deliver', to: role, message }), sessionId);
  }

  /** Hold `socket` as `role` (its presence already claimed, its welcome saying whether the peer is there). */
  attach(session: SessionRecord, role: Role, socket: C, peerPresent: boolean): void {
    const live = this.#liveSession(session);
    live[role] = socket;
    live.attachedAt[role] = Date.now();
    if (role === 'agent') {
      live.agentTokenHash = session.agentTokenHash;
      live.agentKnowsConsent = session.status !== 'pending';
    } else live.customerKnowsAgent = session.agentTokenHash;
    live.toldPeerPresent[role] = peerPresent;
    if (role === 'customer' && live.customerGoneTimer) {
      clearTimeout(live.customerGoneTimer);
      live.customerGoneTimer = null;
    }
  }

  /**
   * Let go of `socket`; true if it was the holder. For a customer, `away`
   * starts the "gone" timer once the caller recorded the departure.
   */
  detach(sessionId: string, role: Role, socket: C): { away: () => Promise<void> } | null {
    const live = this.#live.get(sessionId);
    if (!live || live[role] !== socket) return null;
    live[role] = null;
    return { away: () => (role === 'customer' ? this.#startCustomerGoneTimer(sessionId, live) : Promise.resolve()) };
  }

  /** Tell both sides (those on this instance) the session ended and close their sockets. */
  close(sessionId: string, by: EndedBy, reason: EndReason): void {
    const live = this.#live.get(sessionId);
    if (!live) return;
    this.#clearTimers(live);
    this.#live.delete(sessionId);
    this.background(this.#options.bus.unlisten(sessionId), sessionId);
    for (const socket of [live.customer, live.agent]) {
      if (socket && !socket.closed) this.#options.endSocket(socket, by, reason);
    }
  }

  /** Server shutdown: timers stop here; another instance (or this one, restarted) takes over. */
  shutdown(): void {
    if (this.#peerWatch) clearInterval(this.#peerWatch);
    for (const live of this.#live.values()) this.#clearTimers(live);
    this.#live.clear();
  }

  #clearTimers(live: LiveSession<C>): void {
    clearTimeout(live.expiryTimer);
    if (live.customerGoneTimer) clearTimeout(live.customerGoneTimer);
  }

  /** A note from another instance about a session this one serves. */
  #onNote(sessionId: string, note: BusNote): void {
    if (note.kind === 'ended') {
      this.close(sessionId, note.by, note.reason);
      return;
    }
    // Notes for invited viewers, and who watches, are viewer-room.ts's.
    if (note.kind !== 'deliver' || (note.to !== 'customer' && note.to !== 'agent')) return;
    const target = this.holder(sessionId, note.to);
    if (!target) return;
    // Kept through a Redis outage (bus-outbox.ts) and made before this holder took the role: it was for the one
    // before (its WebRTC signals, 'agent left'), not for this one, whose welcome read the store since (review O2).
    // Two instances' clocks are compared: a holder that took the role within their skew of the note may be wrong.
    const live = this.#live.get(sessionId);
    if (note.madeAt !== undefined && live && live.attachedAt[note.to] > note.madeAt) {
      this.#options.log.info({ sessionId, role: note.to, t: note.message.t }, 'late bus note for an earlier socket');
      return;
    }
    if (note.to === 'agent' && note.message.t === 'error' && note.message.code === 'HANDED_OVER') {
      // A note kept through a Redis outage (bus-outbox.ts) can arrive after the person who took over was seated
      // here: it closes the agent seat's holder only if that is the agent the session replaced (review s14b O1).
      this.background(this.#closeIfReplaced(sessionId, target), sessionId);
      return;
    }
    this.#sendTo(sessionId, note.to, target, note.message);
  }

  async #closeIfReplaced(sessionId: string, socket: C): Promise<void> {
    const session = await this.#options.sessions.get(sessionId);
    if (session && this.replacedAgent(session, socket)) this.#options.refuseSocket(socket, 'HANDED_OVER');
  }

  /** Send, remembering what a holder was told about its peer. */
  #sendTo(sessionId: string, role: Role, socket: C, message: ServerMessage): void {
    const live = this.#live.get(sessionId);
    if (live && message.t === 'peer') live.toldPeerPresent[role] = message.present;
    if (live && message.t === 'agent' && role === 'customer') live.customerKnowsAgent = 'told';
    if (live && message.t === 'event' && message.event.kind === 'consent-granted' && role === 'agent') {
      live.agentKnowsConsent = true;
    }
    if (message.t === 'error' && message.code === 'HANDED_OVER') this.#options.refuseSocket(socket, 'HANDED_OVER');
    else this.#options.send(socket, message);
  }

  /** Tell holders whose peer was on another instance that died (its presence lapsed). */
  async #watchPeers(): Promise<void> {
    for (const [sessionId, live] of [...this.#live]) {
      for (const role of ['customer', 'agent'] as const) {
        const socket = this.holder(sessionId, role);
        const peer = otherRole(role);
        if (!socket || !live.toldPeerPresent[role] || this.holder(sessionId, peer)) continue;
        if (await this.#options.bus.present(sessionId, peer)) continue;
        // Still the holder, still not told otherwise while the bus answered.
        if (this.holder(sessionId, role) === socket && live.toldPeerPresent[role]) {
          this.#sendTo(sessionId, role, socket, { t: 'peer', role: peer, present: false });
        }
      }
    }
  }

  #liveSession(session: SessionRecord): LiveSession<C> {
    let live = this.#live.get(session.id);
    if (!live) {
      const { bus, sessions, now } = this.#options;
      const delay = Math.max(0, session.expiresAt - now());
      // Every instance serving the session has this timer; one of them ends it. Each then closes its own
      // sockets from the store, so an end whose note this instance never heard (or that Redis could not
      // arbitrate) still closes them here.
      const expire = async () => {
        try {
          if (await bus.once(`expire:${session.id}`, 60_000)) await sessions.end(session.id, 'system', 'expired');
        } finally {
          const stored = await sessions.get(session.id);
          if (!stored || stored.status === 'ended') {
            this.close(session.id, stored?.endedBy ?? 'system', stored?.endReason ?? 'expired');
          }
        }
      };
      const expiryTimer = setTimeout(() => this.background(expire(), session.id), Math.min(delay, 2 ** 31 - 1));
      expiryTimer.unref();
      live = {
        customer: null,
        agent: null,
        agentTokenHash: session.agentTokenHash,
        attachedAt: { customer: 0, agent: 0 },
        toldPeerPresent: { customer: false, agent: false },
        customerKnowsAgent: session.agentTokenHash,
        agentKnowsConsent: session.status !== 'pending',
        expiryTimer,
        customerGoneTimer: null,
      };
      this.#live.set(session.id, live);
    }
    return live;
  }

  /**
   * A page change closes the customer's socket for a moment; the next page
   * reconnects. A customer who does not come back left the site or closed the
   * tab, and the session ends rather than waiting for its TTL.
   */
  async #startCustomerGoneTimer(sessionId: string, live: LiveSession<C>): Promise<void> {
    const { bus, sessions, config } = this.#options;
    const session = await sessions.get(sessionId);
    if (!session || session.status === 'pending' || session.status === 'ended') return;
    // The customer may be back already, or the session closed, while the store answered.
    if (live.customer || this.#live.get(sessionId) !== live) return;
    // Instances share the latest departure: only the timer of the latest one may end the
    // session, so a customer who left A, came back on B and left B again gets a full grace.
    const departure = `${bus.instanceId}/${randomBytes(6).toString('hex')}`;
    const markKey = `customer-gone:${sessionId}`;
    await bus.setMark(markKey, departure, config.limits.customerGraceMs * 2);
    if (live.customerGoneTimer) clearTimeout(live.customerGoneTimer);
    live.customerGoneTimer = setTimeout(() => {
      live.customerGoneTimer = null;
      if (live.customer) return;
      const endIfStillGone = async () => {
        if ((await bus.getMark(markKey)) !== departure) return;
        if (await bus.present(sessionId, 'customer')) return;
        await sessions.end(sessionId, 'system', 'left-site');
      };
      this.background(endIfStillGone(), sessionId);
    }, config.limits.customerGraceMs);
    live.customerGoneTimer.unref();
  }
}
