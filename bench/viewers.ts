/**
 * Viewers: what each agent watching costs the customer. One live session on
 * the 10k-node page, kept busy by a scripted customer (text edits, rows added
 * and removed, typing, scrolling); first the lead agent alone, then the lead
 * and three invited viewers (MAX_AGENTS, the limit), each on its own peer
 * connection with its own capture run. Measured on the customer's page over
 * the same window: upload bytes/s (the data channels' bytesSent from
 * RTCPeerConnection.getStats, so SCTP/DTLS framing is not counted) and
 * main-thread task time per second (CDP, the renderer's main thread: capture,
 * masking, encoding; the page's own script too, the same in both windows).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { MAX_AGENTS } from '../shared/viewer-protocol.js';
import type { LaunchedChromium } from '../test/node/helpers/chromium.js';
import type { TestServer } from '../test/node/helpers/server.js';
import { agentStatus, newSession, offer, type Harness } from '../test/e2e/helpers/harness.js';
import { metricsSession } from './browser-tools.js';
import { startScriptedCustomer } from './scripted-customer.js';
import { round } from './stats.js';

export interface ViewersWindow {
  agents: number;
  uploadBytesPerSec: number;
  mainThreadMsPerSec: number;
}

export interface ViewersResult {
  pageNodes: number;
  seconds: number;
  windows: ViewersWindow[];
  /** Per round: how long three viewers took to join and catch up, and the customer's main-thread time per viewer beyond the activity's (its snapshot). */
  joins: { seconds: number; extraMainThreadMs: number }[];
  /** Mean over rounds of (4 agents - 1 agent) / 3, each pair measured back to back: what each viewer adds. */
  perViewer: { uploadBytesPerSec: number; mainThreadMsPerSec: number };
}

/** Keeps every peer connection the page makes, to read their data channels' bytes. */
const KEEP_PEER_CONNECTIONS = `
  (() => {
    const PC = window.RTCPeerConnection;
    window.__pcs = [];
    window.RTCPeerConnection = function (...args) { const pc = new PC(...args); window.__pcs.push(pc); return pc; };
    window.RTCPeerConnection.prototype = PC.prototype;
    Object.setPrototypeOf(window.RTCPeerConnection, PC);
  })();
`;

