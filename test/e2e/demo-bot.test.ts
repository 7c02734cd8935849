/**
 * The demo's automated assistant, as a customer meets it: a question in the
 * shop's chat brings a co-browsing offer from the bot; after Allow, the bot
 * (the Node SDK inside the demo server, over real WebRTC) outlines the field
 * on the customer's real page and explains in the chat; "talk to a person",
 * when the customer did not allow a person in the prompt, makes the bot stop
 * sharing (the desk must ask again; the hand-over itself is in
 * demo-handover.test.ts). Oracles: the customer's DOM (chat log and overlay).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BOT_INVITE_TEXT, DEMO_BOT_NAME } from '../../signaling/demo-bot.js';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import { startTestServer, type TestServer } from '../node/helpers/server.js';

let server: TestServer;
let browser: LaunchedChromium;
beforeAll(async () => {
  server = await startTestServer({ DEMO: 'true' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the demo support bot', () => {
  it('answers “where do I put my postcode?” by outlining the field after the customer allows; asked for a person without leave, it stops sharing', async () => {
    const customer = await browser.newPage();
    await customer.goto(`${server.baseUrl}/demo/checkout?conversation=bot-${Date.now().toString(36)}`);
    const chat = customer.getByRole('log', { name: 'Conversation with support' });
    const outlined = () =>
      customer.evaluate(() => {
        const box = document
          .querySelector('cobrowse-session')
          ?.shadowRoot?.querySelector<HTMLElement>('[data-cobrowse-highlight]');
        if (!box || box.style.display !== 'block') return false;
        const target = document.querySelector('#postcode')?.getBoundingClientRect();
        const shown = box.getBoundingClientRect();
        return (
          !!target &&
          shown.left <= target.left + 1 &&
          shown.right >= target.right - 1 &&
          shown.top <= target.top + 1 &&
          shown.bottom >= target.bottom - 1
        );
      });

    await customer.getByRole('button', { name: 'Chat with support' }).click();
    await customer.getByLabel('Message to support').fill('Where do I put my postcode?');
    await customer.getByLabel('Message to support').press('Enter');
    await expect.poll(() => chat.textContent(), { timeout: 10_000 }).toContain(DEMO_BOT_INVITE_TEXT);
    expect(await outlined()).toBe(false); // control: nothing before consent
    await customer.getByRole('button', { name: 'Allow sharing' }).click();

    await expect.poll(() => chat.textContent(), { timeout: 20_000 }).toContain('It goes in the “Postcode” field');
    expect(await chat.textContent()).toContain(DEMO_BOT_NAME);
    await expect.poll(outlined).toBe(true);

    expect(await chat.textContent()).not.toContain('Sharing has ended.');
    await customer.getByLabel('Message to support').fill('Can I talk to a person?');
    await customer.getByLabel('Message to support').press('Enter');
    await expect
      .poll(() => chat.textContent(), { timeout: 10_000 })
      .toContain('You allowed only me, an automated assistant, to see your page, so I’ve stopped sharing');
    // The customer gave no leave for a person: the bot's session ends, and a person must ask again.
    await expect.poll(() => chat.textContent(), { timeout: 10_000 }).toContain('Sharing has ended.');
    await customer.close();
  });
});
