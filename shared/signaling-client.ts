/**
 * The browser side of the signaling socket, shared by the customer and the
 * agent: authenticates with a token, validates every server message, keeps
 * the socket alive, and reconnects with capped backoff when the network (not
 * the server's verdict) dropped it. One method sets the connection state.
 */
import { ERROR_CODES, errorCodeForClose, type ErrorCode } from './errors.js';
import { TypedEmitter } from './event-emitter.js';
import { PROTOCOL_VERSION, serverMessage, type ClientMessage, type ServerMessage } from './protocol.js';

export type SignalingState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

type ServerOf<T extends ServerMessage['t']> = Extract<ServerMessage, { t: T }>;

export interface SignalingEvents {
  state: SignalingState;
  welcome: ServerOf<'welcome'>;
  peer: ServerOf<'peer'>;
  signal: ServerOf<'signal'>;
  event: ServerOf<'event'>;
  ended: ServerOf<'ended'>;
  error: ServerOf<'error'>;
  /** A person took over from the automated agent: who the agent is now. */
  agent: ServerOf<'agent'>;
  /** The customer consented: this socket's ICE servers, with the relay credential. */
  'ice-servers': ServerOf<'ice-servers'>;
  /** The customer's peer connection to one viewer (customer side only). */
  'viewer-signal': ServerOf<'viewer-signal'>;
  /** Who watches the session and who leads (shared/viewer-protocol.ts). */
  viewers: ServerOf<'viewers'>;
  'viewer-invited': ServerOf<'viewer-invited'>;
  /** A supervisor's private note (the lead only). */
  whisper: ServerOf<'whisper'>;
  /** The socket is closed for good: the server refused or ended it, or close() was called. */
  closed: { code: number; reason: string; error: ErrorCode | null };
  /** The server refused this attempt for a reason that may pass (e.g. ROLE_TAKEN); a retry follows. */
  refused: { code: number; reason: string; error: ErrorCode };
}

/** The subset of the WebSocket API we use, so Node tests can pass `ws`. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: () => void): void;
}

export interface SignalingClientOptions {
  /** ws:// or wss:// URL of the server's /ws endpoint. */
  url: string;
  token: string;
  createSocket?: (url: string) => SocketLike;
  /** JSON and queueMicrotask to use (the customer passes the page's as they were at load: pages patch them). */
  json?: { stringify(value: unknown): string; parse(text: string): unknown };
  microtask?: (callback: () => void) => void;
  backoff?: { initialMs: number; maxMs: number; maxAttempts: number };
  /** Application-level keepalive (the server closes idle sockets). */
  keepaliveMs?: number;
  /** Said in the hello of an agent's socket (the audit's record of who is there). */
  agentKind?: 'person' | 'bot';
  /** Said in the hello of a customer page's socket: its resume keys (signaling/customer-resume.ts). */
  resume?: { keys: string[]; next: string };
  /** Messages queued while (re)connecting; beyond this the oldest are dropped. */
  maxQueued?: number;
}

/** Close codes after which reconnecting cannot help. */
const FINAL_ERRORS = new Set<ErrorCode>([
  'UNAUTHORIZED',
  'SIGNED_OUT',
  'FORBIDDEN',
  'SESSION_ENDED',
  'SESSION_EXPIRED',
  'UNSUPPORTED_VERSION',
  'SESSION_NOT_FOUND',
  'HANDED_OVER',
  'VIEWER_REMOVED',
  'VIEWERS_FULL',
  'BOT_SESSION',
  'MESSAGE_TOO_LARGE',
  'BAD_MESSAGE',
  'RESUME_REFUSED',
]);

