import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ChannelSender,
  ChunkAssembler,
  ChunkKind,
  chunkMessage,
  DEFAULT_MAX_CHUNK_BYTES,
  type AssembleResult,
  type ChunkSink,
} from '../../shared/framing.js';
import type { ErrorCode } from '../../shared/errors.js';

function bytesOf(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed | 1;
  for (let i = 0; i < length; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Push every chunk; returns the messages completed, failing on any error. */
function reassemble(assembler: ChunkAssembler, chunks: readonly Uint8Array[]): Uint8Array[] {
  const complete: Uint8Array[] = [];
  for (const chunk of chunks) {
    const result = assembler.push(chunk);
    if ('error' in result) throw new Error(`${result.error.code}: ${result.error.message}`);
    if ('complete' in result) complete.push(result.complete);
  }
  return complete;
}

function expectError(result: AssembleResult, code: ErrorCode): void {
  expect('error' in result ? result.error.code : result).toBe(code);
}

describe('chunkMessage / ChunkAssembler', () => {
  it('reassembles random sizes, including empty and exact multiples of the chunk size (property)', () => {
    const maxChunk = 256;
    const firstPayload = maxChunk - 13;
    const partPayload = maxChunk - 9;
    const edges = fc.constantFrom(
      0,
      1,
      maxChunk - 1,
      maxChunk,
      maxChunk + 1,
      firstPayload + partPayload,
      firstPayload + 3 * partPayload,
      firstPayload + 3 * partPayload + 1,
      maxChunk * 4,
      maxChunk * 10,
    );
    fc.assert(
      fc.property(fc.oneof(edges, fc.nat({ max: 5_000 })), fc.integer(), (length, seed) => {
        const message = bytesOf(length, seed);
        const chunks = chunkMessage(message, maxChunk);
        for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(maxChunk);
        expect(chunks.length === 1).toBe(length + 1 <= maxChunk);
        const assembler = new ChunkAssembler();
        const out = reassemble(assembler, chunks);
        expect(out).toHaveLength(1);
        expect(out[0]).toEqual(message);
        expect(assembler.pendingCount).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('uses 64 KiB chunks by default and fills them', () => {
    const chunks = chunkMessage(bytesOf(300_000, 7));
    expect(chunks.length).toBe(5);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBe(DEFAULT_MAX_CHUNK_BYTES);
    expect(chunks.map((c) => c[0])).toEqual([
      ChunkKind.first,
      ChunkKind.middle,
      ChunkKind.middle,
      ChunkKind.middle,
      ChunkKind.last,
    ]);
  });

  it('reassembles a long stream of small and large messages exactly, in order', () => {
    const assembler = new ChunkAssembler();
    const sent: Uint8Array[] = [];
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 400; i++) {
      const length = i % 10 === 0 ? 200_000 + i * 97 : i % 3 === 0 ? 0 : (i * 131) % 2_000;
      const message = bytesOf(length, i);
      sent.push(message);
      chunks.push(...chunkMessage(message, 16 * 1024));
    }
    const received = reassemble(assembler, chunks);
    expect(received.length).toBe(sent.length);
    // Byte comparison by hand: deep equality on megabytes of arrays is very slow.
    const mismatches = received.filter((message, i) => !sameBytes(message, sent[i]));
    expect(mismatches).toHaveLength(0);
  });

  it('copies partial payloads, so the caller may reuse its receive buffer', () => {
    const message = bytesOf(1_000, 3);
    const chunks = chunkMessage(message, 300);
    const assembler = new ChunkAssembler();
    let complete: Uint8Array | undefined;
    const scratch = new Uint8Array(300);
    for (const chunk of chunks) {
      scratch.set(chunk);
      const result = assembler.push(scratch.subarray(0, chunk.length));
      scratch.fill(0);
      if ('complete' in result) complete = result.complete;
    }
    expect(complete).toEqual(message);
  });

  it('still reassembles interleaved messages, keyed by id', () => {
    const a = chunkMessage(bytesOf(1_000, 1), 200, 1);
    const b = chunkMessage(bytesOf(700, 2), 200, 2);
    const interleaved = a.flatMap((chunk, i) => (b[i] ? [chunk, b[i]] : [chunk]));
    const out = reassemble(new ChunkAssembler(), interleaved);
    expect(out).toEqual([bytesOf(700, 2), bytesOf(1_000, 1)]);
  });

  describe('rejects', () => {
    const chunks = chunkMessage(bytesOf(1_000, 5), 200, 42);
    const [first, second, third] = chunks;
    const last = chunks[chunks.length - 1];
    if (!first || !second || !third || !last) throw new Error('expected at least 4 chunks');

    it('an empty data-channel message and an unknown kind', () => {
      const assembler = new ChunkAssembler();
      expectError(assembler.push(new Uint8Array(0)), 'CHUNK_ERROR');
      expectError(assembler.push(new Uint8Array([0x09, 1, 2, 3])), 'CHUNK_ERROR');
      expectError(assembler.push(new Uint8Array([0x00])), 'CHUNK_ERROR');
    });

    it('a chunk shorter than its header', () => {
      expectError(new ChunkAssembler().push(first.subarray(0, 12)), 'CHUNK_ERROR');
      const assembler = new ChunkAssembler();
      assembler.push(first);
      expectError(assembler.push(second.subarray(0, 8)), 'CHUNK_ERROR');
    });

    it('a middle or last chunk without a first', () => {
      expectError(new ChunkAssembler().push(second), 'CHUNK_ERROR');
      expectError(new ChunkAssembler().push(last), 'CHUNK_ERROR');
    });

    it('an out-of-order index, and drops that message', () => {
      const assembler = new ChunkAssembler();
      expect(assembler.push(first)).toEqual({ pending: true });
      expectError(assembler.push(third), 'CHUNK_ERROR');
      expect(assembler.pendingCount).toBe(0);
      // The rest of the broken message is refused too, not stitched onto anything.
      expectError(assembler.push(last), 'CHUNK_ERROR');
      // A new message after the failure goes through.
      expect(reassemble(assembler, chunkMessage(bytesOf(500, 9), 200, 43))).toEqual([bytesOf(500, 9)]);
    });

    it('a repeated chunk and a first chunk with a non-zero index', () => {
      const assembler = new ChunkAssembler();
      assembler.push(first);
      assembler.push(second);
      expectError(assembler.push(second), 'CHUNK_ERROR');
      const badFirst = first.slice();
      badFirst[8] = 1;
      expectError(new ChunkAssembler().push(badFirst), 'CHUNK_ERROR');
    });

    it('a message started twice', () => {
      const assembler = new ChunkAssembler();
      assembler.push(first);
      expectError(assembler.push(first), 'CHUNK_ERROR');
    });

    it('a message whose chunks disagree with its declared length', () => {
      const short = reassembleError(chunks.slice(0, -2).concat(withKind(chunks[chunks.length - 2], ChunkKind.last)));
      expect(short).toBe('CHUNK_ERROR');
      const assembler = new ChunkAssembler();
      for (const chunk of chunks.slice(0, -1)) assembler.push(chunk);
      // The declared length is reached by a middle chunk: the last one would overflow it.
      expectError(assembler.push(withKind(last, ChunkKind.middle)), 'CHUNK_ERROR');
      const longer = new ChunkAssembler();
      for (const chunk of chunks.slice(0, -1)) longer.push(chunk);
      const padded = new Uint8Array(last.length + 5);
      padded.set(last);
      expectError(longer.push(padded), 'CHUNK_ERROR');
    });

    it('a message over maxMessageBytes, by declared size or while reassembling', () => {
      const small = new ChunkAssembler({ maxMessageBytes: 999 });
      expectError(small.push(first), 'MESSAGE_TOO_LARGE');
      expectError(small.push(chunkMessage(bytesOf(1_000, 1), 2_000)[0] ?? first), 'MESSAGE_TOO_LARGE');
      // A lying first chunk (declares 390) cannot smuggle more than the limit through.
      const lying = first.slice();
      new DataView(lying.buffer).setUint32(9, 390);
      const assembler = new ChunkAssembler({ maxMessageBytes: 400 });
      const results = [lying, ...chunks.slice(1)].map((chunk) => assembler.push(chunk));
      const errors = results.flatMap((r) => ('error' in r ? [r.error.code] : []));
      expect(errors[0]).toBe('MESSAGE_TOO_LARGE');
      expect(results.some((r) => 'complete' in r)).toBe(false);
    });

    it('too many concurrent partial messages', () => {
      const assembler = new ChunkAssembler({ maxPending: 2 });
      for (let id = 1; id <= 2; id++) {
        const [firstOfId] = chunkMessage(bytesOf(1_000, id), 200, id);
        if (!firstOfId) throw new Error('unreachable');
        expect(assembler.push(firstOfId)).toEqual({ pending: true });
      }
      const [third] = chunkMessage(bytesOf(1_000, 3), 200, 3);
      if (!third) throw new Error('unreachable');
      expectError(assembler.push(third), 'CHUNK_ERROR');
      expect(assembler.pendingCount).toBe(2);
    });
  });

  it('refuses a chunk size too small to carry data', () => {
    expect(() => chunkMessage(new Uint8Array(10), 10)).toThrow(RangeError);
  });
});

function withKind(chunk: Uint8Array | undefined, kind: number): Uint8Array {
  if (!chunk) throw new Error('no chunk');
  const copy = chunk.slice();
  copy[0] = kind;
  return copy;
}

function reassembleError(chunks: readonly Uint8Array[]): ErrorCode | null {
  const assembler = new ChunkAssembler();
  for (const chunk of chunks) {
    const result = assembler.push(chunk);
    if ('error' in result) return result.error.code;
  }
  return null;
}

/**
 * A fake of RTCDataChannel's send buffer: the test decides when the network
 * "drains" it. A real channel cannot be made to hold a given bufferedAmount on
 * demand, which these tests need to check the water marks exactly.
 */
class FakeChannelBuffer implements ChunkSink {
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  readonly sent: Uint8Array[] = [];
  failNextSend = false;
  #listeners = new Set<() => void>();

  send(chunk: Uint8Array): void {
    if (this.failNextSend) throw new Error('channel closed');
    this.sent.push(chunk);
    this.bufferedAmount += chunk.length;
  }

  onDrain(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** The network took `bytes` off the buffer; fires 'bufferedamountlow' when crossing the threshold, like the browser. */
  transmit(bytes: number): void {
    const before = this.bufferedAmount;
    this.bufferedAmount = Math.max(0, before - bytes);
    if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold) {
      for (const listener of [...this.#listeners]) listener();
    }
  }
}

describe('ChannelSender', () => {
  const options = { highWaterMark: 1_000, lowWaterMark: 200, maxQueuedBytes: 5_000, maxChunkBytes: 100 };

  function receivedMessages(sink: FakeChannelBuffer): Uint8Array[] {
    return reassemble(new ChunkAssembler(), sink.sent);
  }

  it('writes while under the high water mark, queues the rest, and resumes on drain', async () => {
    const sink = new FakeChannelBuffer();
    const sender = new ChannelSender(sink, options);
    expect(sink.bufferedAmountLowThreshold).toBe(200);

    const message = bytesOf(2_500, 1);
    expect(sender.send(message)).toBe(true);
    // Stops at the first write that reaches the mark (overshoot at most one chunk).
    expect(sink.bufferedAmount).toBeGreaterThanOrEqual(1_000);
    expect(sink.bufferedAmount).toBeLessThan(1_100);
    expect(sender.queuedBytes).toBeGreaterThan(0);
    const written = sink.sent.length;

    // Draining to just above the low mark does not resume.
    sink.transmit(sink.bufferedAmount - 201);
    expect(sink.sent.length).toBe(written);

    let idle = false;
    const idlePromise = sender.idle().then(() => {
      idle = true;
    });
    while (sender.queuedBytes > 0) {
      sink.transmit(sink.bufferedAmount);
      expect(sink.bufferedAmount).toBeLessThan(1_100);
    }
    await idlePromise;
    expect(idle).toBe(true);
    expect(receivedMessages(sink)).toEqual([message]);
  });

  it('queues behind earlier messages so order is preserved', () => {
    const sink = new FakeChannelBuffer();
    const sender = new ChannelSender(sink, options);
    const messages = [bytesOf(1_500, 1), bytesOf(10, 2), bytesOf(0, 3), bytesOf(800, 4), bytesOf(5, 5)];
    for (const message of messages) expect(sender.send(message)).toBe(true);
    // Even though the small ones would fit once drained, nothing overtakes the queue.
    while (sender.queuedBytes > 0) sink.transmit(sink.bufferedAmount);
    expect(receivedMessages(sink)).toEqual(messages);
  });

  it('refuses, queueing nothing, a message that would grow the queue past maxQueuedBytes', () => {
    const sink = new FakeChannelBuffer();
    const sender = new ChannelSender(sink, options);
    expect(sender.send(bytesOf(4_000, 1))).toBe(true);
    const queued = sender.queuedBytes;
    const sentChunks = sink.sent.length;
    expect(sender.send(bytesOf(3_000, 2))).toBe(false);
    expect(sender.queuedBytes).toBe(queued);
    expect(sink.sent.length).toBe(sentChunks);
    // Something that fits is still accepted.
    expect(sender.send(bytesOf(500, 3))).toBe(true);
    while (sender.queuedBytes > 0) sink.transmit(sink.bufferedAmount);
    expect(receivedMessages(sink)).toEqual([bytesOf(4_000, 1), bytesOf(500, 3)]);
  });

  it('counts the room left in the channel buffer when deciding to refuse', () => {
    const sink = new FakeChannelBuffer();
    const sender = new ChannelSender(sink, { ...options, maxQueuedBytes: 500 });
    // Empty buffer: ~1000 bytes go straight to the channel, the rest fits the queue.
    expect(sender.send(bytesOf(1_300, 1))).toBe(true);
    expect(sender.queuedBytes).toBeGreaterThan(0);
    expect(sender.queuedBytes).toBeLessThanOrEqual(500);
    // Buffer full: the same message would have to be queued whole.
    expect(sender.send(bytesOf(1_300, 2))).toBe(false);
  });

  it('close() drops the queue, unsubscribes, settles idle() and refuses further sends', async () => {
    const sink = new FakeChannelBuffer();
    const sender = new ChannelSender(sink, options);
    sender.send(bytesOf(3_000, 1));
    expect(sender.queuedBytes).toBeGreaterThan(0);
    const idle = sender.idle();
    sender.close();
    await idle;
    expect(sender.queuedBytes).toBe(0);
    expect(sink.listenerCount).toBe(0);
    const sent = sink.sent.length;
    expect(sender.send(bytesOf(10, 2))).toBe(false);
    sink.transmit(sink.bufferedAmount);
    expect(sink.sent.length).toBe(sent);
  });

  it('a sink that throws while draining closes the sender and rejects idle()', async () => {
    const sink = new FakeChannelBuffer();
    const sender = new ChannelSender(sink, options);
    sender.send(bytesOf(3_000, 1));
    const idle = sender.idle();
    sink.failNextSend = true;
    sink.transmit(sink.bufferedAmount);
    await expect(idle).rejects.toThrow('channel closed');
    expect(sender.closed).toBe(true);
    expect(sender.queuedBytes).toBe(0);
  });

  it('a sink that throws during send() closes the sender and throws to the caller', () => {
    const sink = new FakeChannelBuffer();
    const sender = new ChannelSender(sink, options);
    sink.failNextSend = true;
    expect(() => sender.send(bytesOf(10, 1))).toThrow('channel closed');
    expect(sender.closed).toBe(true);
  });

  it('keeps order and bounds across a long run of random sends and drains (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ send: fc.nat({ max: 3_000 }) }), fc.record({ drain: fc.nat({ max: 2_000 }) })), {
          maxLength: 200,
        }),
        (steps) => {
          const sink = new FakeChannelBuffer();
          const sender = new ChannelSender(sink, options);
          const accepted: Uint8Array[] = [];
          steps.forEach((step, i) => {
            if ('send' in step) {
              const message = bytesOf(step.send, i);
              if (sender.send(message)) accepted.push(message);
            } else {
              sink.transmit(step.drain);
            }
            expect(sender.queuedBytes).toBeLessThanOrEqual(options.maxQueuedBytes);
            expect(sink.bufferedAmount).toBeLessThan(options.highWaterMark + options.maxChunkBytes);
          });
          while (sender.queuedBytes > 0) sink.transmit(sink.bufferedAmount);
          expect(receivedMessages(sink)).toEqual(accepted);
        },
      ),
      { numRuns: 200 },
    );
  });
});
