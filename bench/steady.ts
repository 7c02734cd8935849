/** Scenario 2: steady state, a window of the scripted minute at its real rates: bytes/s and main-thread time/s. */
import type { LaunchedChromium } from '../test/node/helpers/chromium.js';
import type { SteadyRun } from './browser/ours.js';
import { metricsSession } from './browser-tools.js';
import type { Recorder } from './site.js';

export interface SteadyFigures {
  /** Ours: wire bytes/s. rrweb: JSON bytes/s. */
  bytesPerSec: number;
  /** rrweb: JSON gzip (pako default) bytes/s. */
  gzipBytesPerSec?: number;
  /** Renderer main-thread task time per second of activity, ms/s (recorder + page). */
  taskMsPerSec: number;
  /** The same minus the page's own cost without a recorder, ms/s. */
  overheadMsPerSec: number;
  messages: number;
}

export interface SteadyResult {
  seconds: number;
  activity: SteadyRun['activity'];
  baselineTaskMsPerSec: number;
  ours: SteadyFigures;
  rrweb: SteadyFigures;
}

interface BenchWindow {
  __bench: { startRecording(): Promise<void>; activity(ms: number): Promise<SteadyRun>; stop(): void };
}

async function runOnce(
  browser: LaunchedChromium,
  siteUrl: string,
  recorder: Recorder,
  seconds: number,
): Promise<SteadyRun & { taskMsPerSec: number }> {
  const tab = await browser.newPage();
  try {
    await tab.goto(`${siteUrl}/bench?page=steady&rec=${recorder}`, { waitUntil: 'load' });
    await tab.evaluate(() => (window as unknown as BenchWindow).__bench.startRecording());
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    const metrics = await metricsSession(tab);
    const before = await metrics.taskSeconds();
    const run = await tab.evaluate((ms) => (window as unknown as BenchWindow).__bench.activity(ms), seconds * 1000);
    const after = await metrics.taskSeconds();
    await metrics.detach();
    await tab.evaluate(() => (window as unknown as BenchWindow).__bench.stop());
    return { ...run, taskMsPerSec: ((after - before) * 1000) / seconds };
  } finally {
    await tab.close();
  }
}

export async function runSteadyScenario(
  browser: LaunchedChromium,
  siteUrl: string,
  seconds: number,
  log: (line: string) => void,
): Promise<SteadyResult> {
  const none = await runOnce(browser, siteUrl, 'none', seconds);
  const ours = await runOnce(browser, siteUrl, 'ours', seconds);
  const rrweb = await runOnce(browser, siteUrl, 'rrweb', seconds);
  const fig = (run: typeof ours): SteadyFigures => {
    const out: SteadyFigures = {
      bytesPerSec: run.bytes / seconds,
      taskMsPerSec: run.taskMsPerSec,
      overheadMsPerSec: run.taskMsPerSec - none.taskMsPerSec,
      messages: run.messages,
    };
    if (run.gzipBytes !== undefined) out.gzipBytesPerSec = run.gzipBytes / seconds;
    return out;
  };
  const result = {
    seconds,
    activity: ours.activity,
    baselineTaskMsPerSec: none.taskMsPerSec,
    ours: fig(ours),
    rrweb: fig(rrweb),
  };
  log(
    `  steady: ours ${Math.round(result.ours.bytesPerSec)} B/s, ${result.ours.overheadMsPerSec.toFixed(1)} ms/s; rrweb ${Math.round(result.rrweb.gzipBytesPerSec ?? 0)} B/s gz, ${result.rrweb.overheadMsPerSec.toFixed(1)} ms/s`,
  );
  return result;
}
