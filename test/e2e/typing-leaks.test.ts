/**
 * Masking at every instant, end to end: the customer types a card number
 * and an SSN with real keystrokes (0 and 40 ms per key) into ordinary fields
 * of the test shop while the agent watches over a real WebRTC data channel.
 * Every byte the customer's page handed to the data channel is decoded and
 * read by the independent leak finder; digits leaked in different frames
 * add up. Ordinary numbers read again once the customer leaves a field.
 */
import { describe, expect, it } from 'vitest';
import { truncationLeaks } from '../oracles/leak-finder.js';
import { fileHarness, mirrorElement } from './helpers/harness.js';
import { liveCheckout, sentStrings } from './helpers/live-checkout.js';

const CARD = '4532 0196 7315 8241';
const SSN = '278-41-5396';

const harness = fileHarness();

describe('typing on the customer page (two browsers, real WebRTC)', () => {
  it('no digit of a typed card or SSN goes over the data channel; the agent reads the words and, after typing, the normal rule', async () => {
    const { customer, agent } = await liveCheckout(harness);

    await customer.locator('#address').click();
    await customer.keyboard.type(`Card ${CARD} `);
    await customer.keyboard.type(`SSN ${SSN} flat 2`, { delay: 40 });
    await customer.keyboard.press('Backspace');
    await customer.keyboard.type('3');
    // While the customer is still in the field, the agent sees the words and dots for every digit.
    await expect
      .poll(async () => (await mirrorElement(agent, '#address'))?.value)
      .toBe('Card •••• •••• •••• •••• SSN •••-••-•••• flat •');
    await customer.locator('#email').click();
    await customer.keyboard.type('ada+2@example.com', { delay: 15 });
    await expect.poll(async () => (await mirrorElement(agent, '#email'))?.value).toBe('ada+•@example.com');
    await customer.locator('#name').click();
    await customer.keyboard.type('Ada Lovelace', { delay: 15 });
    // Leaving a field: ordinary numbers read again; a field that held a card keeps every digit masked.
    await expect.poll(async () => (await mirrorElement(agent, '#email'))?.value).toBe('ada+2@example.com');
    await expect
      .poll(async () => (await mirrorElement(agent, '#address'))?.value)
      .toBe('Card •••• •••• •••• •••• SSN •••-••-•••• flat •');
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Ada Lovelace');
    expect(await customer.locator('#address').inputValue()).toBe(`Card ${CARD} SSN ${SSN} flat 3`);

    // The origins' random ports are digits too: left out of the search.
    const sent = await sentStrings(harness, customer);
    expect(sent.length).toBeGreaterThan(100);
    expect(truncationLeaks(CARD, sent)).toEqual([]);
    expect(truncationLeaks(SSN, sent)).toEqual([]);
    // Control: the same finder sees them in what the customer typed.
    expect(truncationLeaks(CARD, [await customer.locator('#address').inputValue()])).not.toEqual([]);
  });
});
