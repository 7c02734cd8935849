/**
 * Attacks found by trying them (issue 14): oversize frames, an agent ending
 * with the customer's reason, garbage before hello, the demo on a public
 * address, a forged X-Forwarded-For against the limits, missing security headers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../signaling/config.js';
import { slidingCount } from '../../signaling/sliding-window.js';
import { connect, type TestSocket } from './helpers/ws-client.js';
import { createSession, signInAgent, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
const sockets: TestSocket[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(s: TestServer, headers: Record<string, string> = {}): Promise<TestSocket> {
  const socket = await connect(s.wsUrl, headers);
  sockets.push(socket);
  return socket;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cobrowse-hardening-'));
  dirs.push(dir);
  return dir;
}

const auditOf = async (s: TestServer, id: string) =>
  (await (
    await fetch(`${s.baseUrl}/api/sessions/${id}/audit`, { headers: { authorization: `Bearer ${s.apiKey}` } })
  ).json()) as {
    events: { type: string; data: Record<string, unknown> }[];
  };

describe('small fixes', () => {
  it('a 10 MB message closes with 4414 and a reason, before and after hello', async () => {
    server = await startTestServer();
    const session = await createSession(server);
    const customer = await open(server);
    await customer.hello(session.customerToken);
    customer.sendRaw('x'.repeat(10 * 1024 * 1024));
    expect(await customer.closed).toEqual({ code: 4414, reason: expect.stringMatching(/limited to \d+ bytes/) });
    expect(customer.messages.at(-1)).toMatchObject({ t: 'error', code: 'MESSAGE_TOO_LARGE' });

    const stranger = await open(server);
    stranger.sendRaw(Buffer.alloc(10 * 1024 * 1024));
    expect((await stranger.closed).code).toBe(4414);
  });

  it('the agent cannot end with "declined" (or any customer or system reason); the customer can decline', async () => {
    server = await startTestServer();
    const session = await createSession(server);
    const customer = await open(server);
    await customer.hello(session.customerToken);
    const agent = await open(server);
    await agent.hello(session.agentToken);
    for (const reason of ['declined', 'customer-ended', 'expired', 'left-site', 'api']) {
      agent.send({ t: 'end', reason });
      expect(await agent.next('error', (m) => m.message.includes(`"${reason}"`))).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await auditOf(server, session.sessionId)).events.map((e) => e.type)).not.toContain('ended');
    customer.send({ t: 'end', reason: 'declined' });
    expect(await agent.next('ended')).toEqual({ t: 'ended', by: 'customer', reason: 'declined' });
  });

  it('non-JSON on an unauthenticated socket closes it with 4000', async () => {
    server = await startTestServer();
    const stranger = await open(server);
    stranger.sendRaw('{not json');
    expect((await stranger.closed).code).toBe(4000);
    expect(stranger.messages.at(-1)).toMatchObject({ t: 'error', code: 'BAD_MESSAGE' });
  });

  it('the demo runs on loopback or with DEMO=true, never by default on a public address', () => {
    const base = { API_KEY: 'k'.repeat(32), DATA_DIR: tempDir() };
    expect(loadConfig({ ...base, HOST: '127.0.0.1' }).demo).toBe(true);
    expect(loadConfig({ ...base, HOST: '0.0.0.0' }).demo).toBe(false);
    expect(loadConfig({ ...base, HOST: '0.0.0.0', DEMO: 'true' }).demo).toBe(true);
    expect(loadConfig({ ...base, HOST: '127.0.0.1', DEMO: 'false' }).demo).toBe(false);
  });
});

describe('TRUST_PROXY', () => {
  const base = () => ({ API_KEY: 'k'.repeat(32), DATA_DIR: tempDir() });

  it('takes false, a hop count or proxy addresses, and refuses "true" with an explanation', () => {
    expect(loadConfig(base()).trustProxy).toBe(false);
    expect(loadConfig({ ...base(), TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base(), TRUST_PROXY: '10.0.0.0/8, 192.168.1.2' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.2',
    ]);
    expect(() => loadConfig({ ...base(), TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base(), TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: .*hop count/);
    expect(() => loadConfig({ ...base(), TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('with one proxy hop, a forged X-Forwarded-For buys no extra support-code guesses', async () => {
    server = await startTestServer({ TRUST_PROXY: '1' });
    const { cookie } = await signInAgent(server);
    const claim = (forwardedFor: string) =>
      fetch(`${server!.baseUrl}/api/support-codes/claim`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor, cookie },
        body: JSON.stringify({ code: '0000 0000' }),
      }).then((res) => res.status);
    // The proxy appends the address it saw; everything before it is the client's own invention.
    const statuses: number[] = [];
    for (let i = 0; i < 15; i += 1) statuses.push(await claim(`10.9.${i}.1, 198.51.100.7`));
    expect(statuses.slice(0, 10).every((status) => status === 404)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429, 429]);
    // Control: another real client behind the same proxy has its own budget.
    expect(await claim('198.51.100.8')).toBe(404);
  });

  it('with one proxy hop, forged addresses do not lift the per-address socket limit', async () => {
    server = await startTestServer({ TRUST_PROXY: '1', MAX_CONNECTIONS_PER_IP: '3' });
    for (let i = 0; i < 3; i += 1) await open(server, { 'x-forwarded-for': `10.1.1.${i}, 198.51.100.7` });
    const fourth = await open(server, { 'x-forwarded-for': '10.1.1.99, 198.51.100.7' });
    expect((await fourth.closed).code).toBe(4430);
    const other = await open(server, { 'x-forwarded-for': '198.51.100.9' });
    other.send({ t: 'ping', ts: 1 });
    expect(await other.next('pong')).toEqual({ t: 'pong', ts: 1 });
  });
});

describe('start-up with unreachable backends', () => {
  it('says which variable and host failed, without the password', async () => {
    await expect(startTestServer({ REDIS_URL: 'redis://:hunter2-secret@127.0.0.1:1' })).rejects.toThrow(
      /^Could not connect to Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\): /,
    );
    await expect(startTestServer({ REDIS_URL: 'redis://:hunter2-secret@127.0.0.1:1' })).rejects.not.toThrow(/hunter2/);
    await expect(
      startTestServer({ DATABASE_URL: 'postgres://cobrowse:hunter2-secret@127.0.0.1:1/cobrowse' }),
    ).rejects.toThrow(
      /^Could not connect to PostgreSQL at postgres:\/\/127\.0\.0\.1:1 \(DATABASE_URL\): .*ECONNREFUSED/,
    );
  });
});

describe('security headers', () => {
  it('nosniff everywhere, no-store on answers with tokens, HSTS only behind https', async () => {
    server = await startTestServer({ TRUST_PROXY: '1' });
    const created = await fetch(`${server.baseUrl}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-content-type-options')).toBe('nosniff');
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.headers.get('strict-transport-security')).toBeNull();
    const overHttps = await fetch(`${server.baseUrl}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(overHttps.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(overHttps.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('the agent console may be framed by AGENT_FRAME_ANCESTORS and no one else', async () => {
    const staticDir = tempDir();
    mkdirSync(join(staticDir, 'agent'));
    writeFileSync(join(staticDir, 'agent', 'index.html'), '<!doctype html><title>agent</title>');
    server = await startTestServer({ AGENT_FRAME_ANCESTORS: 'https://desk.example.com' }, { staticDir });
    const res = await fetch(`${server.baseUrl}/agent/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'self' https://desk.example.com;");
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it('the customer scripts, language catalogs included, load as modules from any site; the agent console does not', async () => {
    const staticDir = tempDir();
    mkdirSync(join(staticDir, 'i18n'));
    mkdirSync(join(staticDir, 'agent'));
    for (const file of ['cobrowse.js', 'cobrowse-ui.js', 'i18n/ar.js', 'i18n/wording.js', 'agent/console.js'])
      writeFileSync(join(staticDir, file), 'export {};');
    server = await startTestServer({}, { staticDir });
    for (const file of ['cobrowse.js', 'cobrowse-ui.js', 'i18n/ar.js', 'i18n/wording.js']) {
      const res = await fetch(`${server.baseUrl}/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('access-control-allow-origin'), file).toBe('*');
    }
    // Control: the same header check fails for a file that is not a customer script.
    expect((await fetch(`${server.baseUrl}/agent/console.js`)).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('sliding window', () => {
  it('weights the previous window by its overlap, so a burst at a window edge is still counted', () => {
    // 10 requests at the very end of one window, 1 at the start of the next: the estimate still sees ~10.
    expect(slidingCount(10, 1, 60_000, 60_000 * 5 + 1).current).toBe(10);
    expect(slidingCount(10, 1, 60_000, 60_000 * 5 + 30_000).current).toBe(6);
    expect(slidingCount(10, 1, 60_000, 60_000 * 5 + 30_000).ttl).toBe(30_000);
  });
});
