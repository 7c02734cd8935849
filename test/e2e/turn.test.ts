/**
 * The TURN path: a real coturn (Debian's package, started here on loopback
 * with the server's shared secret), both browsers forced to relay-only ICE,
 * and the session must still work over the relayed candidate pair.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { agentStatus, mirrorElement, newSession, offer, startHarness, type Harness } from './helpers/harness.js';

const TURNSERVER = process.env['TURNSERVER_PATH'] ?? '/usr/bin/turnserver';
const SECRET = 'turnsecret0123456789abcdef';

/**
 * Test instrumentation only (the product's own code path is unchanged): every
 * RTCPeerConnection the page makes is forced to relay-only ICE and kept so the
 * test can read its selected candidate pair.
 */
const FORCE_RELAY = `
  (() => {
    const PC = window.RTCPeerConnection;
    window.__pcs = [];
    window.RTCPeerConnection = function (config = {}) {
      const pc = new PC({ ...config, iceTransportPolicy: 'relay' });
      window.__pcs.push(pc);
      return pc;
    };
    window.RTCPeerConnection.prototype = PC.prototype;
    Object.setPrototypeOf(window.RTCPeerConnection, PC);
  })();
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The candidate types of the pair each live connection in the page uses. */
async function selectedPairs(page: Page): Promise<{ local: string; remote: string }[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter(
      (pc) => pc.connectionState === 'connected',
    );
    const pairs: { local: string; remote: string }[] = [];
    for (const pc of pcs) {
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((value: Record<string, unknown>, id: string) => byId.set(id, value));
      for (const entry of byId.values()) {
        if (entry['type'] !== 'transport' || typeof entry['selectedCandidatePairId'] !== 'string') continue;
        const pair = byId.get(entry['selectedCandidatePairId']);
        const local = byId.get(String(pair?.['localCandidateId']));
        const remote = byId.get(String(pair?.['remoteCandidateId']));
        pairs.push({ local: String(local?.['candidateType']), remote: String(remote?.['candidateType']) });
      }
    }
    return pairs;
  });
}

let coturn: ChildProcess | undefined;
let harness: Harness | undefined;
let turnPort = 0;
let coturnLog = '';

beforeAll(async () => {
  if (!existsSync(TURNSERVER)) {
    throw new Error(`coturn not found at ${TURNSERVER}: install it (apt-get install -y coturn) or set TURNSERVER_PATH`);
  }
  turnPort = await freePort();
  const [minPort, maxPort] = [turnPort + 1, turnPort + 200].map((p) => Math.min(p, 65535));
  coturn = spawn(
    TURNSERVER,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${turnPort}`,
      `--min-port=${minPort}`,
      `--max-port=${maxPort}`,
      '--use-auth-secret',
      `--static-auth-secret=${SECRET}`,
      '--realm=cobrowse.test',
      // Both browsers are on this machine, so the relay must reach loopback peers. Never in production.
      '--allow-loopback-peers',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--no-multicast-peers',
      '--log-file=stdout',
      '--simple-log',
      '--verbose',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  coturn.stdout?.on('data', (chunk: Buffer) => (coturnLog += chunk.toString()));
  coturn.stderr?.on('data', (chunk: Buffer) => (coturnLog += chunk.toString()));
  const started = Date.now();
  while (!/listener opened on|Total General servers|IO method/i.test(coturnLog)) {
    if (Date.now() - started > 10_000 || coturn.exitCode !== null)
      throw new Error(`coturn did not start:\n${coturnLog}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  harness = await startHarness({
    TURN_SECRET: SECRET,
    TURN_URLS: `turn:127.0.0.1:${turnPort}?transport=udp`,
    TURN_TTL: '600',
  });
});

afterAll(async () => {
  await harness?.close();
  coturn?.kill('SIGTERM');
});

describe('TURN relay', () => {
  it('connects customer and agent through coturn when only relayed candidates are allowed', async () => {
    const h = harness!;
    const session = await newSession(h, { agentName: 'Dana' });
    const customer = await h.customerBrowser.newPage();
    await customer.addInitScript(FORCE_RELAY);
    await customer.goto(`${h.shop.url}/checkout`);
    const agent = await h.agentBrowser.newPage();
    await agent.addInitScript(FORCE_RELAY);
    await agent.goto(session.agentLink);
    await offer(customer, session.inviteCode);
    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    await expect
      .poll(() => agentStatus(agent), { timeout: 20_000 })
      .toBe('Live')
      .catch((error: unknown) => {
        throw new Error(`no relayed connection; coturn said:\n${coturnLog.slice(-3000)}`, { cause: error });
      });
    await expect.poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 15_000 }).toBe('Checkout');
    await customer.locator('#name').fill('Relayed Rita');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Relayed Rita');

    for (const page of [customer, agent]) {
      const pairs = await selectedPairs(page);
      expect(pairs.length).toBeGreaterThan(0);
      for (const pair of pairs) expect(pair.local).toBe('relay');
    }
    // coturn saw our time-limited REST-API credentials.
    expect(coturnLog).toMatch(new RegExp(`${session.sessionId}-(customer|agent)`));
  });
});
