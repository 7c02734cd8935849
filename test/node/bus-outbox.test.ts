/**
 * Review O3: the outbox that keeps the notes Redis did not take (bus-outbox.ts, 787b552) kept one queue for the
 * whole instance. Once one note was kept, every later note of every session went behind it until the next flush
 * (a heartbeat away), though Redis answered again; and full, it dropped the oldest note whichever session's it was
 * (a quiet session's only note, its end or its hand-over, for a chatty session's signals). Now notes are kept per
 * session (its channel): another session's note goes at once, a session's own keep their order, and full, the
 * session with the most kept notes loses its oldest.
 *
 * Oracle: what a scripted Redis (a send the test lets through or refuses) received, in order, and the warnings
 * logged. Control: a session's own later note still waits behind its kept one and both go in order.
 */
import { describe, expect, it } from 'vitest';
import { BusOutbox } from '../../signaling/bus-outbox.js';

class ScriptedRedis {
  up = false;
  readonly received: [channel: string, text: string][] = [];
  readonly send = async (channel: string, text: string): Promise<void> => {
    if (!this.up) throw new Error('redis cannot be reached');
    this.received.push([channel, text]);
  };
}

function recordingLog(): { warn: (...args: unknown[]) => void; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (...args: unknown[]) => warnings.push(JSON.stringify(args)) };
}

describe('bus outbox (review O3)', () => {
  it("another session's note goes at once while one session's kept note waits for the flush", async () => {
    const redis = new ScriptedRedis();
    const outbox = new BusOutbox(redis.send, recordingLog());
    expect(await outbox.publish('s1', 'a')).toBe(false);
    redis.up = true;
    expect(await outbox.publish('s2', 'b')).toBe(true);
    expect(redis.received).toEqual([['s2', 'b']]);
    await outbox.flush();
    expect(redis.received).toEqual([
      ['s2', 'b'],
      ['s1', 'a'],
    ]);
  });

  it("control: a session's later note goes behind its kept one, both in order", async () => {
    const redis = new ScriptedRedis();
    const outbox = new BusOutbox(redis.send, recordingLog());
    expect(await outbox.publish('s1', 'a1')).toBe(false);
    redis.up = true;
    expect(await outbox.publish('s1', 'a2')).toBe(false);
    expect(redis.received).toEqual([]);
    await outbox.flush();
    expect(redis.received).toEqual([
      ['s1', 'a1'],
      ['s1', 'a2'],
    ]);
    // Nothing kept any more: the session's next note goes at once.
    expect(await outbox.publish('s1', 'a3')).toBe(true);
  });

  it('full: the session with the most kept notes loses its oldest, a quiet session keeps its only one', async () => {
    const redis = new ScriptedRedis();
    const log = recordingLog();
    const outbox = new BusOutbox(redis.send, log);
    // The quiet session's end, kept first (the oldest of all), then 10,000 signals of a busy one (the outbox's size).
    await outbox.publish('quiet', 'ended');
    for (let i = 0; i < 10_000; i++) await outbox.publish('busy', `signal ${i}`);
    redis.up = true;
    await outbox.flush();
    expect(redis.received.filter(([channel]) => channel === 'quiet')).toEqual([['quiet', 'ended']]);
    const busy = redis.received.filter(([channel]) => channel === 'busy').map(([, text]) => text);
    expect(busy).toHaveLength(9_999);
    expect(busy[0]).toBe('signal 1');
    expect(busy.at(-1)).toBe('signal 9999');
    expect(log.warnings.filter((w) => w.includes('outbox full') && w.includes('busy'))).toHaveLength(1);
  });
});