async function bytesSent(customer: Page): Promise<number> {
  return customer.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    let total = 0;
    for (const pc of pcs) {
      const stats = await pc.getStats();
      stats.forEach((report: { type: string; bytesSent?: number }) => {
        if (report.type === 'data-channel') total += report.bytesSent ?? 0;
      });
    }
    return total;
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The console shows the customer's latest edit: this viewer's stream is live and caught up. */
async function caughtUp(customer: Page, console: Page): Promise<void> {
  await until('a viewer to catch up', async () => {
    const last = await customer.evaluate(() => (window as unknown as { __last?: string }).__last ?? '');
    if (!last) return false;
    return console.evaluate(
      (text) =>
        (
          document.querySelector('cobrowse-agent-view')?.mirror?.iframe.contentDocument?.body.textContent ?? ''
        ).includes(text.slice(0, -2)),
      last,
    );
  });
}

async function measure(customer: Page, agents: number, seconds: number): Promise<ViewersWindow> {
  const metrics = await metricsSession(customer);
  const bytesBefore = await bytesSent(customer);
  const taskBefore = await metrics.taskSeconds();
  await customer.waitForTimeout(seconds * 1000);
  const taskAfter = await metrics.taskSeconds();
  const bytesAfter = await bytesSent(customer);
  await metrics.detach();
  return {
    agents,
    uploadBytesPerSec: round((bytesAfter - bytesBefore) / seconds, 0),
    mainThreadMsPerSec: round(((taskAfter - taskBefore) * 1000) / seconds, 1),
  };
}

export async function runViewersScenario(
  server: TestServer,
  customerBrowser: LaunchedChromium,
  agentBrowser: LaunchedChromium,
  siteUrl: string,
  options: { pageNodes: number; seconds: number; rounds: number },
  log: (line: string) => void,
): Promise<ViewersResult> {
  const harness = { server, customerBrowser, agentBrowser } as Harness;
  const session = await newSession(harness, { agentName: 'Bench' });
  const customer = await customerBrowser.newPage();
  await customer.addInitScript(KEEP_PEER_CONNECTIONS);
  await customer.goto(`${siteUrl}/customer?page=gen-${options.pageNodes}`, { waitUntil: 'load', timeout: 600_000 });
  await offer(customer, session.inviteCode);
  const lead = await agentBrowser.newPage();
  await lead.goto(session.agentLink);
  await customer.getByRole('button', { name: 'Allow sharing' }).click();
  await until('the lead to be live', async () => (await agentStatus(lead)) === 'Live');
  await startScriptedCustomer(customer, { prefix: 'viewers', toggleClasses: false });
  await caughtUp(customer, lead);
  const links: string[] = [];
  for (let i = 1; i < MAX_AGENTS; i += 1) {
    const res = await fetch(`${server.baseUrl}/api/sessions/${session.sessionId}/viewers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Viewer ${i}`, kind: i === 1 ? 'supervisor' : 'agent' }),
    });
    links.push(((await res.json()) as { link: string }).link);
  }
  const watching = () =>
    customer.evaluate(
      () => document.querySelector('cobrowse-session')?.shadowRoot?.querySelectorAll('.viewers li').length ?? 0,
    );
  // Alternating windows (1, 4, 1, 4, ...): the machine's load drifts, pairs stay comparable.
  const windows: ViewersWindow[] = [];
  const extra = MAX_AGENTS - 1;
  const joins: ViewersResult['joins'] = [];
  for (let pass = 0; pass < options.rounds; pass += 1) {
    windows.push(await measure(customer, 1, options.seconds));
    log(`  viewers: 1 agent: ${windows.at(-1)?.uploadBytesPerSec} B/s up, ${windows.at(-1)?.mainThreadMsPerSec} ms/s`);
    const consoles: Page[] = [];
    const metrics = await metricsSession(customer);
    const [taskBefore, startedAt] = [await metrics.taskSeconds(), Date.now()];
    for (const link of links) {
      const page = await agentBrowser.newPage();
      await page.goto(link);
      consoles.push(page);
    }
    for (const page of consoles) await caughtUp(customer, page);
    const joinSeconds = (Date.now() - startedAt) / 1000;
    const joinMs = ((await metrics.taskSeconds()) - taskBefore) * 1000;
    await metrics.detach();
    // What the joins cost beyond the activity going on meanwhile (at the 1-agent window's rate).
    const base = (windows.at(-1)?.mainThreadMsPerSec ?? 0) * joinSeconds;
    joins.push({ seconds: round(joinSeconds, 1), extraMainThreadMs: round((joinMs - base) / extra, 0) });
    windows.push(await measure(customer, MAX_AGENTS, options.seconds));
    log(
      `  viewers: ${MAX_AGENTS} agents: ${windows.at(-1)?.uploadBytesPerSec} B/s up, ${windows.at(-1)?.mainThreadMsPerSec} ms/s`,
    );
    await Promise.all(consoles.map((page) => page.close()));
    await until('the viewers to leave', async () => (await watching()) === 0);
  }
  await customer.evaluate(() => (window as unknown as { __stop: () => void }).__stop());
  await Promise.all([customer.close(), lead.close()]);
  // Each 4-agent window against the 1-agent window just before it.
  const diffs = windows.flatMap((all, i) => {
    const one = windows[i - 1];
    return all.agents === MAX_AGENTS && one ? [{ one, all }] : [];
  });
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
  return {
    pageNodes: options.pageNodes,
    seconds: options.seconds,
    windows,
    joins,
    perViewer: {
      uploadBytesPerSec: round(
        mean(diffs.map(({ one, all }) => all.uploadBytesPerSec - one.uploadBytesPerSec)) / extra,
        0,
      ),
      mainThreadMsPerSec: round(
        mean(diffs.map(({ one, all }) => all.mainThreadMsPerSec - one.mainThreadMsPerSec)) / extra,
        1,
      ),
    },
  };
}

export function viewersTable(r: ViewersResult): string {
  const rows = r.windows.map(
    (w) => `| ${w.agents} | ${w.uploadBytesPerSec.toLocaleString('en')} B/s | ${w.mainThreadMsPerSec} ms/s |`,
  );
  return [
    `Customer cost of viewers (${r.pageNodes.toLocaleString('en')}-node page, scripted activity, ${r.seconds} s windows, 1 and ${MAX_AGENTS} agents alternating)`,
    '',
    '| Agents watching | Customer upload | Customer main thread |',
    '| --- | --- | --- |',
    ...rows,
    `| each viewer adds | ${r.perViewer.uploadBytesPerSec.toLocaleString('en')} B/s | ${r.perViewer.mainThreadMsPerSec} ms/s |`,
    '',
    `Joining (its own snapshot), customer main thread per viewer: ${r.joins.map((j) => `${j.extraMainThreadMs} ms`).join(', ')} (three viewers caught up in ${r.joins.map((j) => `${j.seconds} s`).join(', ')}).`,
    '',
  ].join('\n');
}

/** bench/results/viewers.json and viewers.md. */
export function writeViewersResults(root: string, result: ViewersResult, date: string): void {
  const dir = join(root, 'bench', 'results');
  writeFileSync(join(dir, 'viewers.json'), `${JSON.stringify({ date, ...result }, null, 2)}\n`);
  writeFileSync(join(dir, 'viewers.md'), `# Viewers (${date})\n\n${viewersTable(result)}`);
}
