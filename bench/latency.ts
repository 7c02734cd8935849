/**
 * Scenario 3: latency over a real WebRTC data channel between two Chromium
 * processes (customer and agent), through the real signaling server, loader,
 * session bundle and agent console. Both processes run on this machine, so
 * `performance.timeOrigin + performance.now()` is one clock on both sides.
 */
import type { Page } from 'playwright-core';
import { agentStatus, newSession, offer, type Harness } from '../test/e2e/helpers/harness.js';
import type { LaunchedChromium } from '../test/node/helpers/chromium.js';
import type { TestServer } from '../test/node/helpers/server.js';
import {
  NATIVE_STAGE_MARKS,
  allowBreakdown,
  medianBreakdown,
  readStageTimes,
  type AllowBreakdown,
} from './allow-breakdown.js';
import { median, quantile } from './stats.js';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export interface LatencyResult {
  mutation: Percentiles;
  pointer: Percentiles;
  /** Allow clicked → first snapshot content shown in the mirror, ms (median of runs). */
  allowToFirstContentMs: number;
  /** Allow clicked → the whole snapshot shown (the page's last element is in the mirror), ms (median of runs). */
  allowToFullFrameMs: number;
  allowRunsMs: number[];
  /** Allow → each stage of the path (bench/allow-breakdown.ts), ms, median of runs per stage. */
  allowStagesMs: AllowBreakdown;
  pageNodes: number;
}

const MUTATION_TARGETS = 100;

export function percentiles(samples: readonly number[]): Percentiles {
  return {
    p50: quantile(samples, 0.5),
    p95: quantile(samples, 0.95),
    p99: quantile(samples, 0.99),
    count: samples.length,
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface LiveSession {
  customer: Page;
  agent: Page;
  firstContentMs: number;
  fullFrameMs: number;
  /** Allow → the first frame painted after the whole page was seen in the shown mirror. */
  paintedMs: number;
  stages: AllowBreakdown;
}

/** Offer, agent joins, customer clicks Allow; times Allow → mirror content, stage by stage. */
export async function goLive(
  harness: Pick<Harness, 'server' | 'customerBrowser' | 'agentBrowser'>,
  customerUrl: string,
  hooks: { beforeAllow?: (customer: Page, agent: Page) => Promise<void> } = {},
): Promise<LiveSession> {
  const session = await newSession(harness as Harness, { agentName: 'Bench' });
  const customer = await harness.customerBrowser.newPage();
  await customer.addInitScript(NATIVE_STAGE_MARKS);
  // A 100k-node page takes minutes to load on a busy 2-core machine.
  await customer.goto(customerUrl, { waitUntil: 'load', timeout: 600_000 });
  await offer(customer, session.inviteCode);
  const agent = await harness.agentBrowser.newPage();
  await agent.addInitScript(NATIVE_STAGE_MARKS);
  await agent.goto(session.agentLink);
  await waitFor('the agent waiting', async () => (await agentStatus(agent)) === 'Waiting for the customer');
  await customer.getByRole('button', { name: 'Allow sharing' }).waitFor();
  await agent.evaluate(() => {
    const w = window as unknown as { __firstAt?: number; __fullAt?: number; __paintedAt?: number };
    const timer = setInterval(() => {
      const iframe = document.querySelector('cobrowse-agent-view')?.mirror?.iframe;
      // The first snapshot is built in a hidden iframe (opacity 0 before 2026-12-05): content counts once it is shown.
      const hidden = iframe?.style.visibility === 'hidden' || iframe?.style.opacity === '0';
      const doc = hidden ? undefined : iframe?.contentDocument;
      const now = performance.timeOrigin + performance.now();
      if (w.__firstAt === undefined && doc?.getElementById('bench-first')) w.__firstAt = now;
      if (doc?.getElementById('bench-last')) {
        w.__fullAt = now;
        clearInterval(timer);
        // Painted: the rendering update after it (style, layout, paint of the shown page) has run.
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => (w.__paintedAt = performance.timeOrigin + performance.now());
          channel.port2.postMessage(null);
        });
      }
    }, 1);
  });
  await customer.evaluate(() => {
    addEventListener(
      'click',
      () => ((window as unknown as { __allowAt?: number }).__allowAt ??= performance.timeOrigin + performance.now()),
      { capture: true },
    );
  });
  await hooks.beforeAllow?.(customer, agent);
  await customer.getByRole('button', { name: 'Allow sharing' }).click();
  await waitFor(
    'the whole page in the mirror',
    () => agent.evaluate(() => (window as unknown as { __paintedAt?: number }).__paintedAt !== undefined),
    300_000,
  );
  const allowAt = await customer.evaluate(() => (window as unknown as { __allowAt?: number }).__allowAt ?? Number.NaN);
  const { firstAt, fullAt, paintedAt } = await agent.evaluate(() => {
    const w = window as unknown as { __firstAt?: number; __fullAt?: number; __paintedAt?: number };
    return {
      firstAt: w.__firstAt ?? Number.NaN,
      fullAt: w.__fullAt ?? Number.NaN,
      paintedAt: w.__paintedAt ?? Number.NaN,
    };
  });
  const [customerStages, agentStages] = await Promise.all([readStageTimes(customer), readStageTimes(agent)]);
  const stages = allowBreakdown(allowAt, customerStages, agentStages, fullAt);
  return {
    customer,
    agent,
    firstContentMs: firstAt - allowAt,
    fullFrameMs: fullAt - allowAt,
    paintedMs: paintedAt - allowAt,
    stages,
  };
}

