/** Waiting on real network traffic in browser tests: polling helpers shared by the simulated peers. */
import type { ChannelMessage } from '../../../shared/protocol.js';

/** Poll until `check` returns a truthy value (real network and WebRTC: no fixed sleeps). */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The messages one simulated peer received, in order, with a wait for the one a test expects. */
export class Inbox {
  readonly messages: ChannelMessage[] = [];
  readonly #who: string;
  #waiters: (() => void)[] = [];

  constructor(who: string) {
    this.#who = who;
  }

  push(message: ChannelMessage): void {
    this.messages.push(message);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves with the first received message (past or future) that matches. */
  async waitFor<T extends ChannelMessage>(
    match: (message: ChannelMessage) => message is T,
    timeoutMs?: number,
  ): Promise<T>;
  async waitFor(match: (message: ChannelMessage) => boolean, timeoutMs?: number): Promise<ChannelMessage>;
  async waitFor(match: (message: ChannelMessage) => boolean, timeoutMs = 10_000): Promise<ChannelMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `${this.#who} never received the expected message; got ${this.messages.map((m) => m.t).join(', ')}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
