/**
 * The relay limits of docker-compose.yml's coturn (red team s11, F6), asked
 * of the real coturn binary (Debian's turnserver 4.6, the image's version)
 * started with the compose file's own options. Only what cannot run here is
 * replaced: loopback listening and relay addresses instead of host
 * networking, free ports, the variables' defaults and a test secret. A minimal
 * TURN client written from the RFCs (helpers/turn-client.ts) allocates, asks
 * for permissions and relays data with the REST-API credentials the server
 * signs; --max-bps is measured with data relayed to a peer on loopback.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { turnCredentials } from '../../signaling/turn.js';
import { runTurnserver, type Coturn } from './helpers/coturn.js';
import { freePort } from './helpers/free-port.js';
import { TurnClient } from './helpers/turn-client.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECRET = 'coturnlimitstestsecret0123456789';

const composeCommand = z
  .object({ services: z.object({ coturn: z.object({ command: z.array(z.string()) }) }) })
  .parse(parseYaml(readFileSync(join(root, 'docker-compose.yml'), 'utf8'))).services.coturn.command;

/**
 * The value Compose would pass with .env.example's defaults (`${NAME:-default}`) or the variables in `env`, the
 * test secret for `${TURN_SECRET}`.
 */
function interpolated(arg: string, env: Readonly<Record<string, string>> = {}): string {
  return arg
    .replaceAll('${TURN_SECRET}', SECRET)
    .replace(/\$\{([A-Z_]+):-([^}]*)\}/g, (_whole, name: string, fallback: string) => env[name] ?? fallback)
    .replace(/\$\{[A-Z_]+:\?[^}]*\}/g, '127.0.0.1');
}

const composeOption = (name: string): string | undefined =>
  composeCommand
    .map((arg) => interpolated(arg))
    .find((arg) => arg.startsWith(`${name}=`))
    ?.slice(name.length + 1);

interface RelayOptions {
  /** Options of the compose file left out (a name, or one exact option). */
  leaveOut?: readonly string[];
  /** Options added. */
  extra?: readonly string[];
  /** Compose variables set (as in .env). */
  env?: Readonly<Record<string, string>>;
}

