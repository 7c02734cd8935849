/**
 * Notes this instance published that Redis never took (it could not be reached: a failover, a blip), kept in
 * order and published again once Redis answers (review s14 R2). The other instances' subscriptions never
 * dropped, so they cannot notice a note lost where it was published; the store-based resync (live-sessions.ts)
 * re-creates only what the store says (an end, a hand-over, a removal), not every message a socket was owed
 * (the customer's `agent` after a hand-over, the consent and relay credential for an agent waiting elsewhere).
 *
 * Kept per channel (one session's): a note published while older ones of its session wait goes behind them, so
 * each session's notes keep their order, while another session's goes at once (review O3: one kept note held
 * every later note of the instance until the next flush). Notes older than MAX_AGE_MS are dropped (a socket has
 * long moved on; the store-based resync still runs). Full, the session with the most kept notes loses its
 * oldest, not a quiet session its only one (review O3). A kept note is published as `late` makes it
 * (redis-bus.ts: stamped with when it was made, so a receiver can tell whether the socket it would reach
 * connected since: review O2).
 */
import type { FastifyBaseLogger } from 'fastify';

const MAX_AGE_MS = 60_000;
const MAX_NOTES = 10_000;

interface Unsent {
  text: string;
  at: number;
}

export class BusOutbox {
  /** Each channel's kept notes, oldest first (a channel is here only while it has some). */
  readonly #unsent = new Map<string, Unsent[]>();
  #kept = 0;
  readonly #send: (channel: string, text: string) => Promise<unknown>;
  readonly #log: Pick<FastifyBaseLogger, 'warn'>;
  readonly #maxNotes: number;
  #flushing = false;

  constructor(
    send: (channel: string, text: string) => Promise<unknown>,
    log: Pick<FastifyBaseLogger, 'warn'>,
    maxNotes = MAX_NOTES,
  ) {
    this.#send = send;
    this.#log = log;
    this.#maxNotes = maxNotes;
  }

  /** How many notes wait to be published again. */
  get kept(): number {
    return this.#kept;
  }

  /** Publishes `text`, or keeps the note (as `late()` says it) behind its channel's unsent ones: true when Redis took it now. */
  async publish(channel: string, text: string, late: () => string = () => text): Promise<boolean> {
    if (!this.#unsent.has(channel)) {
      try {
        await this.#send(channel, text);
        return true;
      } catch (err) {
        this.#log.warn({ err, channel }, 'bus note not taken by redis: published again once it answers');
      }
    }
    if (this.#kept >= this.#maxNotes) this.#dropOldestOfLargest();
    const queue = this.#unsent.get(channel) ?? [];
    if (queue.length === 0) this.#unsent.set(channel, queue);
    queue.push({ text: late(), at: Date.now() });
    this.#kept++;
    return false;
  }

  /** Publishes the kept notes, each channel's in order, stopping at the first Redis refuses (kept for the next call). */
  async flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      // Channels kept meanwhile are visited too (a Map iterates over entries added during the loop).
      for (const [channel, queue] of this.#unsent) {
        for (let next = queue[0]; next !== undefined; next = queue[0]) {
          if (Date.now() - next.at <= MAX_AGE_MS) await this.#send(channel, next.text);
          // Unless the outbox, full meanwhile, dropped it.
          if (queue[0] === next) {
            queue.shift();
            this.#kept--;
          }
        }
        if (this.#unsent.get(channel) === queue) this.#unsent.delete(channel);
      }
    } catch (err) {
      this.#log.warn({ err, unsent: this.#kept }, 'bus notes still not taken by redis');
    } finally {
      this.#flushing = false;
    }
  }

  /** Full: the channel with the most kept notes loses its oldest (its session's resync still reads the store). */
  #dropOldestOfLargest(): void {
    let largest: [string, Unsent[]] | null = null;
    for (const entry of this.#unsent) if (!largest || entry[1].length > largest[1].length) largest = entry;
    if (!largest) return;
    const [channel, queue] = largest;
    queue.shift();
    this.#kept--;
    if (queue.length === 0) this.#unsent.delete(channel);
    this.#log.warn(
      { channel, kept: queue.length, limit: this.#maxNotes },
      'bus outbox full: the oldest kept note of the session with the most was dropped',
    );
  }
}
