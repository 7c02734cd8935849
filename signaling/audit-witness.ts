/**
 * What the server remembers, outside the database, of each session's chain:
 * the highest event count it wrote and that event's hash (red team s11,
 * F3's stated limit). The keyed head (audit-chain.ts) stops a head rewound
 * or forged without the key, but not an earlier head saved with its MAC and
 * put back with the rows after it deleted: everything in the database can be
 * saved and restored together, so no state kept there can tell an earlier
 * head from the current one. The witness can: an append refuses, and
 * verification reports, a head behind the count it remembers, or a chain
 * whose event at that count is not the one it saw written (review s13 W3:
 * with the count alone, an append made where no count was known linked over
 * a head put back, and the honest appends after it brought the count up
 * again, so the cut verified everywhere; the hash of that event, keyed like
 * every row, still differs). It remembers in this process (lost at a
 * restart) and, with Redis configured, in Redis for every instance (lost if
 * Redis is flushed, or rewritten by whoever can write to it), each session
 * for the longest a session lives plus WITNESS_GRACE_MS after its last write.
 * That lifetime never comes from the session row (its expires_at carries no
 * key: moved back, it let the next honest write expire the count, review s12
 * W1), and a later write never shortens it. The webhook's final hash, kept
 * by the chat system, stays the anchor for everything past that (README).
 * An append made where nothing is known (no entry here, Redis unreachable)
 * still links over a head put back; that read is reported per session
 * (onError), and the cut is caught wherever a remembered head is read, until
 * that instance, Redis answering again, raises Redis's head to its own higher
 * one (#reshare): from then on only the memory of the instance that wrote
 * the removed events still holds their head (README).
 */
import type { Redis } from 'ioredis';

/**
 * How long after a session's expiry its count is remembered: a session put back to live after it ended is caught
 * meanwhile. In memory only while the process holds fewer than MAX_ENTRIES sessions: past that, ended sessions'
 * counts go first (anyone creating sessions can cause it), and Redis's is what still holds them.
 */
export const WITNESS_GRACE_MS = 24 * 60 * 60 * 1000;
/** The longest a session lives when the server does not say (SESSION_TTL's default). */
const DEFAULT_SESSION_TTL_MS = 2 * 60 * 60 * 1000;
/**
 * Entries held in this process at most (a few MB). Past it, entries past
 * their time go first, then ended sessions' (least recently written first);
 * a live session's is never dropped for another: a new session is then not
 * remembered here (refusedEntries counts them; Redis still has it). Anyone
 * can create sessions (support codes), so dropping the oldest live entry
 * let an outsider flush a chosen session (review s12 W2).
 */
const MAX_ENTRIES = 100_000;
const PRUNE_EVERY = 1_024;
const KEY_PREFIX = 'cobrowse:audit-head:';
/**
 * Raise the stored head (`count:hash`; a bare count from an older server is
 * read as a count) only upward: at the same count the one stored first stays,
 * a later one differing being a chain written over a cut. Keep it until the
 * given time or the one it has if later (PXAT: Redis 6.2+): no write shortens
 * a lifetime.
 */
const RAISE_LUA = `
local known = tonumber(string.match(redis.call('GET', KEYS[1]) or '0', '^%d+') or '0')
local untilMs = tonumber(ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
local later = false
if ttl > 0 then
  local t = redis.call('TIME')
  local current = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + ttl
  if current > untilMs then untilMs = current else later = true end
end
if tonumber(ARGV[1]) > known then
  redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[3], 'PXAT', string.format('%d', untilMs))
elseif later then
  redis.call('PEXPIREAT', KEYS[1], string.format('%d', untilMs))
end
return 1
`;

/** How long the witness waits for Redis on a connection that stopped answering. */
const WITNESS_COMMAND_TIMEOUT_MS = 250;

/**
 * The witness's own connection (connect it before the first append): no offline queue (a command while Redis is away fails at once and the
 * witness falls back to this process's memory) and a short timeout on one that stopped answering.
 */
export function witnessClient(shared: Redis): Redis {
  const client = shared.duplicate({
    enableOfflineQueue: false,
    commandTimeout: WITNESS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
  });
  // The connection's own errors are the bus's to log (same server); each failed command is reported by the witness.
  client.on('error', () => {});
  return client;
}

/**
 * A Redis call of the witness failed. `unknown`: a read, and this process remembers no count for the
 * session either, so the append or verification that asked is held to no count at all (review s13 W3:
 * an append then links over a cut put back meanwhile, and the count alone never shows it later): logged
 * per session so an operator can verify it again.
 */
export type WitnessErrorHandler = (error: unknown, sessionId: string, unknown: boolean) => void;

/** A chain head the server saw written: its event count and the hash of its last event (absent: a bare count from an older server). */
export interface WitnessedHead {
  count: number;
  hash?: string;
}

interface Entry {
  count: number;
  hash: string;
  until: number;
  ended: boolean;
}

export class HeadWitness {
  readonly #counts = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #lifetimeMs: number;
  #redis: Redis | null = null;
  #onError: WitnessErrorHandler = () => {};
  /** Sessions whose latest count Redis could not take: raised again when it answers. */
  readonly #unshared = new Set<string>();
  #writes = 0;
  #prunedAt = Number.NEGATIVE_INFINITY;
  /** New sessions not remembered in this process because every entry belonged to a live session. */
  refusedEntries = 0;

  /** `sessionTtlMs`: the longest a session lives (the server's SESSION_TTL). */
  constructor(now: () => number = Date.now, sessionTtlMs: number = DEFAULT_SESSION_TTL_MS) {
    this.#now = now;
    this.#lifetimeMs = sessionTtlMs + WITNESS_GRACE_MS;
  }

