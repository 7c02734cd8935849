/**
 * Review O2: a note for a role that instance A kept through a Redis outage (bus-outbox.ts, 787b552) and published
 * once Redis answered went to whoever held the role then, also a socket that took the role after the note was made.
 * 275203d fixed that for HANDED_OVER only. Here the bot's console on A goes while A is cut off: A keeps 'agent left'
 * for the customer. Meanwhile the customer's next page connects on B and the bot comes back on B; the page is told
 * the agent is there. Before the fix A's late 'agent left' reached that page once A reconnected (its peer dropped,
 * 'waiting for agent', with the agent connected). Now a late note says when it was made, and a socket that took the
 * role since does not get it; the socket it was made for still does.
 *
 * Oracle, outside the server: the test's own Redis subscriber sees A publish the kept note on the session's channel;
 * then the test publishes a `pong` for the customer on that channel, which B reads after A's note, so once the page
 * has the pong, B has dealt with the note (no waiting window). What counts is what the customer's socket got between
 * being told the agent is there and that pong. Two instances, real PostgreSQL and Redis, A through the cut-able proxy.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/protocol.js';
import { backendsAvailable, useBackends, type Backends } from './helpers/scale-out.js';
import { LogLines } from './helpers/redis-proxy.js';
import { busScope } from './helpers/bus-instances.js';
import type { TestServer } from './helpers/server.js';
import type { TestSocket } from './helpers/ws-client.js';

const bins = backendsAvailable();
let backends: () => Backends;
const bus = busScope();
const { open } = bus;
const clients: Redis[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

/** Generous: A's reconnect after the cut takes a few seconds of ioredis's back-off. */
const WITHIN = 60_000;
const AGENT_LEFT = { t: 'peer', role: 'agent', present: false };
const OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;

/** Says hello on `server` with `token` until welcomed (ROLE_TAKEN while A's lapsed presence still counts). */
async function seated(server: TestServer, token: string): Promise<TestSocket> {
  for (let i = 0; ; i++) {
    const socket = await open(server);
    try {
      await socket.hello(token);
      return socket;
    } catch (error) {
      if (i === 40) throw error;
      await socket.closed;
      // A's presence counts until its liveness key lapses (PRESENCE_TTL 1 s in these tests).
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * The session's bus channel as Redis carries it: `seen` resolves when a note for `to` carries a message `matches`
 * accepts; `mark` publishes a pong for `to` (B reads it after whatever Redis carried before).
 */
async function watchChannel(
  sessionId: string,
  to: string,
  matches: (message: unknown) => boolean,
): Promise<{ seen: Promise<void>; mark: () => Promise<void> }> {
  const channel = `cobrowse:session:${sessionId}`;
  const subscriber = new Redis(backends().redis.url);
  const publisher = new Redis(backends().redis.url);
  clients.push(subscriber, publisher);
  await subscriber.subscribe(channel);
  const seen = new Promise<void>((resolve) =>
    subscriber.on('message', (_channel: string, text: string) => {
      const { note } = JSON.parse(text) as { note: { kind: string; to?: string; message?: unknown } };
      if (note.kind === 'deliver' && note.to === to && matches(note.message)) resolve();
    }),
  );
  const pong = { kind: 'deliver', to, message: { t: 'pong' } };
  return {
    seen,
    mark: async () => {
      await publisher.publish(channel, JSON.stringify({ from: 'test', note: pong }));
    },
  };
}

const isAgentLeft = (message: unknown) => JSON.stringify(message) === JSON.stringify(AGENT_LEFT);

/** What `socket` got after its first message matching `from`, up to the test's pong. */
async function untilPong(socket: TestSocket, from: (m: ServerMessage) => boolean): Promise<ServerMessage[]> {
  await socket.next('pong', undefined, WITHIN);
  const messages = socket.messages;
  return messages.slice(
    messages.findIndex(from) + 1,
    messages.findIndex((m) => m.t === 'pong'),
  );
}

const agentThere = (m: ServerMessage) => m.t === 'peer' && m.role === 'agent' && m.present;

/** A bot session: its customer on B, the bot on A (which the test can cut off), the customer told it is there. */
async function botOnAForCustomerOnB() {
  const log = new LogLines();
  const { a, b, proxy } = await bus.twoInstances(backends(), 'a', log);
  const { created, customer } = await bus.botSessionCustomerOn(a, b);
  const channel = await watchChannel(created.sessionId, 'customer', isAgentLeft);
  const bot = await open(a);
  await bot.hello(created.agentToken);
  await customer.next('peer', agentThere);
  return { log, b, proxy, created, customer, bot, channel };
}

describe.skipIf(!bins)('a late note for a role (review O2)', () => {
  backends = useBackends(bins);

  for (const cut of [false, true]) {
    it(`${cut ? 'A cut' : 'control, bus intact'}: a page that connected since is not told the agent left`, async () => {
      const { log, b, proxy, created, customer, bot, channel } = await botOnAForCustomerOnB();
      const mark = log.mark();
      if (cut) proxy.cut();
      bot.close();
      if (cut) await log.after(mark, 'bus note not taken by redis');
      else await channel.seen;
      // The customer's next page on B, and the bot's console back on B: the page is told it is there.
      customer.close();
      await customer.closed;
      const page = await seated(b, created.customerToken);
      await seated(b, created.agentToken);
      await page.next('peer', agentThere, WITHIN);
      proxy.restore();
      await channel.seen;
      await channel.mark();
      expect(await untilPong(page, agentThere)).not.toContainEqual(AGENT_LEFT);
    }, 120_000);
  }

  it('A cut, control: the page the note was made for still gets it', async () => {
    const { log, proxy, customer, bot, channel } = await botOnAForCustomerOnB();
    const mark = log.mark();
    proxy.cut();
    bot.close();
    await log.after(mark, 'bus note not taken by redis');
    // B tells the page itself once A's presence lapses; the late note comes after that.
    await customer.next('peer', (m) => m.role === 'agent' && !m.present, WITHIN);
    const told = customer.messages.length;
    proxy.restore();
    await channel.seen;
    await channel.mark();
    await customer.next('pong', undefined, WITHIN);
    expect(customer.messages.slice(told)).toContainEqual(AGENT_LEFT);
  }, 120_000);

  for (const reconnects of [true, false]) {
    it(`A cut${reconnects ? '' : ', control'}: a viewer's signal made for its ${reconnects ? 'previous' : 'own'} socket${reconnects ? ' does not reach the one that reconnected since' : ' still reaches it'}`, async () => {
      const log = new LogLines();
      const { a, b, proxy } = await bus.twoInstances(backends(), 'a', log);
      const { session, customer, v, viewer } = await bus.viewerOnB(a, b);
      const target = `viewer:${v.viewer.id}`;
      const channel = await watchChannel(session.sessionId, target, (m) => (m as { t?: unknown }).t === 'signal');

      const mark = log.mark();
      proxy.cut();
      customer.send({ t: 'viewer-signal', viewer: v.viewer.id, data: OFFER });
      await log.after(mark, 'bus note not taken by redis');
      // The viewer's console reloads on B (or, control, stays).
      let socket = viewer;
      if (reconnects) {
        viewer.close();
        await viewer.closed;
        socket = await seated(b, v.token);
      }
      const from = socket.messages.length;
      proxy.restore();
      await channel.seen;
      await channel.mark();
      await socket.next('pong', undefined, WITHIN);
      const signals = socket.messages.slice(from).filter((m) => m.t === 'signal');
      expect(signals).toHaveLength(reconnects ? 0 : 1);
    }, 120_000);
  }
});
