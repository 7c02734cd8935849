/**
 * The customer's Allow → the agent's whole first frame, broken into stages.
 * The product marks each stage with User Timing (shared/stage-marks.ts); this
 * module reads the marks from both pages (one machine, so
 * `performance.timeOrigin + startTime` is one clock) and puts them on one
 * timeline that starts at the Allow click.
 */
import type { Page } from 'playwright-core';
import { median } from './stats.js';

type Side = 'customer' | 'agent';

interface StageDefinition {
  id: string;
  side: Side;
  label: string;
}

/** In the order the path reaches them (the agent's and customer's stages interleave). */
export const ALLOW_STAGES: readonly StageDefinition[] = [
  { id: 'consent-recorded', side: 'customer', label: 'consent-granted handed to the consent socket' },
  { id: 'bundle-request', side: 'customer', label: 'session bundle request started (resource timing)' },
  { id: 'bundle-response', side: 'customer', label: 'session bundle response complete (resource timing)' },
  { id: 'session-evaluated', side: 'customer', label: 'session bundle evaluated while the prompt shows' },
  { id: 'session-loaded', side: 'customer', label: 'session bundle ready after Allow (import resolved)' },
  { id: 'session-start', side: 'customer', label: 'CustomerSession constructed' },
  { id: 'customer-welcome', side: 'customer', label: 'session signaling socket welcomed' },
  { id: 'peer-created', side: 'customer', label: 'peer connection created' },
  { id: 'offer-sent', side: 'customer', label: 'offer sent' },
  { id: 'agent-offer-received', side: 'agent', label: 'agent: offer received' },
  { id: 'agent-answer-sent', side: 'agent', label: 'agent: answer sent' },
  { id: 'answer-received', side: 'customer', label: 'answer received' },
  { id: 'ice-connected', side: 'customer', label: 'ICE connected (native, customer)' },
  { id: 'dc-open', side: 'customer', label: 'data channel open event (native, customer)' },
  { id: 'channel-open', side: 'customer', label: 'peer adapter connect (customer)' },
  { id: 'agent-dc-open', side: 'agent', label: 'agent: data channel open event (native)' },
  { id: 'agent-channel-open', side: 'agent', label: 'agent: peer adapter connect' },
  { id: 'snapshot-start', side: 'customer', label: 'snapshot capture started' },
  { id: 'snapshot-first-part', side: 'customer', label: 'first snapshot part sent' },
  { id: 'agent-first-part', side: 'agent', label: 'agent: first snapshot part received' },
  { id: 'snapshot-last-part', side: 'customer', label: 'last snapshot part sent' },
  { id: 'snapshot-last-part-out', side: 'customer', label: 'last part compressed and on the data channel' },
  { id: 'agent-last-part', side: 'agent', label: 'agent: last snapshot part received' },
  { id: 'agent-snapshot-applied', side: 'agent', label: 'agent: whole snapshot built into the (still hidden) mirror' },
  { id: 'mirror-shown', side: 'agent', label: 'page’s last element seen in the mirror (bench poll)' },
];

/**
 * Run before the page's scripts (page.addInitScript): marks the native WebRTC
 * milestones the product does not see directly (ICE connected, the data
 * channel's own open event), to tell WebRTC time from the adapter's.
 */
export const NATIVE_STAGE_MARKS = `(() => {
  const seen = new Set();
  const mark = (name) => { if (!seen.has(name)) { seen.add(name); performance.mark('cobrowse:' + name); } };
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  const watch = (channel) => channel.addEventListener('open', () => mark('dc-open'));
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('iceconnectionstatechange', () => { if (this.iceConnectionState === 'connected') mark('ice-connected'); });
      this.addEventListener('datachannel', (event) => { if (event.channel.readyState === 'open') mark('dc-open'); else watch(event.channel); });
    }
    createDataChannel(...args) { const channel = super.createDataChannel(...args); watch(channel); return channel; }
  };
})();`;

/** Stage id → ms after the Allow click (null: the stage was not reached or not marked). */
export type AllowBreakdown = Record<string, number | null>;

const PREFIX = 'cobrowse:';

/** Absolute times (ms since the epoch, one clock for both pages) of the product's stage marks and the session bundle's resource timing. */
export async function readStageTimes(page: Page): Promise<Record<string, number>> {
  return page.evaluate((prefix) => {
    const origin = performance.timeOrigin;
    const out: Record<string, number> = {};
    for (const mark of performance.getEntriesByType('mark')) {
      if (mark.name.startsWith(prefix)) out[mark.name.slice(prefix.length)] ??= origin + mark.startTime;
    }
    const bundle = performance
      .getEntriesByType('resource')
      .find((entry): entry is PerformanceResourceTiming => entry.name.includes('cobrowse-session.js'));
    if (bundle) {
      out['bundle-request'] = origin + bundle.startTime;
      out['bundle-response'] = origin + bundle.responseEnd;
    }
    return out;
  }, PREFIX);
}

/** One run's stages on the Allow timeline. */
export function allowBreakdown(
  allowAt: number,
  customer: Record<string, number>,
  agent: Record<string, number>,
  shownAt: number,
): AllowBreakdown {
  const breakdown: AllowBreakdown = {};
  for (const stage of ALLOW_STAGES) {
    // NATIVE_STAGE_MARKS names its marks the same on both pages; the agent's is listed as 'agent-dc-open'.
    const name = stage.id === 'agent-dc-open' ? 'dc-open' : stage.id;
    const at = stage.id === 'mirror-shown' ? shownAt : (stage.side === 'customer' ? customer : agent)[name];
    breakdown[stage.id] = at === undefined || !Number.isFinite(at) ? null : at - allowAt;
  }
  return breakdown;
}

/** Per-stage median over runs (stages missing from every run stay null). */
export function medianBreakdown(runs: readonly AllowBreakdown[]): AllowBreakdown {
  const out: AllowBreakdown = {};
  for (const stage of ALLOW_STAGES) {
    const samples = runs.map((r) => r[stage.id]).filter((v): v is number => typeof v === 'number');
    out[stage.id] = samples.length === 0 ? null : median(samples);
  }
  return out;
}

/** Markdown table: each stage's time after Allow and the step from the previous reached stage. */
export function breakdownTable(breakdown: AllowBreakdown): string {
  const rows: string[] = [];
  let previous = 0;
  for (const stage of ALLOW_STAGES) {
    const at = breakdown[stage.id];
    if (at === null || at === undefined) {
      rows.push(`| ${stage.label} | n/a | |`);
      continue;
    }
    rows.push(
      `| ${stage.label} | ${at.toFixed(1)} ms | ${(at - previous >= 0 ? '+' : '') + (at - previous).toFixed(1)} ms |`,
    );
    previous = at;
  }
  return ['| Allow → first frame, stage (median per stage) | After Allow | Step |', '|---|---|---|', ...rows].join(
    '\n',
  );
}
