import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWebhookSender,
  signWebhookPayload,
  verifyWebhookSignature,
  type WebhookSender,
} from '../../signaling/webhook.js';

const SECRET = 'whsec_test_0123456789abcdef';

interface ReceivedRequest {
  method: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with the n-th request (0-based). */
type Reply = number | 'hang' | 'destroy' | ((res: ServerResponse) => void);

interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves when the receiver has seen `count` requests. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startReceiver(replies: (attempt: number) => Reply): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = requests.length;
      requests.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
      const reply = replies(index);
      if (reply === 'hang') return;
      if (reply === 'destroy') {
        req.socket.destroy();
        return;
      }
      if (typeof reply === 'function') {
        reply(res);
        return;
      }
      res.writeHead(reply, { 'content-type': 'text/plain' }).end(`status ${reply}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/cobrowse`,
    requests,
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  cleanups.push(() => receiver.close());
  return receiver;
}

function sender(url: string, options: Partial<Parameters<typeof createWebhookSender>[0]> = {}): WebhookSender {
  const created = createWebhookSender({ url, secret: SECRET, initialBackoffMs: 5, ...options });
  cleanups.push(() => created.close());
  return created;
}

function header(request: ReceivedRequest | undefined, name: string): string {
  const value = request?.headers[name];
  if (typeof value !== 'string') throw new Error(`missing header ${name}`);
  return value;
}

const endedEvent = {
  type: 'session.ended',
  sessionId: 'sess-1234567890',
  conversationId: 'conv-7',
  durationMs: 61_000,
  pagesVisited: [{ url: 'https://shop.example/cart', at: 1 }],
};

describe('webhook sender', () => {
  it('POSTs the event as signed JSON that verifyWebhookSignature accepts', async () => {
    const receiver = await startReceiver(() => 204);
    const result = await sender(receiver.url).send(endedEvent);
    expect(result).toEqual({ delivered: true, attempts: 1, status: 204 });

    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(header(request, 'content-type')).toBe('application/json');
    expect(header(request, 'x-cobrowse-event')).toBe('session.ended');
    expect(header(request, 'x-cobrowse-delivery')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(JSON.parse(request?.body ?? '')).toEqual(endedEvent);

    const timestamp = header(request, 'x-cobrowse-timestamp');
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const signature = header(request, 'x-cobrowse-signature');
    expect(signature).toBe(`v1=${signWebhookPayload(SECRET, timestamp, request?.body ?? '')}`);
    expect(verifyWebhookSignature({ secret: SECRET, body: request?.body ?? '', timestamp, signature })).toBe(true);
  });

  it('retries a 500 with the same delivery id until the receiver accepts', async () => {
    const receiver = await startReceiver((attempt) => (attempt < 2 ? 500 : 200));
    const result = await sender(receiver.url).send(endedEvent);
    expect(result).toEqual({ delivered: true, attempts: 3, status: 200 });
    expect(receiver.requests).toHaveLength(3);
    const deliveryIds = new Set(receiver.requests.map((r) => header(r, 'x-cobrowse-delivery')));
    expect(deliveryIds.size).toBe(1);
    for (const request of receiver.requests) {
      expect(request.body).toBe(receiver.requests[0]?.body);
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          body: request.body,
          timestamp: header(request, 'x-cobrowse-timestamp'),
          signature: header(request, 'x-cobrowse-signature'),
        }),
      ).toBe(true);
    }
  });

  it('gives each event its own delivery id', async () => {
    const receiver = await startReceiver(() => 200);
    const webhook = sender(receiver.url);
    await webhook.send(endedEvent);
    await webhook.send({ ...endedEvent, sessionId: 'sess-other' });
    expect(header(receiver.requests[0], 'x-cobrowse-delivery')).not.toBe(
      header(receiver.requests[1], 'x-cobrowse-delivery'),
    );
  });

  it('retries a 429', async () => {
    const receiver = await startReceiver((attempt) => (attempt === 0 ? 429 : 200));
    expect(await sender(receiver.url).send(endedEvent)).toEqual({ delivered: true, attempts: 2, status: 200 });
  });

