/**
 * What the masked-echo suites share: the strings the customer's page sent (decoded from the recorded data
 * channel), and the customer's password typed in the checkout with a copy of it in the address field, which the
 * agent's mirror shows bulleted.
 */
import type { Page } from 'playwright-core';
import { messageStrings } from '../../oracles/message-strings.js';
import { mirrorElement } from './harness.js';
import { until } from './live-control.js';
import { decodeWire } from './wire.js';

/** The customer's password, copied into the address field. */
export const SECRET = 'MarmaladeSky';
/** The copy as the agent sees it. */
export const BULLETS = '•'.repeat(SECRET.length);

/** Every string the page sent, from its `from`th message on. */
export async function sent(page: Page, from = 0): Promise<string[]> {
  return messageStrings((await decodeWire(page)).slice(from));
}

/** The customer types SECRET in the password, its lower-case copy in the address, and leaves it (the title). */
export async function typeBulletedCopy(customer: Page): Promise<void> {
  await customer.locator('#password').click();
  await customer.keyboard.type(SECRET, { delay: 30 });
  await customer.locator('#address').click();
  await customer.keyboard.type(SECRET.toLowerCase(), { delay: 30 });
  await customer.locator('#title').click();
}

/** Resolves once the agent's mirror shows the address field's copy bulleted. */
export function untilCopyBulleted(agent: Page): Promise<void> {
  return until(async () => (await mirrorElement(agent, '#address'))?.value === BULLETS, 'the bulleted copy');
}
