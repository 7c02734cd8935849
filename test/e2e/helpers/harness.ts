/**
 * End-to-end harness: a real signaling server (port 0, fresh data dir), the
 * test shop on another origin, and one Chromium process per person, so the
 * customer and the agent are as separate as two computers.
 */
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../../node/helpers/chromium.js';
import { createSession, startTestServer, type TestServer } from '../../node/helpers/server.js';
import { startShop, type Shop } from './shop.js';

export interface Harness {
  server: TestServer;
  shop: Shop;
  customerBrowser: LaunchedChromium;
  agentBrowser: LaunchedChromium;
  close(): Promise<void>;
}

export async function startHarness(
  env: Record<string, string> = {},
  options: Parameters<typeof startTestServer>[1] = {},
  shopOptions: { csp?: (serverUrl: string) => string; navigationOrigins?: (serverUrl: string) => string } = {},
  /** `backForwardCache`: the customer's Chromium keeps the cache (off by default, as Playwright launches it). */
  browserOptions: { backForwardCache?: boolean } = {},
): Promise<Harness> {
  const server = await startTestServer(env, options);
  const shop = await startShop(server.baseUrl, {
    ...(shopOptions.csp ? { csp: shopOptions.csp(server.baseUrl) } : {}),
    ...(shopOptions.navigationOrigins ? { navigationOrigins: shopOptions.navigationOrigins(server.baseUrl) } : {}),
  });
  const [customerBrowser, agentBrowser] = await Promise.all([launchChromium(browserOptions), launchChromium()]);
  return {
    server,
    shop,
    customerBrowser,
    agentBrowser,
    async close() {
      await Promise.all([customerBrowser.close(), agentBrowser.close()]);
      await shop.close();
      await server.close();
    },
  };
}

/**
 * One harness for the whole test file: started before its first test (beforeAll), closed after its last. The
 * object reads through to it, so tests use it as the harness itself, from inside a test or a later hook.
 */
export function fileHarness(...args: Parameters<typeof startHarness>): Harness {
  return hookedHarness(() => startHarness(...args), 60_000);
}

/**
 * As fileHarness, for the enclosing describe block (or file), with every customer page recording the bytes it
 * hands to a data channel (RECORD_CHANNEL_BYTES); its start may take `timeout` ms (the config's hook timeout if
 * not given).
 */
export function recordingHarness(timeout?: number): Harness {
  return hookedHarness(async () => {
    const harness = await startHarness();
    await harness.customerBrowser.context.addInitScript(RECORD_CHANNEL_BYTES);
    return harness;
  }, timeout);
}

/** The harness `start` makes in beforeAll (given `timeout` ms), closed in afterAll, read through from the tests. */
function hookedHarness(start: () => Promise<Harness>, timeout?: number): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await start();
  }, timeout);
  afterAll(async () => {
    await started?.close();
  });
  const current = (): Harness => {
    if (!started) throw new Error('the file harness starts in beforeAll: use it from a test or a later hook');
    return started;
  };
  return {
    get server() {
      return current().server;
    },
    get shop() {
      return current().shop;
    },
    get customerBrowser() {
      return current().customerBrowser;
    },
    get agentBrowser() {
      return current().agentBrowser;
    },
    close: () => current().close(),
  };
}

/**
 * Records every byte the customer's page hands to an RTCDataChannel, so a test
 * can decode exactly what went over the wire.
 */
export const RECORD_CHANNEL_BYTES = `
  (() => {
    window.__wire = [];
    window.__peerConnections = 0;
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (data) {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (bytes) window.__wire.push(Array.from(bytes));
      else window.__wire.push(String(data));
      return send.call(this, data);
    };
    const PC = window.RTCPeerConnection;
    window.RTCPeerConnection = function (...args) { window.__peerConnections += 1; return new PC(...args); };
    window.RTCPeerConnection.prototype = PC.prototype;
    Object.setPrototypeOf(window.RTCPeerConnection, PC);
  })();
`;

/** The console link a chat system hands its agent: signs the console in (API-minted identity in the fragment). */
export async function signedInConsoleLink(
  server: TestServer,
  agent: { agentId: string; name: string } = { agentId: 'agent-dana', name: 'Dana' },
): Promise<string> {
  const res = await fetch(`${server.baseUrl}/api/agent-identities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(agent),
  });
  if (res.status !== 201) throw new Error(`mint identity failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { consoleLink: string }).consoleLink;
}

