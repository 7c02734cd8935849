/** Turns the scenario results into the targets list, the markdown tables and bench/results/latest.{json,md}. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { breakdownTable } from './allow-breakdown.js';
import type { LatencyResult } from './latency.js';
import { longSessionTable, longSessionTargets, type LongSessionResult } from './long-session.js';
import { networkTable, type NetworkResult } from './network.js';
import type { AgentBuildResult } from './agent-build.js';
import type { ClusterResult } from './cluster.js';
import type { SignalingResult } from './signaling.js';
import type { SizeResult } from './size.js';
import type { SnapshotResult } from './snapshot.js';
import type { SteadyResult } from './steady.js';
import { round } from './stats.js';

export interface Target {
  id: string;
  description: string;
  value: number | null;
  unit: string;
  target: string;
  met: boolean;
  rrweb?: number;
  ratio?: number;
}

export interface BenchResults {
  date: string;
  chromium: string;
  node: string;
  cores: number;
  cpu: string;
  durationSeconds: number;
  notes: string[];
  snapshot: SnapshotResult[] | null;
  steady: SteadyResult | null;
  latency: LatencyResult | null;
  size: SizeResult | null;
  signaling: SignalingResult | null;
  /** Absent in results written before the scale-out scenario existed. */
  cluster?: ClusterResult | null;
  /** Realistic networks (reported, not targets); absent in older results. */
  network?: NetworkResult | null;
  /** Heap over a long scripted session; absent in older results. */
  longSession?: LongSessionResult | null;
  /** The agent building a 100k-node first snapshot; absent in older results. */
  agentBuild?: AgentBuildResult | null;
  errors: string[];
  targets: Target[];
}

const KB = 1024;
const kb = (bytes: number): string => `${(bytes / KB).toFixed(1)} KB`;
const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

function ratioTarget(
  id: string,
  description: string,
  ours: number,
  rrweb: number,
  unit: string,
  maxRatio: number,
): Target {
  const ratio = ours / rrweb;
  return {
    id,
    description,
    value: round(ours, 2),
    unit,
    target: `≤ ${maxRatio}× rrweb`,
    met: ratio <= maxRatio,
    rrweb: round(rrweb, 2),
    ratio: round(ratio, 3),
  };
}

function absoluteTarget(
  id: string,
  description: string,
  value: number | null,
  unit: string,
  limit: number,
  direction: 'max' | 'min',
  rrweb?: number,
): Target {
  const met = value !== null && Number.isFinite(value) && (direction === 'max' ? value <= limit : value >= limit);
  const target: Target = {
    id,
    description,
    value: value === null ? null : round(value, 2),
    unit,
    target: `${direction === 'max' ? '≤' : '≥'} ${limit} ${unit}`,
    met,
  };
  if (rrweb !== undefined) {
    target.rrweb = round(rrweb, 2);
    if (value !== null) target.ratio = round(value / rrweb, 3);
  }
  return target;
}

function missing(id: string, description: string, unit: string, target: string): Target {
  return { id, description, value: null, unit, target, met: false };
}

