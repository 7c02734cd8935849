import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SignalingClient, signalingUrl, type SignalingState, type SocketLike } from '../../shared/signaling-client.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
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

// ---------------------------------------------------------------------------
// adopt(): the customer session goes on with the loader's consent socket
// (already authenticated, consent recorded on it) instead of opening a second one.

/** What the loader does: hello, wait for the welcome, record consent, keep every message. */
async function consentSocket(server: TestServer, token: string): Promise<{ socket: WebSocket; received: string[] }> {
  const socket = new WebSocket(server.wsUrl);
  const received: string[] = [];
  socket.on('message', (data) => received.push(String(data)));
  await new Promise<void>((resolve) => socket.once('open', () => resolve()));
  socket.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, token }));
  await expect.poll(() => received.length).toBeGreaterThan(0);
  socket.send(JSON.stringify({ t: 'event', event: { kind: 'consent-granted' } }));
  return { socket, received };
}

describe('SignalingClient.adopt (real server, real sockets)', () => {
  it('replays the welcome and later messages in order and goes on on the same socket, with the same role', async () => {
    const server = await startTestServer();
    servers.push(server);
    const s = await createSession(server, { agentName: 'Dana' });
    const { socket, received } = await consentSocket(server, s.customerToken);
    const agent = client(server.wsUrl, s.agentToken);
    agent.connect();
    // The agent joins while the customer's page is still loading the session bundle; with consent came
    // the customer's ICE servers (welcome, ice-servers and peer, the last two in either order).
    await expect.poll(() => received.length).toBe(3);
    const order = received.map((data) => (JSON.parse(data) as { t: string }).t);

    const customer = client(server.wsUrl, 'token-unused-when-adopting');
    const seen: string[] = [];
    customer.on('welcome', (m) => seen.push(`welcome:${m.role}:${String(m.peerPresent)}`));
    customer.on('peer', (m) => seen.push(`peer:${m.role}:${String(m.present)}`));
    customer.on('ice-servers', (m) => seen.push(`ice-servers:${m.iceServers.length}`));
    let taken = 0;
    customer.adopt(socket as unknown as SocketLike, () => {
      taken += 1;
      return received.splice(0);
    });
    expect(taken).toBe(1);
    // Replayed in a microtask: the caller stores its handle first.
    expect(seen).toEqual([]);
    await Promise.resolve();
    const expected = { welcome: 'welcome:customer:false', 'ice-servers': 'ice-servers:0', peer: 'peer:agent:true' };
    expect(seen).toEqual(order.map((t) => expected[t as keyof typeof expected]));
    expect(order[0]).toBe('welcome');
    expect(customer.state).toBe('open');

    // The same socket carries the session on: a signal reaches the agent (consent was recorded on it).
    const relayed = new Promise<string>((resolve) => agent.on('signal', (m) => resolve(m.data.type)));
    customer.send({ t: 'signal', data: { type: 'offer', sdp: 'v=0' } });
    expect(await relayed).toBe('offer');
    expect(server.app.cobrowse.hub.socketCount, 'sockets on the server: no second customer socket').toBe(2);
  });

  it('reconnects with its token when the adopted socket is already closed', async () => {
    const server = await startTestServer();
    servers.push(server);
    const s = await createSession(server);
    const { socket, received } = await consentSocket(server, s.customerToken);
    socket.close();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const customer = client(server.wsUrl, s.customerToken);
    let welcomes = 0;
    customer.on('welcome', () => (welcomes += 1));
    customer.adopt(socket as unknown as SocketLike, () => received.splice(0));
    // One welcome replayed from the dead socket, one from the new connection.
    await expect.poll(() => welcomes, { timeout: 10_000 }).toBe(2);
    expect(customer.state).toBe('open');
  });
});