  /**
   * Shares the counts with the other instances through Redis; its failures are reported, never thrown. Give it
   * a client of its own that fails at once while Redis is away (witnessClient): an append reads the count
   * before it writes, and must not wait in a queue for Redis to come back.
   */
  share(redis: Redis, onError: WitnessErrorHandler): void {
    this.#redis = redis;
    this.#onError = onError;
    redis.on('ready', () => this.#reshare());
  }

  /**
   * The heads remembered for the session: this process's and Redis's (both, when they differ: each must hold,
   * and which is the honest one is not for the witness to say); empty when none is. Never rejects.
   */
  async heads(sessionId: string): Promise<WitnessedHead[]> {
    // An entry past its time is still true (that many were written); it is kept only until the next prune.
    const mine = this.#counts.get(sessionId);
    const shared = await this.#sharedHead(sessionId, mine === undefined);
    const heads: WitnessedHead[] = mine === undefined ? [] : [{ count: mine.count, hash: mine.hash }];
    if (shared !== undefined && (shared.count !== mine?.count || shared.hash !== mine.hash)) heads.push(shared);
    return heads;
  }

  /** The highest count remembered for the session; undefined when none is. Never rejects. */
  async highest(sessionId: string): Promise<number | undefined> {
    const heads = await this.heads(sessionId);
    return heads.length === 0 ? undefined : Math.max(...heads.map((head) => head.count));
  }

  /**
   * The session's chain holds `count` events now (committed); remembered for
   * the longest a session lives plus WITNESS_GRACE_MS from now, or longer if
   * an earlier write said so. Nothing of the session row decides it.
   * `ended`: the write was the session's 'ended' event; `hash`: the hash of
   * the chain's last event (event `count`). In this process at
   * once; in Redis without waiting (an append never waits on Redis, review
   * s13 B2): a raise Redis could not take is made again, with the count held
   * here, once Redis answers. Never throws.
   */
  record(sessionId: string, count: number, hash: string, ended = false): void {
    void this.#raise(sessionId, this.#remember(sessionId, count, hash, ended));
  }

  /** As record, resolving once Redis took the count (or refused it). Never rejects. */
  async saw(sessionId: string, count: number, hash: string, ended = false): Promise<void> {
    await this.#raise(sessionId, this.#remember(sessionId, count, hash, ended));
  }

  #remember(sessionId: string, count: number, hash: string, ended: boolean): Omit<Entry, 'ended'> {
    const local = this.#counts.get(sessionId);
    const until = Math.max(this.#now() + this.#lifetimeMs, local?.until ?? 0);
    this.#writes += 1;
    if (this.#writes % PRUNE_EVERY === 0) this.#prune();
    // Full: make room from expired and ended entries, at most once per PRUNE_EVERY writes (a scan of them all).
    if (local === undefined && this.#counts.size >= MAX_ENTRIES && this.#writes - this.#prunedAt >= PRUNE_EVERY) {
      this.#prune();
    }
    if (local === undefined && this.#counts.size >= MAX_ENTRIES) {
      this.refusedEntries += 1;
      return { count, hash, until };
    }
    this.#counts.delete(sessionId); // set again last: the map's order is the order of last writes
    // The higher head stays (at the same count, the one written first, as in Redis).
    const higher = local !== undefined && local.count >= count ? local : { count, hash };
    const entry = { count: higher.count, hash: higher.hash, until, ended: ended || local?.ended === true };
    this.#counts.set(sessionId, entry);
    return entry;
  }

  async #raise(sessionId: string, entry: Omit<Entry, 'ended'>): Promise<void> {
    if (this.#redis === null) return;
    try {
      await this.#redis.eval(
        RAISE_LUA,
        1,
        KEY_PREFIX + sessionId,
        String(entry.count),
        String(Math.floor(entry.until)),
        entry.hash,
      );
      this.#unshared.delete(sessionId);
    } catch (error) {
      if (this.#unshared.size < MAX_ENTRIES) this.#unshared.add(sessionId);
      this.#onError(error, sessionId, false);
    }
  }

  /** Redis answers again: the counts it missed are raised from what this process holds. */
  #reshare(): void {
    for (const sessionId of [...this.#unshared]) {
      const entry = this.#counts.get(sessionId);
      this.#unshared.delete(sessionId);
      if (entry) void this.#raise(sessionId, entry);
    }
  }

  async #sharedHead(sessionId: string, unknownHere: boolean): Promise<WitnessedHead | undefined> {
    if (this.#redis === null) return undefined;
    try {
      const value = await this.#redis.get(KEY_PREFIX + sessionId);
      const match = value === null ? null : /^(\d+)(?::(.+))?$/.exec(value);
      const count = Number(match?.[1]);
      if (match === null || !Number.isSafeInteger(count)) return undefined;
      return match[2] === undefined ? { count } : { count, hash: match[2] };
    } catch (error) {
      this.#onError(error, sessionId, unknownHere);
      return undefined;
    }
  }

  /** Drops entries past their time, then ended sessions' (least recently written first) until there is room to spare. */
  #prune(): void {
    this.#prunedAt = this.#writes;
    const now = this.#now();
    for (const [id, entry] of this.#counts) if (entry.until <= now) this.#counts.delete(id);
    for (const [id, entry] of this.#counts) {
      if (this.#counts.size <= MAX_ENTRIES - PRUNE_EVERY) break;
      if (entry.ended) this.#counts.delete(id);
    }
  }
}
