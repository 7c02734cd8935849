/**
 * The suites where an automated agent (the Node SDK in the test's process) works on the demo shop: one demo server
 * and one Chromium per file, and a page shared (with control, if asked) by the customer's own clicks.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { joinSession, type AgentSdkSession } from '../../../sdk/index.js';
import { launchChromium, type LaunchedChromium } from '../../node/helpers/chromium.js';
import { createSession, startTestServer, type TestServer } from '../../node/helpers/server.js';
import { offer } from './harness.js';

export interface SharedWithControl {
  page: Page;
  session: AgentSdkSession;
}

export interface Shared extends SharedWithControl {
  sessionId: string;
}

export interface ShareOptions {
  /** Pages the customer's tab visits first (their full URLs), for its history. */
  before?: readonly string[];
  /** Runs on the customer's new page before it loads `path` (init scripts). */
  beforeLoad?: (page: Page) => Promise<unknown>;
  /** Runs on the loaded page before the offer (the page's own behaviour). */
  beforeOffer?: (page: Page) => Promise<unknown>;
  /** The SDK bot's name (the session's agentName too): 'Helper' unless given. */
  agentName?: string;
}

export interface DemoSdkSuite {
  readonly server: TestServer;
  /** The customer's tab on `path` offers the session and allows sharing; the SDK bot joins it. */
  share(path: string, options?: ShareOptions): Promise<Shared>;
  /** As share, then the SDK agent asks for control and the customer's click gives it. */
  shareWithControl(path: string, options?: ShareOptions): Promise<SharedWithControl>;
}

/** Starts the demo server and Chromium before the file's tests and closes them, and every agent, after. */
export function demoSdkSuite(): DemoSdkSuite {
  let server: TestServer | undefined;
  let browser: LaunchedChromium | undefined;
  const opened: AgentSdkSession[] = [];
  beforeAll(async () => {
    server = await startTestServer({ DEMO: 'true' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const session of opened) session.leave();
    await browser?.close();
    await server?.close();
  });
  const started = (): { server: TestServer; browser: LaunchedChromium } => {
    if (server === undefined || browser === undefined) throw new Error('the demo suite has not started');
    return { server, browser };
  };
  async function share(path: string, options: ShareOptions = {}): Promise<Shared> {
    const { server, browser } = started();
    const agentName = options.agentName ?? 'Helper';
    const created = await createSession(server, { agentName, agentBot: true });
    const raw = created.raw as { customer: { inviteCode: string } };
    const page = await browser.newPage();
    await options.beforeLoad?.(page);
    for (const url of options.before ?? []) await page.goto(url);
    await page.goto(`${server.baseUrl}${path}`);
    await options.beforeOffer?.(page);
    await offer(page, raw.customer.inviteCode);
    await page.getByRole('button', { name: 'Allow sharing' }).click();
    const session = await joinSession({
      server: server.baseUrl,
      token: created.agentToken,
      name: agentName,
      bot: true,
    });
    opened.push(session);
    return { page, session, sessionId: created.sessionId };
  }
  return {
    get server() {
      return started().server;
    },
    share,
    async shareWithControl(path, options = {}) {
      const { page, session } = await share(path, options);
      const granted = session.requestControl();
      await page.getByRole('button', { name: 'Allow control' }).click();
      expect(await granted).toBe(true);
      return { page, session };
    },
  };
}
