/**
 * The operator's asset policy reaches the agent console: AGENT_ASSET_FETCHES
 * (validated, default deny) puts the meta tag the console reads into
 * /agent/, served with the console's own headers. Real server, real HTTP,
 * the built console page (dist/browser, `node scripts/build.mjs`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The content of the console page's asset-policy meta tags (an oracle that does not use the server's code). */
async function policies(
  s: TestServer,
  path: string,
): Promise<{ status: number; csp: string | null; values: string[] }> {
  const res = await fetch(`${s.baseUrl}${path}`);
  const html = await res.text();
  const values = [...html.matchAll(/<meta name="cobrowse-agent-asset-fetches" content="([^"]*)"/g)].map(
    (m) => m[1] ?? '',
  );
  return { status: res.status, csp: res.headers.get('content-security-policy'), values };
}

describe('AGENT_ASSET_FETCHES', () => {
  it('unset: the console page says deny (every asset over the channel), with the console’s CSP', async () => {
    server = await startTestServer();
    for (const path of ['/agent/', '/agent/index.html']) {
      const page = await policies(server, path);
      expect(page.status, path).toBe(200);
      expect(page.values, path).toEqual(['deny']);
      expect(page.csp, path).toContain("script-src 'self'");
    }
    // The console's script is still served from the bundle.
    const script = await fetch(`${server.baseUrl}/agent/console.js`);
    expect(script.status).toBe(200);
    await script.arrayBuffer();
  });

  it('allow: the console page lets the customer’s assets setting make the agent fetch', async () => {
    server = await startTestServer({ AGENT_ASSET_FETCHES: 'allow' });
    expect((await policies(server, '/agent/')).values).toEqual(['allow']);
  });

  it('refuses any other value with a clear error', async () => {
    await expect(startTestServer({ AGENT_ASSET_FETCHES: 'yes' })).rejects.toThrow(
      /AGENT_ASSET_FETCHES: use allow or deny/,
    );
  });
});
