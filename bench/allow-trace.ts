/**
 * Diagnostic for bench/allow-main.ts (ALLOW_TRACE=1): a Chromium trace of
 * each page's main thread over the Allow run, summarised as the biggest
 * top-level tasks and their heaviest children, on the Allow timeline.
 */
import type { CDPSession, Page } from 'playwright-core';

interface TraceEvent {
  ph: string;
  name: string;
  cat: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event, µs. */
  tdur?: number;
  /** src_func: where a task was posted from (toplevel RunTask events), e.g. OnMessage, SendAsync. */
  args?: { name?: string; src_func?: string; data?: { url?: string; functionName?: string } };
}

export interface PageTrace<E = TraceEvent> {
  stop(): Promise<E[]>;
}

export const ALLOW_CATEGORIES = [
  'toplevel',
  '__metadata',
  'devtools.timeline',
  'v8',
  'v8.execute',
  'blink.user_timing',
  'blink',
];

/** Starts a Chromium trace of `page` with these categories; `stop()` ends it and gives its events. */
export async function startTrace<E = TraceEvent>(page: Page, categories = ALLOW_CATEGORIES): Promise<PageTrace<E>> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: E[] = [];
  cdp.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as E[])));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: categories }, transferMode: 'ReportEvents' });
  return {
    async stop() {
      const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await complete;
      await cdp.detach();
      return events;
    },
  };
}

/** Lines describing main-thread work (tasks ≥ minMs) relative to the trace's `cobrowse:<anchor>` mark, or its first mark. */
export function summarise(events: TraceEvent[], anchor: string, minMs = 3, zeroTs?: number): string[] {
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = events.filter((e) => main.has(`${e.pid}:${e.tid}`));
  const mark =
    onMain.find((e) => e.name === `cobrowse:${anchor}`) ?? onMain.find((e) => e.name.startsWith('cobrowse:'));
  const zero = zeroTs ?? mark?.ts ?? 0;
  const at = (ts: number): string => ((ts - zero) / 1000).toFixed(1).padStart(7);
  const lines: string[] = [];
  for (const m of onMain.filter(
    (e) => e.name.startsWith('cobrowse:') && (e.ph === 'R' || e.ph === 'I' || e.ph === 'n' || e.ph === 'b'),
  )) {
    lines.push(`${at(m.ts)}  mark ${m.name}`);
  }
  const tasks = onMain.filter(
    (e) =>
      e.ph === 'X' &&
      (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') &&
      (e.dur ?? 0) >= minMs * 1000,
  );
  for (const task of tasks) {
    const end = task.ts + (task.dur ?? 0);
    const children = onMain
      .filter(
        (e) =>
          e.ph === 'X' &&
          e !== task &&
          e.ts >= task.ts &&
          e.ts + (e.dur ?? 0) <= end &&
          (e.dur ?? 0) >= 1000 &&
          e.name !== 'ThreadControllerImpl::RunTask' &&
          e.name !== 'RunTask',
      )
      .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
      .slice(0, 6)
      .map(
        (e) =>
          `${e.name}${e.args?.data?.functionName ? `(${e.args.data.functionName})` : ''} ${((e.dur ?? 0) / 1000).toFixed(1)}`,
      );
    lines.push(`${at(task.ts)}  task ${((task.dur ?? 0) / 1000).toFixed(1)} ms: ${children.join(', ')}`);
  }
  return lines.sort((a, b) => Number(a.slice(0, 7)) - Number(b.slice(0, 7)));
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface PageProfile {
  stop(): Promise<string[]>;
}

/** A sampling CPU profile of one page; stop() returns the top functions by self time (ms). */
export async function startProfile(page: Page, top = 25): Promise<PageProfile> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      await cdp.detach();
      const self = new Map<number, number>();
      profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
      const byName = new Map<string, number>();
      for (const node of profile.nodes) {
        const f = node.callFrame;
        const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}`;
        byName.set(key, (byName.get(key) ?? 0) + (self.get(node.id) ?? 0));
      }
      return [...byName.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, us]) => `${(us / 1000).toFixed(1).padStart(7)} ms  ${k}`);
    },
  };
}

/** The trace's timestamp of its `cobrowse:<name>` mark (one monotonic clock for every process of the machine). */
export function markTs(events: TraceEvent[], name: string): number | undefined {
  return events.find((e) => e.name === `cobrowse:${name}`)?.ts;
}

/** Tasks (>= minMs) on the renderer's other threads (workers, the WebRTC threads), from `zeroTs` on. */
export function otherThreads(events: TraceEvent[], zeroTs: number, minMs = 2): string[] {
  const names = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) names.set(`${e.pid}:${e.tid}`, e.args.name);
  const lines: string[] = [];
  for (const e of events) {
    const thread = names.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`;
    if (thread === 'CrRendererMain' || e.ph !== 'X' || (e.dur ?? 0) < minMs * 1000) continue;
    if (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask') continue;
    lines.push(
      `${((e.ts - zeroTs) / 1000).toFixed(1).padStart(7)}  ${thread} task ${((e.dur ?? 0) / 1000).toFixed(1)} ms`,
    );
  }
  return lines.sort((a, b) => Number(a.slice(0, 7)) - Number(b.slice(0, 7)));
}

/** CPU (thread time) of one browser's work in a window of the Allow run, ms. */
export interface WindowCpu {
  /** The page's renderer main thread. */
  main: number;
  /** Every thread of every process of that browser (renderer, its workers and V8's compiler threads, GPU, browser). */
  all: number;
  /** V8's background threads of the renderer (optimising compilers, GC helpers). */
  v8Background: number;
}

/**
 * Thread CPU of the tasks of `events` (one browser's trace) between two timestamps, tasks cut at the edges
 * pro rata. Only top-level tasks count, so nested ones are not counted twice.
 */
export function windowCpu(events: TraceEvent[], fromTs: number, toTs: number): WindowCpu {
  const threads = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) threads.set(`${e.pid}:${e.tid}`, e.args.name);
  // The page's renderer: the one that took the stage marks (a browser may hold others, e.g. a spare one).
  const mainPid = events.find((e) => e.name.startsWith('cobrowse:'))?.pid;
  const cpu: WindowCpu = { main: 0, all: 0, v8Background: 0 };
  // Per thread, a task inside the one before (a RunTask in a ThreadControllerImpl::RunTask) is not counted again.
  const endOf = new Map<string, number>();
  const tasks = events.filter((e) => e.ph === 'X' && TOP_LEVEL_TASKS.has(e.name) && (e.dur ?? 0) > 0);
  for (const e of tasks.sort((a, b) => a.ts - b.ts)) {
    const key = `${e.pid}:${e.tid}`;
    const dur = e.dur ?? 0;
    if ((endOf.get(key) ?? -Infinity) >= e.ts + dur) continue;
    endOf.set(key, e.ts + dur);
    const overlap = Math.min(e.ts + dur, toTs) - Math.max(e.ts, fromTs);
    if (overlap <= 0) continue;
    const ms = ((e.tdur ?? 0) * (overlap / dur)) / 1000;
    const thread = threads.get(key);
    cpu.all += ms;
    if (thread === 'CrRendererMain' && e.pid === mainPid) cpu.main += ms;
    else if (e.pid === mainPid && thread === 'ThreadPoolForegroundWorker') cpu.v8Background += ms;
  }
  return cpu;
}

