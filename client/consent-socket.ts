/**
 * The loader's minimal signaling connection: it only records that the consent
 * prompt was shown and the customer's answer. No peer connection, no capture.
 * (The session bundle opens its own, full signaling client after Allow.)
 */
import type { InviteData } from './session-api.js';

type ConsentEvent = 'consent-shown' | 'consent-granted' | 'consent-declined';

function socketUrl(server: string): string {
  const url = new URL('/ws', server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export class ConsentSocket {
  #socket: WebSocket | null = null;
  #ready: Promise<boolean>;

  constructor(invite: InviteData) {
    this.#ready = new Promise<boolean>((resolve) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(socketUrl(invite.server));
      } catch {
        resolve(false);
        return;
      }
      this.#socket = socket;
      socket.addEventListener('open', () => socket.send(JSON.stringify({ t: 'hello', v: invite.v, token: invite.token })));
      socket.addEventListener('message', (event) => {
        if (typeof event.data === 'string' && event.data.includes('"t":"welcome"')) resolve(true);
      });
      socket.addEventListener('close', () => resolve(false));
      socket.addEventListener('error', () => resolve(false));
    });
  }

  /** Record one consent event; resolves once it was handed to the socket (false if the server is unreachable). */
  async record(kind: ConsentEvent): Promise<boolean> {
    if (!(await this.#ready) || this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify({ t: 'event', event: { kind } }));
    return true;
  }

  close(): void {
    this.#socket?.close(1000, 'consent answered');
    this.#socket = null;
  }
}
