/**
 * Tells the chat system about session events (chiefly: a session ended) by
 * an HMAC-signed JSON POST, retried with exponential backoff. Receivers check
 * the signature with verifyWebhookSignature and de-duplicate retries by the
 * delivery id, which stays the same across attempts.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_HEADERS = {
  event: 'x-cobrowse-event',
  timestamp: 'x-cobrowse-timestamp',
  signature: 'x-cobrowse-signature',
  delivery: 'x-cobrowse-delivery',
} as const;

const MAX_BACKOFF_MS = 30_000;
const DEFAULT_TOLERANCE_SECONDS = 300;

export interface WebhookLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface WebhookSenderOptions {
  url: string;
  secret: string;
  /** Total attempts including the first; default 5. */
  maxAttempts?: number;
  /** Wait before the first retry, doubled for each next one, capped at 30 s; default 500 ms. */
  initialBackoffMs?: number;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  log?: WebhookLog;
}

export interface WebhookEvent {
  type: string;
  [k: string]: unknown;
}

export interface WebhookDelivery {
  delivered: boolean;
  attempts: number;
  /** HTTP status of the last attempt that got a response. */
  status?: number;
}

export interface WebhookSender {
  /** Resolves once delivered or given up; never rejects. */
  send(event: WebhookEvent): Promise<WebhookDelivery>;
  /** Stops pending retries (their sends resolve undelivered) and waits for requests in flight. */
  close(): Promise<void>;
}

type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'rejected'; status: number }
  | { kind: 'retry'; status?: number; retryAfterMs?: number; error?: string };

/** Creates a sender that POSTs signed webhook events to one URL with retries. */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const target = new URL(options.url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError(`webhook url must be http(s), got ${target.protocol}`);
  }
  if (options.secret.length === 0) throw new TypeError('webhook secret must not be empty');
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 5));
  const initialBackoffMs = Math.max(0, options.initialBackoffMs ?? 500);
  const timeoutMs = Math.max(1, options.timeoutMs ?? 10_000);
  const log = options.log;
  // Logged instead of the URL, which may carry a credential in its path or query.
  const host = target.host;

  let closed = false;
  const deliveries = new Set<Promise<WebhookDelivery>>();
  const wakeSleepers = new Set<() => void>();

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (closed) {
        resolve();
        return;
      }
      const wake = (): void => {
        clearTimeout(timer);
        wakeSleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakeSleepers.add(wake);
    });
  }

  async function attempt(body: string, type: string, deliveryId: string): Promise<AttemptOutcome> {
    // A fresh timestamp (and signature) per attempt, so a retry after a long
    // backoff is not refused as stale by the receiver.
    const timestamp = String(Math.floor(Date.now() / 1000));
    let response: Response;
    try {
      response = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'peer-cobrowse-webhook/1',
          [WEBHOOK_HEADERS.event]: type,
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: `v1=${signWebhookPayload(options.secret, timestamp, body)}`,
          [WEBHOOK_HEADERS.delivery]: deliveryId,
        },
        body,
        // A signed payload is never re-sent to wherever a redirect points.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { kind: 'retry', error: describeError(error) };
    }
    // The body is not needed; cancelling it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    const status = response.status;
    if (status >= 200 && status < 300) return { kind: 'delivered', status };
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      return { kind: 'retry', status, ...(retryAfterMs !== undefined && { retryAfterMs }) };
    }
    return { kind: 'rejected', status };
  }

  async function deliver(event: WebhookEvent): Promise<WebhookDelivery> {
    let body: string;
    try {
      body = JSON.stringify(event);
    } catch (error) {
      log?.warn({ event: event.type, error: describeError(error) }, 'webhook event cannot be serialised; not sent');
      return { delivered: false, attempts: 0 };
    }
    const deliveryId = randomUUID();
    const context = { event: event.type, deliveryId, host };
    let attempts = 0;
    let lastStatus: number | undefined;
    while (!closed && attempts < maxAttempts) {
      attempts += 1;
      const outcome = await attempt(body, event.type, deliveryId);
      if (outcome.status !== undefined) lastStatus = outcome.status;
      const result = { delivered: false, attempts, ...(lastStatus !== undefined && { status: lastStatus }) };
      if (outcome.kind === 'delivered') {
        log?.info({ ...context, attempts, status: outcome.status }, 'webhook delivered');
        return { ...result, delivered: true };
      }
      if (outcome.kind === 'rejected') {
        log?.warn({ ...context, attempts, status: outcome.status }, 'webhook refused by receiver; not retrying');
        return result;
      }
      if (attempts >= maxAttempts) break;
      const backoffMs = Math.min(MAX_BACKOFF_MS, initialBackoffMs * 2 ** (attempts - 1));
      const waitMs = Math.min(MAX_BACKOFF_MS, Math.max(backoffMs, outcome.retryAfterMs ?? 0));
      log?.warn(
        { ...context, attempts, status: outcome.status, error: outcome.error, retryInMs: waitMs },
        'webhook attempt failed; will retry',
      );
      await pause(waitMs);
    }
    log?.warn(
      { ...context, attempts, status: lastStatus, cancelled: closed },
      closed ? 'webhook retries cancelled by shutdown' : 'webhook gave up after the last attempt',
    );
    return { delivered: false, attempts, ...(lastStatus !== undefined && { status: lastStatus }) };
  }

  return {
    send(event) {
      if (closed) {
        log?.warn({ event: event.type, host }, 'webhook sender is closed; event not sent');
        return Promise.resolve({ delivered: false, attempts: 0 });
      }
      const delivery = deliver(event).catch((error: unknown): WebhookDelivery => {
        log?.warn({ event: event.type, error: describeError(error) }, 'webhook delivery failed unexpectedly');
        return { delivered: false, attempts: 0 };
      });
      deliveries.add(delivery);
      void delivery.finally(() => deliveries.delete(delivery));
      return delivery;
    },

    async close() {
      closed = true;
      for (const wake of [...wakeSleepers]) wake();
      await Promise.allSettled([...deliveries]);
    },
  };
}