export function buildTargets(r: Omit<BenchResults, 'targets'>): Target[] {
  const targets: Target[] = [];
  const snap = (label: string): SnapshotResult | undefined => r.snapshot?.find((s) => s.label === label);
  // Targets of issue #18 (performance, round two).
  for (const label of ['10k', '100k']) {
    const s = snap(label);
    const description = `Snapshot main-thread time, ${label} nodes (deflate in a worker)`;
    targets.push(
      s && s.ours.mainThreadMs !== undefined && s.rrweb.mainThreadMs !== undefined
        ? ratioTarget(
            `snapshot-main-thread-${label}`,
            description,
            s.ours.mainThreadMs,
            s.rrweb.mainThreadMs,
            'ms',
            0.5,
          )
        : missing(`snapshot-main-thread-${label}`, description, 'ms', '≤ 0.5× rrweb'),
    );
  }
  for (const label of ['100k', '300k']) {
    const s = snap(label);
    const description = `Longest main-thread task during a ${label}-node snapshot`;
    targets.push(
      s
        ? absoluteTarget(
            `snapshot-longest-task-${label}`,
            description,
            s.ours.longestTaskMs,
            'ms',
            16,
            'max',
            s.rrweb.longestTaskMs,
          )
        : missing(`snapshot-longest-task-${label}`, description, 'ms', '≤ 16 ms'),
    );
  }
  for (const label of ['1k', '10k', '100k', 'long']) {
    const s = snap(label);
    targets.push(
      s && s.rrweb.gzipBytes !== undefined
        ? ratioTarget(
            `snapshot-bytes-${label}`,
            `Snapshot bytes on the wire, ${label} page (rrweb: JSON gzip)`,
            s.ours.bytes,
            s.rrweb.gzipBytes,
            'bytes',
            0.33,
          )
        : missing(`snapshot-bytes-${label}`, `Snapshot bytes on the wire, ${label} page`, 'bytes', '≤ 0.33× rrweb'),
    );
  }
  const steady = r.steady;
  targets.push(
    steady && steady.rrweb.gzipBytesPerSec !== undefined
      ? ratioTarget(
          'steady-bytes-per-sec',
          'Steady-state bytes/s on the wire (rrweb: JSON gzip)',
          steady.ours.bytesPerSec,
          steady.rrweb.gzipBytesPerSec,
          'bytes/s',
          0.5,
        )
      : missing('steady-bytes-per-sec', 'Steady-state bytes/s', 'bytes/s', '≤ 0.5× rrweb'),
  );
  const lat = r.latency;
  targets.push(
    absoluteTarget(
      'mutation-p50',
      'DOM mutation → applied in the mirror, p50',
      lat?.mutation.p50 ?? null,
      'ms',
      8,
      'max',
    ),
  );
  targets.push(
    absoluteTarget(
      'mutation-p99',
      'DOM mutation → applied in the mirror, p99',
      lat?.mutation.p99 ?? null,
      'ms',
      20,
      'max',
    ),
  );
  targets.push(
    absoluteTarget('pointer-p95', 'Pointer move → shown to the agent, p95', lat?.pointer.p95 ?? null, 'ms', 10, 'max'),
  );
  targets.push(
    absoluteTarget(
      'allow-to-first-frame-10k',
      'Allow → whole first frame shown to the agent, 10k nodes (median of 5)',
      lat?.allowToFullFrameMs ?? null,
      'ms',
      300,
      'max',
    ),
  );
  const build = r.agentBuild;
  targets.push(
    absoluteTarget(
      'agent-build-longest-task-100k',
      `Agent: longest main-thread task while the first snapshot of a 100k-node page is built and shown (${build ? `${build.tasksOver50Ms} tasks over 50 ms; last part received → shown: ${ms(build.lastPartToShownMs)}` : 'n/a'})`,
      build?.longestTaskMs ?? null,
      'ms',
      50,
      'max',
    ),
  );
  const size = r.size;
  targets.push(
    absoluteTarget(
      'loader-gzip',
      'Customer code before a session is offered (loader), min+gzip',
      size ? size.loader.gzipBytes / KB : null,
      'KB',
      12,
      'max',
    ),
  );
  targets.push(
    size
      ? ratioTarget(
          'customer-total-gzip',
          'Whole customer side (loader + UI + every session chunk + deflate module), min+gzip, vs rrweb record alone',
          size.customerTotal.gzipBytes / KB,
          size.rrwebRecord.gzipBytes / KB,
          'KB',
          1,
        )
      : missing('customer-total-gzip', 'Whole customer side, min+gzip', 'KB', '≤ 1× rrweb'),
  );
  const sig = r.signaling;
  const at = sig?.steps.find((s) => s.sessions >= 5000 && s.dropped === 0);
  targets.push(
    absoluteTarget(
      'signaling-sessions',
      'Concurrent sessions held by one signaling process',
      sig?.maxSessionsHeld ?? null,
      'sessions',
      5000,
      'min',
    ),
  );
  targets.push(
    absoluteTarget(
      'signaling-rss-5000',
      'Signaling RSS at 5,000 sessions',
      at ? at.rssBytes / (KB * KB) : null,
      'MB',
      1024,
      'max',
    ),
  );
  targets.push(
    absoluteTarget(
      'signaling-join-p99-5000',
      'Session join p99 while holding 5,000 sessions',
      at?.joinP99Ms ?? null,
      'ms',
      50,
      'max',
    ),
  );
  const limit = sig?.fileLimit
    ? ` (this machine: ${sig.fileLimit.toLocaleString('en')} open files per process, so at most ~${Math.floor((sig.fileLimit - 200) / 2).toLocaleString('en')} sessions)`
    : '';
  targets.push(
    absoluteTarget(
      'signaling-sessions-50000',
      `Sessions held by one process, measured${limit}`,
      sig?.maxSessionsHeld ?? null,
      'sessions',
      50_000,
      'min',
    ),
  );
  const last = sig?.steps.filter((s) => s.dropped === 0).at(-1);
  const rss50k = sig && last ? (sig.baselineRssBytes + last.rssPerSessionBytes * 50_000) / (KB * KB) : null;
  targets.push(
    absoluteTarget(
      'signaling-rss-50000-extrapolated',
      'RSS at 50,000 sessions (100,000 sockets), extrapolated from the last step held',
      rss50k,
      'MB',
      2048,
      'max',
    ),
  );
  const cluster = r.cluster;
  targets.push(
    absoluteTarget(
      'cluster-join-p99',
      `Join p99 across instances (${cluster?.instances ?? 3} instances on PostgreSQL + Redis, ${cluster?.sessionsHeld.toLocaleString('en') ?? '?'} sessions held)`,
      cluster?.joinP99Ms ?? null,
      'ms',
      50,
      'max',
    ),
  );
  targets.push(...longSessionTargets(r.longSession));
  return targets;
}

