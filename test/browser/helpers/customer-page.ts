/**
 * The customer page for element tests: sessions on the real server (through
 * the dev server's same-origin `/__api` proxy), the element under test, and
 * the page's own instrumentation of what the customer's code opens, observes
 * and sends.
 */
// @ts-expect-error -- virtual module served by the cobrowse-test-server plugin in web-test-runner.config.mjs
import { apiKey, serverUrl } from '/__cobrowse-test-server.js';
import '../../../client/cobrowse-session.js';
import { pristine } from '../../../client/pristine.js';
import type { CobrowseSession } from '../../../client/cobrowse-session.js';

export const SERVER_URL = serverUrl as string;
export const SESSION_SRC = '/client/session-entry.ts';

export interface TestSession {
  sessionId: string;
  inviteCode: string;
  agentToken: string;
}

/** Create a session through the real REST API, as the chat system does. */
export async function createTestSession(body: Record<string, unknown> = { agentName: 'Dana' }): Promise<TestSession> {
  const response = await fetch('/__api/sessions', {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey as string}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201)
    throw new Error(`creating a session failed: ${response.status} ${await response.text()}`);
  const raw = (await response.json()) as {
    sessionId: string;
    customer: { inviteCode: string };
    agent: { token: string };
  };
  return { sessionId: raw.sessionId, inviteCode: raw.customer.inviteCode, agentToken: raw.agent.token };
}

/** The session's audit trail event types, in order. */
export async function auditTypes(sessionId: string): Promise<string[]> {
  const response = await fetch(`/__api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${apiKey as string}` },
  });
  if (!response.ok) throw new Error(`reading the audit failed: ${response.status}`);
  const body = (await response.json()) as { events: { type: string }[] };
  return body.events.map((event) => event.type);
}

/** Add a `<cobrowse-session>` that loads the session module from source. */
export async function addElement(): Promise<CobrowseSession> {
  const element = document.createElement('cobrowse-session');
  element.sessionSrc = SESSION_SRC;
  document.body.append(element);
  await element.updateComplete;
  return element;
}

export function shadow(element: CobrowseSession): ShadowRoot {
  const root = element.shadowRoot;
  if (!root) throw new Error('the element has no shadow root');
  return root;
}

export function dialogOf(element: CobrowseSession): HTMLElement | null {
  return shadow(element).querySelector<HTMLElement>('[role="dialog"]');
}

export function buttonNamed(element: CobrowseSession, name: string): HTMLButtonElement {
  const button = [...shadow(element).querySelectorAll('button')].find((b) => b.textContent?.trim() === name);
  if (!button)
    throw new Error(
      `no button "${name}"; buttons: ${[...shadow(element).querySelectorAll('button')].map((b) => b.textContent?.trim()).join(', ')}`,
    );
  return button;
}

/** The indicator's status text, or '' when it is not shown. */
export function indicatorText(element: CobrowseSession): string {
  return shadow(element).querySelector('.indicator .label')?.textContent?.trim() ?? '';
}

interface ListenerRecord {
  target: EventTarget;
  type: string;
  listener: EventListenerOrEventListenerObject;
  capture: boolean;
}

/**
 * Counts what the customer's code does on this page: peer connections,
 * signaling sockets (and every message sent on them), MutationObserver
 * observe/disconnect, and event listeners on the page (not on the element's
 * own shadow UI). The simulated agent uses native classes captured earlier,
 * so it is not counted.
 */
export class PageInstrumentation {
  readonly peerConnections: RTCPeerConnection[] = [];
  readonly sockets: WebSocket[] = [];
  readonly sent: { url: string; message: unknown }[] = [];
  /** Called with each message as the customer's code sends it (to see the page at that moment). */
  onSend: ((message: unknown) => void) | null = null;
  observeCalls = 0;
  readonly #observing = new Set<MutationObserver>();
  readonly #listeners: ListenerRecord[] = [];
  #tracking = false;
  readonly #restore: (() => void)[] = [];

  install(): this {
    const record = this;
    const NativePeerConnection = window.RTCPeerConnection;
    const CountedPeerConnection = class extends NativePeerConnection {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        record.peerConnections.push(this);
      }
    };
    window.RTCPeerConnection = CountedPeerConnection;
    this.#restore.push(() => (window.RTCPeerConnection = NativePeerConnection));

