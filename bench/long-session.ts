/**
 * Long sessions: one live session on the 10k-node page kept busy by a
 * scripted customer (text edits, rows added and removed, typing, scrolling,
 * class toggles) for several minutes; the customer's and the agent's JS heap
 * after a forced GC and their DOM node counts, sampled every minute through
 * CDP. Growth is the last sample minus the first (taken once the session is
 * live and warmed up).
 */
import type { CDPSession } from 'playwright-core';
import type { LaunchedChromium } from '../test/node/helpers/chromium.js';
import type { TestServer } from '../test/node/helpers/server.js';
import { goLive } from './latency.js';
import type { Target } from './report.js';
import { startScriptedCustomer } from './scripted-customer.js';
import { round } from './stats.js';

export interface MemorySample {
  minute: number;
  heapBytes: number;
  domNodes: number;
}

export interface LongSessionResult {
  minutes: number;
  pageNodes: number;
  customer: MemorySample[];
  agent: MemorySample[];
  customerGrowthBytes: number;
  agentGrowthBytes: number;
  /** Customer changes made by the script over the whole run. */
  changes: number;
  /** The mirror still showed the customer's latest edit at the end (checked, so the session was live throughout). */
  inSyncAtEnd: boolean;
}

const MB = 1024 * 1024;

async function sample(cdp: CDPSession, minute: number): Promise<MemorySample> {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const counters = await cdp.send('Memory.getDOMCounters');
  return { minute, heapBytes: heap.usedSize, domNodes: counters.nodes };
}

export async function runLongSessionScenario(
  server: TestServer,
  customerBrowser: LaunchedChromium,
  agentBrowser: LaunchedChromium,
  siteUrl: string,
  options: { minutes: number; pageNodes: number },
  log: (line: string) => void,
): Promise<LongSessionResult> {
  const live = await goLive(
    { server, customerBrowser, agentBrowser },
    `${siteUrl}/customer?page=gen-${options.pageNodes}`,
  );
  try {
    const cdp = {
      customer: await live.customer.context().newCDPSession(live.customer),
      agent: await live.agent.context().newCDPSession(live.agent),
    };
    await startScriptedCustomer(live.customer, { prefix: 'long', toggleClasses: true });
    await live.customer.waitForTimeout(5_000);
    const customer: MemorySample[] = [await sample(cdp.customer, 0)];
    const agent: MemorySample[] = [await sample(cdp.agent, 0)];
    for (let minute = 1; minute <= options.minutes; minute++) {
      await live.customer.waitForTimeout(60_000);
      customer.push(await sample(cdp.customer, minute));
      agent.push(await sample(cdp.agent, minute));
      const c = customer[customer.length - 1]!;
      const a = agent[agent.length - 1]!;
      log(
        `  minute ${minute}: customer heap ${(c.heapBytes / MB).toFixed(2)} MB, ${c.domNodes} nodes; agent heap ${(a.heapBytes / MB).toFixed(2)} MB, ${a.domNodes} nodes`,
      );
    }
    const { changes, last } = await live.customer.evaluate(() => {
      const w = window as unknown as { __changes: number; __stop: () => void; __last: string };
      w.__stop();
      return { changes: w.__changes, last: w.__last };
    });
    let inSyncAtEnd = false;
    for (let i = 0; i < 100 && !inSyncAtEnd; i++) {
      inSyncAtEnd = await live.agent.evaluate(
        (text) =>
          (
            document.querySelector('cobrowse-agent-view')?.mirror?.iframe.contentDocument?.body.textContent ?? ''
          ).includes(text),
        last,
      );
      if (!inSyncAtEnd) await live.agent.waitForTimeout(100);
    }
    const growth = (samples: MemorySample[]): number =>
      (samples[samples.length - 1]?.heapBytes ?? Number.NaN) - (samples[0]?.heapBytes ?? Number.NaN);
    return {
      minutes: options.minutes,
      pageNodes: options.pageNodes,
      customer,
      agent,
      customerGrowthBytes: growth(customer),
      agentGrowthBytes: growth(agent),
      changes,
      inSyncAtEnd,
    };
  } finally {
    await Promise.all([live.customer.close(), live.agent.close()]);
  }
}

export function longSessionTargets(r: LongSessionResult | null | undefined): Target[] {
  const target = (id: string, who: string, bytes: number | undefined): Target => {
    const value = bytes === undefined || !r?.inSyncAtEnd ? null : round(bytes / MB, 2);
    return {
      id,
      description: `${who} JS heap growth over a ${r?.minutes ?? 10}-minute scripted session on the 10k page, after GC${r && !r.inSyncAtEnd ? ' (the mirror fell out of step: not counted)' : ''}`,
      value,
      unit: 'MB',
      target: '≤ 5 MB',
      met: value !== null && value <= 5,
    };
  };
  return [
    target('long-session-customer-heap', 'Customer', r?.customerGrowthBytes),
    target('long-session-agent-heap', 'Agent', r?.agentGrowthBytes),
  ];
}

export function longSessionTable(r: LongSessionResult): string {
  const rows = r.customer.map((c, i) => {
    const a = r.agent[i];
    return `| ${c.minute} | ${(c.heapBytes / MB).toFixed(2)} MB / ${c.domNodes} | ${a ? `${(a.heapBytes / MB).toFixed(2)} MB / ${a.domNodes}` : '-'} |`;
  });
  return [
    `| Long session, minute (${r.changes.toLocaleString('en')} scripted changes; mirror in step at the end: ${r.inSyncAtEnd ? 'yes' : 'NO'}) | Customer heap after GC / DOM nodes | Agent heap after GC / DOM nodes |`,
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Minutes of the long session: BENCH_LONG_MINUTES, else 1 in a quick run and 10 (the issue's figure) otherwise. */
export function longMinutes(quick: boolean): number {
  const fromEnv = Number(process.env['BENCH_LONG_MINUTES']);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : quick ? 1 : 10;
}
