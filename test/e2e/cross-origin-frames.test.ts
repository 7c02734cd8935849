/**
 * A cross-origin payment widget that embeds cobrowse.js too, end to end: the
 * shop page (the server's origin, 127.0.0.1) lists the widget's origin in
 * `frame-origins`, the widget (localhost, same server) lists the shop's in
 * `parent-origins`; both load the built loader from the real server, the
 * customer allows in the real prompt, the agent watches in the real console
 * over real WebRTC between two Chromium processes. Oracles: the widget's text
 * in the agent's mirror, the widget's sentinel values searched for in every
 * message the shop's page put on the data channel (decoded), and the
 * requests the widget made (it loads the session code only after Allow).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { startTestServer, type TestServer } from '../node/helpers/server.js';
import { agentStatus, collectLogs, newSession, offer, RECORD_CHANNEL_BYTES, type Harness } from './helpers/harness.js';
import { decodeWire } from './helpers/wire.js';

let server: TestServer;
let customerBrowser: LaunchedChromium;
let agentBrowser: LaunchedChromium;
/** The shop's and the widget's pages: one small HTTP server, reached as 127.0.0.1 (the shop) and localhost (the widget). */
let pages: Server;
const bodies = new Map<string, string>();

beforeAll(async () => {
  server = await startTestServer();
  pages = createServer((request, response) => {
    const body = bodies.get(request.url ?? '');
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  [customerBrowser, agentBrowser] = await Promise.all([launchChromium(), launchChromium()]);
});
afterAll(async () => {
  await Promise.all([customerBrowser?.close(), agentBrowser?.close()]);
  await server?.close();
  await new Promise((resolve) => pages?.close(resolve));
});

const SENTINELS = ['4242 4242 4242 4242', '4242424242424242', 'Sentinel-Pw-Zq81x'];

/** The widget's document in the agent's mirror, read from the console (the mirror runs no script). */
async function mirroredWidget(agent: Page): Promise<{ title: string; card: string } | null> {
  return agent.evaluate(() => {
    const mirror = document.querySelector('cobrowse-agent-view')?.mirror?.iframe.contentDocument;
    const widget = (mirror?.getElementById('widget') as HTMLIFrameElement | null)?.contentDocument;
    const title = widget?.getElementById('title')?.textContent;
    if (title === undefined || title === null) return null;
    return { title, card: (widget?.getElementById('card') as HTMLInputElement | null)?.value ?? '' };
  });
}

describe('cross-origin iframes, end to end', () => {
  it('mirrors a widget from another origin, masked in the widget, only after Allow', async () => {
    const port = (pages.address() as AddressInfo).port;
    const shopOrigin = `http://127.0.0.1:${port}`;
    const widgetOrigin = `http://localhost:${port}`;
    const session = await newSession({ server } as Harness, { agentName: 'Dana' });
    const customer = await customerBrowser.newPage();
    await customer.addInitScript(RECORD_CHANNEL_BYTES);
    const logs = collectLogs(customer, 'customer');
    bodies.set(
      '/shop.html',
      `<!doctype html><html lang="en"><head><title>Shop</title><script type="module" src="${server.baseUrl}/cobrowse.js"></script></head>
          <body><h1>Checkout</h1><cobrowse-session server="${server.baseUrl}" frame-origins="${widgetOrigin}"></cobrowse-session>
          <iframe id="widget" title="Payment" src="${widgetOrigin}/widget.html" style="width:420px;height:240px"></iframe></body></html>`,
    );
    bodies.set(
      '/widget.html',
      `<!doctype html><html lang="en"><head><title>Pay</title><script type="module" src="${server.baseUrl}/cobrowse.js"></script></head>
          <body><cobrowse-session parent-origins="${shopOrigin}"></cobrowse-session><h1 id="title">Payment widget</h1>
          <label>Card <input id="card" autocomplete="cc-number" value="4242 4242 4242 4242"></label>
          <label>Password <input id="pw" type="password" value="Sentinel-Pw-Zq81x"></label></body></html>`,
    );
    // What the widget's frame fetched (its loader, and the session code once the shop's capture greets it).
    const widgetRequests: string[] = [];
    customer.on('request', (request) => {
      if (request.frame().url().startsWith(widgetOrigin)) widgetRequests.push(new URL(request.url()).pathname);
    });
    await customer.goto(`${shopOrigin}/shop.html`);
    await expect
      .poll(() =>
        customer
          .frames()
          .find((frame) => frame.url().endsWith('/widget.html'))
          ?.title(),
      )
      .toBe('Pay');
    await offer(customer, session.inviteCode);
    await customer.getByRole('button', { name: 'Allow sharing' }).waitFor();
    // The prompt is up: the widget has loaded the loader, and nothing of the session.
    expect(widgetRequests.filter((path) => path.includes('cobrowse-session'))).toEqual([]);
    await customer.getByRole('button', { name: 'Allow sharing' }).click();

    const agent = await agentBrowser.newPage();
    await agent.goto(session.agentLink);
    await expect
      .poll(() => agentStatus(agent), { timeout: 15_000 })
      .toBe('Live')
      .catch(async (error: unknown) => {
        console.log(
          logs.join('\n'),
          await customer.locator('cobrowse-session').evaluate((el) => el.shadowRoot?.textContent),
        );
        throw error;
      });
    await expect.poll(() => mirroredWidget(agent), { timeout: 15_000 }).not.toBeNull();
    const widget = await mirroredWidget(agent);
    expect(widget?.title).toBe('Payment widget');
    expect(widget?.card).not.toContain('4242 4242 4242 4242');
    expect(widgetRequests.some((path) => path.includes('cobrowse-session'))).toBe(true);

    const sent = JSON.stringify(await decodeWire(customer));
    expect(sent).toContain('Payment widget');
    for (const sentinel of SENTINELS) expect(sent).not.toContain(sentinel);
    await agent.close();
    await customer.close();
  });
});