    const NativeSocket = window.WebSocket;
    const RecordedSocket = class extends NativeSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        record.sockets.push(this);
      }
      override send(data: Parameters<WebSocket['send']>[0]): void {
        let message: unknown = data;
        if (typeof data === 'string') {
          try {
            message = JSON.parse(data);
          } catch {
            message = data;
          }
        }
        record.sent.push({ url: this.url, message });
        record.onSend?.(message);
        super.send(data);
      }
    };
    // The customer code uses the WebSocket it found at load (client/pristine.ts): count there too.
    const pristineSocket = pristine.WebSocket;
    window.WebSocket = RecordedSocket;
    pristine.WebSocket = RecordedSocket;
    this.#restore.push(() => {
      window.WebSocket = NativeSocket;
      pristine.WebSocket = pristineSocket;
    });

    const observe = MutationObserver.prototype.observe;
    const disconnect = MutationObserver.prototype.disconnect;
    MutationObserver.prototype.observe = function (
      this: MutationObserver,
      target: Node,
      options?: MutationObserverInit,
    ) {
      record.observeCalls += 1;
      record.#observing.add(this);
      observe.call(this, target, options);
    };
    MutationObserver.prototype.disconnect = function (this: MutationObserver) {
      record.#observing.delete(this);
      disconnect.call(this);
    };
    this.#restore.push(() => {
      MutationObserver.prototype.observe = observe;
      MutationObserver.prototype.disconnect = disconnect;
    });

    const add = EventTarget.prototype.addEventListener;
    const remove = EventTarget.prototype.removeEventListener;
    const captureOf = (options?: boolean | EventListenerOptions) =>
      typeof options === 'boolean' ? options : (options?.capture ?? false);
    EventTarget.prototype.addEventListener = function (
      this: EventTarget,
      type: string,
      listener: EventListenerOrEventListenerObject | null,
      options?: boolean | AddEventListenerOptions,
    ) {
      if (record.#tracking && listener && record.#isPageTarget(this)) {
        const capture = captureOf(options);
        if (
          !record.#listeners.some(
            (l) => l.target === this && l.type === type && l.listener === listener && l.capture === capture,
          )
        ) {
          record.#listeners.push({ target: this, type, listener, capture });
        }
      }
      add.call(this, type, listener, options);
    };
    EventTarget.prototype.removeEventListener = function (
      this: EventTarget,
      type: string,
      listener: EventListenerOrEventListenerObject | null,
      options?: boolean | EventListenerOptions,
    ) {
      const capture = captureOf(options);
      const index = record.#listeners.findIndex(
        (l) => l.target === this && l.type === type && l.listener === listener && l.capture === capture,
      );
      if (index >= 0) record.#listeners.splice(index, 1);
      remove.call(this, type, listener, options);
    };
    const [pristineAdd, pristineRemove] = [pristine.addEventListener, pristine.removeEventListener];
    pristine.addEventListener = EventTarget.prototype.addEventListener;
    pristine.removeEventListener = EventTarget.prototype.removeEventListener;
    this.#restore.push(() => {
      EventTarget.prototype.addEventListener = add;
      EventTarget.prototype.removeEventListener = remove;
      pristine.addEventListener = pristineAdd;
      pristine.removeEventListener = pristineRemove;
    });
    return this;
  }

  /** Start recording listeners added to the page from now on. */
  trackListeners(): void {
    this.#tracking = true;
  }

  /** Listeners added since trackListeners() and still registered, as "target type" lines. */
  get liveListeners(): string[] {
    return this.#listeners.map((l) => `${describe(l.target)} ${l.type}${l.capture ? ' (capture)' : ''}`);
  }

  /** MutationObservers that observed and were not disconnected since. */
  get activeObservers(): number {
    return this.#observing.size;
  }

  /** Messages the customer's code sent on sockets to the signaling server. */
  signalingMessages(): unknown[] {
    return this.sent.filter((s) => s.url.startsWith(SERVER_URL.replace(/^http/, 'ws'))).map((s) => s.message);
  }

  uninstall(): void {
    for (const restore of this.#restore.splice(0).reverse()) restore();
  }

  /** The page's window, documents and nodes; not sockets, peers, nor the element's own shadow UI. */
  #isPageTarget(target: EventTarget): boolean {
    if (target === window) return true;
    if (!(target instanceof Node)) return false;
    // Nodes still in a template fragment (Lit binds listeners before inserting) are not on the page.
    // Listeners on the element itself belong to the host page (it listens for our events).
    if (target instanceof Element && target.localName === 'cobrowse-session') return false;
    const root = target.getRootNode();
    if (root instanceof Document) return true;
    return root instanceof ShadowRoot && root.host.localName !== 'cobrowse-session';
  }
}

function describe(target: EventTarget): string {
  if (target === window) return 'window';
  if (target instanceof Document) return 'document';
  if (target instanceof Element) return `<${target.localName}${target.id ? `#${target.id}` : ''}>`;
  return target.constructor.name;
}

/** The kind of each message, e.g. "hello" or "event:consent-shown". */
export function messageKinds(messages: unknown[]): string[] {
  return messages.map((message) => {
    const m = message as { t?: unknown; event?: { kind?: unknown } };
    return m.t === 'event' ? `event:${String(m.event?.kind)}` : String(m.t);
  });
}

/** The id the customer's capture gave the element with this DOM id, from the frames the agent received. */
export function nodeIdOf(frames: unknown[], domId: string): number {
  let found: number | null = null;
  const visit = (value: unknown): void => {
    if (found !== null || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    const node = value as { kind?: unknown; id?: unknown; attributes?: Record<string, unknown> };
    if (node.kind === 'el' && typeof node.id === 'number' && node.attributes?.id === domId) {
      found = node.id;
      return;
    }
    for (const item of Object.values(value)) visit(item);
  };
  visit(frames);
  if (found === null) throw new Error(`no captured element #${domId}`);
  return found;
}

/** Every tag name in the captured frames. */
export function capturedTags(frames: unknown[]): Set<string> {
  const tags = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    const node = value as { kind?: unknown; tag?: unknown };
    if (node.kind === 'el' && typeof node.tag === 'string') tags.add(node.tag.toLowerCase());
    for (const item of Object.values(value)) visit(item);
  };
  visit(frames);
  return tags;
}

export { until } from './inbox.js';

/** Resolves when the server tells this socket the agent is there (in its welcome, or when it joins). */
export function agentArrival(socket: WebSocket): Promise<void> {
  return new Promise((resolve) =>
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      const message = JSON.parse(event.data) as { t?: string; role?: string; present?: boolean; peerPresent?: boolean };
      if ((message.t === 'peer' && message.role === 'agent' && message.present) || message.peerPresent) resolve();
    }),
  );
}
