/** Benchmark page bundle without a recorder: the baseline main-thread cost of the scripted activity. */
import { countNodes, runActivity } from './measure.js';

async function activity(
  durationMs: number,
): Promise<{ bytes: number; messages: number; activity: Awaited<ReturnType<typeof runActivity>> }> {
  const activity = await runActivity(durationMs);
  return { bytes: 0, messages: 0, activity };
}

Object.assign(window, {
  __bench: {
    recorder: 'none',
    startRecording: async () => undefined,
    activity,
    stop: () => undefined,
    countNodes: () => countNodes(document),
    runActivity,
  },
});