/** Hex HMAC-SHA256 of `${timestamp}.${body}` with the shared secret: the value after `v1=` in x-cobrowse-signature. */
export function signWebhookPayload(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/**
 * Checks a cobrowse webhook request; use it in the receiving endpoint.
 *
 * Pass the raw request body exactly as received (before any JSON parsing),
 * the `x-cobrowse-timestamp` header as `timestamp` and the
 * `x-cobrowse-signature` header as `signature` (`v1=<hex>`; several
 * comma-separated values are accepted, for secret rotation). Returns false
 * when no signature matches (compared in constant time) or when the
 * timestamp is more than `toleranceSeconds` (default 300) away from `now`
 * (epoch ms, default Date.now()), which limits replays. De-duplicate retries
 * by the `x-cobrowse-delivery` header, which is the same on every attempt.
 */
export function verifyWebhookSignature(options: {
  secret: string;
  body: string;
  timestamp: string;
  signature: string;
  toleranceSeconds?: number;
  now?: number;
}): boolean {
  const { secret, body, timestamp, signature } = options;
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = (options.now ?? Date.now()) / 1000;
  if (!(Math.abs(nowSeconds - Number(timestamp)) <= toleranceSeconds)) return false;

  const expected = Buffer.from(signWebhookPayload(secret, timestamp, body), 'hex');
  let matched = false;
  for (const part of signature.split(',')) {
    const hex = /^\s*v1=([0-9a-fA-F]{64})\s*$/.exec(part)?.[1];
    if (hex === undefined) continue;
    // Both sides are 32 bytes, so timingSafeEqual never throws on length.
    if (timingSafeEqual(Buffer.from(hex, 'hex'), expected)) matched = true;
  }
  return matched;
}

/** Retry-After as ms (delta-seconds or an HTTP date), if present and sane. */
function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    // fetch wraps the socket error (ECONNREFUSED, reset) in `cause`.
    const cause: unknown = error.cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${error.name}: ${error.message}${detail}`;
  }
  return String(error);
}
