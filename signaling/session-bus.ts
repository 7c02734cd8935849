/**
 * What instances share about live sessions: who holds each role (presence),
 * notes for the sockets of a session wherever they are (signals, control
 * events, presence changes, the end), marks for timers, and "only one
 * instance does this". One instance: everything in this process (LocalBus).
 * Several instances: Redis (redis-bus.ts).
 */
import * as z from 'zod';
import { ROSTER_EVENT_TYPES } from './viewer-invites.js';
import { endReason, endedBy, role as roleSchema, serverMessage, type Role } from '../shared/protocol.js';

/** What presence is held for: a role, an invited viewer, or one of the session's viewer places (viewer-room.ts). */
export type PresenceKey = Role | `viewer:${string}` | `viewer-slot-${number}`;

/** Where a note goes: the socket holding a role, or an invited viewer's. */
const noteTarget = z.union([roleSchema, z.templateLiteral(['viewer:', z.string().regex(/^v[A-Za-z0-9_-]{8,32}$/)])]);

/** Notes arrive from other processes through Redis: parsed like any input. */
export const busNote = z.discriminatedUnion('kind', [
  /**
   * A message for the socket holding `to` in the session, on whichever instance. `madeAt` (the publisher's clock)
   * only on a note published late (bus-outbox.ts): a socket that took the role after it is not the one it was for.
   */
  z.strictObject({
    kind: z.literal('deliver'),
    to: noteTarget,
    message: serverMessage,
    madeAt: z.number().optional(),
  }),
  /** The session ended: every instance closes its sockets of it. */
  z.strictObject({ kind: z.literal('ended'), by: endedBy, reason: endReason }),
  /**
   * A viewer event was appended to the audit (invited, joined, left, removed,
   * lead handed on): every instance serving the session folds it into the
   * roster it keeps (viewer-room.ts), in audit order by `seq`.
   */
  z.strictObject({
    kind: z.literal('viewer-event'),
    seq: z.number().int().positive(),
    type: z.enum(ROSTER_EVENT_TYPES),
    data: z.record(z.string().max(64), z.union([z.string().max(4096), z.number(), z.boolean(), z.null()])),
  }),
]);
export type BusNote = z.infer<typeof busNote>;

export interface SessionBus {
  readonly instanceId: string;
  /** Whether other instances share these sessions (so a peer can vanish with its instance). */
  readonly shared: boolean;
  /** Hold `role` for `holder`; false while a connection on a live instance holds it. */
  claim(sessionId: string, role: PresenceKey, holder: string, ttlMs: number): Promise<boolean>;
  /** Let go of the role if `holder` still holds it. */
  release(sessionId: string, role: PresenceKey, holder: string): Promise<void>;
  /** Whether a connection on a live instance holds the role. */
  present(sessionId: string, role: PresenceKey): Promise<boolean>;
  /** Receive the notes of a session (through onNote). */
  listen(sessionId: string): Promise<void>;
  unlisten(sessionId: string): Promise<void>;
  publish(sessionId: string, note: BusNote): Promise<void>;
  onNote(handler: (sessionId: string, note: BusNote) => void): void;
  /**
   * The subscription came back after a break (notes are at-most-once: those published meanwhile are lost).
   * Called once it listens again, so a read of the store from then on misses nothing.
   */
  onResubscribed(handler: () => void): void;
  /** A shared value with a lifetime (the latest customer departure, for the "gone" timer). */
  setMark(key: string, value: string, ttlMs: number): Promise<void>;
  getMark(key: string): Promise<string | null>;
  /**
   * Add `delta` to this instance's count of sockets from `address`; the total
   * over live instances, or null when there are no other instances to count.
   */
  countConnections(address: string, delta: number): Promise<number | null>;
  /** True for exactly one caller per key while the key lives, across instances. */
  once(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The one-instance bus: everything lives in this process. */
export class LocalBus implements SessionBus {
  readonly instanceId = 'local';
  readonly shared = false;
  readonly #holders = new Map<string, string>();
  readonly #marks = new Map<string, { value: string; until: number }>();
  readonly #onceKeys = new Map<string, number>();

  async claim(sessionId: string, role: PresenceKey, holder: string): Promise<boolean> {
    const key = `${sessionId}/${role}`;
    if (this.#holders.has(key)) return false;
    this.#holders.set(key, holder);
    return true;
  }

  async release(sessionId: string, role: PresenceKey, holder: string): Promise<void> {
    const key = `${sessionId}/${role}`;
    if (this.#holders.get(key) === holder) this.#holders.delete(key);
  }

  async present(sessionId: string, role: PresenceKey): Promise<boolean> {
    return this.#holders.has(`${sessionId}/${role}`);
  }

  // Every socket is in this process: the hub delivers directly and nothing travels.
  async listen(): Promise<void> {}
  async unlisten(): Promise<void> {}
  async publish(): Promise<void> {}
  onNote(): void {}
  onResubscribed(): void {}

  async setMark(key: string, value: string, ttlMs: number): Promise<void> {
    this.#marks.set(key, { value, until: Date.now() + ttlMs });
  }

  async getMark(key: string): Promise<string | null> {
    const mark = this.#marks.get(key);
    if (!mark) return null;
    if (mark.until <= Date.now()) {
      this.#marks.delete(key);
      return null;
    }
    return mark.value;
  }

  // The hub counts this process's sockets itself.
  async countConnections(): Promise<number | null> {
    return null;
  }

  async once(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const until = this.#onceKeys.get(key);
    if (until !== undefined && until > now) return false;
    if (this.#onceKeys.size > 100_000) this.#onceKeys.clear();
    this.#onceKeys.set(key, now + ttlMs);
    return true;
  }

  async close(): Promise<void> {}
}
