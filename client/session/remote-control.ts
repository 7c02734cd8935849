/**
 * Remote control's code, fetched when it may be needed rather than with the session (issue #18): most sessions
 * never grant control, so the agent's clicks, keys and typing are a chunk of their own (remote-control-chunk.ts),
 * loaded when the lead asks for control (while the customer reads the prompt), when the customer grants it, or
 * when control carries over from the previous page. The lead's actions go through here: each numbered action at
 * most once and in order (numbers count per channel); one that comes while the chunk loads waits, in order, and
 * runs once it has. A chunk that cannot load while control is granted or an action waits is the session's to
 * report (onFailed: it ends control), and each waiting action is then refused. A waiting action runs only under the
 * grant and the lead it came under (review s15b M2): after a revoke, a new grant or a new lead, it is refused. What
 * the customer does meanwhile counts as it would with the chunk loaded (review s15b H1, M1): where focus was when
 * they answered the prompt, and where they last typed (an always-on listener notes only the time and the target),
 * are handed to the chunk when it loads.
 */
import type { CobrowseChannel } from '../../shared/channel.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import type { RemoteControlDeps, RemoteControlParts } from './remote-control-chunk.js';
import { deepActiveElement, listenInFrames } from './page-focus.js';
import { refuseAction, type PeerLink } from './viewer-links.js';

type ActionMessage = Extract<ChannelMessage, { t: 'action' }>;
type ChunkModule = { startRemoteControl(deps: RemoteControlDeps): RemoteControlParts };

export interface RemoteControlOptions extends RemoteControlDeps {
  /** Whether the customer has granted control now. */
  granted(): boolean;
  /** Who leads now (whose actions run). */
  lead(): string;
  /** The chunk could not be loaded while needed (control granted, or an action waiting). */
  onFailed(): void;
}

/** An action that came before the chunk loaded: the grant it came under (null: none) and who led then. */
interface WaitingAction {
  message: ActionMessage;
  link: PeerLink;
  grant: number | null;
  lead: string;
}

/** The customer's last key or input event on the page: where and when (performance.now()), not which key. */
interface CustomerKey {
  target: WeakRef<Element>;
  at: number;
}

export class RemoteControl {
  readonly #options: RemoteControlOptions;
  #parts: RemoteControlParts | null = null;
  #loading: Promise<void> | null = null;
  #waiting: WaitingAction[] = [];
  /** The last numbered action taken per channel (applied, refused or waiting). */
  readonly #lastSerial = new WeakMap<CobrowseChannel, number>();
  /**
   * The customer allowed control before the chunk had loaded: where focus was as they answered, and when.
   * RemoteInput hears it once it has loaded.
   */
  #answer: { focus: Element | null; at: number } | null = null;
  /** The customer's grants so far: the current one's number (a waiting action runs only under its own). */
  #grant = 0;
  #lastKey: CustomerKey | null = null;
  #ended = false;
  /** The customer's input events go to the chunk once loaded; before, only the last key's target and time is kept. */
  readonly #onInput = (event: Event): void => {
    this.#noteKey(event);
    this.#parts?.input.noteInputEvent(event);
  };
  readonly #noteKey = (event: Event): void => {
    const target = event.composedPath()[0] as Element | undefined;
    if (!event.isTrusted || target?.nodeType !== Node.ELEMENT_NODE) return;
    this.#lastKey = { target: new WeakRef(target), at: this.#options.window.performance.now() };
  };
  /** Stops the listeners (capture phase, on the window and in its same-origin frames). */
  readonly #stopListening: (() => void)[];

  constructor(options: RemoteControlOptions) {
    this.#options = options;
    // Capture phase, before the page can stop them; in same-origin frames too, whose events do not reach the window.
    this.#stopListening = [
      listenInFrames(options.window, 'input', this.#onInput),
      listenInFrames(options.window, 'keydown', this.#noteKey),
    ];
  }

  /** Fetches the chunk unless loaded or loading (a failed load is tried again on the next call). */
  load(): void {
    if (this.#parts !== null || this.#loading !== null || this.#ended) return;
    const loading = import('./remote-control-chunk.js').then(
      (chunk: ChunkModule) => this.#loaded(chunk),
      () => this.#failed(),
    );
    this.#loading = loading;
  }

  /** The lead's action: run now, or after those waiting for the chunk. */
  run(message: ActionMessage, link: PeerLink): void {
    const { serial } = message;
    const channel = link.channel;
    if (serial !== undefined && channel) {
      // Applied at most once and in order: a repeated or older number is not taken again.
      if (serial <= (this.#lastSerial.get(channel) ?? 0)) return;
      this.#lastSerial.set(channel, serial);
    }
    const granted = this.#options.granted();
    if (this.#waiting.length === 0) {
      if (this.#parts !== null) return this.#parts.runner.run(message, link, granted);
      // As the chunk's runner answers it (remote-actions.ts checks control first), without fetching it.
      if (!granted) return refuseAction(message, link);
    }
    this.#waiting.push({ message, link, grant: granted ? this.#grant : null, lead: this.#options.lead() });
    this.load();
  }

  /** The customer allowed control (their answer to the session's prompt). */
  answered(): void {
    this.#grant += 1;
    if (this.#parts !== null) this.#parts.input.customerAnswered();
    else {
      const { document, performance } = this.#options.window;
      this.#answer = { focus: deepActiveElement(document), at: performance.now() };
      this.load();
    }
  }

  /** A new connection of the lead, or a new lead: the agent's typing state starts again. */
  reset(): void {
    this.#parts?.input.reset();
  }

  /** The session ended: nothing waiting runs, nothing more loads, nothing is left listening on the page. */
  end(): void {
    this.#ended = true;
    this.#waiting = [];
    for (const stop of this.#stopListening.splice(0)) stop();
    this.#parts?.input.hold.end();
  }

  #loaded(chunk: ChunkModule): void {
    this.#loading = null;
    if (this.#ended) return;
    const { granted: _granted, onFailed: _onFailed, lead: _lead, ...deps } = this.#options;
    const parts = chunk.startRemoteControl(deps);
    this.#parts = parts;
    this.#handOver(parts);
    this.#drain();
  }

  /** What the customer did while the chunk loaded, in order: their answer, and their last key if it came after. */
  #handOver({ input }: RemoteControlParts): void {
    const answer = this.#answer;
    this.#answer = null;
    if (answer !== null) input.customerAnswered(answer.focus);
    const key = this.#lastKey;
    const target = key?.target.deref();
    if (key && target?.isConnected && (answer === null || key.at > answer.at)) input.noteCustomerKey(target, key.at);
  }

  #failed(): void {
    this.#loading = null;
    if (this.#ended) return;
    // Fetched ahead of need (the prompt still shows): tried again when needed.
    if (!this.#options.granted() && this.#waiting.length === 0) return;
    this.#answer = null;
    this.#options.onFailed();
    this.#drain();
  }

  /** What waited, in order: run under the grant and the lead it came under, if both still hold; refused otherwise. */
  #drain(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const { message, link, grant, lead } of waiting) {
      const granted = grant === this.#grant && lead === this.#options.lead() && this.#options.granted();
      if (this.#parts !== null) this.#parts.runner.run(message, link, granted);
      else refuseAction(message, link);
    }
  }
}