  it('gives up after maxAttempts', async () => {
    const receiver = await startReceiver(() => 503);
    const result = await sender(receiver.url, { maxAttempts: 3 }).send(endedEvent);
    expect(result).toEqual({ delivered: false, attempts: 3, status: 503 });
    expect(receiver.requests).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    const receiver = await startReceiver(() => 400);
    const result = await sender(receiver.url).send(endedEvent);
    expect(result).toEqual({ delivered: false, attempts: 1, status: 400 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('does not follow a redirect with the signed payload', async () => {
    const elsewhere = await startReceiver(() => 200);
    const receiver = await startReceiver(() => (res) => res.writeHead(307, { location: elsewhere.url }).end());
    const result = await sender(receiver.url).send(endedEvent);
    expect(result).toEqual({ delivered: false, attempts: 1, status: 307 });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('retries when the connection is dropped', async () => {
    const receiver = await startReceiver((attempt) => (attempt === 0 ? 'destroy' : 200));
    expect(await sender(receiver.url).send(endedEvent)).toEqual({ delivered: true, attempts: 2, status: 200 });
  });

  it('retries when nothing listens and reports no status', async () => {
    const gone = await startReceiver(() => 200);
    await gone.close();
    const result = await sender(gone.url, { maxAttempts: 2 }).send(endedEvent);
    expect(result).toEqual({ delivered: false, attempts: 2 });
  });

  it('abandons an attempt that exceeds timeoutMs and retries', async () => {
    const receiver = await startReceiver((attempt) => (attempt === 0 ? 'hang' : 200));
    const result = await sender(receiver.url, { timeoutMs: 1_000 }).send(endedEvent);
    expect(result).toEqual({ delivered: true, attempts: 2, status: 200 });
  });

  it('close() cancels a pending retry', async () => {
    const receiver = await startReceiver(() => 500);
    let retryScheduled: () => void = () => undefined;
    const sleeping = new Promise<void>((resolve) => {
      retryScheduled = resolve;
    });
    const log = {
      info: () => undefined,
      warn: (obj: object) => {
        if ('retryInMs' in obj) retryScheduled();
      },
    };
    // A backoff far longer than the test timeout: only close() can end the wait.
    const webhook = sender(receiver.url, { initialBackoffMs: 60_000, log });
    const delivery = webhook.send(endedEvent);
    await sleeping;
    await webhook.close();
    expect(await delivery).toEqual({ delivered: false, attempts: 1, status: 500 });
    expect(receiver.requests).toHaveLength(1);
    expect(await webhook.send(endedEvent)).toEqual({ delivered: false, attempts: 0 });
  });

  it('close() waits for a request in flight', async () => {
    let release: (() => void) | undefined;
    // The delivery's request hangs until released; any later request is answered at once.
    const receiver = await startReceiver((attempt) =>
      attempt === 0
        ? (res) => {
            release = () => res.writeHead(200).end();
          }
        : 200,
    );
    const webhook = sender(receiver.url);
    const delivery = webhook.send(endedEvent);
    await receiver.waitForRequests(1);
    let closed = false;
    const closing = webhook.close().then(() => {
      closed = true;
    });
    // Barrier: a whole HTTP round trip to the receiver, begun after close(); a close() that did not
    // wait for the request in flight would have resolved by the time it is answered.
    expect((await fetch(receiver.url, { method: 'POST', body: '{}' })).status).toBe(200);
    expect(receiver.requests).toHaveLength(2);
    expect(closed).toBe(false);
    release?.();
    await closing;
    expect(await delivery).toEqual({ delivered: true, attempts: 1, status: 200 });
  });

  it('never logs the secret', async () => {
    const lines: string[] = [];
    const log = {
      info: (obj: object, msg: string) => lines.push(JSON.stringify(obj) + msg),
      warn: (obj: object, msg: string) => lines.push(JSON.stringify(obj) + msg),
    };
    const receiver = await startReceiver((attempt) => (attempt === 0 ? 500 : 200));
    await sender(receiver.url, { log }).send(endedEvent);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('refuses a URL that is not http(s) and an empty secret', () => {
    expect(() => createWebhookSender({ url: 'ftp://example.com/x', secret: SECRET })).toThrow(/http/);
    expect(() => createWebhookSender({ url: 'http://127.0.0.1/x', secret: '' })).toThrow(/secret/);
  });
});

describe('verifyWebhookSignature', () => {
  const body = JSON.stringify(endedEvent);
  const now = 1_750_000_000_000;
  const timestamp = String(now / 1000);
  const signature = `v1=${signWebhookPayload(SECRET, timestamp, body)}`;

  it('accepts a genuine signature', () => {
    expect(verifyWebhookSignature({ secret: SECRET, body, timestamp, signature, now })).toBe(true);
  });

  it('rejects a wrong secret', () => {
    expect(verifyWebhookSignature({ secret: 'whsec_other', body, timestamp, signature, now })).toBe(false);
  });

  it('rejects a tampered body', () => {
    const tampered = body.replace('61000', '1000');
    expect(tampered).not.toBe(body);
    expect(verifyWebhookSignature({ secret: SECRET, body: tampered, timestamp, signature, now })).toBe(false);
  });

  it('rejects a signature moved to another timestamp', () => {
    const otherTimestamp = String(now / 1000 + 1);
    expect(verifyWebhookSignature({ secret: SECRET, body, timestamp: otherTimestamp, signature, now })).toBe(false);
  });

  it('rejects a stale or future timestamp beyond the tolerance', () => {
    expect(verifyWebhookSignature({ secret: SECRET, body, timestamp, signature, now: now + 300_000 })).toBe(true);
    expect(verifyWebhookSignature({ secret: SECRET, body, timestamp, signature, now: now + 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, body, timestamp, signature, now: now - 301_000 })).toBe(false);
    expect(
      verifyWebhookSignature({ secret: SECRET, body, timestamp, signature, now: now + 20_000, toleranceSeconds: 10 }),
    ).toBe(false);
  });

  it('rejects malformed signatures and timestamps', () => {
    const hex = signature.slice(3);
    for (const bad of ['', hex, `v0=${hex}`, `v1=${hex.slice(0, 62)}`, `v1=${hex}00`, 'v1=zz']) {
      expect(verifyWebhookSignature({ secret: SECRET, body, timestamp, signature: bad, now })).toBe(false);
    }
    for (const badTimestamp of ['', 'abc', '-1', `${timestamp}.5`, ' 1']) {
      expect(verifyWebhookSignature({ secret: SECRET, body, timestamp: badTimestamp, signature, now })).toBe(false);
    }
  });

  it('accepts any one of several signatures, for secret rotation', () => {
    const oldSignature = `v1=${signWebhookPayload('whsec_old', timestamp, body)}`;
    expect(
      verifyWebhookSignature({ secret: SECRET, body, timestamp, signature: `${oldSignature},${signature}`, now }),
    ).toBe(true);
    expect(
      verifyWebhookSignature({ secret: 'whsec_old', body, timestamp, signature: `${oldSignature}, ${signature}`, now }),
    ).toBe(true);
  });
});