/** The /ws URL for a server base URL (http → ws, https → wss). */
export function signalingUrl(serverUrl: string): string {
  const url = new URL('/ws', serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

type OptionalOption = 'createSocket' | 'json' | 'microtask' | 'agentKind' | 'resume';

export class SignalingClient extends TypedEmitter<SignalingEvents> {
  #state: SignalingState = 'idle';
  #socket: SocketLike | null = null;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #keepaliveTimer: ReturnType<typeof setInterval> | null = null;
  #queue: ClientMessage[] = [];
  #authenticated = false;
  readonly #options: Required<Omit<SignalingClientOptions, OptionalOption>> &
    Pick<SignalingClientOptions, OptionalOption>;

  constructor(options: SignalingClientOptions) {
    super();
    this.#options = {
      backoff: { initialMs: 250, maxMs: 10_000, maxAttempts: 12 },
      keepaliveMs: 25_000,
      maxQueued: 200,
      ...options,
    };
  }

  get state(): SignalingState {
    return this.#state;
  }

  /** Open the socket (idempotent while open or connecting). */
  connect(): void {
    if (this.#state === 'open' || this.#state === 'connecting' || this.#state === 'closed') return;
    this.#setState(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    this.#open();
  }

  /**
   * Go on with a socket another part of the page opened and authenticated
   * with the same token (the loader's consent socket) instead of opening one.
   * `takeReceived` is called once our listeners are on the socket and returns
   * what it received so far, the welcome first; it is replayed in order (and
   * validated like every message). If the socket is gone, this reconnects.
   */
  adopt(socket: SocketLike, takeReceived: () => readonly unknown[]): void {
    if (this.#state !== 'idle') {
      socket.close(1000, 'client already connected');
      return;
    }
    this.#setState('connecting');
    this.#listen(socket);
    const received = takeReceived();
    // Replayed after the caller has its handle (an 'ended' among them must find the session stored),
    // and still before any message the socket delivers next (those come as tasks).
    (this.#options.microtask ?? queueMicrotask)(() => {
      if (this.#socket !== socket) return;
      for (const data of received) this.#onMessage(data);
      // Closed before our listener was on it: no close event will come (CLOSING still gets one).
      if (socket.readyState === 3) this.#onClose(socket, 1006, '');
    });
  }

  /** Send now if authenticated, otherwise queue until the welcome arrives. */
  send(message: ClientMessage): void {
    if (this.#state === 'closed') return;
    if (this.#authenticated && this.#socket?.readyState === 1) {
      this.#socket.send(this.#stringify(message));
      return;
    }
    this.#queue.push(message);
    if (this.#queue.length > this.#options.maxQueued) this.#queue.shift();
  }

  /** Close for good; no reconnect. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#teardown();
    this.#socket?.close(1000, 'client closed');
    this.#finish(1000, 'client closed', null);
  }

  #open(): void {
    const create = this.#options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let socket: SocketLike;
    try {
      socket = create(this.#options.url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    socket.addEventListener('open', () => {
      socket.send(
        this.#stringify({
          t: 'hello',
          v: PROTOCOL_VERSION,
          token: this.#options.token,
          ...(this.#options.agentKind ? { agentKind: this.#options.agentKind } : {}),
          ...(this.#options.resume ? { resume: this.#options.resume } : {}),
        } satisfies ClientMessage),
      );
    });
    this.#listen(socket);
  }

  #listen(socket: SocketLike): void {
    this.#socket = socket;
    this.#authenticated = false;
    socket.addEventListener('message', (event) => this.#onMessage(event.data));
    socket.addEventListener('close', (event) => this.#onClose(socket, event.code, event.reason));
    socket.addEventListener('error', () => {
      // A close event always follows; reconnect decisions are made there.
    });
  }

  #stringify(message: ClientMessage): string {
    return this.#options.json ? this.#options.json.stringify(message) : JSON.stringify(message);
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = this.#options.json ? this.#options.json.parse(data) : JSON.parse(data);
    } catch {
      return;
    }
    const parsed = serverMessage.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.t) {
      case 'welcome':
        this.#authenticated = true;
        this.#attempt = 0;
        this.#setState('open');
        this.#startKeepalive();
        this.emit('welcome', message);
        this.#flush();
        return;
      case 'peer':
        this.emit('peer', message);
        return;
      case 'signal':
        this.emit('signal', message);
        return;
      case 'event':
        this.emit('event', message);
        return;
      case 'ended':
        this.emit('ended', message);
        return;
      case 'error':
        this.emit('error', message);
        return;
      case 'agent':
        this.emit('agent', message);
        return;
      case 'ice-servers':
        this.emit('ice-servers', message);
        return;
      case 'viewer-signal':
      case 'viewers':
      case 'viewer-invited':
      case 'whisper':
        this.#emitViewerMessage(message);
        return;
      case 'pong':
        return;
    }
  }

  #emitViewerMessage(message: ServerOf<'viewer-signal' | 'viewers' | 'viewer-invited' | 'whisper'>): void {
    switch (message.t) {
      case 'viewer-signal':
        this.emit('viewer-signal', message);
        return;
      case 'viewers':
        this.emit('viewers', message);
        return;
      case 'viewer-invited':
        this.emit('viewer-invited', message);
        return;
      case 'whisper':
        this.emit('whisper', message);
        return;
    }
  }

  #onClose(socket: SocketLike, code: number, reason: string): void {
    if (socket !== this.#socket || this.#state === 'closed') return;
    this.#teardown();
    const error = errorCodeForClose(code) ?? null;
    if (error && FINAL_ERRORS.has(error)) {
      this.#finish(code, reason || ERROR_CODES[error].message, error);
      return;
    }
    if (error) this.emit('refused', { code, reason: reason || ERROR_CODES[error].message, error });
    // A listener may have closed the client for good.
    if ((this.#state as SignalingState) === 'closed') return;
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const { initialMs, maxMs, maxAttempts } = this.#options.backoff;
    if (this.#attempt >= maxAttempts) {
      this.#finish(1006, 'could not reach the server', null);
      return;
    }
    const base = Math.min(maxMs, initialMs * 2 ** this.#attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.#attempt += 1;
    this.#setState('reconnecting');
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#open();
    }, delay);
  }

  #flush(): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const message of queued) this.send(message);
  }

  #startKeepalive(): void {
    if (this.#keepaliveTimer) clearInterval(this.#keepaliveTimer);
    this.#keepaliveTimer = setInterval(() => this.send({ t: 'ping', ts: Date.now() }), this.#options.keepaliveMs);
  }

  #teardown(): void {
    this.#authenticated = false;
    if (this.#keepaliveTimer) clearInterval(this.#keepaliveTimer);
    this.#keepaliveTimer = null;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #finish(code: number, reason: string, error: ErrorCode | null): void {
    this.#queue = [];
    this.#setState('closed');
    this.emit('closed', { code, reason, error });
  }

  /** The one place the state changes. */
  #setState(state: SignalingState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
