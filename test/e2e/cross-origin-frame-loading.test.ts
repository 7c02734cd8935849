/**
 * A partner frame that is still loading while the shop's capture walks past
 * its <iframe>, end to end: the shop (127.0.0.1, one port) lists the widget's
 * origin (127.0.0.1, another port) in `frame-origins`; the widget embeds the
 * real loader. The widget's server holds its HTML, or the widget's loader
 * script, until the test lets it go (after the agent's mirror already shows
 * the shop, so the walk passed the <iframe> while the frame was loading), or
 * delays it by a fixed time while the customer allows; the widget also
 * reloads and navigates during the session with its next page held. Oracle:
 * the widget's text in the agent's mirror (the console's DOM, not the bridge).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { startTestServer, type TestServer } from '../node/helpers/server.js';
import { agentStatus, collectLogs, newSession, offer, type Harness } from './helpers/harness.js';

let server: TestServer;
let customerBrowser: LaunchedChromium;
let agentBrowser: LaunchedChromium;
/** The shop's page. */
let shopServer: Server;
/** The widget's pages and its held loader: same host, another port (another origin). */
let widgetServer: Server;
let shopOrigin = '';
let widgetOrigin = '';
let shopBody = '';

/** Responses held until the test releases them, by name. */
const gates = new Map<string, { opened: Promise<void>; open: () => void }>();
function gate(name: string): { opened: Promise<void>; open: () => void } {
  let entry = gates.get(name);
  if (entry === undefined) {
    let open = (): void => undefined;
    const opened = new Promise<void>((resolve) => (open = resolve));
    entry = { opened, open };
    gates.set(name, entry);
  }
  return entry;
}

function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<Server> {
  const created = createServer(handler);
  return new Promise((resolve) => created.listen(0, '127.0.0.1', () => resolve(created)));
}

/**
 * The widget's page. Query: `hold` (a gate name: the HTML waits for it), `delay` (ms before the HTML),
 * `script` (a gate name: the loader waits for it), `scriptDelay` (ms before the loader), `title`.
 */
function widgetHtml(query: URLSearchParams): string {
  const script = new URLSearchParams();
  for (const name of ['script', 'scriptDelay']) {
    const value = query.get(name);
    if (value !== null) script.set(name, value);
  }
  return `<!doctype html><html lang="en"><head><title>Pay</title>
    <script type="module" src="/loader.js?${script}"></script></head>
    <body><cobrowse-session parent-origins="${shopOrigin}"></cobrowse-session>
    <h1 id="title">${query.get('title') ?? 'Payment widget'}</h1>
    <label>Card <input id="card" autocomplete="cc-number" value="4242 4242 4242 4242"></label></body></html>`;
}

async function waitFor(query: URLSearchParams, gateName: string, delayName: string): Promise<void> {
  const held = query.get(gateName);
  if (held !== null) await gate(held).opened;
  const delay = Number(query.get(delayName) ?? 0);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
}

