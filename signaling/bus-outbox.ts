/**
 * Notes this instance published that Redis never took (it could not be reached: a failover, a blip), kept in
 * order and published again once Redis answers (review s14 R2). The other instances' subscriptions never
 * dropped, so they cannot notice a note lost where it was published; the store-based resync (live-sessions.ts)
 * re-creates only what the store says (an end, a hand-over, a removal), not every message a socket was owed
 * (the customer's `agent` after a hand-over, the consent and relay credential for an agent waiting elsewhere).
 * A note published while older ones wait goes behind them, so each session's notes keep their order. Notes
 * older than MAX_AGE_MS are dropped (a socket has long moved on; the store-based resync still runs). A kept note
 * is published as `late` makes it (redis-bus.ts: stamped with when it was made, so a receiver can tell whether
 * the socket it would reach connected since: review O2).
 */
import type { FastifyBaseLogger } from 'fastify';

const MAX_AGE_MS = 60_000;
const MAX_NOTES = 10_000;

interface Unsent {
  channel: string;
  text: string;
  at: number;
}

export class BusOutbox {
  readonly #unsent: Unsent[] = [];
  readonly #send: (channel: string, text: string) => Promise<unknown>;
  readonly #log: FastifyBaseLogger;
  #flushing = false;

  constructor(send: (channel: string, text: string) => Promise<unknown>, log: FastifyBaseLogger) {
    this.#send = send;
    this.#log = log;
  }

  /** Publishes `text`, or keeps the note (as `late()` says it) behind those still unsent: true when Redis took it now. */
  async publish(channel: string, text: string, late: () => string = () => text): Promise<boolean> {
    if (this.#unsent.length === 0) {
      try {
        await this.#send(channel, text);
        return true;
      } catch (err) {
        this.#log.warn({ err }, 'bus note not taken by redis: published again once it answers');
      }
    }
    if (this.#unsent.length >= MAX_NOTES) this.#unsent.shift();
    this.#unsent.push({ channel, text: late(), at: Date.now() });
    return false;
  }

  /** Publishes the kept notes in order, stopping at the first Redis refuses (kept for the next call). */
  async flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      for (let next = this.#unsent[0]; next !== undefined; next = this.#unsent[0]) {
        if (Date.now() - next.at <= MAX_AGE_MS) await this.#send(next.channel, next.text);
        this.#unsent.shift();
      }
    } catch (err) {
      this.#log.warn({ err, unsent: this.#unsent.length }, 'bus notes still not taken by redis');
    } finally {
      this.#flushing = false;
    }
  }
}
