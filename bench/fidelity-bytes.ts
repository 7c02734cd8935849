/**
 * Bytes for fidelity features (issue #15), in a real session (two Chromium
 * processes, real signaling server, real WebRTC data channel on loopback):
 * assets sent over the channel on the demo shop (its files, served from
 * demo/ on a site of their own) and on a long article with
 * 48 images (first view: Allow → the last asset in the agent's mirror; steady
 * state: a quiet minute's worth, then new images added one a second), and
 * canvas bytes per second for an animated canvas. Decoded from what the
 * customer's page put on the data channel. Writes
 * bench/results/fidelity.{json,md}.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/node/helpers/chromium.js';
import { startTestServer, type TestServer } from '../test/node/helpers/server.js';
import { RECORD_CHANNEL_BYTES, agentStatus, newSession, offer, type Harness } from '../test/e2e/helpers/harness.js';
import { decodeWire } from '../test/e2e/helpers/wire.js';

interface AssetRun {
  page: string;
  assets: number;
  assetBytes: number;
  /** Allow → the last asset's bytes in the agent's mirror, ms. */
  firstViewMs: number;
  /** Asset bytes sent in the quiet 5 s after the first view. */
  quietBytes: number;
  /** Asset bytes per image added after the first view (new URLs, one a second). */
  bytesPerAddedImage: number;
  /** Everything else on the wire by the end of the run (snapshot, DOM frames, framing), for comparison. */
  otherWireBytes: number;
}

interface CanvasRun {
  seconds: number;
  frames: number;
  bytesPerSecond: number;
  budgetBytesPerSecond: number;
}

const IMAGES = 48;

function svg(i: number): string {
  const hue = (i * 47) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90"><rect width="160" height="90" fill="hsl(${hue},60%,45%)"/><circle cx="${20 + (i % 6) * 20}" cy="45" r="${10 + (i % 4) * 5}" fill="#fff" opacity="0.6"/><text x="8" y="84" font-size="12" fill="#fff">figure ${i}</text></svg>`;
}

function articlePage(signalingUrl: string, animated: boolean): string {
  const body = animated
    ? `<h1>Live chart</h1><canvas id="c" width="480" height="240"></canvas><script>
        const c = document.getElementById('c'); const ctx = c.getContext('2d'); let t = 0;
        (function frame() { t++; ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, 480, 240);
          for (let i = 0; i < 12; i++) { ctx.fillStyle = 'hsl(' + (i * 30) + ',70%,50%)'; const h = 60 + 50 * Math.sin(t / 20 + i); ctx.fillRect(10 + i * 38, 230 - h, 30, h); }
          requestAnimationFrame(frame); })();
      </script>`
    : `<article><h1>A long article</h1>${Array.from(
        { length: IMAGES },
        (_, i) =>
          `<p>Paragraph ${i}: text around the figure, long enough to wrap over a couple of lines in the column.</p><img src="/img/${i % 40}.svg" width="160" height="90" alt="figure ${i}">`,
      ).join('')}</article><div style="height:40px;background:url('/img/bg.svg')"></div>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench article</title>
    <script type="module" src="${signalingUrl}/cobrowse.js"></script></head><body>${body}
    <cobrowse-session server="${signalingUrl}"></cobrowse-session></body></html>`;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
};

/** The demo shop's files as signaling/demo.ts serves them (its chat API is not needed here). */
function demoFile(root: string, path: string, signalingUrl: string): { body: string; type: string } | null {
  const file = path === '/demo/' ? 'index.html' : path.slice('/demo/'.length);
  if (!/^[a-z0-9/-]+\.(html|css|js|svg)$/.test(file) || file.includes('..')) return null;
  const full = join(root, 'demo', file);
  if (!existsSync(full)) return null;
  const body = readFileSync(full, 'utf8').replaceAll('%COBROWSE_SERVER%', signalingUrl);
  return { body, type: TYPES[extname(full)] ?? 'application/octet-stream' };
}

