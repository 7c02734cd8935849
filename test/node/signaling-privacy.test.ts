/**
 * Second line of the masking promise: whatever a customer's client sends to
 * the signaling server (an old or modified client that does not mask), the
 * server stores no card number, SSN, query string or fragment: not in the
 * audit API, the relayed event, the webhook, the logs, nor the bytes of the
 * SQLite files. The leak finder is the independent oracle of the masking
 * tests (test/oracles/leak-finder.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { truncationLeaks } from '../oracles/leak-finder.js';
import { connect } from './helpers/ws-client.js';
import { createSession, startTestServer, type TestServer } from './helpers/server.js';

const CARD = '4532019673158241';
const SSN = '278415396';
const QUERY_SECRET = 'coupon-SECRET-Q';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * The text stored in every file under `dir`, as `strings(1)` reads a binary
 * file: runs between control bytes, decoded as UTF-8 and as Latin-1. Text a
 * database stores is one such run; random bytes of page headers and
 * checksums are cut apart, so they cannot line up into a secret's digits by
 * chance (they did, now and then, when the whole file was one string).
 */
/**
 * The text with this run's clock readings (ISO date-times and epoch milliseconds within a day of now)
 * replaced: the leak finder joins digits across up to three separators, so a log line written at
 * 01:27:31.58 reads "012731580", which holds the card's "73158" (seen once in a full run). A clock
 * reading is not a secret; anything else keeps its digits.
 */
function withoutClockReadings(text: string): string {
  const near = (ms: number): boolean => Math.abs(ms - Date.now()) < 86_400_000;
  return text
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, (at) =>
      near(Date.parse(at)) ? '<time>' : at,
    )
    .replace(/\b\d{13}\b/g, (ms) => (near(Number(ms)) ? '<ms>' : ms));
}

function textsOfFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return textsOfFilesUnder(join(dir, entry.name));
    const bytes = readFileSync(join(dir, entry.name));
    return [bytes.toString('utf8'), bytes.toString('latin1')].flatMap((text) =>
      text.split(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\ufffd]+/),
    );
  });
}

describe('what the signaling server keeps of a page', () => {
  it('control: the oracle sees the secrets in what an unmasking client sends', () => {
    const sent = `https://shop.example/cards/${CARD}/edit?n=${SSN}`;
    expect(truncationLeaks(CARD, [sent], 5)).not.toEqual([]);
    expect(truncationLeaks(SSN, [sent], 5)).not.toEqual([]);
  });

  it('stores origin + masked path and a masked title and action target, whatever the client sends', async () => {
    const hooks: string[] = [];
    const hook = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        hooks.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const logs: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    try {
      server = await startTestServer(
        {
          WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
          WEBHOOK_SECRET: 'webhook-secret-0123456789abcdef',
        },
        { logStream },
      );
      const s = await createSession(server, { conversationId: 'conv-privacy' });
      const customer = await connect(server.wsUrl);
      await customer.hello(s.customerToken);
      const agent = await connect(server.wsUrl);
      await agent.hello(s.agentToken);
      customer.send({ t: 'event', event: { kind: 'consent-granted' } });
      // What a client that does not mask would send: card and SSN in path (dashes, %20), query, fragment and title.
      customer.send({
        t: 'event',
        event: {
          kind: 'page-visited',
          url: `https://shop.example/cards/4532%200196%207315%208241/ssn/278-41-5396/${CARD}?${QUERY_SECRET}=${CARD}#ssn=${SSN}`,
          title: `Order for card 4532‑0196‑7315‑8241 · SSN ２７８ ４１ ５３９６`,
        },
      });
      // Remote actions are recorded only while control is granted.
      customer.send({ t: 'event', event: { kind: 'control-granted' } });
      customer.send({
        t: 'event',
        event: { kind: 'remote-action', action: 'click', target: `button "Pay with 4532 0196 7315 8241"` },
      });
      const relayed = await agent.next('event', (m) => m.event.kind === 'remote-action');
      const relayedPage = agent.messages.find((m) => m.t === 'event' && m.event.kind === 'page-visited');
      customer.send({ t: 'end' });
      await customer.closed;
      await expect.poll(() => hooks.length, { timeout: 5_000 }).toBe(1);

      const audit = await (
        await fetch(`${server.baseUrl}/api/sessions/${s.sessionId}/audit`, {
          headers: { authorization: `Bearer ${server.apiKey}` },
        })
      ).text();
      const summary = await (
        await fetch(`${server.baseUrl}/api/sessions/${s.sessionId}`, {
          headers: { authorization: `Bearer ${server.apiKey}` },
        })
      ).text();
      const listed = await (
        await fetch(`${server.baseUrl}/api/conversations/conv-privacy/sessions`, {
          headers: { authorization: `Bearer ${server.apiKey}` },
        })
      ).text();
      const pageVisited = (
        JSON.parse(audit) as { events: Array<{ type: string; data: { url?: string; title?: string } }> }
      ).events.find((event) => event.type === 'page-visited');
      // The audit still says where the customer was (origin and the shape of the path).
      expect(pageVisited?.data.url).toBe(
        'https://shop.example/cards/••••%20••••%20••••%20••••/ssn/•••-••-••••/••••••••••••••••',
      );
      expect(pageVisited?.data.title).toContain('Order for card');

      await server.close({ keepData: true });
      const files = textsOfFilesUnder(server.dataDir);
      const everything = [
        audit,
        summary,
        listed,
        JSON.stringify(relayed),
        JSON.stringify(relayedPage),
        ...hooks,
        ...logs,
        ...files,
      ];
      expect(everything.join('\n')).not.toContain(QUERY_SECRET);
      // Control: the clock filter keeps a secret's digits, and it does remove a reading taken now.
      expect(withoutClockReadings(`card ${CARD} at ${new Date().toISOString()}`)).toBe(`card ${CARD} at <time>`);
      expect(withoutClockReadings(`"time":${Date.now()},"n":${CARD.slice(0, 13)}`)).toBe(
        `"time":<ms>,"n":${CARD.slice(0, 13)}`,
      );
      const kept = everything.map(withoutClockReadings);
      // Windows of 5 digits: the database and logs are full of timestamps, where 4-digit windows of any secret turn up by chance.
      expect(truncationLeaks(CARD, kept, 5)).toEqual([]);
      expect(truncationLeaks(SSN, kept, 5)).toEqual([]);
    } finally {
      hook.close();
    }
  });
});
