/**
 * The peer adapter in real Chromium: shared/peer.ts is bundled for the
 * browser with the project's esbuild options, served from 127.0.0.1, and
 * loaded in two separate Chromium processes. The test relays the signals
 * between the two pages (standing in for the signaling server) and checks
 * what each page sees.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserBundleOptions } from '../../scripts/esbuild-browser-options.mjs';
import { launchChromium, type LaunchedChromium } from './helpers/chromium.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What a page reports back to the test through an exposed function. */
type PageEvent =
  | { kind: 'signal'; data: unknown }
  | { kind: 'connect' }
  | { kind: 'data'; text: string; length: number; checksum: number; plainUint8Array: boolean }
  | { kind: 'close'; reason: string }
  | { kind: 'error'; code: string; message: string };

// The page's own script. It only drives the adapter; all assertions are in the test.
const PAGE_HTML = `<!doctype html>
<meta charset="utf-8">
<title>peer adapter</title>
<script type="module">
import { createPeer, createNativePeer } from '/peer.js';
let peer;
const report = (event) => window.__peerEvent(event);
const checksum = (bytes) => bytes.reduce((sum, b, i) => (sum + b * (i + 1)) % 1000000007, 0);
window.startPeer = (initiator, native) => {
  peer = native ? createNativePeer({ iceServers: [] }) : createPeer({ initiator, iceServers: [] });
  peer.on('signal', (data) => report({ kind: 'signal', data }));
  peer.on('connect', () => report({ kind: 'connect' }));
  peer.on('data', (bytes) => report({
    kind: 'data',
    text: bytes.byteLength < 1024 ? new TextDecoder().decode(bytes) : '',
    length: bytes.byteLength,
    checksum: checksum(bytes),
    plainUint8Array: Object.getPrototypeOf(bytes) === Uint8Array.prototype,
  }));
  peer.on('close', ({ reason }) => report({ kind: 'close', reason }));
  peer.on('error', ({ code, message }) => report({ kind: 'error', code, message }));
};
window.signalPeer = (data) => peer.signal(data);
window.sendText = (text) => peer.send(new TextEncoder().encode(text));
window.sendPattern = (size) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  peer.send(bytes);
  return checksum(bytes);
};
// Sends count x 64 KiB without waiting, then resolves with the peak bufferedAmount once 'drain' fires.
window.flood = (count) => new Promise((resolve) => {
  let peak = 0;
  const off = peer.on('drain', () => { off(); resolve({ peak, after: peer.bufferedAmount }); });
  const chunk = new Uint8Array(64 * 1024);
  for (let i = 0; i < count; i++) { peer.send(chunk); peak = Math.max(peak, peer.bufferedAmount); }
});
window.candidatePair = () => peer.selectedCandidatePair();
window.isConnected = () => peer.connected;
window.closePeer = () => { peer.close(); peer.close(); };
window.pageReady = true;
</script>`;

/** Every event one page reported, with a way to wait for the next matching one. */
class PageLog {
  readonly events: PageEvent[] = [];
  readonly #listeners = new Set<(event: PageEvent) => void>();

  push(event: PageEvent): void {
    this.events.push(event);
    for (const wake of [...this.#listeners]) wake(event);
  }

  /** Calls `listener` for every event from now on. */
  subscribe(listener: (event: PageEvent) => void): void {
    this.#listeners.add(listener);
  }

  waitFor<E extends PageEvent>(match: (event: PageEvent) => event is E, label: string, timeoutMs = 15_000): Promise<E> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(match);
        if (!found) return false;
        this.#listeners.delete(wake);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const wake = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(wake);
        reject(new Error(`timed out waiting for ${label}; saw ${JSON.stringify(this.events.map((e) => e.kind))}`));
      }, timeoutMs);
      if (!check()) this.#listeners.add(wake);
    });
  }
}

const isKind =
  <K extends PageEvent['kind']>(kind: K) =>
  (event: PageEvent): event is Extract<PageEvent, { kind: K }> =>
    event.kind === kind;

interface BrowserSide {
  chromium: LaunchedChromium;
  page: Page;
  log: PageLog;
  pageErrors: string[];
}

let server: Server;
let baseUrl: string;
let bundleText: string;
const sides: BrowserSide[] = [];

