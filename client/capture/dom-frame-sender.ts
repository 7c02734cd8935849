/**
 * Numbers and sends the engine's frames, and keeps the transport's
 * backpressure state. DOM frames get their seq here, when they are sent (one
 * monotonic run per engine), so no frame exists with a placeholder seq.
 *
 * When `send` refuses a message the transport queue is full: the frame is
 * lost, the sender is blocked (nothing more is produced until the transport
 * drains) and, when a DOM frame was lost, the mirror is stale and needs a
 * fresh snapshot.
 */
import type { ChannelMessage, DomFrame } from '../../shared/protocol.js';
import { SequenceCounter } from '../../shared/sequence.js';

type Unsequenced<T> = T extends { seq: number } ? Omit<T, 'seq'> : never;
/** A DOM frame before it is numbered. */
export type UnsequencedDomFrame = Unsequenced<DomFrame>;

export interface DomFrameSenderOptions {
  send: (message: ChannelMessage) => boolean;
  /** A message was refused: pending notes are dropped (they will be resent by a snapshot). */
  onRefused: () => void;
  onError: (error: unknown) => void;
}

export class DomFrameSender {
  framesSent = 0;
  framesRejected = 0;
  readonly #seq = new SequenceCounter();
  readonly #o: DomFrameSenderOptions;
  /** `send` refused a message: produce nothing until drained(). */
  #blocked = false;
  /** The mirror missed DOM frames: it needs a fresh snapshot. */
  #dirty = false;

  constructor(options: DomFrameSenderOptions) {
    this.#o = options;
  }

  get blocked(): boolean {
    return this.#blocked;
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  /** Something the mirror should have seen was dropped (while blocked, or by a failure). */
  markDirty(): void {
    this.#dirty = true;
  }

  /** A fresh snapshot starts: the mirror will be whole again. */
  snapshotStarted(): void {
    this.#blocked = false;
    this.#dirty = false;
  }

  /** The transport caught up. */
  unblock(): void {
    this.#blocked = false;
  }

  /** The next seq starts again at 0 (the codec streams of both sides were reset too). */
  restartSequence(): void {
    this.#seq.reset();
  }

  /** Sends a DOM frame with the next seq; false (and the stream marked stale) when blocked or refused. */
  sendDom(body: UnsequencedDomFrame): boolean {
    if (this.#blocked) {
      this.#dirty = true;
      return false;
    }
    const frame = { ...body, seq: this.#seq.next() } as DomFrame;
    if (this.#trySend(frame)) return true;
    this.#refused(true);
    return false;
  }

  /** Sends a message that is not a DOM frame (the pointer): losing it leaves the mirror whole. */
  sendEphemeral(message: ChannelMessage): void {
    if (!this.#trySend(message)) this.#refused(false);
  }

  #trySend(message: ChannelMessage): boolean {
    let ok = false;
    try {
      ok = this.#o.send(message) !== false;
    } catch (error) {
      this.#o.onError(error);
    }
    if (ok) this.framesSent++;
    else this.framesRejected++;
    return ok;
  }

  #refused(lostDomFrame: boolean): void {
    this.#blocked = true;
    if (lostDomFrame) this.#dirty = true;
    this.#o.onRefused();
  }
}