export async function measureMutations(live: LiveSession, count: number, intervalMs: number): Promise<number[]> {
  // Targets are added first and allowed to reach the mirror before timing starts.
  await live.customer.evaluate((n) => {
    const box = document.createElement('div');
    box.id = 'latency-targets';
    for (let i = 0; i < n; i++) {
      const span = document.createElement('span');
      span.className = 'lat';
      span.textContent = '-';
      box.append(span);
    }
    document.body.prepend(box);
  }, MUTATION_TARGETS);
  await waitFor('the latency targets in the mirror', () =>
    live.agent.evaluate(
      () =>
        (document
          .querySelector('cobrowse-agent-view')
          ?.mirror?.iframe.contentDocument?.querySelectorAll('#latency-targets .lat').length ?? 0) > 0,
    ),
  );
  await live.agent.evaluate(() => {
    const doc = document.querySelector('cobrowse-agent-view')?.mirror?.iframe.contentDocument;
    if (!doc) throw new Error('no mirror document');
    const w = window as unknown as { __mutationLatency: number[]; __seen: Set<number> };
    w.__mutationLatency = [];
    w.__seen = new Set();
    const read = (node: Node | null): void => {
      const text = node?.textContent ?? '';
      const match = /^m([0-9a-z]+)@([0-9a-z]+)$/.exec(text);
      if (!match) return;
      const index = parseInt(match[1] ?? '', 36);
      if (w.__seen.has(index)) return;
      w.__seen.add(index);
      w.__mutationLatency.push(performance.timeOrigin + performance.now() - parseInt(match[2] ?? '', 36) / 1000);
    };
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'characterData') read(record.target.parentNode);
        else read(record.target);
      }
    }).observe(doc, { subtree: true, childList: true, characterData: true });
  });
  await live.customer.evaluate(
    ({ n, every, targets }) =>
      new Promise<void>((resolve) => {
        const spans = Array.from(document.querySelectorAll('#latency-targets .lat'));
        let i = 0;
        const timer = setInterval(() => {
          const span = spans[i % targets];
          // Base 36 (microseconds): a decimal timestamp has 13+ digits, which the customer masks
          // as a possible card number, so no sample would arrive.
          const at = Math.round((performance.timeOrigin + performance.now()) * 1000).toString(36);
          if (span) span.textContent = `m${i.toString(36)}@${at}`;
          i++;
          if (i >= n) {
            clearInterval(timer);
            resolve();
          }
        }, every);
      }),
    { n: count, every: intervalMs, targets: MUTATION_TARGETS },
  );
  await live.agent.waitForTimeout(500);
  return live.agent.evaluate(() => (window as unknown as { __mutationLatency: number[] }).__mutationLatency);
}