function targetsTable(targets: readonly Target[]): string {
  const rows = targets.map((t) => {
    const value = t.value === null ? 'n/a' : `${t.value} ${t.unit}`;
    const rrweb = t.rrweb === undefined ? '' : `${t.rrweb} ${t.unit}`;
    const ratio = t.ratio === undefined ? '' : `${t.ratio}×`;
    return `| ${t.description} | ${value} | ${rrweb} | ${ratio} | ${t.target} | ${t.met ? 'met' : '**missed**'} |`;
  });
  return ['| Target | Ours | rrweb | Ratio | Target | Met |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

function snapshotTable(results: readonly SnapshotResult[]): string {
  const mainThread = (f: SnapshotResult['ours'] | undefined): string =>
    f?.mainThreadMs === undefined ? 'n/a' : ms(f.mainThreadMs);
  const rows = results.map(
    (s) =>
      `| ${s.label} (${s.ours.nodes.toLocaleString('en')} nodes) | ${mainThread(s.ours)} / ${mainThread(s.oursMainThread)} / ${mainThread(s.rrweb)} | ${ms(s.ours.ms)} / ${ms(s.rrweb.ms)} | ${ms(s.ours.longestTaskMs)} / ${s.oursMainThread ? ms(s.oursMainThread.longestTaskMs) : 'n/a'} / ${ms(s.rrweb.longestTaskMs)} | ${kb(s.ours.bytes)} / ${kb(s.rrweb.gzipBytes ?? 0)} (${kb(s.rrweb.bytes)} JSON) | ${kb(s.ours.peakHeap)} / ${kb(s.rrweb.peakHeap)} |`,
  );
  return [
    '| Page | Main-thread CPU (median) ours (worker) / ours (CSP fallback: main thread) / rrweb | Wall time ours / rrweb | Longest task ours / fallback / rrweb | Bytes ours wire / rrweb gzip | Peak JS heap ours / rrweb |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function steadyTable(s: SteadyResult): string {
  return [
    '| Steady state | Ours | rrweb |',
    '|---|---|---|',
    `| Bytes/s (ours: wire; rrweb: JSON gzip, JSON raw) | ${Math.round(s.ours.bytesPerSec)} | ${Math.round(s.rrweb.gzipBytesPerSec ?? 0)} (${Math.round(s.rrweb.bytesPerSec)} raw) |`,
    `| Recorder main-thread time, ms per s (page alone: ${s.baselineTaskMsPerSec.toFixed(1)} ms/s) | ${s.ours.overheadMsPerSec.toFixed(1)} | ${s.rrweb.overheadMsPerSec.toFixed(1)} |`,
    `| Messages / events | ${s.ours.messages} | ${s.rrweb.messages} |`,
  ].join('\n');
}

function latencyTable(l: LatencyResult): string {
  const p = (x: { p50: number; p95: number; p99: number; count: number }): string =>
    `${ms(x.p50)} / ${ms(x.p95)} / ${ms(x.p99)} (n=${x.count})`;
  return [
    '| Latency over a real data channel (ours) | p50 / p95 / p99 |',
    '|---|---|',
    `| DOM mutation → applied in the mirror | ${p(l.mutation)} |`,
    `| Pointer move → shown to the agent | ${p(l.pointer)} |`,
    `| Allow → first content / whole page in the mirror (${l.pageNodes.toLocaleString('en')} nodes, median of ${l.allowRunsMs.length}) | ${ms(l.allowToFirstContentMs)} / ${ms(l.allowToFullFrameMs)} (runs: ${l.allowRunsMs.join(', ')} ms) |`,
  ].join('\n');
}

function sizeTable(s: SizeResult): string {
  const row = (label: string, min: number, gz: number): string => `| ${label} | ${kb(min)} | ${kb(gz)} |`;
  const top = (b: SizeResult['loader']): string =>
    b.top
      .slice(0, 5)
      .map((t) => `${t.input.replace(/^.*node_modules\//, '')} ${kb(t.bytes)} (${kb(t.gzipBytes)} gz)`)
      .join(', ');
  return [
    '| Code (esbuild, minified) | Min | Min+gzip |',
    '|---|---|---|',
    row('Loader (before any session)', s.loader.minBytes, s.loader.gzipBytes),
    ...(s.view ? [row('Customer UI (at the first offer)', s.view.minBytes, s.view.gzipBytes)] : []),
    row('Session bundle at start (after Allow)', s.session.minBytes, s.session.gzipBytes),
    ...(s.sessionOwnCode
      ? [row('… of it our own code (npm packages left out)', s.sessionOwnCode.minBytes, s.sessionOwnCode.gzipBytes)]
      : []),
    ...(s.deflate
      ? [row('Deflate module (with the session, in a worker)', s.deflate.minBytes, s.deflate.gzipBytes)]
      : []),
    ...(s.sessionLazy ?? []).map((chunk) =>
      row(`Session chunk loaded later: ${chunk.name}`, chunk.minBytes, chunk.gzipBytes),
    ),
    ...(s.customerAtStart
      ? [row('Customer side at session start', s.customerAtStart.minBytes, s.customerAtStart.gzipBytes)]
      : []),
    row('Whole customer side (every chunk)', s.customerTotal.minBytes, s.customerTotal.gzipBytes),
    row('rrweb 2.2.2 `record` alone', s.rrwebRecord.minBytes, s.rrwebRecord.gzipBytes),
    '',
    `Heaviest inputs (minified; gz: what each adds to the bundle's min+gzip), loader: ${top(s.loader)}.`,
    `Heaviest inputs, session: ${top(s.session)}.`,
  ].join('\n');
}

function signalingTable(s: SignalingResult): string {
  const rows = s.steps.map(
    (x) =>
      `| ${x.sessions.toLocaleString('en')} | ${(x.rssBytes / (KB * KB)).toFixed(0)} MB | ${(x.rssPerSessionBytes / KB).toFixed(1)} KB | ${ms(x.joinP50Ms)} / ${ms(x.joinP99Ms)} | ${x.dropped} |`,
  );
  return [
    `| Sessions held (2 sockets each, heartbeat ${s.heartbeatSeconds} s) | Server RSS | RSS per session | Join p50 / p99 | Dropped |`,
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Baseline RSS ${(s.baselineRssBytes / (KB * KB)).toFixed(0)} MB; stopped: ${s.stoppedBecause}.`,
  ].join('\n');
}

function clusterTable(c: ClusterResult): string {
  return [
    `| Scale-out: ${c.instances} instances, PostgreSQL + Redis, ${c.sessionsHeld.toLocaleString('en')} sessions held (customer and agent on different instances) | p50 / p99 (n=${c.samples}) |`,
    '|---|---|',
    `| Agent joins on another instance than the customer (open → welcome) | ${ms(c.joinP50Ms)} / ${ms(c.joinP99Ms)} |`,
    `| Customer event → received by the agent on another instance | ${ms(c.relayP50Ms)} / ${ms(c.relayP99Ms)} |`,
    '',
    `Instance RSS: ${c.rssBytesPerInstance.map((rss) => `${(rss / (KB * KB)).toFixed(0)} MB`).join(', ')}.`,
  ].join('\n');
}

export function markdown(r: BenchResults): string {
  const parts = [
    `Run ${r.date} · ${r.chromium} · Node ${r.node} · ${r.cores} cores (${r.cpu}) · ${Math.round(r.durationSeconds)} s`,
    '',
    targetsTable(r.targets),
  ];
  if (r.snapshot) parts.push('', snapshotTable(r.snapshot));
  if (r.steady) parts.push('', steadyTable(r.steady));
  if (r.latency) parts.push('', latencyTable(r.latency));
  // Results written before the breakdown existed have no stages.
  if (r.latency?.allowStagesMs) parts.push('', breakdownTable(r.latency.allowStagesMs));
  if (r.size) parts.push('', sizeTable(r.size));
  if (r.signaling) parts.push('', signalingTable(r.signaling));
  if (r.cluster) parts.push('', clusterTable(r.cluster));
  if (r.network) parts.push('', networkTable(r.network));
  if (r.longSession) parts.push('', longSessionTable(r.longSession));
  if (r.notes.length > 0) parts.push('', ...r.notes.map((n) => `- ${n}`));
  if (r.errors.length > 0) parts.push('', 'Errors:', ...r.errors.map((e) => `- ${e}`));
  return parts.join('\n') + '\n';
}

export function writeResults(root: string, results: BenchResults): void {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(dir, 'latest.md'), markdown(results));
}

const README_TABLE_START = 'Latest run (';

/**
 * Replaces the Performance section's table in README.md (from the "Latest
 * run (" line to the end of the table after it) with this run's targets, so
 * the README shows what the run measured. False when the README has no such
 * section.
 */
export function updateReadme(root: string, r: BenchResults): boolean {
  const path = join(root, 'README.md');
  if (!existsSync(path)) return false;
  const lines = readFileSync(path, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith(README_TABLE_START));
  if (start < 0) return false;
  let end = start + 1;
  while (end < lines.length && (lines[end] ?? '').trim() === '') end++;
  while (end < lines.length && (lines[end] ?? '').startsWith('|')) end++;
  const met = r.targets.filter((t) => t.met).length;
  const block = [
    `${README_TABLE_START}${r.date} · ${r.chromium} · Node ${r.node} · ${r.cores} cores (${r.cpu}) · ${Math.round(r.durationSeconds)} s; ${met} of ${r.targets.length} targets met):`,
    '',
    targetsTable(r.targets),
  ];
  lines.splice(start, end - start, ...block);
  writeFileSync(path, lines.join('\n'));
  return true;
}
