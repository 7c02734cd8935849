/** Benchmark page bundle: our capture engine and wire codec, driven from the Node side through window.__bench. */
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { MessageEncoder } from '../../shared/codec.js';
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
let wireBytes = 0;
let messages = 0;

function startEngine(): CaptureEngine {
  const encoder = new MessageEncoder();
  // Encoding happens inside send, as in the real session: its cost is part of the capture cost.
  const send = (message: ChannelMessage): boolean => {
    wireBytes += encoder.encode(message).length;
    messages++;
    return true;
  };
  return new CaptureEngine({ window, send });
}

async function snapshot(): Promise<SnapshotRun> {
  wireBytes = 0;
  messages = 0;
  const heap = new HeapSampler();
  const started = performance.now();
  engine = startEngine();
  await engine.start();
  const ms = performance.now() - started;
  const peakHeap = heap.stop();
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
  return { bytes: wireBytes, messages, activity: counts };
}

function stop(): void {
  engine?.stop();
  engine = null;
  collectGarbage();
}

Object.assign(window, {
  __bench: {
    gc: collectGarbage,
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
