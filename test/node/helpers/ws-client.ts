/** A real `ws` client that records every message and the close frame, for signaling tests. */
import WebSocket from 'ws';
import { PROTOCOL_VERSION, serverMessage, type ServerMessage } from '../../../shared/protocol.js';

export interface TestSocket {
  ws: WebSocket;
  messages: ServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  sendRaw(data: string | Buffer): void;
  /** Resolves with the first message (already received or future) matching the predicate. */
  next<T extends ServerMessage['t']>(
    t: T,
    match?: (m: Extract<ServerMessage, { t: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<ServerMessage, { t: T }>>;
  hello(token: string, version?: string): Promise<Extract<ServerMessage, { t: 'welcome' }>>;
  close(): void;
}

export async function connect(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const ws = new WebSocket(url, { headers });
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiters) wake();
    });
  });
  ws.on('message', (data) => {
    const parsed = serverMessage.safeParse(JSON.parse(data.toString()));
    if (!parsed.success) throw new Error(`server sent an invalid message: ${data.toString()}`);
    messages.push(parsed.data);
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const socket: TestSocket = {
    ws,
    messages,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    sendRaw: (data) => ws.send(data),
    next(t, match, timeoutMs = 5_000) {
      type M = Extract<ServerMessage, { t: typeof t }>;
      const find = () => messages.find((m): m is M => m.t === t && (!match || match(m as M)));
      return new Promise<M>((resolve, reject) => {
        const check = () => {
          const found = find();
          if (found) {
            cleanup();
            resolve(found);
          } else if (ws.readyState === WebSocket.CLOSED) {
            cleanup();
            reject(new Error(`socket closed before a "${t}" message arrived; got ${JSON.stringify(messages)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no "${t}" message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async hello(token, version = PROTOCOL_VERSION) {
      socket.send({ t: 'hello', v: version, token });
      return socket.next('welcome');
    },
    close: () => ws.close(),
  };
  return socket;
}
