// `node bench/console-load.mjs [pairs]`: what loading the built agent console (dist/browser/agent) costs,
// this tree against CONSOLE_BASE_TREE's build, alternating in one Chromium, a fresh page each: navigation →
// load event (the module evaluated), the renderer's main-thread script time and CPU over all its threads
// (V8's background compile included) until then, and the JS heap used after load and a forced GC. The
// console starts without a server behind it (its requests fail), so only its own load is measured.
// Both trees need `npm run build` first.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const pairs = Number(process.argv[2] ?? '8');
const trees = [['this', process.cwd()]];
if (process.env.CONSOLE_BASE_TREE) trees.unshift(['base', process.env.CONSOLE_BASE_TREE]);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer((req, res) => {
  const [, tree, ...rest] = (req.url ?? '/').split('?')[0].split('/');
  const dir = trees.find(([name]) => name === tree)?.[1];
  const file = rest.join('/') || 'index.html';
  if (!dir || file.includes('..')) return void res.writeHead(404).end();
  try {
    const body = readFileSync(join(dir, 'dist', 'browser', 'agent', file));
    res.writeHead(200, { 'content-type': types[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic'],
});
const figures = Object.fromEntries(trees.map(([name]) => [name, []]));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
try {
  for (let i = 0; i < pairs; i++) {
    for (const [name] of trees) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      const metrics = async () => {
        const { metrics: list } = await cdp.send('Performance.getMetrics');
        const get = (n) => (list.find((m) => m.name === n)?.value ?? 0) * 1000;
        return { script: get('ScriptDuration'), process: get('ProcessTime') };
      };
      const before = await metrics();
      await page.goto(`http://127.0.0.1:${port}/${name}/index.html`, { waitUntil: 'load' });
      const after = await metrics();
      const loadMs = await page.evaluate(() => {
        const [nav] = performance.getEntriesByType('navigation');
        return nav.loadEventStart;
      });
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const run = {
        loadMs,
        scriptMs: after.script - before.script,
        processMs: after.process - before.process,
        heapMb: usedSize / 1e6,
      };
      figures[name].push(run);
      console.log(
        `${name} ${i + 1}: load event ${run.loadMs.toFixed(1)} ms, main-thread script ${run.scriptMs.toFixed(1)} ms, renderer CPU ${run.processMs.toFixed(1)} ms, JS heap after GC ${run.heapMb.toFixed(2)} MB`,
      );
      await context.close();
    }
  }
  for (const key of ['loadMs', 'scriptMs', 'processMs', 'heapMb']) {
    const line = trees.map(([name]) => `${name} ${median(figures[name].map((r) => r[key])).toFixed(2)}`).join(', ');
    const paired =
      trees.length === 2
        ? `, median paired difference ${median(figures.this.map((r, j) => r[key] - figures.base[j][key])).toFixed(2)}`
        : '';
    console.log(`${key}: median ${line}${paired}`);
  }
} finally {
  await browser.close();
  server.close();
}
