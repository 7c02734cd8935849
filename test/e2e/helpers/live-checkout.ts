/**
 * A live session on the test shop's checkout, recording every byte the
 * customer's page hands to the data channel: the set-up the e2e leak suites
 * share. The harness's real server, real shop and two real Chromium
 * browsers over real WebRTC; nothing here is mocked.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { messageStrings } from '../../oracles/message-strings.js';
import {
  RECORD_CHANNEL_BYTES,
  agentStatus,
  mirrorElement,
  newSession,
  offer,
  withoutOrigins,
  type Harness,
} from './harness.js';
import { decodeWire } from './wire.js';

export interface LiveCheckout {
  customer: Page;
  agent: Page;
}

export interface LiveCheckoutOptions {
  /** Runs on the customer's page (recording already on) before the checkout is loaded. */
  beforeLoad?: (customer: Page) => void | Promise<void>;
  /** Runs on the loaded checkout before co-browsing is offered and allowed. */
  beforeAllow?: (customer: Page) => void | Promise<void>;
}

/** Offers and allows sharing on the checkout, and waits until the agent's mirror shows it. */
export async function liveCheckout(harness: Harness, options: LiveCheckoutOptions = {}): Promise<LiveCheckout> {
  const session = await newSession(harness, { agentName: 'Dana' });
  const customer = await harness.customerBrowser.newPage();
  await customer.addInitScript(RECORD_CHANNEL_BYTES);
  await options.beforeLoad?.(customer);
  await customer.goto(`${harness.shop.url}/checkout`);
  await options.beforeAllow?.(customer);
  await offer(customer, session.inviteCode);
  const agent = await harness.agentBrowser.newPage();
  await agent.goto(session.agentLink);
  await customer.getByRole('button', { name: 'Allow sharing' }).click();
  await expect.poll(() => agentStatus(agent), { timeout: 15_000 }).toBe('Live');
  await expect.poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 10_000 }).toBe('Checkout');
  return { customer, agent };
}

/**
 * Every string the customer's page handed to the data channel, decoded, with the harness's origins left out
 * (their random ports are digits too).
 */
export async function sentStrings(harness: Harness, customer: Page): Promise<string[]> {
  return withoutOrigins(harness, messageStrings(await decodeWire(customer)));
}

/** Records the text frames `page` sends on its WebSockets (the signaling socket) into `frames`; call before it loads. */
export function recordSignaling(page: Page, frames: string[]): void {
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => frames.push(typeof frame.payload === 'string' ? frame.payload : '')),
  );
}

/**
 * The strings of the signaling frames the customer sent, less the WebRTC relay's (SDP and ICE: random session
 * ids and ports, no page content), with the harness's origins left out. JSON numbers (a ping's timestamp,
 * 1764931580123, holds the card's '3158') are the protocol's own, not page content: only strings are searched.
 */
export function signaledStrings(harness: Harness, frames: readonly string[]): string[] {
  return withoutOrigins(
    harness,
    frames.flatMap((frame) => {
      let message: unknown;
      try {
        message = JSON.parse(frame);
      } catch {
        return [frame];
      }
      const relay = typeof message === 'object' && message !== null && 't' in message && message.t === 'signal';
      return relay ? [] : messageStrings(message);
    }),
  );
}
