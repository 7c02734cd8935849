/**
 * The agent's side of a big first snapshot: Allow on a 100k-node page, the
 * agent's renderer traced from before Allow until the first frame painted
 * after the page's last element is in the shown mirror. Target (issue #18):
 * no agent main-thread task of 50 ms or more while the mirror is built part
 * by part; reported: the longest task, the tasks over 50 ms, and the time
 * from the agent receiving the last part to the page painted.
 */
import type { Page } from 'playwright-core';
import type { LaunchedChromium } from '../test/node/helpers/chromium.js';
import type { TestServer } from '../test/node/helpers/server.js';
import { startRendererTrace, type RendererTaskFigures } from './browser-tools.js';
import { goLive } from './latency.js';
import { median } from './stats.js';

export interface AgentBuildResult {
  pageNodes: number;
  runs: Array<RendererTaskFigures & { fullFrameMs: number; lastPartToShownMs: number }>;
  /** Median over runs; lastPartToShownMs: the agent's last part received → the shown page painted. */
  longestTaskMs: number;
  tasksOver50Ms: number;
  lastPartToShownMs: number;
  fullFrameMs: number;
}

export async function runAgentBuildScenario(
  server: TestServer,
  customerBrowser: LaunchedChromium,
  agentBrowser: LaunchedChromium,
  siteUrl: string,
  options: { pageNodes: number; runs: number },
  log: (line: string) => void,
): Promise<AgentBuildResult> {
  const harness = { server, customerBrowser, agentBrowser };
  const customerUrl = `${siteUrl}/customer?page=gen-${options.pageNodes}`;
  const runs: AgentBuildResult['runs'] = [];
  for (let i = 0; i < options.runs; i++) {
    let trace: { stop(): Promise<RendererTaskFigures> } | null = null;
    const live = await goLive(harness, customerUrl, {
      beforeAllow: async (_customer: Page, agent: Page) => {
        trace = await startRendererTrace(agent);
      },
    });
    const figures = await (trace as { stop(): Promise<RendererTaskFigures> } | null)?.stop();
    await live.customer.close();
    await live.agent.close();
    if (!figures) throw new Error('the agent was not traced');
    const received = live.stages['agent-last-part'];
    const run = {
      ...figures,
      fullFrameMs: live.paintedMs,
      lastPartToShownMs: received == null ? NaN : live.paintedMs - received,
    };
    log(
      `  agent build ${options.pageNodes} nodes: longest agent task ${run.longestTaskMs.toFixed(0)} ms (CPU ${run.longestTaskCpuMs.toFixed(0)} ms), ${run.tasksOver50Ms} over 50 ms, last part received → shown ${run.lastPartToShownMs.toFixed(0)} ms, Allow → shown ${run.fullFrameMs.toFixed(0)} ms`,
    );
    runs.push(run);
  }
  return {
    pageNodes: options.pageNodes,
    runs,
    longestTaskMs: median(runs.map((r) => r.longestTaskMs)),
    tasksOver50Ms: median(runs.map((r) => r.tasksOver50Ms)),
    lastPartToShownMs: median(runs.map((r) => r.lastPartToShownMs)),
    fullFrameMs: median(runs.map((r) => r.fullFrameMs)),
  };
}