/** Opens a sign-in link in the console and answers its "Sign in as …?" question. */
export async function signInFromLink(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole('button', { name: /^Sign in as / }).click();
}

export async function newSession(harness: Harness, body: Record<string, unknown> = {}) {
  const created = await createSession(harness.server, body);
  const raw = created.raw as { customer: { inviteCode: string }; agent: { link: string } };
  return { ...created, inviteCode: raw.customer.inviteCode, agentLink: raw.agent.link };
}

export interface AuditEvent {
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

/** The session's audit events, as the chat system reads them (GET .../audit with the API key). */
export async function auditEvents(server: TestServer, sessionId: string): Promise<AuditEvent[]> {
  const res = await fetch(`${server.baseUrl}/api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${server.apiKey}` },
  });
  return ((await res.json()) as { events: AuditEvent[] }).events;
}

/** Offer co-browsing on the customer's page, as the host page would after a chat message. */
export async function offer(page: Page, inviteCode: string): Promise<void> {
  await page.waitForFunction(() => customElements.get('cobrowse-session') !== undefined);
  await page.evaluate((code) => {
    const element = document.querySelector('cobrowse-session');
    if (!element) throw new Error('no <cobrowse-session> on the page');
    void element.offer(code).catch(() => undefined);
  }, inviteCode);
}

/** The agent's mirror iframe (inside the agent view's shadow root). */
export async function mirrorFrame(agent: Page): Promise<Frame> {
  for (let i = 0; i < 100; i += 1) {
    const frame = agent.frames().find((f) => f !== agent.mainFrame() && f.parentFrame() === agent.mainFrame());
    if (frame) return frame;
    await agent.waitForTimeout(100);
  }
  throw new Error('the agent view has no mirror iframe');
}

export interface MirrorElementState {
  text: string;
  value: string | null;
  masked: boolean;
}

/** Read an element of the mirrored page from the console (a page, or a frame embedding it); the mirror itself runs no script. */
export async function mirrorElement(agent: Page | Frame, selector: string): Promise<MirrorElementState | null> {
  return agent.evaluate((sel) => {
    const doc = document.querySelector('cobrowse-agent-view')?.mirror?.iframe.contentDocument;
    const el = doc?.querySelector(sel);
    if (!el) return null;
    return {
      text: el.textContent ?? '',
      value: 'value' in el ? String((el as HTMLInputElement).value) : null,
      masked: el.hasAttribute('data-cobrowse-mirror-masked'),
    };
  }, selector);
}

/** The customer element's indicator label, as the customer reads it. */
export function indicator(customer: Page): Promise<string> {
  return customer.evaluate(
    () =>
      document.querySelector('cobrowse-session')?.shadowRoot?.querySelector('.indicator .label')?.textContent?.trim() ??
      '',
  );
}

/** How many dialogs (prompts) the customer element shows. */
export function dialogsShown(customer: Page): Promise<number> {
  return customer.evaluate(
    () => document.querySelector('cobrowse-session')?.shadowRoot?.querySelectorAll('[role="dialog"]').length ?? -1,
  );
}
export async function agentStatus(agent: Page | Frame): Promise<string> {
  return (await agent.locator('cobrowse-agent-view .status').textContent())?.trim() ?? '';
}

/** Keep a page's console errors and uncaught exceptions, for failure messages. */
export function collectLogs(page: Page, label: string): string[] {
  const logs: string[] = [];
  page.on('pageerror', (error) => logs.push(`${label} pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      logs.push(`${label} ${message.type()}: ${message.text()}`);
  });
  return logs;
}

/**
 * `strings` with the harness's origins replaced by 'ORIGIN': their random ports are digits too (a port 41967
 * holds a card's '1967'), which a digit leak search would report as a leak of the page's card.
 */
export function withoutOrigins(h: Harness, strings: readonly string[]): string[] {
  const origins = [h.shop.url, h.server.baseUrl];
  return strings.map((s) => origins.reduce((text, origin) => text.replaceAll(origin, 'ORIGIN'), s));
}
