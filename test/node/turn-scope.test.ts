/**
 * Relay (TURN) credentials (red team s11, F6): they cannot be revoked, so they
 * live no longer than the session may; /api/turn-credentials gives them only
 * for a consented session that has not expired, and not without limit.
 * The oracle reads the expiry coturn would check (the username's prefix).
 */
import { describe, expect, it } from 'vitest';

import { consentedSession } from './helpers/consented-session.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';

const TURN = { TURN_SECRET: 'turn-secret-0123456789abcdef', TURN_URLS: 'turn:turn.example:3478', TURN_TTL: '1800' };

let server: TestServer | undefined;
const { start, open } = serverScope();

const turnFor = (s: TestServer, token: string, ip = '192.0.2.1') =>
  fetch(`${s.baseUrl}/api/turn-credentials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': ip },
  });

/** Epoch ms at which coturn stops accepting the relay username. */
const relayExpiry = (servers: { username?: string }[]): number | undefined => {
  const username = servers.find((ice) => ice.username)?.username;
  return username === undefined ? undefined : Number(username.split(':')[0]) * 1000;
};

const consented = (s: TestServer, body: Record<string, unknown> = {}) => consentedSession(open, s, { body });

describe('relay credentials', () => {
  it('live no longer than the session: a 60 s session gets at most 60 s; a long one TURN_TTL (control)', async () => {
    server = await start({ ...TURN, TRUST_PROXY: '1' });
    const short = await consented(server, { ttlSeconds: 60 });
    const expiry = relayExpiry(short.welcome.iceServers);
    expect(expiry).toBeDefined();
    expect(expiry!).toBeLessThanOrEqual(short.welcome.expiresAt);
    const rest = (await (await turnFor(server, short.session.customerToken)).json()) as {
      iceServers: { username?: string }[];
      ttlSeconds: number;
    };
    expect(rest.ttlSeconds).toBeLessThanOrEqual(60);
    expect(relayExpiry(rest.iceServers)!).toBeLessThanOrEqual(short.welcome.expiresAt);

    const long = await consented(server);
    expect(relayExpiry(long.welcome.iceServers)! - Date.now()).toBeGreaterThan(1_790_000);
  });

  it('on request: refused before consent, after expiry (not yet swept), and past 20 a minute from one address', async () => {
    server = await start({ ...TURN, TRUST_PROXY: '1' });
    const pending = await createSession(server);
    expect((await turnFor(server, pending.agentToken)).status).toBe(403);
    expect((await turnFor(server, pending.customerToken)).status).toBe(403);

    const expiring = await consented(server, { ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await turnFor(server, expiring.session.customerToken, '192.0.2.2')).status).toBe(410);

    const { session } = await consented(server);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i += 1) statuses.push((await turnFor(server, session.customerToken, '192.0.2.3')).status);
    // Control: the first ones are answered (the limit counts requests of any outcome from the address).
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(statuses.slice(20)).toEqual([429, 429]);
    expect((await turnFor(server, session.agentToken, '192.0.2.4')).status).toBe(200);
  });
});
