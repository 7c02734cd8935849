/**
 * The customer's join reply (signaling/customer-resume.ts; review s13 B8, B10), against a real server and real
 * sockets. B8: a resuming page is told control and pause as the server recorded them (the tab's record, which the
 * page's scripts can edit, is not the only word). B10: a copy of the tab's record (a duplicated tab, a popup) and
 * the tab's own next page both hold the same resume keys; only the first of them resumes.
 *
 * Oracle: what this test itself reported on the customer's socket (control-granted, paused, resumed,
 * control-revoked) and which keys it named, against the welcome's fields and the close code; the server's code
 * is not called. Controls: a fresh session says nothing granted or paused; a customer that never names a key
 * (the consent socket, an SDK customer) is welcomed on every socket; the key the tab's page named resumes.
 */
import { describe, expect, it } from 'vitest';
import { closeCodeFor } from '../../shared/errors.js';
import { PROTOCOL_VERSION, type ServerMessage } from '../../shared/protocol.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';
import type { TestSocket } from './helpers/ws-client.js';

const { start, open } = serverScope();

type Welcome = Extract<ServerMessage, { t: 'welcome' }>;
type Resume = { keys: string[]; next: string };

const key = (name: string) => `${name}-resume-key-0123456789`;

/**
 * A customer page's socket: its hello (with `resume` when given), then the welcome or the refusal. The previous
 * page's socket may still hold the seat a moment after it closed: tried again on ROLE_TAKEN.
 */
async function customerPage(
  server: TestServer,
  token: string,
  resume?: Resume,
): Promise<{ socket: TestSocket; welcome: Welcome | null; closeCode: number | null }> {
  for (let attempt = 0; ; attempt += 1) {
    const socket = await open(server);
    socket.send({ t: 'hello', v: PROTOCOL_VERSION, token, ...(resume ? { resume } : {}) });
    const answer = await Promise.race([socket.next('welcome', undefined, 10_000), socket.closed]);
    if ('t' in answer) return { socket, welcome: answer, closeCode: null };
    if (answer.code === closeCodeFor('ROLE_TAKEN') && attempt < 50) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    return { socket, welcome: null, closeCode: answer.code };
  }
}

/** The page goes: its socket closes and the server has let its seat go. */
async function leave(socket: TestSocket): Promise<void> {
  socket.close();
  await socket.closed;
}

/** A consented session whose agent is connected (control may be granted then). */
async function consented(server: TestServer) {
  const session = await createSession(server, { agentName: 'Dana' });
  const first = await customerPage(server, session.customerToken);
  first.socket.send({ t: 'event', event: { kind: 'consent-granted' } });
  await first.socket.next('ice-servers');
  const agent = await open(server);
  await agent.hello(session.agentToken);
  return { session, first: first.socket, agent };
}

/** Reports an event on the customer's socket and waits until the agent has it (the server recorded it). */
async function report(customer: TestSocket, agent: TestSocket, kind: string): Promise<void> {
  const before = agent.messages.length;
  customer.send({ t: 'event', event: { kind } });
  await agent.next('event', (m) => m.event.kind === kind && agent.messages.indexOf(m) >= before);
}

describe('customer join reply: control and pause as the server recorded them (B8)', () => {
  it('says control granted and paused as the customer last reported them, page after page', async () => {
    const server = await start();
    const { session, first, agent } = await consented(server);
    expect(first.messages[0], 'control: a fresh session').toMatchObject({
      t: 'welcome',
      controlGranted: false,
      paused: false,
    });

    await report(first, agent, 'control-granted');
    await leave(first);
    const second = await customerPage(server, session.customerToken);
    expect(second.welcome).toMatchObject({ controlGranted: true, paused: false });

    await report(second.socket, agent, 'paused');
    await leave(second.socket);
    const third = await customerPage(server, session.customerToken);
    expect(third.welcome).toMatchObject({ controlGranted: true, paused: true });

    await report(third.socket, agent, 'control-revoked');
    await report(third.socket, agent, 'resumed');
    await leave(third.socket);
    const fourth = await customerPage(server, session.customerToken);
    expect(fourth.welcome).toMatchObject({ controlGranted: false, paused: false });

    await report(fourth.socket, agent, 'paused');
    await report(fourth.socket, agent, 'resumed');
    await report(fourth.socket, agent, 'paused');
    await leave(fourth.socket);
    const fifth = await customerPage(server, session.customerToken);
    expect(fifth.welcome).toMatchObject({ controlGranted: false, paused: true });
  }, 30_000);

  it("the agent's welcome carries neither (only the customer is told)", async () => {
    const server = await start();
    const { session, first, agent } = await consented(server);
    await report(first, agent, 'paused');
    await leave(agent);
    const again = await open(server);
    const welcome = await again.hello(session.agentToken);
    expect(welcome).not.toHaveProperty('paused');
    expect(welcome).not.toHaveProperty('controlGranted');
  }, 30_000);
});

describe('customer join reply: one resume per record (B10)', () => {
  it('of two windows with the same record, the first resumes and the other is refused', async () => {
    const server = await start();
    const { session, first } = await consented(server);
    await leave(first);
    // The tab's next page (its own key A after the record's none): the first to resume.
    const tab = await customerPage(server, session.customerToken, { keys: [], next: key('a') });
    expect(tab.welcome?.t).toBe('welcome');
    await leave(tab.socket);
    // A copy of the record taken before the tab's page resumed (no key): refused, as a hello naming none.
    const copy = await customerPage(server, session.customerToken, { keys: [], next: key('copy') });
    expect(copy.closeCode).toBe(closeCodeFor('RESUME_REFUSED'));
    const bare = await customerPage(server, session.customerToken);
    expect(bare.closeCode).toBe(closeCodeFor('RESUME_REFUSED'));
    // The tab's next page, whose record holds A: resumes, and moves the key on to B.
    const next = await customerPage(server, session.customerToken, { keys: [key('a')], next: key('b') });
    expect(next.welcome?.t).toBe('welcome');
    await leave(next.socket);
    // A copy of the record the tab's A page left (A only), after the tab's B page resumed: refused.
    const late = await customerPage(server, session.customerToken, { keys: [key('a')], next: key('late') });
    expect(late.closeCode).toBe(closeCodeFor('RESUME_REFUSED'));
    // Control: the record the B page left (A, B) resumes, and so does a reconnect of the same page (its own key).
    const after = await customerPage(server, session.customerToken, { keys: [key('a'), key('b')], next: key('c') });
    expect(after.welcome?.t).toBe('welcome');
    await leave(after.socket);
    const reconnect = await customerPage(server, session.customerToken, { keys: [key('b'), key('c')], next: key('c') });
    expect(reconnect.welcome?.t).toBe('welcome');
  }, 30_000);

  it('control: a customer that never names a key is welcomed on every socket', async () => {
    const server = await start();
    const { session, first } = await consented(server);
    await leave(first);
    for (let page = 0; page < 3; page += 1) {
      const again = await customerPage(server, session.customerToken);
      expect(again.welcome?.t).toBe('welcome');
      await leave(again.socket);
    }
  }, 30_000);

  it('an ended session is refused whatever the keys', async () => {
    const server = await start();
    const { session, first } = await consented(server);
    first.send({ t: 'end', reason: 'customer-ended' });
    await first.next('ended');
    const after = await customerPage(server, session.customerToken, { keys: [], next: key('a') });
    expect(after.closeCode).toBe(closeCodeFor('SESSION_ENDED'));
  }, 30_000);
});
