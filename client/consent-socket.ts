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
  #agentPresent = false;
  #onAgent: (() => void) | null = null;

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
        if (typeof event.data !== 'string') return;
        let message: { t?: unknown; peerPresent?: unknown; role?: unknown; present?: unknown };
        try {
          message = JSON.parse(event.data) as typeof message;
        } catch {
          return;
        }
        if (message.t === 'welcome') {
          resolve(true);
          if (message.peerPresent === true) this.#agentJoined();
        } else if (message.t === 'peer' && message.role === 'agent' && message.present === true) {
          this.#agentJoined();
        }
      });
      socket.addEventListener('close', () => resolve(false));
      socket.addEventListener('error', () => resolve(false));
    });
  }

  /** Called once when the agent's console joins the session (support-code flow: then ask for consent). */
  onAgentJoined(listener: () => void): void {
    this.#onAgent = listener;
    if (this.#agentPresent) this.#agentJoined();
  }

  #agentJoined(): void {
    this.#agentPresent = true;
    const listener = this.#onAgent;
    this.#onAgent = null;
    listener?.();
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
