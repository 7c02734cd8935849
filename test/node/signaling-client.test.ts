import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SignalingClient, signalingUrl, type SignalingState, type SocketLike } from '../../shared/signaling-client.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';

const servers: TestServer[] = [];
const clients: SignalingClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.close();
});

const nodeSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;

function client(url: string, token: string, backoff = { initialMs: 50, maxMs: 400, maxAttempts: 40 }) {
  const c = new SignalingClient({ url, token, createSocket: nodeSocket, backoff });
  clients.push(c);
  return c;
}

const once = <T>(subscribe: (resolve: (value: T) => void) => void) => new Promise<T>((resolve) => subscribe(resolve));

describe('SignalingClient (real server, real sockets)', () => {
  it('maps http(s) server URLs to ws(s)', () => {
    expect(signalingUrl('https://cobrowse.example/')).toBe('wss://cobrowse.example/ws');
    expect(signalingUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/ws');
  });

  it('authenticates, queues messages until welcome, and relays events to the other side', async () => {
    const server = await startTestServer();
    servers.push(server);
    const s = await createSession(server);
    const customer = client(server.wsUrl, s.customerToken);
    const agent = client(server.wsUrl, s.agentToken);
    customer.send({ t: 'event', event: { kind: 'consent-granted' } });
    const seen = once<string>((resolve) => agent.on('event', (m) => resolve(m.event.kind)));
    const welcomed = once<string>((resolve) => agent.on('welcome', (m) => resolve(m.role)));
    agent.connect();
    expect(await welcomed).toBe('agent');
    customer.connect();
    expect(await seen).toBe('consent-granted');
  });

  it('stops for good on a refused token, with the error code', async () => {
    const server = await startTestServer();
    servers.push(server);
    const c = client(server.wsUrl, 'z'.repeat(43));
    const closed = once<{ error: string | null }>((resolve) => c.on('closed', resolve));
    c.connect();
    expect((await closed).error).toBe('UNAUTHORIZED');
    expect(c.state).toBe('closed');
  });

  it('reconnects with backoff after a server restart and is welcomed again', async () => {
    const first = await startTestServer();
    const port = new URL(first.baseUrl).port;
    const s = await createSession(first);
    const c = client(first.wsUrl, s.customerToken);
    const states: SignalingState[] = [];
    c.on('state', (state) => states.push(state));
    let welcomes = 0;
    c.on('welcome', () => (welcomes += 1));
    c.connect();
    await expect.poll(() => welcomes).toBe(1);
    await first.close({ keepData: true });
    await expect.poll(() => c.state).toBe('reconnecting');
    const second = await startTestServer({ PORT: port }, { dataDir: first.dataDir });
    servers.push(second);
    await expect.poll(() => welcomes, { timeout: 10_000 }).toBe(2);
    expect(states).toEqual(expect.arrayContaining(['connecting', 'open', 'reconnecting']));
    expect(c.state).toBe('open');
  });

  it('ends when the session ends and does not reconnect', async () => {
    const server = await startTestServer();
    servers.push(server);
    const s = await createSession(server);
    const customer = client(server.wsUrl, s.customerToken);
    const agent = client(server.wsUrl, s.agentToken);
    customer.connect();
    agent.connect();
    await expect.poll(() => customer.state === 'open' && agent.state === 'open').toBe(true);
    const ended = once<{ by: string; reason: string }>((resolve) => agent.on('ended', resolve));
    const closed = once<{ error: string | null }>((resolve) => agent.on('closed', resolve));
    customer.send({ t: 'end' });
    expect(await ended).toMatchObject({ by: 'customer', reason: 'customer-ended' });
    expect((await closed).error).toBe('SESSION_ENDED');
  });
});