async function startArticleSite(root: string, signalingUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/demo/')) {
      const file = demoFile(root, path, signalingUrl);
      if (file === null) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': file.type }).end(file.body);
    }
    const image = /^\/img\/(\d+|bg)\.svg$/.exec(path)?.[1];
    if (image !== undefined)
      return void res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(svg(image === 'bg' ? 99 : Number(image)));
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(articlePage(signalingUrl, path === '/canvas'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function assetBytesInMirror(agent: Page): Promise<number> {
  return agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.mirror?.assetStats.bytes ?? 0);
}

interface Live {
  customer: Page;
  agent: Page;
  allowedAt: number;
}

async function live(server: TestServer, browsers: Harness, url: string): Promise<Live> {
  const session = await newSession({ server } as Harness, { agentName: 'Bench' });
  const customer = await browsers.customerBrowser.newPage();
  await customer.addInitScript(RECORD_CHANNEL_BYTES);
  await customer.goto(url, { waitUntil: 'load' });
  await offer(customer, session.inviteCode);
  const agent = await browsers.agentBrowser.newPage();
  await agent.goto(session.agentLink);
  await customer.getByRole('button', { name: 'Allow sharing' }).click();
  const allowedAt = Date.now();
  for (let i = 0; i < 300 && (await agentStatus(agent)) !== 'Live'; i++) await agent.waitForTimeout(50);
  return { customer, agent, allowedAt };
}

/** Waits until the mirror's asset bytes stop growing for `quietMs`; returns when they last changed. */
async function assetsSettled(agent: Page, quietMs: number): Promise<number> {
  let bytes = -1;
  let changedAt = Date.now();
  for (let i = 0; i < 600; i++) {
    const now = await assetBytesInMirror(agent);
    if (now !== bytes) {
      bytes = now;
      changedAt = Date.now();
    } else if (Date.now() - changedAt >= quietMs) break;
    await agent.waitForTimeout(25);
  }
  return changedAt;
}

function wireTotals(messages: Awaited<ReturnType<typeof decodeWire>>): { assets: number; assetBytes: number } {
  let assets = 0;
  let assetBytes = 0;
  for (const message of messages) {
    if (message.t === 'asset-data') assetBytes += message.data.byteLength;
    if (message.t === 'asset' && message.hash !== null) assets++;
  }
  return { assets, assetBytes };
}

async function wireBytes(customer: Page): Promise<number> {
  return customer.evaluate(() =>
    (window as unknown as { __wire: (number[] | string)[] }).__wire.reduce((sum, chunk) => sum + chunk.length, 0),
  );
}

async function assetRun(
  server: TestServer,
  browsers: Harness,
  name: string,
  url: string,
  addImages: boolean,
): Promise<AssetRun> {
  const { customer, agent, allowedAt } = await live(server, browsers, url);
  const lastAsset = await assetsSettled(agent, 1_500);
  const first = wireTotals(await decodeWire(customer));
  await customer.waitForTimeout(5_000);
  const quiet = wireTotals(await decodeWire(customer));
  let perImage = 0;
  if (addImages) {
    for (let i = 0; i < 5; i++) {
      await customer.evaluate((n) => {
        const img = document.createElement('img');
        img.src = `/img/${40 + n}.svg`;
        document.querySelector('article')?.append(img);
      }, i);
      await customer.waitForTimeout(1_000);
    }
    await assetsSettled(agent, 1_000);
    const added = wireTotals(await decodeWire(customer));
    perImage = Math.round((added.assetBytes - quiet.assetBytes) / 5);
  }
  const total = await wireBytes(customer);
  await Promise.all([agent.close(), customer.close()]);
  return {
    page: name,
    assets: first.assets,
    assetBytes: first.assetBytes,
    firstViewMs: Math.max(0, lastAsset - allowedAt),
    quietBytes: quiet.assetBytes - first.assetBytes,
    bytesPerAddedImage: perImage,
    otherWireBytes: total - first.assetBytes,
  };
}

async function canvasRun(server: TestServer, browsers: Harness, url: string): Promise<CanvasRun> {
  const { customer, agent } = await live(server, browsers, url);
  await customer.waitForTimeout(2_000);
  const count = async (): Promise<{ frames: number; bytes: number }> => {
    let frames = 0;
    let bytes = 0;
    for (const message of await decodeWire(customer))
      if (message.t === 'canvas') {
        frames++;
        bytes += message.image.byteLength;
      }
    return { frames, bytes };
  };
  const before = await count();
  const seconds = 10;
  await customer.waitForTimeout(seconds * 1_000);
  const after = await count();
  await Promise.all([agent.close(), customer.close()]);
  return {
    seconds,
    frames: after.frames - before.frames,
    bytesPerSecond: Math.round((after.bytes - before.bytes) / seconds),
    budgetBytesPerSecond: 200_000,
  };
}

export async function runFidelityBench(): Promise<void> {
  const root = process.env['BENCH_ROOT'] ?? process.cwd();
  const server = await startTestServer({}, { staticDir: join(root, 'dist', 'browser') });
  const [customerBrowser, agentBrowser] = await Promise.all([launchChromium(), launchChromium()]);
  const browsers = { customerBrowser, agentBrowser } as Harness;
  const site = await startArticleSite(root, server.baseUrl);
  try {
    console.log('Fidelity bytes: assets over the channel, canvas…');
    const shop = await assetRun(server, browsers, 'demo shop (product page)', `${site.url}/demo/`, false);
    const article = await assetRun(
      server,
      browsers,
      `long article (${IMAGES} images, 41 distinct)`,
      `${site.url}/article`,
      true,
    );
    const canvas = await canvasRun(server, browsers, `${site.url}/canvas`);
    const results = { date: new Date().toISOString(), assets: [shop, article], canvas };
    const md = [
      '| page | assets sent | asset bytes | Allow → last asset in mirror | asset bytes, quiet 5 s after | bytes per image added later |',
      '|---|---|---|---|---|---|',
      ...[shop, article].map(
        (run) =>
          `| ${run.page} | ${run.assets} | ${run.assetBytes} | ${run.firstViewMs} ms | ${run.quietBytes} | ${run.bytesPerAddedImage || '-'} |`,
      ),
      '',
      `Animated canvas (480×240, redrawn every frame): ${canvas.frames} images in ${canvas.seconds} s, ${canvas.bytesPerSecond} B/s (budget ${canvas.budgetBytesPerSecond} B/s).`,
    ].join('\n');
    console.log(md);
    writeFileSync(join(root, 'bench', 'results', 'fidelity.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(root, 'bench', 'results', 'fidelity.md'), `${md}\n`);
  } finally {
    await Promise.all([customerBrowser.close(), agentBrowser.close()]);
    await site.close();
    await server.close();
  }
}