async function measurePointer(live: LiveSession, moves: number, intervalMs: number): Promise<number[]> {
  await live.customer.evaluate(() => {
    window.scrollTo(0, 0);
    const w = window as unknown as { __moves: Array<[number, number]> };
    w.__moves = [];
    addEventListener(
      'pointermove',
      (event) => w.__moves.push([event.clientX, performance.timeOrigin + performance.now()]),
      { capture: true },
    );
  });
  await live.agent.waitForTimeout(300);
  await live.agent.evaluate(() => {
    const view = document.querySelector('cobrowse-agent-view');
    const cursor = view?.shadowRoot?.querySelector<HTMLElement>('.cursor');
    const frame = view?.shadowRoot?.querySelector<HTMLElement>('.frame');
    if (!view || !cursor || !frame) throw new Error('no cursor in the agent view');
    const w = window as unknown as { __shown: Array<[number, number]> };
    w.__shown = [];
    new MutationObserver(() => {
      const now = performance.timeOrigin + performance.now();
      const translate = /translate\(([-\d.]+)px/.exec(cursor.style.transform);
      const scale = Number(/scale\(([-\d.]+)\)/.exec(frame.style.transform)?.[1] ?? '1');
      if (!translate || cursor.style.display === 'none') return;
      const x = (Number(translate[1]) - frame.offsetLeft) / scale + (view.mirror?.scroll.x ?? 0);
      w.__shown.push([x, now]);
    }).observe(cursor, { attributes: true, attributeFilter: ['style'] });
  });
  for (let i = 0; i < moves; i++) {
    await live.customer.mouse.move(20 + i * 3, 300);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  await live.agent.waitForTimeout(500);
  const sent = await live.customer.evaluate(() => (window as unknown as { __moves: Array<[number, number]> }).__moves);
  const shown = await live.agent.evaluate(() => (window as unknown as { __shown: Array<[number, number]> }).__shown);
  const latencies: number[] = [];
  const matched = new Set<number>();
  for (const [x, at] of shown) {
    // x values are 3 px apart, so the nearest sent move within 1.5 px is the one shown.
    const move = sent.find(([sx]) => Math.abs(sx - x) < 1.5);
    if (!move || matched.has(move[0])) continue;
    matched.add(move[0]);
    latencies.push(at - move[1]);
  }
  return latencies;
}

export async function runLatencyScenario(
  server: TestServer,
  customerBrowser: LaunchedChromium,
  agentBrowser: LaunchedChromium,
  siteUrl: string,
  options: { allowRuns: number; mutations: number; pointerMoves: number; pageNodes: number },
  log: (line: string) => void,
): Promise<LatencyResult> {
  const harness = { server, customerBrowser, agentBrowser };
  const customerUrl = `${siteUrl}/customer?page=gen-${options.pageNodes}`;
  const allowRuns: LiveSession[] = [];
  // One discarded session first: both browsers start cold (processes, caches), which no customer
  // or agent in the middle of a support chat is.
  const warm = await goLive(harness, customerUrl);
  log(`  allow → mirror (warm-up, not counted): whole page ${warm.fullFrameMs.toFixed(0)} ms`);
  await warm.customer.close();
  await warm.agent.close();
  for (let i = 0; i < options.allowRuns; i++) {
    const live = await goLive(harness, customerUrl);
    log(
      `  allow → mirror: first content ${live.firstContentMs.toFixed(0)} ms, whole page ${live.fullFrameMs.toFixed(0)} ms`,
    );
    const at = (id: string): string => live.stages[id]?.toFixed(0) ?? '-';
    log(
      `    bundle ${at('session-loaded')}, welcome ${at('customer-welcome')}, offer ${at('offer-sent')}, answer ${at('answer-received')}, channel ${at('channel-open')}, snapshot sent ${at('snapshot-last-part')}, applied ${at('agent-snapshot-applied')} ms`,
    );
    allowRuns.push(live);
    if (i < options.allowRuns - 1) {
      await live.customer.close();
      await live.agent.close();
    }
  }
  const live = allowRuns[allowRuns.length - 1];
  if (!live) throw new Error('no live session');
  try {
    const mutation = await measureMutations(live, options.mutations, 10);
    log(`  mutation → mirror: ${mutation.length} samples, p50 ${median(mutation).toFixed(1)} ms`);
    const pointer = await measurePointer(live, options.pointerMoves, 25);
    log(`  pointer → agent: ${pointer.length} samples, p50 ${median(pointer).toFixed(1)} ms`);
    const pageNodes = await live.customer.evaluate(() => {
      const walker = document.createTreeWalker(document, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      let count = 0;
      while (walker.nextNode()) count++;
      return count;
    });
    return {
      mutation: percentiles(mutation),
      pointer: percentiles(pointer),
      allowToFirstContentMs: median(allowRuns.map((r) => r.firstContentMs)),
      allowToFullFrameMs: median(allowRuns.map((r) => r.fullFrameMs)),
      allowRunsMs: allowRuns.map((r) => Math.round(r.fullFrameMs)),
      allowStagesMs: medianBreakdown(allowRuns.map((r) => r.stages)),
      pageNodes,
    };
  } finally {
    await live.customer.close();
    await live.agent.close();
  }
}
