/** Benchmark page bundle: our capture engine and wire codec, driven from the Node side through window.__bench. */
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { warmUpCapture } from '../../client/capture/warm-up.js';
import { MessagePacker } from '../../shared/codec.js';
import { OffloadedDeflater } from '../../shared/deflate-offload.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { HeapSampler, collectGarbage, countNodes, longestTaskSince, runActivity } from './measure.js';

export interface SnapshotRun {
  ms: number;
  bytes: number;
  rawBytes?: number;
  gzipBytes?: number;
  messages: number;
  peakHeap: number;
  longestTask: number;
  nodes: number;
}

export interface SteadyRun {
  bytes: number;
  gzipBytes?: number;
  messages: number;
  activity: Awaited<ReturnType<typeof runActivity>>;
}

let engine: CaptureEngine | null = null;
/** The snapshot's heap sampler reads the heap at most this often, ms (see snapshot()). */
const HEAP_SAMPLE_MS = 25;
/** The snapshot's heap sampler: read as parts are sent (no timer task of its own, see snapshot()). */
let heap: HeapSampler | null = null;
let wireBytes = 0;
let messages = 0;
/** Compressions not finished yet: a snapshot is complete when its last part's bytes exist. */
let inFlight: Promise<void>[] = [];
let deflater: OffloadedDeflater | null = null;
/** Started by prepare() for the next snapshot, as a session starts its channel's deflater when the peer is created. */
let preparedDeflater: OffloadedDeflater | null = null;

/** ?deflate=main measures the fallback for pages whose CSP forbids workers: deflate on the main thread. */
const deflateInWorker = new URL(location.href).searchParams.get('deflate') !== 'main';

function newDeflater(): OffloadedDeflater {
  return new OffloadedDeflater(new URL('/cobrowse-deflate.js', location.href).href, { worker: deflateInWorker });
}

function startEngine(): CaptureEngine {
  const packer = new MessagePacker();
  deflater?.close();
  const stream = preparedDeflater ?? newDeflater();
  preparedDeflater = null;
  deflater = stream;
  // Encoding happens inside send, as in the real session (shared/channel.ts): packing on the main
  // thread, deflating in the worker (or on the main thread, the CSP fallback).
  const send = (message: ChannelMessage): boolean => {
    messages++;
    heap?.sample();
    let done: () => void = () => {};
    const now = stream.deflate(packer.pack(message), (outcome) => {
      if (outcome.ok) wireBytes += outcome.bytes.length;
      done();
    });
    if (now !== null) wireBytes += now.length;
    else inFlight.push(new Promise((resolve) => (done = resolve)));
    return true;
  };
  return new CaptureEngine({ window, send });
}

async function settled(): Promise<void> {
  const pending = inFlight;
  inFlight = [];
  await Promise.all(pending);
}

/**
 * Warms the deflate module up (worker start, module load) before anything is measured, then
 * starts the deflater the next snapshot uses: a session starts it with its peer, before the
 * connection and so before its first snapshot (customer-session.ts), and like the session's it
 * has compressed nothing yet (until its worker first answers, packed parts are copied to it).
 * `warmUp` (BENCH_WARM_UP=1) also runs the capture's warm-up to its end, as a session does while
 * the consent prompt shows (capture/warm-up.ts): the snapshot then runs on code V8 has compiled.
 */
async function prepare(warmUp = false): Promise<string> {
  if (warmUp && !(await warmUpCapture().done)) throw new Error('the capture warm-up did not finish');
  const stream = newDeflater();
  await new Promise<void>((resolve) => {
    if (stream.deflate(new Uint8Array([0x90]), () => resolve()) !== null) resolve();
  });
  const mode = stream.mode;
  stream.close();
  preparedDeflater?.close();
  preparedDeflater = newDeflater();
  return mode;
}

async function snapshot(): Promise<SnapshotRun> {
  wireBytes = 0;
  messages = 0;
  // Sampled as each part is sent, not on a timer: a 0 ms timer loop ran a task every few ms
  // through the sliced snapshot (none through rrweb's synchronous one), and the trace counted
  // those tasks as recording CPU. The heap is highest at a slice's end, when its part is sent.
  // At most every HEAP_SAMPLE_MS: a read of performance.memory (precise) costs ~0.2 ms, in the
  // slice's task (27 ms of a profiled 100k-node snapshot's 1.1 s, read at each of its 124 parts;
  // rrweb's synchronous snapshot is read once).
  const sampler = new HeapSampler({ timer: false, minIntervalMs: HEAP_SAMPLE_MS });
  heap = sampler;
  const started = performance.now();
  engine = startEngine();
  await engine.start();
  await settled();
  const ms = performance.now() - started;
  const peakHeap = sampler.stop();
  heap = null;
  const nodes = engine.stats.nodes;
  if (engine.stats.snapshots !== 1 || engine.stats.errors !== 0)
    throw new Error(`snapshot failed: ${JSON.stringify(engine.stats)}`);
  return { ms, bytes: wireBytes, messages, peakHeap, longestTask: longestTaskSince(started), nodes };
}

async function startRecording(): Promise<void> {
  engine = startEngine();
  await engine.start();
}

async function activity(durationMs: number): Promise<SteadyRun> {
  wireBytes = 0;
  messages = 0;
  const counts = await runActivity(durationMs);
  // Let the last frame flush.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  await settled();
  return { bytes: wireBytes, messages, activity: counts };
}

function stop(): void {
  engine?.stop();
  engine = null;
  deflater?.close();
  deflater = null;
  preparedDeflater?.close();
  preparedDeflater = null;
  collectGarbage();
}

Object.assign(window, {
  __bench: {
    gc: collectGarbage,
    prepare,
    recorder: 'ours',
    snapshot,
    sizes: () => null,
    startRecording,
    activity,
    stop,
    countNodes: () => countNodes(document),
    runActivity,
  },
});
