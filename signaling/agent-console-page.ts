/**
 * The agent console's page (/agent/), served with the operator's asset
 * policy in it: AGENT_ASSET_FETCHES decides whether a customer's
 * `assets="fallback"` or `"direct"` may make the agent's browser fetch from
 * the customer's site (allow), or every asset comes over the data channel
 * (deny, the default). The console reads the meta tag (agent/console.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

export const AGENT_ASSET_FETCHES_META = 'cobrowse-agent-asset-fetches';

/** The page with the policy's meta tag added to its head. */
export function consolePage(html: string, allowAgentFetches: boolean): string {
  const meta = `<meta name="${AGENT_ASSET_FETCHES_META}" content="${allowAgentFetches ? 'allow' : 'deny'}" />`;
  return html.replace(/<head>/i, `<head>\n    ${meta}`);
}

/** Serve /agent/ (and /agent/index.html) from the built bundle with the policy and the console's headers. */
export function registerConsolePage(
  app: FastifyInstance,
  staticDir: string,
  options: { allowAgentFetches: boolean; headers: Record<string, string> },
): void {
  const file = join(staticDir, 'agent', 'index.html');
  for (const url of ['/agent/', '/agent/index.html']) {
    app.get(url, async (_request, reply) => {
      // Read per request, like the static files it sits among (a rebuild shows without a restart); it is small.
      const html = consolePage(readFileSync(file, 'utf8'), options.allowAgentFetches);
      return reply
        .headers({ ...options.headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
        .send(html);
    });
  }
}
