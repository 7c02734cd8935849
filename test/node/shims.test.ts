/**
 * The browser stand-ins for simple-peer's Node dependencies
 * (scripts/shims/): each against the real package where one exists here
 * (readable-stream 3, Node's events and Buffer), then simple-peer bundled with
 * them the way the product bundles it, connecting over real WebRTC
 * (node-datachannel) and loading in a realm without Node's globals.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { EventEmitter as NodeEventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInContext, createContext } from 'node:vm';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BROWSER_BUILD_OPTIONS } from '../../scripts/esbuild-aliases.mjs';
import { browserBundleOptions } from '../../scripts/esbuild-browser-options.mjs';
import { nodeWrtc } from '../../shared/peer-node.js';
import type {
  PeerError,
  PeerEvents,
  PeerTransport,
  WrtcImplementation,
  createPeer as CreatePeer,
} from '../../shared/peer.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

type Callback = (error?: Error | null) => void;

interface EmitterLike {
  on(event: string, listener: (...args: unknown[]) => void): this;
  once(event: string, listener: (...args: unknown[]) => void): this;
  off(event: string, listener: (...args: unknown[]) => void): this;
  removeListener(event: string, listener: (...args: unknown[]) => void): this;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
}

interface DuplexLike extends EmitterLike {
  _readableState: { ended: boolean };
  _writableState: { finished: boolean };
  readable: boolean;
  writable: boolean;
  destroyed: boolean;
  push(chunk: Uint8Array | null): boolean;
  write(chunk: Uint8Array | string, callback?: Callback): boolean;
  end(callback?: () => void): this;
  destroy(error?: Error): this;
  _read(): void;
  _write(chunk: Uint8Array | string, encoding: string, callback: Callback): void;
  _destroy(error: Error | null, callback: Callback): void;
}

type DuplexClass = new (options?: { allowHalfOpen?: boolean }) => DuplexLike;

interface BufferLike extends Uint8Array {
  toString(encoding?: string, start?: number, end?: number): string;
}

interface BufferClass {
  from(
    value: ArrayBuffer | ArrayBufferView | number[] | string,
    encodingOrOffset?: string | number,
    length?: number,
  ): BufferLike;
  alloc(size: number): BufferLike;
  allocUnsafe(size: number): BufferLike;
  isBuffer(value: unknown): boolean;
  concat(list: Uint8Array[], totalLength?: number): BufferLike;
}

const shims = {
  stream: require('../../scripts/shims/readable-stream.cjs') as {
    Duplex: DuplexClass;
    EventEmitter: new () => EmitterLike;
  },
  buffer: require('../../scripts/shims/buffer.cjs') as { Buffer: BufferClass },
  randomBytes: require('../../scripts/shims/randombytes.cjs') as (size: number) => BufferLike,
  debug: require('../../scripts/shims/debug.cjs') as ((
    namespace: string,
  ) => ((...args: unknown[]) => void) & { enabled: boolean }) & {
    enabled(namespace: string): boolean;
  },
};
/** The package simple-peer requires in Node: the reference the stand-in must agree with. */
const realStream = require('readable-stream') as { Duplex: DuplexClass };

