/**
 * The loader's minimal signaling connection: it only records that the consent
 * prompt was shown and the customer's answer. No peer connection, no capture.
 * On Allow it is handed over to the session bundle (handOver()), which goes
 * on with the same authenticated socket instead of opening a second one.
 */
import { fromJson, pristine, toJson } from './pristine.js';
import type { AdoptedSignaling, InviteData } from './session-api.js';

type ConsentEvent = 'consent-shown' | 'consent-granted' | 'consent-declined';

/** Server messages kept for the session bundle; a prompt left open long enough to pass this is not handed over. */
const MAX_KEPT_MESSAGES = 64;

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
  /** Every text message since the welcome (inclusive), for the session bundle to replay. */
  #received: string[] = [];
  #keepsAll = true;
  /** Set by handOver(): keep every message, without the limit, until the session takes them. */
  #handedOver = false;
  readonly #listening = new AbortController();

  constructor(invite: InviteData) {
    const signal = this.#listening.signal;
    this.#ready = new pristine.Promise<boolean>((resolve) => {
      let socket: WebSocket;
      try {
        socket = new pristine.WebSocket(socketUrl(invite.server));
      } catch {
        resolve(false);
        return;
      }
      this.#socket = socket;
      socket.addEventListener('open', () => socket.send(toJson({ t: 'hello', v: invite.v, token: invite.token })), {
        signal,
      });
      socket.addEventListener(
        'message',
        (event) => {
          if (typeof event.data !== 'string') return;
          let message: { t?: unknown; peerPresent?: unknown; role?: unknown; present?: unknown };
          try {
            message = fromJson(event.data) as typeof message;
          } catch {
            return;
          }
          if (message.t === 'welcome' || this.#received.length > 0) this.#keep(event.data);
          if (message.t === 'welcome') {
            resolve(true);
            if (message.peerPresent === true) this.#agentJoined();
          } else if (message.t === 'peer' && message.role === 'agent' && message.present === true) {
            this.#agentJoined();
          }
        },
        { signal },
      );
      socket.addEventListener('close', () => resolve(false), { signal });
      socket.addEventListener('error', () => resolve(false), { signal });
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

  #keep(data: string): void {
    // Once handed over, everything must reach the session, which has not taken it yet (it is loading).
    if (this.#handedOver) {
      this.#received.push(data);
      return;
    }
    if (!this.#keepsAll) return;
    if (this.#received.length >= MAX_KEPT_MESSAGES) {
      this.#keepsAll = false;
      this.#received = [];
      return;
    }
    this.#received.push(data);
  }

  /** Record one consent event; resolves once it was handed to the socket (false if the server is unreachable). */
  async record(kind: ConsentEvent, handover = false): Promise<boolean> {
    if (!(await this.#ready) || this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(toJson({ t: 'event', event: handover ? { kind, handover: true } : { kind } }));
    return true;
  }

  /**
   * Gives the open, authenticated socket to the session bundle (null when it
   * is not open or its messages were not all kept; the session then opens its
   * own). This object lets go of it: close() no longer closes it.
   */
  handOver(): AdoptedSignaling | null {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.#keepsAll || this.#received.length === 0) return null;
    this.#socket = null;
    this.#handedOver = true;
    return {
      socket,
      takeMessages: () => {
        // The session listens on the socket by now; from here on it alone does.
        this.#listening.abort();
        const received = this.#received;
        this.#received = [];
        return received;
      },
    };
  }

  close(): void {
    // After handOver() the socket is the session's.
    if (!this.#socket) return;
    this.#listening.abort();
    this.#socket?.close(1000, 'consent answered');
    this.#socket = null;
  }
}
