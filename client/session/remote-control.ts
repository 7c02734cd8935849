/**
 * Remote control's code, fetched when it may be needed rather than with the session (issue #18): most sessions
 * never grant control, so the agent's clicks, keys and typing are a chunk of their own (remote-control-chunk.ts),
 * loaded when the lead asks for control (while the customer reads the prompt), when the customer grants it, or
 * when control carries over from the previous page. The lead's actions go through here: each numbered action at
 * most once and in order (numbers count per channel); one that comes while the chunk loads waits, in order, and
 * runs once it has. A chunk that cannot load while control is granted or an action waits is the session's to
 * report (onFailed: it ends control), and each waiting action is then refused.
 */
import type { CobrowseChannel } from '../../shared/channel.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import type { RemoteControlDeps, RemoteControlParts } from './remote-control-chunk.js';
import { listenInFrames } from './page-focus.js';
import { refuseAction, type PeerLink } from './viewer-links.js';

type ActionMessage = Extract<ChannelMessage, { t: 'action' }>;
type ChunkModule = { startRemoteControl(deps: RemoteControlDeps): RemoteControlParts };

export interface RemoteControlOptions extends RemoteControlDeps {
  /** Whether the customer has granted control now. */
  granted(): boolean;
  /** The chunk could not be loaded while needed (control granted, or an action waiting). */
  onFailed(): void;
}

/** An action that came before the chunk loaded, and whether control was granted when it came. */
interface WaitingAction {
  message: ActionMessage;
  link: PeerLink;
  grantedOnArrival: boolean;
}

export class RemoteControl {
  readonly #options: RemoteControlOptions;
  #parts: RemoteControlParts | null = null;
  #loading: Promise<void> | null = null;
  #waiting: WaitingAction[] = [];
  /** The last numbered action taken per channel (applied, refused or waiting). */
  readonly #lastSerial = new WeakMap<CobrowseChannel, number>();
  /** The customer allowed control before the chunk had loaded: RemoteInput hears it once it has. */
  #answered = false;
  #ended = false;
  readonly #onInput = (event: Event): void => this.#parts?.input.noteInputEvent(event);
  #stopInput: (() => void) | null = null;

  constructor(options: RemoteControlOptions) {
    this.#options = options;
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
    this.#waiting.push({ message, link, grantedOnArrival: granted });
    this.load();
  }

  /** The customer allowed control (their answer to the session's prompt). */
  answered(): void {
    if (this.#parts !== null) this.#parts.input.customerAnswered();
    else {
      this.#answered = true;
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
    this.#stopInput?.();
    this.#stopInput = null;
    this.#parts?.input.hold.end();
  }

  #loaded(chunk: ChunkModule): void {
    this.#loading = null;
    if (this.#ended) return;
    const { granted: _granted, onFailed: _onFailed, ...deps } = this.#options;
    const parts = chunk.startRemoteControl(deps);
    this.#parts = parts;
    // Capture phase on the window: sees the customer's typing before the page can stop it; in same-origin frames too.
    this.#stopInput = listenInFrames(this.#options.window, 'input', this.#onInput);
    if (this.#answered) parts.input.customerAnswered();
    this.#answered = false;
    this.#drain();
  }

  #failed(): void {
    this.#loading = null;
    if (this.#ended) return;
    // Fetched ahead of need (the prompt still shows): tried again when needed.
    if (!this.#options.granted() && this.#waiting.length === 0) return;
    this.#answered = false;
    this.#options.onFailed();
    this.#drain();
  }

  /** What waited, in order: run with control granted both when it came and now; refused otherwise. */
  #drain(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const { message, link, grantedOnArrival } of waiting) {
      const granted = grantedOnArrival && this.#options.granted();
      if (this.#parts !== null) this.#parts.runner.run(message, link, granted);
      else refuseAction(message, link);
    }
  }
}
