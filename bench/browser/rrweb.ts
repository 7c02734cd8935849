/** Benchmark page bundle: rrweb's recorder, its events kept as JSON would ship them, driven through window.__bench. */
import { gzip } from 'pako';
import { record } from 'rrweb';
import { HeapSampler, collectGarbage, countNodes, longestTaskSince, runActivity } from './measure.js';
import type { SnapshotRun, SteadyRun } from './ours.js';

let events: unknown[] = [];
let stopRecording: (() => void) | undefined;

function jsonSizes(list: readonly unknown[]): { bytes: number; gzipBytes: number } {
  const json = JSON.stringify(list);
  return { bytes: new TextEncoder().encode(json).length, gzipBytes: gzip(json).length };
}

async function snapshot(): Promise<SnapshotRun> {
  events = [];
  const heap = new HeapSampler();
  const started = performance.now();
  // rrweb takes its full snapshot synchronously inside record() once the document has loaded.
  stopRecording = record({ emit: (event) => void events.push(event) });
  heap.sample();
  const ms = performance.now() - started;
  const peakHeap = heap.stop();
  const types = events.map((event) => (event as { type: number }).type);
  if (!types.includes(2)) throw new Error(`rrweb emitted no full snapshot: ${JSON.stringify(types)}`);
  return {
    ms,
    bytes: 0,
    messages: events.length,
    peakHeap,
    longestTask: longestTaskSince(started),
    nodes: countNodes(document),
  };
}

/** Sizes of the snapshot events, computed apart so JSON and gzip never count as recording time. */
function sizes(): { bytes: number; gzipBytes: number } {
  return jsonSizes(events);
}

async function startRecording(): Promise<void> {
  events = [];
  stopRecording = record({ emit: (event) => void events.push(event) });
  await new Promise((resolve) => setTimeout(resolve, 0));
}

async function activity(durationMs: number): Promise<SteadyRun> {
  events = [];
  const counts = await runActivity(durationMs);
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const captured = events;
  events = [];
  const sizes = jsonSizes(captured);
  return { bytes: sizes.bytes, gzipBytes: sizes.gzipBytes, messages: captured.length, activity: counts };
}

function stop(): void {
  stopRecording?.();
  stopRecording = undefined;
  events = [];
  collectGarbage();
}

Object.assign(window, {
  __bench: {
    gc: collectGarbage,
    recorder: 'rrweb',
    snapshot,
    sizes,
    startRecording,
    activity,
    stop,
    countNodes: () => countNodes(document),
    runActivity,
  },
});