const TOP_LEVEL_TASKS = new Set(['ThreadControllerImpl::RunTask', 'RunTask', 'ThreadPool_RunTask']);

/** Top-level tasks of `events` posted from `srcFunc` (on threads named `thread` when given), by time. */
function tasksFrom(events: TraceEvent[], srcFunc: string, thread?: string): TraceEvent[] {
  const names = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) names.set(`${e.pid}:${e.tid}`, e.args.name);
  return events
    .filter(
      (e) =>
        e.ph === 'X' &&
        TOP_LEVEL_TASKS.has(e.name) &&
        e.args?.src_func === srcFunc &&
        (thread === undefined || names.get(`${e.pid}:${e.tid}`) === thread),
    )
    .sort((a, b) => a.ts - b.ts);
}

/**
 * The customer → agent data channel seen from both traces: the k-th message the customer's page sent (a
 * SendAsync task on its WebRTC network thread, one per RTCDataChannel.send) against the k-th message task on
 * the agent's main thread (OnMessage; the channel is ordered), and how much of the agent main thread's task
 * time between its first and last message task was on a CPU. Wall time far above CPU time there means the
 * thread was runnable but not running (the machine's other work), not busy with ours.
 */
export function channelTransit(customer: TraceEvent[], agent: TraceEvent[], zeroTs: number): string[] {
  const sent = tasksFrom(customer, 'SendAsync', 'WebRTC_W_and_N');
  const received = tasksFrom(agent, 'OnMessage', 'CrRendererMain');
  const n = Math.min(sent.length, received.length);
  if (n === 0) return [`data channel: no messages matched (${sent.length} sent, ${received.length} received)`];
  const transit = Array.from({ length: n }, (_, k) => ((received[k]?.ts ?? 0) - (sent[k]?.ts ?? 0)) / 1000);
  let worst = 0;
  for (let k = 1; k < n; k++) if ((transit[k] ?? 0) > (transit[worst] ?? 0)) worst = k;
  const sorted = [...transit].sort((a, b) => a - b);
  const at = (e: TraceEvent | undefined): string => (((e?.ts ?? zeroTs) - zeroTs) / 1000).toFixed(0);
  const first = received[0]?.ts ?? 0;
  const last = received[n - 1]?.ts ?? 0;
  const cpu = windowCpu(agent, first, last);
  let wall = 0;
  const mainPid = agent.find((e) => e.name.startsWith('cobrowse:'))?.pid;
  const mainThreads = new Set(
    agent
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === mainPid)
      .map((e) => `${e.pid}:${e.tid}`),
  );
  let outerEnd = -Infinity;
  for (const e of agent.filter((t) => t.ph === 'X' && TOP_LEVEL_TASKS.has(t.name)).sort((a, b) => a.ts - b.ts)) {
    if (!mainThreads.has(`${e.pid}:${e.tid}`) || e.ts + (e.dur ?? 0) <= outerEnd) continue;
    outerEnd = e.ts + (e.dur ?? 0);
    wall += Math.max(0, Math.min(outerEnd, last) - Math.max(e.ts, first)) / 1000;
  }
  return [
    `data channel, customer → agent, ${n} messages (${sent.length} sent, ${received.length} received): k-th send → k-th agent message task median ${(sorted[n >> 1] ?? 0).toFixed(0)} ms, max ${(transit[worst] ?? 0).toFixed(0)} ms (message ${worst}, sent at ${at(sent[worst])}, run at ${at(received[worst])} ms after Allow)`,
    `agent main thread, first to last message task (${at(received[0])} → ${at(received[n - 1])} ms): tasks ${wall.toFixed(0)} ms wall, ${cpu.main.toFixed(0)} ms on a CPU`,
  ];
}
