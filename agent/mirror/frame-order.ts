/**
 * The mirror's ordering and resync state machine, without a DOM: which DOM
 * frames are applied, in which order, and when the customer must be asked
 * for a fresh snapshot. Frames carry one monotonic seq per capture run;
 * part 0 of a snapshot starts a new run from its seq. A gap or a duplicate
 * (or a failure reported by the caller) desynchronises the stream: nothing
 * more is applied until the next snapshot, and `resync` is called once with
 * the last seq applied since the current snapshot. Frames that arrive while
 * a snapshot is still arriving in parts, or is still being built after its
 * final part (the mirror builds a big first snapshot in time slices), are
 * held and applied after it, in order.
 *
 * States: waiting (no snapshot yet) → building (parts arriving) →
 * finishing (final part in, the caller still building) → live; any of them
 * → desynced; destroyed is final.
 */
import { SequenceChecker } from '../../shared/sequence.js';

export type FrameOrderState = 'waiting' | 'building' | 'finishing' | 'live' | 'desynced' | 'destroyed';

/** The part of a frame the order looks at. */
export interface SequencedFrame {
  seq: number;
}
export interface SnapshotPart extends SequencedFrame {
  part: number;
  final: boolean;
}

export interface FrameOrderHandlers<S extends SnapshotPart, F extends SequencedFrame> {
  /** Part 0 of a snapshot arrived: a new run starts. */
  snapshotStarted(first: S): void;
  /** A later part arrived in order. */
  snapshotPart(part: S): void;
  /**
   * The final part arrived: every part of the snapshot, in order. 'building':
   * the caller finishes later and then calls snapshotBuilt(); frames stay held.
   */
  snapshotCompleted(parts: readonly S[]): 'built' | 'building';
  /** A state or mutation frame, in order, after the snapshot it belongs to. */
  frame(frame: F): void;
  /** Order was lost: ask for a fresh snapshot. */
  resync(lastAppliedSeq: number | null): void;
  /** A frame (or snapshot part) was fully applied. */
  applied(frame: S | F): void;
}

export interface FrameOrderStats {
  framesApplied: number;
  framesIgnored: number;
  gaps: number;
  duplicates: number;
  resyncRequests: number;
  snapshots: number;
}

/** A snapshot part that does not follow the previous one (a bug on the sending side, or a forged frame). */
export class FrameOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameOrderError';
  }
}

export class FrameOrder<S extends SnapshotPart, F extends SequencedFrame> {
  readonly stats: FrameOrderStats = {
    framesApplied: 0,
    framesIgnored: 0,
    gaps: 0,
    duplicates: 0,
    resyncRequests: 0,
    snapshots: 0,
  };
  readonly #handlers: FrameOrderHandlers<S, F>;
  readonly #checker = new SequenceChecker();
  #state: FrameOrderState = 'waiting';
  #parts: S[] = [];
  /** The parts of a snapshot whose final part is in while the caller still builds it. */
  #finishing: S[] = [];
  #held: F[] = [];
  #lastAppliedSeq: number | null = null;

  constructor(handlers: FrameOrderHandlers<S, F>) {
    this.#handlers = handlers;
  }

  get state(): FrameOrderState {
    return this.#state;
  }

  /** The last seq applied since the current snapshot (what a resync reports). */
  get lastAppliedSeq(): number | null {
    return this.#lastAppliedSeq;
  }

  /** Takes one snapshot part. A handler that throws leaves the order to the caller (see fail()). */
  acceptSnapshotPart(part: S): void {
    if (this.#state === 'destroyed') return;
    if (part.part === 0) {
      this.#checker.expectFrom(part.seq);
      this.#checker.accept(part.seq);
      this.#parts = [part];
      this.#finishing = [];
      this.#held = [];
      this.#lastAppliedSeq = null;
      this.#state = 'building';
      this.#handlers.snapshotStarted(part);
    } else {
      if (this.#state === 'desynced' || this.#state === 'waiting') {
        this.stats.framesIgnored++;
        if (this.#state === 'waiting') this.#resync();
        return;
      }
      if (!this.#inSequence(part.seq)) return;
      if (this.#state !== 'building' || part.part !== this.#parts.length) {
        throw new FrameOrderError(`snapshot part ${part.part} arrived out of order`);
      }
      this.#parts.push(part);
      this.#handlers.snapshotPart(part);
    }
    if (!part.final) return;
    this.#finishing = this.#parts;
    this.#parts = [];
    this.#state = 'finishing';
    if (this.#handlers.snapshotCompleted(this.#finishing) === 'built') this.snapshotBuilt();
  }

  /**
   * The caller finished building the snapshot whose final part is in: it is
   * live, and the frames held meanwhile are applied in order. A handler that
   * throws leaves the order to the caller (see fail()).
   */
  snapshotBuilt(): void {
    if (this.#state !== 'finishing') return;
    const parts = this.#finishing;
    const held = this.#held;
    this.#finishing = [];
    this.#held = [];
    this.#state = 'live';
    this.stats.snapshots++;
    for (const done of parts) this.#applied(done);
    for (const frame of held) {
      this.#handlers.frame(frame);
      this.#applied(frame);
    }
  }

  /** Takes one state or mutation frame. */
  acceptFrame(frame: F): void {
    if (this.#state === 'destroyed') return;
    if (this.#state === 'desynced') {
      this.stats.framesIgnored++;
      return;
    }
    if (this.#state === 'waiting') {
      // Frames before any snapshot cannot be placed anywhere.
      this.stats.framesIgnored++;
      this.stats.gaps++;
      this.#resync();
      return;
    }
    if (!this.#inSequence(frame.seq)) return;
    if (this.#state === 'building' || this.#state === 'finishing') {
      this.#held.push(frame);
      return;
    }
    this.#handlers.frame(frame);
    this.#applied(frame);
  }

  /** Applying failed on the caller's side: the stream is out of order from here. */
  fail(): void {
    this.#resync();
  }

  destroy(): void {
    this.#state = 'destroyed';
    this.#parts = [];
    this.#finishing = [];
    this.#held = [];
  }

  #inSequence(seq: number): boolean {
    const verdict = this.#checker.accept(seq);
    if (verdict === 'ok') return true;
    if (verdict === 'gap') this.stats.gaps++;
    else this.stats.duplicates++;
    this.stats.framesIgnored++;
    this.#resync();
    return false;
  }

  #resync(): void {
    if (this.#state === 'desynced' || this.#state === 'destroyed') return;
    this.#state = 'desynced';
    this.#parts = [];
    this.#finishing = [];
    this.#held = [];
    this.stats.resyncRequests++;
    this.#handlers.resync(this.#lastAppliedSeq);
  }

  #applied(frame: S | F): void {
    this.stats.framesApplied++;
    this.#lastAppliedSeq = frame.seq;
    this.#handlers.applied(frame);
  }
}
