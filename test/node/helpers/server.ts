/** Start a real signaling server on 127.0.0.1:0 with a fresh data dir, for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type CobrowseServer } from '../../../signaling/app.js';
import { loadConfig, type ServerConfig } from '../../../signaling/config.js';

export interface TestServer {
  app: CobrowseServer;
  config: ServerConfig;
  baseUrl: string;
  wsUrl: string;
  apiKey: string;
  dataDir: string;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export const TEST_API_KEY = 'test-api-key-0123456789abcdef';

/** Env overrides are the same variables an operator sets. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: {
    dataDir?: string;
    tweak?: (config: ServerConfig) => void;
    staticDir?: string;
    logStream?: NodeJS.WritableStream;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cobrowse-test-'));
  const config = loadConfig({
    API_KEY: TEST_API_KEY,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  options.tweak?.(config);
  const app = await build({
    config,
    logger: options.logStream ? { level: 'debug' } : false,
    ...(options.logStream ? { logStream: options.logStream } : {}),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
  });
  await app.listen({ port: config.port, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  config.publicUrl = baseUrl;
  return {
    app,
    config,
    baseUrl,
    wsUrl: `ws://127.0.0.1:${address.port}/ws`,
    apiKey: TEST_API_KEY,
    dataDir,
    async close({ keepData = false } = {}) {
      await app.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Create a session through the real REST API. */
export async function createSession(
  server: TestServer,
  body: Record<string, unknown> = {},
): Promise<{ sessionId: string; customerToken: string; agentToken: string; raw: Record<string, unknown> }> {
  const res = await fetch(`${server.baseUrl}/api/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create session failed: ${res.status} ${await res.text()}`);
  const raw = (await res.json()) as {
    sessionId: string;
    customer: { invite: { token: string } };
    agent: { token: string };
  };
  return {
    sessionId: raw.sessionId,
    customerToken: raw.customer.invite.token,
    agentToken: raw.agent.token,
    raw: raw as unknown as Record<string, unknown>,
  };
}

/** Sign an agent in as a chat system would: mint an identity with the API key, exchange it for the console cookie. */
export async function signInAgent(
  server: TestServer,
  agent: { agentId: string; name: string } = { agentId: 'agent-1', name: 'Ada' },
): Promise<{ cookie: string }> {
  const minted = await fetch(`${server.baseUrl}/api/agent-identities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(agent),
  });
  if (minted.status !== 201) throw new Error(`mint identity failed: ${minted.status} ${await minted.text()}`);
  const { identity } = (await minted.json()) as { identity: string };
  const exchanged = await fetch(`${server.baseUrl}/auth/identity`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity }),
  });
  if (exchanged.status !== 200) throw new Error(`sign-in failed: ${exchanged.status} ${await exchanged.text()}`);
  const setCookie = exchanged.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0];
  if (!cookie) throw new Error('sign-in set no cookie');
  return { cookie };
}