/** The compose options on loopback, as `options` change them; `port` for listening, the relay range after it. */
function loopbackArgs(port: number, { leaveOut = [], extra = [], env = {} }: RelayOptions = {}): string[] {
  const replaced = ['--listening-port', '--min-port', '--max-port', '--external-ip'];
  const kept = composeCommand
    .map((arg) => interpolated(arg, env))
    .filter((arg) => !replaced.some((name) => arg.startsWith(`${name}=`)))
    .filter((arg) => !leaveOut.some((name) => arg === name || arg.startsWith(`${name}=`)));
  return [
    ...kept,
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${port + 1}`,
    `--max-port=${Math.min(port + 100, 65535)}`,
    ...extra,
  ];
}

interface Relay extends Omit<Coturn, 'port'> {
  port: number;
}

async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  const port = await freePort();
  // Its last start-up line: the TCP and UDP listeners and the auth threads are all up.
  return { port, ...(await runTurnserver(loopbackArgs(port, options), /IO method \(admin thread\)/)) };
}

const clients: TurnClient[] = [];
async function client(relay: Relay, protocol: 'udp' | 'tcp', label = 'session-customer'): Promise<TurnClient> {
  const { username, credential } = turnCredentials(SECRET, label, 600);
  const opened = await TurnClient.open(protocol, relay.port, username, credential);
  clients.push(opened);
  return opened;
}
afterEach(() => {
  for (const opened of clients.splice(0)) opened.close();
});

describe("docker-compose.yml's coturn, run with its own options", () => {
  let relay: Relay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(() => relay?.close());

  it('sets the quotas and the bandwidth limit, and turnserver accepts every option', () => {
    expect(Number(composeOption('--user-quota'))).toBeGreaterThan(0);
    expect(Number(composeOption('--total-quota'))).toBeGreaterThan(0);
    expect(Number(composeOption('--max-bps'))).toBeGreaterThan(0);
    for (const flag of ['--no-tcp-relay', '--no-cli', '--no-multicast-peers', '--no-rfc5780'])
      expect(composeCommand, flag).toContain(flag);
    expect(relay.log()).not.toMatch(/unrecognized option|unknown option|bad configuration|wrong/i);
  });

  it('lets one credential hold --user-quota allocations at once, and refuses the next (486)', async () => {
    const quota = Number(composeOption('--user-quota'));
    for (let i = 0; i < quota; i += 1)
      expect(await (await client(relay, 'udp')).allocate(), `allocation ${i + 1}`).toBe('ok');
    expect(await (await client(relay, 'udp')).allocate()).toBe(486);
    // Another peer's credential has its own quota.
    expect(await (await client(relay, 'udp', 'session-agent')).allocate()).toBe('ok');
  });

  it('relays to public addresses, never to private, loopback, link-local (cloud metadata) or shared ranges (403)', async () => {
    const peer = await client(relay, 'udp', 'permissions');
    expect(await peer.allocate()).toBe('ok');
    expect(await peer.createPermission('8.8.8.8')).toBe('ok');
    for (const ip of ['10.0.0.1', '172.16.5.4', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0'])
      expect(await peer.createPermission(ip), ip).toBe(403);
  });

  it('refuses a TCP relay (442) and keeps the UDP relay a browser asks for over TCP', async () => {
    expect(await (await client(relay, 'tcp', 'tcp-peer')).allocate('tcp')).toBe(442);
    expect(await (await client(relay, 'tcp', 'tcp-peer-2')).allocate('udp')).toBe('ok');
  });
});

/**
 * --max-bps measured: coturn counts each socket's bytes per one-second window (its engine's jiffie) and drops
 * what passes the limit. A burst of BURST_WINDOWS windows' worth is sent through one allocation to a peer on
 * loopback (so the compose file's 127.0.0.0/8 refusal is left out and loopback peers allowed); the peer counts
 * what arrives. Then marker packets are sent until one arrives: coturn reads its socket in order, so by then
 * it has relayed or dropped all of the burst. The burst and its relaying span at most ceil(seconds) + 1
 * windows, so at most that many times the limit may arrive. TURN_MAX_BPS is lowered (the compose variable)
 * so that a burst of many windows' worth fits a UDP socket's buffers on loopback.
 */
const MAX_BPS = 64_000;
const BURST_WINDOWS = 20;
const PAYLOAD = 1_000;
const MARKER = Buffer.from('end-of-burst');

async function burstThrough(relay: Relay): Promise<{ received: number; windows: number }> {
  const peer = createSocket('udp4');
  peer.bind(0, '127.0.0.1');
  await once(peer, 'listening');
  let received = 0;
  let lastData = 0;
  let marked = false;
  peer.on('message', (message: Buffer) => {
    if (message.equals(MARKER)) marked = true;
    else {
      received += message.length;
      lastData = Date.now();
    }
  });
  try {
    const sender = await client(relay, 'udp', 'bandwidth');
    expect(await sender.allocate()).toBe('ok');
    expect(await sender.createPermission('127.0.0.1')).toBe('ok');
    const payload = Buffer.alloc(PAYLOAD, 0x5a);
    const start = Date.now();
    for (let packet = 0; packet < (BURST_WINDOWS * MAX_BPS) / PAYLOAD; packet += 1) {
      sender.sendTo('127.0.0.1', peer.address().port, payload);
      if (packet % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    for (let tries = 0; !marked; tries += 1) {
      if (tries === 100) throw new Error('no marker came through the relay in 10 s');
      sender.sendTo('127.0.0.1', peer.address().port, MARKER);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { received, windows: Math.ceil((Math.max(lastData, start) - start) / 1000) + 1 };
  } finally {
    peer.close();
  }
}

describe('--max-bps, measured through a relayed allocation', () => {
  it(`holds an allocation to TURN_MAX_BPS bytes per second: a burst of ${BURST_WINDOWS} seconds' worth passes at most one second's per window`, async () => {
    const relay = await startRelay({
      leaveOut: ['--denied-peer-ip=127.0.0.0-127.255.255.255'],
      extra: ['--allow-loopback-peers'],
      env: { TURN_MAX_BPS: String(MAX_BPS) },
    });
    try {
      expect(relay.log()).toContain(`${MAX_BPS} bytes per second allowed per session`);
      const { received, windows } = await burstThrough(relay);
      expect(received).toBeGreaterThan(0);
      expect(received).toBeLessThanOrEqual(MAX_BPS * windows);
    } finally {
      relay.close();
    }
  });

  it('control: without --max-bps the same burst passes more than that', async () => {
    const relay = await startRelay({
      leaveOut: ['--max-bps', '--denied-peer-ip=127.0.0.0-127.255.255.255'],
      extra: ['--allow-loopback-peers'],
    });
    try {
      const { received, windows } = await burstThrough(relay);
      expect(received).toBeGreaterThan(MAX_BPS * windows);
    } finally {
      relay.close();
    }
  });
});

describe('controls: the same coturn without the option allows it', () => {
  it('without --user-quota, one credential holds more allocations', async () => {
    const relay = await startRelay({ leaveOut: ['--user-quota'] });
    try {
      const quota = Number(composeOption('--user-quota'));
      for (let i = 0; i <= quota; i += 1) expect(await (await client(relay, 'udp')).allocate()).toBe('ok');
    } finally {
      relay.close();
    }
  });

  it('without --no-tcp-relay, a TCP relay is allocated', async () => {
    const relay = await startRelay({ leaveOut: ['--no-tcp-relay'] });
    try {
      expect(await (await client(relay, 'tcp')).allocate('tcp')).toBe('ok');
    } finally {
      relay.close();
    }
  });
});