async function bundlePeerAdapter(): Promise<string> {
  const result = await esbuild.build({
    ...browserBundleOptions,
    absWorkingDir: repoRoot,
    // Both adapters: simple-peer (the agent's) and the native one (the customer's session bundle).
    stdin: {
      contents:
        "export { createPeer } from './shared/peer.ts'; export { createNativePeer } from './shared/peer-native.ts';",
      resolveDir: repoRoot,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles?.[0];
  if (!output) throw new Error('esbuild produced no output');
  return output.text;
}

async function openSide(): Promise<BrowserSide> {
  const chromium = await launchChromium();
  const page = await chromium.newPage();
  const side: BrowserSide = { chromium, page, log: new PageLog(), pageErrors: [] };
  page.on('pageerror', (error) => side.pageErrors.push(error.message));
  // side.log, not a captured log: resetSide() gives each case a fresh one.
  await page.exposeFunction('__peerEvent', (event: PageEvent) => side.log.push(event));
  await page.goto(`${baseUrl}/`);
  await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
  return side;
}

/** A fresh page and log for the next case; the browser process stays. */
async function resetSide(side: BrowserSide): Promise<void> {
  side.log = new PageLog();
  side.pageErrors.length = 0;
  await side.page.reload();
  await side.page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
}

/** Relays one page's signals to the other, one at a time in the order they were emitted. */
function relaySignals(from: BrowserSide, to: BrowserSide): void {
  let chain = Promise.resolve();
  from.log.subscribe((event) => {
    if (event.kind !== 'signal') return;
    chain = chain.then(() =>
      to.page.evaluate((data) => (window as unknown as { signalPeer(d: unknown): void }).signalPeer(data), event.data),
    );
  });
}

beforeAll(async () => {
  bundleText = await bundlePeerAdapter();
  server = createServer((request, response) => {
    if (request.url === '/peer.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(bundleText);
    } else if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(PAGE_HTML);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Two separate browser processes, like a customer and an agent on two machines.
  sides.push(...(await Promise.all([openSide(), openSide()])));
}, 60_000);

afterAll(async () => {
  await Promise.all(sides.map((side) => side.chromium.close()));
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}, 30_000);

describe('peer adapter in two Chromium processes', () => {
  // The customer's side on simple-peer (as the SDK and older bundles) and on the native adapter its session bundle uses;
  // the agent's side is simple-peer both times. Each case reloads both pages.
  test.each([
    ['simple-peer', 'customer', false],
    ['the native adapter', 'customer', true],
    ['the native adapter', 'agent', true],
  ] as const)(
    'customer on %s: connects, carries data both ways, applies backpressure, and a close by the %s is seen on the other side',
    async (_name, closer, native) => {
      const [customer, agent] = sides;
      if (!customer || !agent) throw new Error('browsers did not start');
      await Promise.all([customer, agent].map((side) => resetSide(side)));
      relaySignals(customer, agent);
      relaySignals(agent, customer);

      await agent.page.evaluate(() => (window as unknown as { startPeer(i: boolean): void }).startPeer(false));
      await customer.page.evaluate(
        (useNative) => (window as unknown as { startPeer(i: boolean, n: boolean): void }).startPeer(true, useNative),
        native,
      );
      await Promise.all([
        customer.log.waitFor(isKind('connect'), 'customer connect'),
        agent.log.waitFor(isKind('connect'), 'agent connect'),
      ]);

      // Text both ways.
      await customer.page.evaluate(() => (window as unknown as { sendText(t: string): void }).sendText('hello agent'));
      await agent.page.evaluate(() => (window as unknown as { sendText(t: string): void }).sendText('hello customer'));
      const atAgent = await agent.log.waitFor(isKind('data'), 'data at agent');
      const atCustomer = await customer.log.waitFor(isKind('data'), 'data at customer');
      expect(atAgent.text).toBe('hello agent');
      expect(atCustomer.text).toBe('hello customer');
      expect(atAgent.plainUint8Array).toBe(true);

      // A 200 KB binary message arrives whole.
      const sentChecksum = await agent.page.evaluate(() =>
        (window as unknown as { sendPattern(n: number): number }).sendPattern(200 * 1024),
      );
      const big = await customer.log.waitFor(
        (event): event is Extract<PageEvent, { kind: 'data' }> => event.kind === 'data' && event.length === 200 * 1024,
        '200 KB message at customer',
      );
      expect(big.checksum).toBe(sentChecksum);

      // bufferedAmount is observable and 'drain' fires on the native channel.
      const flood = await customer.page.evaluate(() =>
        (window as unknown as { flood(n: number): Promise<{ peak: number; after: number }> }).flood(64),
      );
      expect(flood.peak).toBeGreaterThan(64 * 1024);
      expect(flood.after).toBeLessThanOrEqual(64 * 1024);

      // The pair in use is a host pair (loopback, mDNS names): the same call later proves TURN relaying.
      const pair = await customer.page.evaluate(() =>
        (
          window as unknown as { candidatePair(): Promise<{ localType: string; remoteType: string } | null> }
        ).candidatePair(),
      );
      expect(pair?.localType).toBe('host');

      // Closing on one side is seen as a remote close by the other.
      const [closing, other] = closer === 'customer' ? [customer, agent] : [agent, customer];
      await closing.page.evaluate(() => (window as unknown as { closePeer(): void }).closePeer());
      expect(await closing.log.waitFor(isKind('close'), 'local close')).toEqual({ kind: 'close', reason: 'local' });
      // Chromium reports a remote close as a data-channel error ("User-Initiated Abort"); the adapter must not.
      expect(await other.log.waitFor(isKind('close'), 'remote close')).toEqual({ kind: 'close', reason: 'remote' });
      expect(await other.page.evaluate(() => (window as unknown as { isConnected(): boolean }).isConnected())).toBe(
        false,
      );

      expect(customer.log.events.filter(isKind('error'))).toEqual([]);
      expect(agent.log.events.filter(isKind('error'))).toEqual([]);
      expect(customer.pageErrors).toEqual([]);
      expect(agent.pageErrors).toEqual([]);
      // Every signal the pages emitted passed the protocol schema (the adapter drops others with an error event).
      expect(customer.log.events.filter(isKind('signal')).length).toBeGreaterThan(0);
    },
  );
});