beforeAll(async () => {
  server = await startTestServer();
  shopServer = await listen((request, response) => {
    const found = request.url === '/shop.html';
    response.writeHead(found ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(found ? shopBody : 'not found');
  });
  widgetServer = await listen((request, response) => {
    const url = new URL(request.url ?? '/', widgetOrigin);
    const reply = (type: string, body: string): void => {
      response.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (url.pathname === '/widget.html')
      void waitFor(url.searchParams, 'hold', 'delay').then(() => reply('text/html', widgetHtml(url.searchParams)));
    else if (url.pathname === '/loader.js')
      void waitFor(url.searchParams, 'script', 'scriptDelay').then(() =>
        reply('text/javascript', `import ${JSON.stringify(`${server.baseUrl}/cobrowse.js`)};`),
      );
    else {
      response.writeHead(404);
      response.end();
    }
  });
  shopOrigin = `http://127.0.0.1:${(shopServer.address() as AddressInfo).port}`;
  widgetOrigin = `http://127.0.0.1:${(widgetServer.address() as AddressInfo).port}`;
  [customerBrowser, agentBrowser] = await Promise.all([launchChromium(), launchChromium()]);
});
afterAll(async () => {
  for (const entry of gates.values()) entry.open();
  await Promise.all([customerBrowser?.close(), agentBrowser?.close()]);
  await server?.close();
  await Promise.all([shopServer, widgetServer].map((s) => new Promise((resolve) => s?.close(resolve))));
});

/** The widget's title in the agent's mirror, read from the console (the mirror runs no script). */
async function mirroredTitle(agent: Page): Promise<string | null> {
  return (await mirroredWidget(agent))?.title ?? null;
}

async function mirroredWidget(agent: Page): Promise<{ title: string; card: string } | null> {
  return agent.evaluate(() => {
    const mirror = document.querySelector('cobrowse-agent-view')?.mirror?.iframe.contentDocument;
    const widget = (mirror?.getElementById('widget') as HTMLIFrameElement | null)?.contentDocument;
    const title = widget?.getElementById('title')?.textContent;
    if (title === undefined || title === null) return null;
    return { title, card: (widget?.getElementById('card') as HTMLInputElement | null)?.value ?? '' };
  });
}

async function mirroredShop(agent: Page): Promise<boolean> {
  return agent.evaluate(() => {
    const mirror = document.querySelector('cobrowse-agent-view')?.mirror?.iframe.contentDocument;
    return mirror?.querySelector('h1')?.textContent === 'Checkout';
  });
}

function widgetFrame(customer: Page): Frame | undefined {
  return customer.frames().find((frame) => frame.url().startsWith(`${widgetOrigin}/widget.html`));
}

interface Shared {
  customer: Page;
  agent: Page;
  logs: string[];
}

/** The shop with the widget at `query`, shared with the agent; resolves once the agent's mirror shows the shop. */
async function share(query: string): Promise<Shared> {
  shopBody = `<!doctype html><html lang="en"><head><title>Shop</title><script type="module" src="${server.baseUrl}/cobrowse.js"></script></head>
    <body><h1>Checkout</h1><cobrowse-session server="${server.baseUrl}" frame-origins="${widgetOrigin}"></cobrowse-session>
    <iframe id="widget" title="Payment" src="${widgetOrigin}/widget.html?${query}" style="width:420px;height:200px"></iframe></body></html>`;
  const session = await newSession({ server } as Harness, { agentName: 'Dana' });
  const customer = await customerBrowser.newPage();
  const logs = collectLogs(customer, 'customer');
  // Not 'load': the shop's load waits for the widget, which may be held.
  await customer.goto(`${shopOrigin}/shop.html`, { waitUntil: 'domcontentloaded' });
  await offer(customer, session.inviteCode);
  await customer.getByRole('button', { name: 'Allow sharing' }).click();
  const agent = await agentBrowser.newPage();
  await agent.goto(session.agentLink);
  await expect.poll(() => agentStatus(agent), { timeout: 15_000 }).toBe('Live');
  await expect.poll(() => mirroredShop(agent), { timeout: 15_000 }).toBe(true);
  return { customer, agent, logs };
}

async function expectTitle(shared: Shared, title: string): Promise<void> {
  await expect
    .poll(() => mirroredTitle(shared.agent), { timeout: 15_000 })
    .toBe(title)
    .catch((error: unknown) => {
      console.log(shared.logs.join('\n'));
      throw error;
    });
}

async function close(shared: Shared): Promise<void> {
  await shared.agent.close();
  await shared.customer.close();
}

let gateCount = 0;
const newGate = (): string => `g${++gateCount}`;

describe('a partner frame that loads while the capture walks past it', () => {
  it('joins when its HTML arrives after the walk', async () => {
    const held = newGate();
    const shared = await share(`hold=${held}`);
    expect(await mirroredTitle(shared.agent)).toBe(null);
    gate(held).open();
    await expectTitle(shared, 'Payment widget');
    // Masked in the widget, by its own capture.
    expect((await mirroredWidget(shared.agent))?.card).not.toContain('4242');
    await close(shared);
  });

  it('joins when its loader script runs after the walk', async () => {
    const held = newGate();
    const shared = await share(`script=${held}`);
    await expect.poll(() => widgetFrame(shared.customer)?.title()).toBe('Pay');
    gate(held).open();
    await expectTitle(shared, 'Payment widget');
    await close(shared);
  });

  for (const [name, delay] of [
    ['delay', 300],
    ['delay', 1500],
    ['scriptDelay', 300],
    ['scriptDelay', 1500],
  ] as const) {
    it(`joins with ${name} ${delay} ms`, async () => {
      const shared = await share(`${name}=${delay}`);
      await expectTitle(shared, 'Payment widget');
      await close(shared);
    });
  }

  it('joins again after the widget reloads, and after it navigates, with the next page held', async () => {
    const shared = await share('');
    await expectTitle(shared, 'Payment widget');
    for (const next of ['reload', 'navigate'] as const) {
      const held = newGate();
      const title = next === 'reload' ? 'Reloaded' : 'Receipt';
      const url = `/widget.html?hold=${held}&title=${title}`;
      const frame = widgetFrame(shared.customer);
      if (frame === undefined) throw new Error('no widget frame');
      // A reload of the page's own URL (changed in place to hold its response), or a link to the next page.
      await frame.evaluate(
        ([how, href]) => {
          if (how === 'navigate') return void (location.href = href);
          history.replaceState(null, '', href);
          location.reload();
        },
        [next, url] as const,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      gate(held).open();
      await expectTitle(shared, title);
    }
    await close(shared);
  });
});
