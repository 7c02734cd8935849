/**
 * A TCP proxy to Redis that a test can cut (every connection dropped, new ones refused, as a host that is
 * down) and restore: one instance loses Redis while the others keep it.
 */
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { Writable } from 'node:stream';

export interface RedisProxy {
  url: string;
  cut(): void;
  restore(): void;
  close(): void;
}

export async function redisProxy(redisUrl: string): Promise<RedisProxy> {
  const target = new URL(redisUrl);
  const open = new Set<Socket>();
  let blocked = false;
  const proxy: Server = createServer((client) => {
    if (blocked) return client.destroy();
    const upstream = new Socket().connect(Number(target.port), target.hostname);
    open.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    for (const end of [client, upstream]) {
      end.on('error', () => undefined);
      end.on('close', () => {
        open.delete(end);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    cut() {
      blocked = true;
      for (const end of open) end.destroy();
    },
    restore() {
      blocked = false;
    },
    close() {
      for (const end of open) end.destroy();
      proxy.close();
    },
  };
}

/** A server's log lines as they come, with a wait for the first line after a mark that matches. */
export class LogLines {
  readonly lines: string[] = [];
  readonly #waiters = new Set<() => void>();
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.lines.push(...chunk.toString().split('\n').filter(Boolean));
      for (const wake of this.#waiters) wake();
      done();
    },
  });

  /** The index to wait from: only lines written from now on count. */
  mark(): number {
    return this.lines.length;
  }

  /** Resolves with the first line at or after `from` that contains `text`. */
  after(from: number, text: string): Promise<string> {
    return new Promise((resolve) => {
      const check = () => {
        const line = this.lines.slice(from).find((l) => l.includes(text));
        if (line === undefined) return;
        this.#waiters.delete(check);
        resolve(line);
      };
      this.#waiters.add(check);
      check();
    });
  }
}
