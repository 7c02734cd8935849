/**
 * The session bus over Redis, for several instances: presence keys that name
 * the holding instance (valid only while that instance's liveness key lives,
 * so a killed instance's roles free themselves within PRESENCE_TTL), one
 * pub/sub channel per session, marks and once-keys with expiry.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import * as z from 'zod';
import { busNote, type BusNote, type PresenceKey, type SessionBus } from './session-bus.js';
import { BusOutbox } from './bus-outbox.js';

const PREFIX = 'cobrowse:';
const instanceKey = (id: string) => `${PREFIX}instance:${id}`;
const presenceKey = (sessionId: string, role: PresenceKey) => `${PREFIX}presence:${sessionId}:${role}`;
const channelOf = (sessionId: string) => `${PREFIX}session:${sessionId}`;
/** Where an instance that lost a note of its own says so: every other instance then reads the store again. */
const RESYNC_CHANNEL = `${PREFIX}resync`;

// A holder is "<instance>/<connection>"; it counts only while its instance is alive.
const CLAIM_LUA = `
local holder = redis.call('GET', KEYS[1])
if holder then
  local instance = string.match(holder, '^([^/]+)/')
  if instance and redis.call('EXISTS', ARGV[3] .. instance) == 1 then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;
const PRESENT_LUA = `
local holder = redis.call('GET', KEYS[1])
if not holder then return 0 end
local instance = string.match(holder, '^([^/]+)/')
if instance and redis.call('EXISTS', ARGV[1] .. instance) == 1 then return 1 end
return 0
`;
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// Per address, one count per instance; counts of instances that stopped announcing themselves are dropped.
const COUNT_LUA = `
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], 86400000)
local fields = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #fields, 2 do
  if redis.call('EXISTS', ARGV[3] .. fields[i]) == 1 then
    total = total + tonumber(fields[i + 1])
  else
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
return total
`;

const envelope = z.strictObject({ from: z.string(), note: z.unknown() });

export interface RedisBusOptions {
  url: string;
  /** How long a silent instance's roles stay held (it refreshes at a third of this). */
  presenceTtlMs: number;
  log: FastifyBaseLogger;
}

export class RedisBus implements SessionBus {
  readonly instanceId = randomBytes(6).toString('hex');
  readonly shared = true;
  /** Commands; also given to the rate limiter and the support-code book. */
  readonly redis: Redis;
  readonly #subscriber: Redis;
  readonly #handlers: ((sessionId: string, note: BusNote) => void)[] = [];
  readonly #resubscribed: (() => void)[] = [];
  /** The subscriber's 'ready' after the first is a reconnect (a failover, a blip, CLIENT KILL). */
  #subscriberReady = false;
  /** A note of this instance was never sent (Redis refused or could not be reached): the others must resync. */
  #noteLost = false;
  /**
   * Releases Redis never took (it could not be reached): [key, holder] by both, retried until taken. This instance stays
   * alive, so a lost release would otherwise hold the role until the session expires (review s14 R1).
   */
  readonly #unreleased = new Map<string, [key: string, value: string]>();
  /** Notes Redis did not take, published again in order once it answers. */
  readonly #outbox: BusOutbox;
  readonly #options: RedisBusOptions;
  #heartbeat: NodeJS.Timeout | null = null;

  private constructor(options: RedisBusOptions) {
    this.#options = options;
    const redisOptions = { maxRetriesPerRequest: 2, lazyConnect: true };
    this.redis = new Redis(options.url, redisOptions);
    this.#subscriber = new Redis(options.url, redisOptions);
    for (const client of [this.redis, this.#subscriber]) {
      client.on('error', (err: Error) => options.log.warn({ err: err.message }, 'redis connection error'));
    }
    this.#outbox = new BusOutbox((channel, text) => this.redis.publish(channel, text), options.log);
    this.#subscriber.on('message', (channel: string, text: string) => this.#onMessage(channel, text));
    this.#subscriber.on('ready', () => this.#onSubscriberReady());
    this.redis.on('ready', () => this.#afterOutage());
  }

  /**
   * ioredis subscribes again before it says 'ready'; a PING on the same connection is answered after those
   * subscriptions took effect, so whoever reads the store then misses no note published after its read.
   */
  #onSubscriberReady(): void {
    if (!this.#subscriberReady) {
      this.#subscriberReady = true;
      return;
    }
    this.#options.log.warn('redis subscription reconnected: notes sent meanwhile are read again from the store');
    this.#subscriber.ping().then(
      () => this.#resync(),
      (err: unknown) => this.#options.log.warn({ err }, 'redis subscription not confirmed after reconnecting'),
    );
  }

  #resync(): void {
    for (const handler of this.#resubscribed) handler();
  }

  /**
   * A note this instance published was lost before it reached Redis (the others' subscriptions never dropped,
   * so they cannot notice): once Redis answers again, every instance is told to read the store again. Sent on
   * the command connection's 'ready', on the heartbeat, and at once when Redis still answers; the flag clears
   * only when Redis took the announcement, and any later loss sets it again. The store was written before the
   * lost note was published, so a read after the announcement sees what the note said.
   */
  #announceResync(): void {
    if (!this.#noteLost || this.redis.status !== 'ready') return;
    this.#noteLost = false;
    this.redis.publish(RESYNC_CHANNEL, JSON.stringify({ from: this.instanceId, note: null })).then(
      () => this.#options.log.warn('bus notes of this instance were lost: every instance reads the store again'),
      (err: unknown) => {
        this.#noteLost = true;
        this.#options.log.warn({ err }, 'could not announce lost bus notes yet');
      },
    );
  }

  /** What Redis did not take while out of reach: the lost notes replayed, releases retried, the others told. */
  #afterOutage(): void {
    if (this.redis.status !== 'ready') return;
    this.#flushKept();
    this.#retryReleases();
  }

  #flushKept(): void {
    void this.#outbox.flush().then(() => this.#announceResync());
  }

  /** Connects both clients and starts announcing this instance as alive. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const bus = new RedisBus(options);
    try {
      await Promise.all([bus.redis.connect(), bus.#subscriber.connect()]);
      await bus.#subscriber.subscribe(RESYNC_CHANNEL);
      await bus.#announce();
      // An instance that died between writing the store and publishing its notes left them unsent, and nothing
      // else tells (review s13 B1): each instance that starts (the restart or the replacement) has every other
      // read the store again, as a subscriber's reconnect does.
      await bus.redis.publish(RESYNC_CHANNEL, JSON.stringify({ from: bus.instanceId, note: null }));
    } catch (error) {
      bus.redis.disconnect();
      bus.#subscriber.disconnect();
      throw error;
    }
    bus.#heartbeat = setInterval(
      () => {
        bus.#afterOutage();
        bus
          .#announce()
          .catch((err: unknown) => options.log.warn({ err }, 'could not refresh instance presence in redis'));
      },
      Math.max(100, Math.floor(options.presenceTtlMs / 3)),
    );
    bus.#heartbeat.unref();
    return bus;
  }

  async #announce(): Promise<void> {
    await this.redis.set(instanceKey(this.instanceId), '1', 'PX', this.#options.presenceTtlMs);
  }

  #onMessage(channel: string, text: string): void {
    if (channel === RESYNC_CHANNEL) {
      if (this.#fromAnother(text)) this.#resync();
      return;
    }
    if (!channel.startsWith(`${PREFIX}session:`)) return;
    const sessionId = channel.slice(`${PREFIX}session:`.length);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const outer = envelope.safeParse(json);
    if (!outer.success || outer.data.from === this.instanceId) return;
    const note = busNote.safeParse(outer.data.note);
    if (!note.success) {
      this.#options.log.warn({ sessionId }, 'ignored a malformed note from another instance');
      return;
    }
    for (const handler of this.#handlers) handler(sessionId, note.data);
  }

  #fromAnother(text: string): boolean {
    try {
      const outer = envelope.safeParse(JSON.parse(text));
      return outer.success && outer.data.from !== this.instanceId;
    } catch {
      return false;
    }
  }

  async claim(sessionId: string, role: PresenceKey, holder: string, ttlMs: number): Promise<boolean> {
    const won = await this.redis.eval(
      CLAIM_LUA,
      1,
      presenceKey(sessionId, role),
      `${this.instanceId}/${holder}`,
      String(Math.max(1_000, ttlMs)),
      `${PREFIX}instance:`,
    );
    return won === 1;
  }

  /** Resolves once Redis took the release, or once it is kept to retry (Redis could not be reached). */
  async release(sessionId: string, role: PresenceKey, holder: string): Promise<void> {
    const key = presenceKey(sessionId, role);
    const value = `${this.instanceId}/${holder}`;
    try {
      await this.redis.eval(RELEASE_LUA, 1, key, value);
    } catch (err) {
      this.#options.log.warn({ err, sessionId, role }, 'presence release not taken by redis: retried once it answers');
      this.#unreleased.set(`${key} ${value}`, [key, value]);
    }
  }

  /** Only the holder's own value is deleted: a claim made since by another connection stays. */
  #retryReleases(): void {
    if (this.redis.status !== 'ready') return;
    for (const [id, [key, value]] of [...this.#unreleased]) {
      this.redis.eval(RELEASE_LUA, 1, key, value).then(
        () => this.#unreleased.delete(id),
        () => undefined,
      );
    }
  }

  async present(sessionId: string, role: PresenceKey): Promise<boolean> {
    return (await this.redis.eval(PRESENT_LUA, 1, presenceKey(sessionId, role), `${PREFIX}instance:`)) === 1;
  }

  async listen(sessionId: string): Promise<void> {
    await this.#subscriber.subscribe(channelOf(sessionId));
  }

  async unlisten(sessionId: string): Promise<void> {
    await this.#subscriber.unsubscribe(channelOf(sessionId));
  }

  /**
   * Resolves once Redis took the note, or once it is kept to publish again (bus-outbox.ts). A kept message for a
   * role's socket says when it was made (`madeAt`): a socket that took the role since is not the one it was for.
   */
  async publish(sessionId: string, note: BusNote): Promise<void> {
    const madeAt = Date.now();
    const envelope = (late: BusNote) => JSON.stringify({ from: this.instanceId, note: late });
    const late = () => envelope(note.kind === 'deliver' ? { ...note, madeAt } : note);
    const sent = await this.#outbox.publish(channelOf(sessionId), envelope(note), late);
    // Redis answers again: the notes other sessions kept need not wait for the heartbeat.
    if (sent && this.#outbox.kept > 0) this.#flushKept();
    if (!sent) {
      this.#noteLost = true;
      this.#announceResync();
    }
  }

  onNote(handler: (sessionId: string, note: BusNote) => void): void {
    this.#handlers.push(handler);
  }

  onResubscribed(handler: () => void): void {
    this.#resubscribed.push(handler);
  }

  async setMark(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(`${PREFIX}mark:${key}`, value, 'PX', Math.max(1, ttlMs));
  }

  async getMark(key: string): Promise<string | null> {
    return this.redis.get(`${PREFIX}mark:${key}`);
  }

  async countConnections(address: string, delta: number): Promise<number | null> {
    const total = await this.redis.eval(
      COUNT_LUA,
      1,
      `${PREFIX}connections:${address}`,
      this.instanceId,
      String(delta),
      `${PREFIX}instance:`,
    );
    return typeof total === 'number' ? total : null;
  }

  async once(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${PREFIX}once:${key}`, this.instanceId, 'PX', Math.max(1, ttlMs), 'NX')) === 'OK';
  }

  /** Graceful stop: this instance's roles free at once (its liveness key goes). */
  async close(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    await this.redis.del(instanceKey(this.instanceId)).catch(() => 0);
    await Promise.allSettled([this.redis.quit(), this.#subscriber.quit()]);
  }
}
