/**
 * The benchmark site: serves the generated pages with one recorder bundle in
 * their <head>, and the customer pages for the latency runs (which load our
 * loader from the signaling server, as an integrator's site does).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IMAGE_SVG, generatedPage, longPage, steadyPage } from './pages.js';

export type Recorder = 'ours' | 'rrweb' | 'none';

export interface BenchSite {
  url: string;
  close(): Promise<void>;
}

/** Page content by name: "gen-<nodes>", "long" or "steady". */
function content(name: string, head: string): string {
  if (name === 'long') return longPage(head);
  if (name === 'steady') return steadyPage(head);
  const nodes = Number(name.replace(/^gen-/, ''));
  if (!Number.isInteger(nodes) || nodes <= 0) throw new Error(`unknown page ${name}`);
  return generatedPage(nodes, head);
}

export async function startBenchSite(
  bundles: Record<Recorder, string> & { deflate?: string },
  signalingUrl: string | null,
): Promise<BenchSite> {
  const cache = new Map<string, string>();
  const http: Server = createServer((req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      if (path === '/img.svg') return void res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(IMAGE_SVG);
      if (path === '/cobrowse-deflate.js' && bundles.deflate !== undefined)
        return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundles.deflate);
      const bundle = /^\/(ours|rrweb|none)\.js$/.exec(path)?.[1] as Recorder | undefined;
      if (bundle) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundles[bundle]);
      const page = url.searchParams.get('page') ?? 'gen-1000';
      const recorder = url.searchParams.get('rec');
      let head: string;
      if (path === '/customer') {
        if (signalingUrl === null) throw new Error('no signaling server');
        // The latency runs: the integrator's embed, nothing else.
        head = `<script type="module" src="${signalingUrl}/cobrowse.js"></script>`;
      } else {
        head =
          recorder === 'ours' || recorder === 'rrweb' || recorder === 'none'
            ? `<script src="/${recorder}.js"></script>`
            : '';
      }
      const key = `${path}|${page}|${head}`;
      let html = cache.get(key);
      if (html === undefined) {
        html = content(page, head);
        if (path === '/customer')
          html = html.replace('</body>', `<cobrowse-session server="${signalingUrl}"></cobrowse-session></body>`);
        cache.set(key, html);
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
