/**
 * Sequence numbers on DOM frames. The sender numbers every DOM frame; the
 * receiver checks that none is missing, and on a gap asks for a fresh
 * snapshot, whose seq then starts the expected sequence again.
 */

export type SequenceVerdict = 'ok' | 'duplicate' | 'gap';

function assertSeq(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`Invalid sequence number: ${seq}`);
}

/** Sender side: hands out 0, 1, 2, ... for the DOM frames of one stream. */
export class SequenceCounter {
  #next = 0;

  /** The seq for the next DOM frame. */
  next(): number {
    return this.#next++;
  }

  /** Start again from 0 (a new stream, e.g. after the codec was reset). */
  reset(): void {
    this.#next = 0;
  }
}

/** Receiver side: classifies each incoming DOM frame's seq against the one expected. */
export class SequenceChecker {
  #expected: number;
  #lastSeq: number | null = null;

  /** Expects `firstSeq` (default 0, what a fresh SequenceCounter sends first). */
  constructor(firstSeq = 0) {
    assertSeq(firstSeq);
    this.#expected = firstSeq;
  }

  /** The last seq accepted since the sequence (re)started, or null if none yet. */
  get lastSeq(): number | null {
    return this.#lastSeq;
  }

  /** The seq the next frame must carry. */
  get expected(): number {
    return this.#expected;
  }

  /**
   * 'ok' advances the sequence; 'duplicate' (an old seq) should be dropped;
   * 'gap' means frames are missing: the state stays put, so every later frame
   * is a gap too until expectFrom() is called for a fresh snapshot.
   */
  accept(seq: number): SequenceVerdict {
    assertSeq(seq);
    if (seq === this.#expected) {
      this.#lastSeq = seq;
      this.#expected = seq + 1;
      return 'ok';
    }
    return seq < this.#expected ? 'duplicate' : 'gap';
  }

  /** Start a new expected sequence at `seq` (the seq of a fresh snapshot, which is then accepted as 'ok'). */
  expectFrom(seq: number): void {
    assertSeq(seq);
    this.#expected = seq;
    this.#lastSeq = null;
  }
}
