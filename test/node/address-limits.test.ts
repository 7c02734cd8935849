/**
 * Per-address limits count an IPv6 host by its /64 and an IPv4-mapped
 * address as the IPv4 one (red team s11, F7): support codes, socket opens and
 * sockets per address. The oracle is what the real server answers to
 * requests and sockets from addresses X-Forwarded-For names (TRUST_PROXY=1),
 * with addresses of another /64 as the control that still gets through.
 */
import { describe, expect, it } from 'vitest';
import { addressKey } from '../../signaling/request-limits.js';
import { connect } from './helpers/ws-client.js';
import { serverScope } from './helpers/server-scope.js';
import { createSession, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
const { start, sockets } = serverScope();

describe('addressKey', () => {
  it('IPv4 as is, IPv4-mapped as IPv4, IPv6 by its /64 in every spelling', () => {
    expect(addressKey('10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    const net = '2001:db8:1:2::/64';
    for (const ip of [
      '2001:db8:1:2::1',
      '2001:db8:1:2::ffff',
      '2001:0db8:0001:0002:0:0:0:1',
      '2001:DB8:1:2:aaaa:bbbb:cccc:dddd',
    ])
      expect(addressKey(ip)).toBe(net);
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('64:ff9b::1.2.3.4')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('1::')).toBe('1:0:0:0::/64');
    expect(addressKey('not an address')).toBe('not an address');
  });
});

const codeFrom = (s: TestServer, ip: string) =>
  fetch(`${s.baseUrl}/api/support-codes`, { method: 'POST', headers: { 'x-forwarded-for': ip } });

describe('per-address limits on the real server', () => {
  it('support codes: one budget for a whole /64; another /64 has its own (control)', async () => {
    server = await start({ TRUST_PROXY: '1' });
    const statuses: number[] = [];
    for (let i = 1; i <= 15; i += 1) statuses.push((await codeFrom(server, `2001:db8:1:2::${i.toString(16)}`)).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect((await codeFrom(server, '2001:db8:1:3::1')).status).toBe(201);
  });

  it('support codes: an IPv4 address and its IPv4-mapped form share one budget', async () => {
    server = await start({ TRUST_PROXY: '1' });
    for (let i = 0; i < 5; i += 1) expect((await codeFrom(server, '192.0.2.7')).status).toBe(201);
    for (let i = 0; i < 5; i += 1) expect((await codeFrom(server, '::ffff:192.0.2.7')).status).toBe(201);
    expect((await codeFrom(server, '::ffff:192.0.2.7')).status).toBe(429);
    expect((await codeFrom(server, '192.0.2.8')).status).toBe(201);
  });

  it('sockets per address: counted by /64', async () => {
    server = await start({ TRUST_PROXY: '1', MAX_CONNECTIONS_PER_IP: '2' });
    const s = await createSession(server);
    const open = async (ip: string) => {
      const socket = await connect(server!.wsUrl, { 'x-forwarded-for': ip });
      sockets.push(socket);
      return socket;
    };
    const first = await open('2001:db8:5:6::1');
    await first.hello(s.customerToken);
    await open('2001:db8:5:6::2');
    const third = await open('2001:db8:5:6::3');
    expect((await third.closed).code).toBe(4430);
    const elsewhere = await open('2001:db8:5:7::1');
    await elsewhere.hello(s.agentToken);
  });
});
