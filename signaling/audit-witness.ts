/**
 * What the server remembers, outside the database, of each session's chain:
 * the highest event count it wrote (red team s11, F3's stated limit). The
 * keyed head (audit-chain.ts) stops a head rewound or forged without the
 * key, but not an earlier head saved with its MAC and put back with the rows
 * after it deleted: everything in the database can be saved and restored
 * together, so no state kept there can tell an earlier head from the current
 * one. The witness can: an append refuses, and verification reports, a head
 * behind the count it remembers. It remembers in this process (lost at a
 * restart) and, with Redis configured, in Redis for every instance (lost if
 * Redis is flushed, or rewritten by whoever can write to it), each session
 * until its expiry plus WITNESS_GRACE_MS. The webhook's final hash, kept by
 * the chat system, stays the anchor for everything past that (README).
 */
import type { Redis } from 'ioredis';

/** How long after a session's expiry its count is remembered: a session put back to live after it ended is caught meanwhile. */
export const WITNESS_GRACE_MS = 24 * 60 * 60 * 1000;
/** Entries held in this process at most; the oldest go first (a few MB). */
const MAX_ENTRIES = 100_000;
const PRUNE_EVERY = 1_024;
const KEY_PREFIX = 'cobrowse:audit-head:';
/** Raise the stored count only upward, and keep it until the given time (PXAT: Redis 6.2+). */
const RAISE_LUA = `
local known = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > known then redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2]) end
return 1
`;

export class HeadWitness {
  readonly #counts = new Map<string, { count: number; until: number }>();
  readonly #now: () => number;
  #redis: Redis | null = null;
  #onError: (error: unknown) => void = () => {};
  #writes = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Shares the counts with the other instances through Redis; its failures are reported, never thrown. */
  share(redis: Redis, onError: (error: unknown) => void): void {
    this.#redis = redis;
    this.#onError = onError;
  }

  /** The highest count remembered for the session; undefined when none is. Never rejects. */
  async highest(sessionId: string): Promise<number | undefined> {
    // An entry past its time is still true (that many were written); it is kept only until the next prune.
    const mine = this.#counts.get(sessionId)?.count;
    const shared = await this.#sharedCount(sessionId);
    if (mine === undefined) return shared;
    return shared === undefined ? mine : Math.max(mine, shared);
  }

  /** The session's chain holds `count` events now (committed); remembered until `expiresAt` + WITNESS_GRACE_MS. Never rejects. */
  async saw(sessionId: string, count: number, expiresAt: number): Promise<void> {
    const until = expiresAt + WITNESS_GRACE_MS;
    const local = this.#counts.get(sessionId);
    if (local === undefined || count > local.count) this.#counts.set(sessionId, { count, until });
    this.#writes += 1;
    if (this.#writes % PRUNE_EVERY === 0 || this.#counts.size > MAX_ENTRIES) this.#prune();
    if (this.#redis === null) return;
    try {
      await this.#redis.eval(RAISE_LUA, 1, KEY_PREFIX + sessionId, String(count), String(Math.floor(until)));
    } catch (error) {
      this.#onError(error);
    }
  }

  async #sharedCount(sessionId: string): Promise<number | undefined> {
    if (this.#redis === null) return undefined;
    try {
      const value = await this.#redis.get(KEY_PREFIX + sessionId);
      const count = value === null ? Number.NaN : Number(value);
      return Number.isSafeInteger(count) ? count : undefined;
    } catch (error) {
      this.#onError(error);
      return undefined;
    }
  }

  #prune(): void {
    const now = this.#now();
    for (const [id, entry] of this.#counts) if (entry.until <= now) this.#counts.delete(id);
    for (const id of this.#counts.keys()) {
      if (this.#counts.size <= MAX_ENTRIES) break;
      this.#counts.delete(id);
    }
  }
}
