// What bench/profile-snapshot.ts and bench/profile-agent.ts print from a CDP CPU profile and a
// Chromium trace: self and inclusive time per function, and the renderer's long tasks.

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
  /** Samples per source line (1-based) of the bundle, where V8 gives them. */
  positionTicks?: Array<{ line: number; ticks: number }>;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime?: number;
}
export interface TraceEvent {
  ph: string;
  name: string;
  cat?: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) duration, where the trace has it. */
  tdur?: number;
  args?: { name?: string; src_file?: string; src_func?: string; data?: { src_file?: string; src_func?: string } };
}

/** "function file:line" of a profile node. */
export function frameKey(node: ProfileNode): string {
  const f = node.callFrame;
  return `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
}

function printTop(title: string, times: Map<string, number>, top: number): void {
  console.log(title);
  for (const [k, v] of [...times.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${v.toFixed(1).padStart(8)} ms  ${k}`);
}

/**
 * Prints self time per function (with the total) and inclusive time: a sample counts once for
 * every distinct function on its stack.
 */
export function printFunctionTimes(profile: CpuProfile, top: { self: number; inclusive: number }): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number);
    if (!node) continue;
    const key = frameKey(node);
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  printTop(`\nSelf time (total ${total.toFixed(0)} ms):`, self, top.self);

  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (!node) break;
      const key = frameKey(node);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    }
  }
  printTop('\nInclusive time:', inclusive, top.inclusive);
}

/** The trace's complete events on the renderer's main thread(s) (CrRendererMain). */
export function rendererMainEvents(events: TraceEvent[]): TraceEvent[] {
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  return events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
}

/** Tasks among `onMain` longer than `minMs`. */
export function longTasks(onMain: TraceEvent[], minMs: number): TraceEvent[] {
  return onMain.filter(
    (e) => (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && (e.dur ?? 0) > minMs * 1000,
  );
}

/** The trace's `performance.mark`s on the renderer's main thread(s), in time order. */
export function markEvents(events: TraceEvent[]): TraceEvent[] {
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  return events
    .filter((e) => e.cat?.includes('user_timing') === true && main.has(`${e.pid}:${e.tid}`))
    .sort((a, b) => a.ts - b.ts);
}

/**
 * What the renderer's task was posted from (the trace's src_func, or that of a task event nested in it), '?'
 * where the trace does not say: a build slice continued by scheduler.yield is a RunTask event with no source.
 */
export function taskSource(task: TraceEvent, tasks: readonly TraceEvent[] = []): string {
  const own = task.args?.src_func ?? task.args?.data?.src_func;
  if (own !== undefined) return own;
  const end = task.ts + (task.dur ?? 0);
  const inner = tasks.find(
    (e) => e.ts >= task.ts && e.ts < end && (e.args?.src_func ?? e.args?.data?.src_func) !== undefined,
  );
  return inner?.args?.src_func ?? inner?.args?.data?.src_func ?? '?';
}

/**
 * The task events not nested in another (ThreadControllerImpl::RunTask and RunTask events can wrap each
 * other; a slice continued by scheduler.yield has only the latter).
 */
export function outermostTasks(tasks: readonly TraceEvent[]): TraceEvent[] {
  const sorted = [...tasks].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const out: TraceEvent[] = [];
  let outerEnd = Number.NEGATIVE_INFINITY;
  for (const task of sorted) {
    if (task.ts < outerEnd) continue;
    out.push(task);
    outerEnd = task.ts + (task.dur ?? 0);
  }
  return out;
}

/**
 * Main-thread CPU (trace thread time) of every task among `onMain`, however short, summed by what
 * posted it: the `top` largest as "source ms (tasks)", largest first.
 */
export function cpuByTaskSource(onMain: TraceEvent[], top: number): string {
  const bySource = new Map<string, { cpu: number; count: number }>();
  const all = longTasks(onMain, 0);
  for (const task of outermostTasks(all)) {
    const source = taskSource(task, all);
    const entry = bySource.get(source) ?? { cpu: 0, count: 0 };
    entry.cpu += (task.tdur ?? 0) / 1000;
    entry.count++;
    bySource.set(source, entry);
  }
  return [...bySource.entries()]
    .sort((a, b) => b[1].cpu - a[1].cpu)
    .slice(0, top)
    .map(([source, { cpu, count }]) => `${source} ${cpu.toFixed(1)} ms (${count})`)
    .join(', ');
}

/**
 * The source lines of the functions named `name` with the most samples (self time, inlined callees
 * included, as V8 attributes them), with the line's text from `source` (the unminified bundle). It
 * found what a function's self time was made of: scroll offset reads and a parent's decision in
 * a 100k-node snapshot's #element and textValue.
 */
export function printLineTimes(profile: CpuProfile, name: string, source: string, top = 15): void {
  const lines = source.split('\n');
  const ticks = new Map<number, number>();
  let total = 0;
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== name) continue;
    for (const { line, ticks: count } of node.positionTicks ?? []) {
      ticks.set(line, (ticks.get(line) ?? 0) + count);
      total += count;
    }
  }
  console.log(`\nLines of ${name} by samples (${total} of ${profile.samples.length}):`);
  for (const [line, count] of [...ticks.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${String(count).padStart(6)}  ${line}: ${(lines[line - 1] ?? '').trim().slice(0, 120)}`);
}