const text = (chunk: unknown): string => new TextDecoder().decode(chunk as Uint8Array);
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);
/** Lets nextTick, microtasks and immediates (either implementation's scheduling) run out. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe.each([
  ['readable-stream 3 (reference)', realStream.Duplex],
  ['browser stand-in', shims.stream.Duplex],
])('Duplex as simple-peer uses it: %s', (_name, Duplex) => {
  function logged(options?: { allowHalfOpen?: boolean }): { stream: DuplexLike; log: string[] } {
    const stream = new Duplex(options);
    const log: string[] = [];
    stream._read = () => {};
    stream._write = (chunk, _encoding, callback) => {
      log.push(`_write ${text(chunk)}`);
      callback(null);
    };
    for (const event of ['end', 'finish', 'close']) stream.on(event, () => log.push(event));
    return { stream, log };
  }

  test('chunks pushed before the data listener arrive after it, in order, then end; with allowHalfOpen false, finish follows', async () => {
    const { stream, log } = logged({ allowHalfOpen: false });
    stream.push(bytes('a'));
    stream.push(bytes('b'));
    stream.on('data', (chunk) => log.push(`data ${text(chunk)}`));
    stream.push(bytes('c'));
    stream.push(null);
    expect(stream._readableState.ended).toBe(true);
    await settle();
    expect(log).toEqual(['data a', 'data b', 'data c', 'end', 'finish']);
    expect(stream._writableState.finished).toBe(true);
  });

  test('pushes while flowing are delivered one by one, nothing merged', async () => {
    const { stream, log } = logged();
    stream.on('data', (chunk) => log.push(`data ${text(chunk)}`));
    await settle();
    for (const letter of ['x', 'y', 'z']) stream.push(bytes(letter));
    await settle();
    expect(log).toEqual(['data x', 'data y', 'data z']);
  });

  test("simple-peer's teardown (push(null) unless ended, end() unless finished) emits end and finish once and never throws", async () => {
    const { stream, log } = logged({ allowHalfOpen: false });
    stream.on('data', () => {});
    const teardown = (): void => {
      stream.readable = stream.writable = false;
      if (!stream._readableState.ended) stream.push(null);
      if (!stream._writableState.finished) stream.end();
    };
    teardown();
    await settle();
    teardown();
    await settle();
    expect(log).toEqual(['finish', 'end']);
  });

  test('write() hands chunks to _write one at a time, in order, each after the previous callback; finish after the last', async () => {
    const stream = new Duplex();
    const log: string[] = [];
    const pending: Callback[] = [];
    stream._read = () => {};
    stream._write = (chunk, _encoding, callback) => {
      log.push(`_write ${text(chunk)}`);
      pending.push(callback);
    };
    stream.on('finish', () => log.push('finish'));
    const callbacks: string[] = [];
    for (const letter of ['1', '2', '3']) stream.write(bytes(letter), () => callbacks.push(letter));
    stream.end();
    await settle();
    expect(log).toEqual(['_write 1']);
    for (let round = 0; round < 3; round++) {
      pending.shift()?.(null);
      await settle();
    }
    expect(log).toEqual(['_write 1', '_write 2', '_write 3', 'finish']);
    expect(callbacks).toEqual(['1', '2', '3']);
  });

  test('write after end is an error on the stream and in the callback', async () => {
    const { stream } = logged();
    const errors: unknown[] = [];
    stream.on('error', (error) => errors.push(error));
    stream.end();
    let callbackError: unknown;
    stream.write(bytes('late'), (error) => {
      callbackError = error;
    });
    await settle();
    expect(errors).toHaveLength(1);
    expect(callbackError).toBe(errors[0]);
  });
});

describe.each([
  ["Node's events (reference)", NodeEventEmitter as unknown as new () => EmitterLike],
  ['browser stand-in', shims.stream.EventEmitter],
])('EventEmitter: %s', (_name, EventEmitter) => {
  test('once fires once; off removes a once listener by its original function', () => {
    const emitter = new EventEmitter();
    const calls: string[] = [];
    const first = (): void => void calls.push('first');
    const second = (): void => void calls.push('second');
    emitter.once('ping', first);
    emitter.once('ping', second);
    emitter.off('ping', second);
    expect(emitter.emit('ping')).toBe(true);
    expect(emitter.emit('ping')).toBe(false);
    expect(calls).toEqual(['first']);
    expect(emitter.listenerCount('ping')).toBe(0);
  });

  test('a listener removed during an emit still runs in that emit; one added does not', () => {
    const emitter = new EventEmitter();
    const calls: string[] = [];
    const late = (): void => void calls.push('late');
    const removed = (): void => void calls.push('removed');
    emitter.on('ping', () => {
      calls.push('first');
      emitter.removeListener('ping', removed);
      emitter.on('ping', late);
    });
    emitter.on('ping', removed);
    emitter.emit('ping');
    expect(calls).toEqual(['first', 'removed']);
  });

  test("'error' with no listener throws the error; with one, it is delivered with its arguments", () => {
    const emitter = new EventEmitter();
    const boom = new Error('boom');
    expect(() => emitter.emit('error', boom)).toThrow(boom);
    const seen: unknown[] = [];
    emitter.on('error', (error) => seen.push(error));
    emitter.emit('error', boom);
    expect(seen).toEqual([boom]);
  });
});

describe('Duplex stand-in, beyond what the reference comparison covers', () => {
  test('destroy(err) runs _destroy, then emits error and close once', async () => {
    const stream = new shims.stream.Duplex();
    const log: string[] = [];
    stream._destroy = (error, callback) => {
      log.push(`_destroy ${error?.message ?? 'none'}`);
      callback(error);
    };
    stream.on('error', (error) => log.push(`error ${(error as Error).message}`));
    stream.on('close', () => log.push('close'));
    stream.destroy(new Error('gone'));
    stream.destroy(new Error('again'));
    await settle();
    expect(log).toEqual(['_destroy gone', 'error gone', 'close']);
    expect(stream.destroyed).toBe(true);
  });

  test("a write waiting for its callback makes write() return false, and 'drain' follows", async () => {
    const stream = new shims.stream.Duplex();
    const pending: Callback[] = [];
    stream._write = (_chunk, _encoding, callback) => void pending.push(callback);
    let drained = 0;
    stream.on('drain', () => drained++);
    expect(stream.write(bytes('a'))).toBe(false);
    expect(stream.write(bytes('b'))).toBe(false);
    pending.shift()?.(null);
    expect(drained).toBe(0);
    pending.shift()?.(null);
    expect(drained).toBe(1);
  });
});

describe('Buffer stand-in', () => {
  const { Buffer: ShimBuffer } = shims.buffer;

  test('from(ArrayBuffer) wraps the same memory, as a Uint8Array', () => {
    const memory = new Uint8Array([1, 2, 3, 4]).buffer;
    const wrapped = ShimBuffer.from(memory);
    expect(wrapped).toBeInstanceOf(Uint8Array);
    expect(ShimBuffer.isBuffer(wrapped)).toBe(true);
    expect(wrapped.buffer).toBe(memory);
    expect([...ShimBuffer.from(memory, 1, 2)]).toEqual([2, 3]);
    expect(ShimBuffer.isBuffer(new Uint8Array(1))).toBe(false);
  });

  test('from(view) and from(array) copy', () => {
    const source = new Uint8Array([9, 8, 7]);
    const copy = ShimBuffer.from(source.subarray(1));
    source[1] = 0;
    expect([...copy]).toEqual([8, 7]);
    expect([...ShimBuffer.from([1, 2, 255])]).toEqual([1, 2, 255]);
  });

  test.each(['', 'plain ascii', 'żółć 🚀 日本', '\u0000\uffff'])('utf8 and hex agree with Node for %j', (value) => {
    const node = Buffer.from(value, 'utf8');
    const shim = ShimBuffer.from(value);
    expect([...shim]).toEqual([...node]);
    expect(shim.toString()).toBe(node.toString());
    expect(shim.toString('hex')).toBe(node.toString('hex'));
    expect([...ShimBuffer.from(node.toString('hex'), 'hex')]).toEqual([...node]);
    expect(shim.toString('utf8', 1, 3)).toBe(node.toString('utf8', 1, 3));
  });

  test('hex decoding stops at the first pair that is not hex, as Node does', () => {
    expect([...ShimBuffer.from('0aFfzz01', 'hex')]).toEqual([...Buffer.from('0aFfzz01', 'hex')]);
  });

  test('alloc, allocUnsafe and concat', () => {
    expect([...ShimBuffer.alloc(3)]).toEqual([0, 0, 0]);
    expect(ShimBuffer.allocUnsafe(5).length).toBe(5);
    const joined = ShimBuffer.concat([new Uint8Array([1, 2]), ShimBuffer.from([3]), new Uint8Array([4, 5])]);
    expect([...joined]).toEqual([1, 2, 3, 4, 5]);
    expect([...ShimBuffer.concat([new Uint8Array([1, 2]), new Uint8Array([3, 4])], 3)]).toEqual([1, 2, 3]);
  });

  test('an encoding it does not implement is refused, not silently mangled', () => {
    expect(() => ShimBuffer.from('abc', 'base64')).toThrow(/Unknown encoding/);
    expect(() => ShimBuffer.alloc(1).toString('latin1')).toThrow(/Unknown encoding/);
  });
});

describe('randombytes and debug stand-ins', () => {
  test('randombytes(n) is n fresh random bytes with a hex form, as simple-peer names peers and channels', () => {
    const id = shims.randomBytes(20).toString('hex');
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(shims.randomBytes(20).toString('hex')).not.toBe(id);
    expect(shims.randomBytes(0).length).toBe(0);
    // Past crypto.getRandomValues' 65,536-byte limit per call: the tail is filled too.
    const large = shims.randomBytes(70_000);
    expect(large.subarray(66_000).some((byte) => byte !== 0)).toBe(true);
  });

  test('debug loggers exist, are off and do nothing', () => {
    const log = shims.debug('simple-peer');
    expect(log.enabled).toBe(false);
    expect(() => log('[%s] %o', 'id', { a: 1 })).not.toThrow();
    expect(shims.debug.enabled('simple-peer')).toBe(false);
  });
});

describe('simple-peer bundled with the stand-ins (the browser build options)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cobrowse-shims-'));
  const bundleFile = join(dir, 'peer.mjs');
  let bundleInputs: string[] = [];
  let createPeer: typeof CreatePeer;
  let wrtc: WrtcImplementation;

  const build = (format: 'esm' | 'iife'): Promise<esbuild.BuildResult<{ write: false; metafile: true }>> =>
    esbuild.build({
      ...browserBundleOptions,
      ...BROWSER_BUILD_OPTIONS,
      format,
      ...(format === 'iife' ? { globalName: 'peerBundle' } : {}),
      absWorkingDir: repoRoot,
      entryPoints: [join(repoRoot, 'shared', 'peer.ts')],
      bundle: true,
      write: false,
      metafile: true,
      logLevel: 'warning',
    });

  beforeAll(async () => {
    const result = await build('esm');
    bundleInputs = Object.keys(result.metafile.inputs);
    writeFileSync(bundleFile, result.outputFiles[0]?.text ?? '');
    ({ createPeer } = (await import(pathToFileURL(bundleFile).href)) as { createPeer: typeof CreatePeer });
    wrtc = await nodeWrtc();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("simple-peer's Node dependencies come from scripts/shims, and none of the polyfills is bundled", () => {
    expect(bundleInputs.some((input) => input.includes('node_modules/simple-peer/'))).toBe(true);
    for (const shim of ['readable-stream.cjs', 'buffer.cjs', 'debug.cjs', 'randombytes.cjs']) {
      expect(bundleInputs).toContain(`scripts/shims/${shim}`);
    }
    const packages = new Set(
      bundleInputs.map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1]).filter(Boolean),
    );
    for (const polyfill of [
      'readable-stream',
      'buffer',
      'events',
      'debug',
      'ms',
      'process',
      'string_decoder',
      'safe-buffer',
      'randombytes',
      'inherits',
      'util-deprecate',
    ]) {
      expect(packages.has(polyfill), polyfill).toBe(false);
    }
  });

  test('loads and starts a handshake in a realm with no Buffer, process or global', async () => {
    const result = await build('iife');
    const signals: unknown[] = [];
    const realm = createContext({
      crypto,
      TextEncoder,
      TextDecoder,
      queueMicrotask,
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      console,
    });
    runInContext(result.outputFiles[0]?.text ?? '', realm);
    const peerBundle = runInContext('peerBundle', realm) as { createPeer: typeof CreatePeer };
    const peer = peerBundle.createPeer({ initiator: true, iceServers: [], wrtc });
    // Candidates may come before the offer (node-datachannel gathers during setLocalDescription).
    const offered = new Promise<void>((resolve) => {
      peer.on('signal', (signal) => {
        signals.push(signal);
        if (signal.type === 'offer') resolve();
      });
    });
    await offered;
    peer.close();
    expect(signals.filter((signal) => (signal as { type: string }).type === 'offer')).toHaveLength(1);
    expect(runInContext('[typeof Buffer, typeof process, typeof global]', realm)).toEqual([
      'undefined',
      'undefined',
      'undefined',
    ]);
  });

  /** One handshake; retries only libdatachannel's known "remote candidate without ICE transport" race (see peer.test.ts). */
  async function connectedPair(): Promise<{ customer: PeerTransport; agent: PeerTransport }> {
    for (let attempt = 1; ; attempt++) {
      const customer = createPeer({ initiator: true, iceServers: [], wrtc });
      const agent = createPeer({ initiator: false, iceServers: [], wrtc });
      const errors: PeerError[] = [];
      for (const peer of [customer, agent]) peer.on('error', (error) => errors.push(error));
      customer.on('signal', (signal) => agent.signal(signal));
      agent.on('signal', (signal) => customer.signal(signal));
      const connected = (peer: PeerTransport): Promise<void> =>
        new Promise((resolve, reject) => {
          peer.on('connect', () => resolve());
          peer.on('close', ({ reason }) =>
            reject(new Error(`closed (${reason}) before connecting: ${errors[0]?.message ?? 'no error'}`)),
          );
        });
      try {
        await Promise.all([connected(customer), connected(agent)]);
        return { customer, agent };
      } catch (error) {
        customer.close();
        agent.close();
        const race = errors.some((e) => e.code === 'signaling-failed' && e.message.includes('without ICE transport'));
        if (attempt >= 3 || !race) throw error;
      }
    }
  }

  const next = <K extends keyof PeerEvents>(peer: PeerTransport, event: K): Promise<PeerEvents[K]> =>
    new Promise((resolve) => {
      const off = peer.on(event, (payload) => {
        off();
        resolve(payload);
      });
    });

  test('connects over real WebRTC, delivers bytes in order as plain Uint8Array both ways, and a close reaches the other side', async () => {
    const { customer, agent } = await connectedPair();
    const atAgent: Uint8Array[] = [];
    const atCustomer: Uint8Array[] = [];
    agent.on('data', (chunk) => atAgent.push(chunk));
    customer.on('data', (chunk) => atCustomer.push(chunk));
    const count = 50;
    const allArrived = (list: Uint8Array[], peer: PeerTransport): Promise<void> =>
      new Promise((resolve) => {
        const off = peer.on('data', () => {
          if (list.length === count) {
            off();
            resolve();
          }
        });
      });
    const arrivals = Promise.all([allArrived(atAgent, agent), allArrived(atCustomer, customer)]);
    for (let i = 0; i < count; i++) {
      customer.send(bytes(`to agent ${i}`));
      agent.send(bytes(`to customer ${i}`));
    }
    await arrivals;
    expect(atAgent.map(text)).toEqual(Array.from({ length: count }, (_, i) => `to agent ${i}`));
    expect(atCustomer.map(text)).toEqual(Array.from({ length: count }, (_, i) => `to customer ${i}`));
    for (const chunk of [...atAgent, ...atCustomer]) expect(Object.getPrototypeOf(chunk)).toBe(Uint8Array.prototype);

    const large = new Uint8Array(64 * 1024).map((_, i) => (i * 31 + 7) & 0xff);
    const largeArrived = next(agent, 'data');
    customer.send(large);
    expect(Buffer.compare(await largeArrived, large)).toBe(0);

    const agentClosed = next(agent, 'close');
    const customerClosed = next(customer, 'close');
    customer.close();
    expect(await customerClosed).toEqual({ reason: 'local' });
    expect(await agentClosed).toEqual({ reason: 'remote' });
  });
});
