/**
 * The agent's browser makes no request to the customer's site: the demo
 * shop's product page (an image, an icon, a stylesheet with a background
 * image) is mirrored from what the customer's browser sends over the data
 * channel. Oracle: every request the agent's Chromium makes, as Playwright
 * sees them (each is a request at the customer's server: the demo shop is
 * served by the same server under /demo/). A customer's assets="direct" is
 * honoured only when the console allows it (AGENT_ASSET_FETCHES=allow on
 * its server, which puts a meta tag into the console's page). Control:
 * with assets="direct" allowed, the same view does fetch from the shop, so
 * the oracle can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { startTestServer, type TestServer } from '../node/helpers/server.js';
import { agentStatus, newSession, offer, type Harness } from './helpers/harness.js';

let server: TestServer;
/** The same, run by an operator who set AGENT_ASSET_FETCHES=allow. */
let allowingServer: TestServer;
let customerBrowser: LaunchedChromium;
let agentBrowser: LaunchedChromium;

beforeAll(async () => {
  server = await startTestServer({ DEMO: 'true' });
  allowingServer = await startTestServer({ DEMO: 'true', AGENT_ASSET_FETCHES: 'allow' });
  [customerBrowser, agentBrowser] = await Promise.all([launchChromium(), launchChromium()]);
});
afterAll(async () => {
  await Promise.all([customerBrowser?.close(), agentBrowser?.close()]);
  await server?.close();
  await allowingServer?.close();
});

/** The shop's paths the agent's browser asked for (anything under /demo/ is the customer's site). */
function shopRequests(agent: Page, shop: TestServer): string[] {
  const requests: string[] = [];
  agent.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === new URL(shop.baseUrl).origin && url.pathname.startsWith('/demo/')) requests.push(url.pathname);
  });
  return requests;
}

/** The mirrored product image once it shows real pixels (not the 1×1 placeholder). */
async function mirroredImageWidth(agent: Page): Promise<number> {
  return agent.evaluate(() => {
    const doc = document.querySelector('cobrowse-agent-view')?.mirror?.iframe.contentDocument;
    const img = doc?.querySelector<HTMLImageElement>('.product-visual img');
    return img?.complete ? img.naturalWidth : 0;
  });
}

async function viewProductPage(
  assets: string | null,
  allowAgentFetches = false,
): Promise<{ requests: string[]; width: number; src: string }> {
  const host = allowAgentFetches ? allowingServer : server;
  const session = await newSession({ server: host } as Harness, { agentName: 'Dana' });
  const customer = await customerBrowser.newPage();
  await customer.goto(`${host.baseUrl}/demo/`);
  if (assets !== null)
    await customer.evaluate(
      (value) => document.querySelector('cobrowse-session')?.setAttribute('assets', value),
      assets,
    );
  await offer(customer, session.inviteCode);
  await customer.getByRole('button', { name: 'Allow sharing' }).click();
  const agent = await agentBrowser.newPage();
  const requests = shopRequests(agent, host);
  await agent.goto(session.agentLink);
  await expect.poll(() => agentStatus(agent), { timeout: 15_000 }).toBe('Live');
  if (assets === 'direct' && !allowAgentFetches) {
    // Nothing comes over the channel and the agent fetches nothing: the image stays a placeholder.
    await expect
      .poll(
        () =>
          agent.evaluate(() =>
            Boolean(
              document
                .querySelector('cobrowse-agent-view')
                ?.mirror?.iframe.contentDocument?.querySelector('.product-visual img'),
            ),
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
  } else await expect.poll(() => mirroredImageWidth(agent), { timeout: 15_000 }).toBeGreaterThan(1);
  const src = await agent.evaluate(
    () =>
      document
        .querySelector('cobrowse-agent-view')
        ?.mirror?.iframe.contentDocument?.querySelector('.product-visual img')
        ?.getAttribute('src') ?? '',
  );
  const width = await mirroredImageWidth(agent);
  await agent.close();
  await customer.close();
  return { requests: [...requests], width, src };
}

describe("assets over the channel: the agent's browser and the customer's site", () => {
  it('mirrors the demo shop without one request from the agent to the shop', async () => {
    const { requests, width, src } = await viewProductPage(null);
    // The lamp is an SVG: a data: URL (opaque origin if opened on its own), never a blob: of the console.
    expect(src.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(width).toBeGreaterThan(1);
    expect(requests).toEqual([]);
  });

  it('a customer\'s assets="direct" is not honoured unless the console allows it', async () => {
    const { requests, src } = await viewProductPage('direct');
    expect(src).not.toContain('/demo/img/lamp.svg');
    expect(requests).toEqual([]);
  });

  it('control: with assets="direct" allowed by the console the agent fetches the same image from the shop itself', async () => {
    const { requests, src } = await viewProductPage('direct', true);
    expect(src).toContain('/demo/img/lamp.svg');
    expect(requests).toContain('/demo/img/lamp.svg');
  });
});
