/**
 * The masked-field focus hold (ab1ba31) against frames (late review F1, HIGH): it listened for the page's focus moves
 * in the frames there when the hold began, and Chromium tells a parent nothing when focus goes into a frame added
 * later, so a chat iframe the page inserted and focused after the agent's click took the rest of the customer's
 * password, in the clear. Real Chromium, real WebRTC, the customer's real keys, the SDK agent on the demo. The oracle
 * is the page's own fields, where focus is, and every string the customer's page put on the data channel.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { demoSdkSuite } from './helpers/demo-sdk.js';
import {
  counting,
  flag,
  focusedId,
  helpButton,
  helpInView,
  holdingPartOf,
  pinFrame,
  typedAroundAgent,
} from './helpers/focus-hold-pages.js';
import { RECORD_CHANNEL_BYTES } from './helpers/harness.js';
import { sent } from './helpers/masked-copy.js';

/** The rest of the customer's password: distinct enough that any four characters of it on the wire are a leak. */
const REST = 'erQuoll7Zxq9';

/** A "Help" button whose click makes the page add a chat iframe `delay` ms later and focus its message field. */
async function chatHelp(page: Page, delay: number): Promise<void> {
  await page.evaluate((ms) => {
    const flags = window as unknown as { __moved: number };
    const help = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Help' });
    document.querySelector('#account')?.prepend(help);
    help.addEventListener('click', () =>
      setTimeout(() => {
        const frame = Object.assign(document.createElement('iframe'), { id: 'chat' });
        frame.srcdoc = '<label for="msg">Message</label><input id="msg">';
        frame.addEventListener('load', () => {
          frame.contentDocument?.getElementById('msg')?.focus();
          flags.__moved++;
        });
        document.querySelector('#account')?.append(frame);
      }, ms),
    );
  }, delay);
}

const chatMessage = (page: Page): Promise<string> => page.frameLocator('#chat').locator('#msg').inputValue();

describe('the masked-field focus hold against frames the page adds', () => {
  const suite = demoSdkSuite();
  const recorded = { beforeLoad: (page: Page) => page.addInitScript(RECORD_CHANNEL_BYTES) };

  /** The customer types a PIN in a cross-origin frame around the agent's click on a Help button `help` adds. */
  async function pinAroundHelp(help: (page: Page) => Promise<void>): Promise<{ page: Page; pin: Locator }> {
    const { page, session } = await suite.shareWithControl('/demo/account', {
      ...recorded,
      beforeOffer: (p) => pinFrame(p, true),
    });
    await counting(page);
    await help(page);
    const button = await helpInView(session);
    const pin = page.frameLocator('#signin').locator('#fp');
    await typedAroundAgent(page, pin, () => session.click(button.id), '__moved', REST);
    return { page, pin };
  }

  for (const delay of [0, 150]) {
    it(`F1: the agent's click makes the page add a chat iframe and focus its field ${delay} ms later: the rest of the password stays`, async () => {
      const { page, session } = await suite.shareWithControl('/demo/account', recorded);
      await counting(page);
      await chatHelp(page, delay);
      const help = await helpInView(session);
      await typedAroundAgent(page, page.locator('#password'), () => session.click(help.id), '__moved', REST);
      expect(await chatMessage(page)).toBe('');
      expect(await page.locator('#password').inputValue()).toBe(`hunt${REST}`);
      expect(await focusedId(page)).toBe('password');
      expect(holdingPartOf(await sent(page), REST)).toEqual([]);
    }, 120_000);
  }

  it('F1: the customer types a PIN in a cross-origin frame, the agent’s click makes the page add and focus a chat iframe: none of the rest goes into it', async () => {
    const { page, pin } = await pinAroundHelp((page) => chatHelp(page, 0));
    expect(await chatMessage(page)).toBe('');
    // Focus goes back to the frame, but the page cannot put it back on the PIN inside it: the rest goes nowhere.
    expect(await focusedId(page)).toBe('signin');
    expect(await pin.inputValue()).toBe('hunt');
    expect(holdingPartOf(await sent(page), REST)).toEqual([]);
  }, 120_000);

  it('F1 control: the customer clicks Help themselves, and the rest goes into the chat, on the wire too', async () => {
    const { page } = await suite.shareWithControl('/demo/account', recorded);
    await counting(page);
    await chatHelp(page, 0);
    await page.locator('#password').click();
    await page.keyboard.type('hunt', { delay: 40 });
    await page.getByRole('button', { name: 'Help' }).click();
    await expect.poll(() => flag(page, '__moved'), { timeout: 15_000 }).toBe(1);
    await page.keyboard.type(REST, { delay: 40 });
    expect(await chatMessage(page)).toBe(REST);
    expect(await focusedId(page)).toBe('chat msg');
    await expect.poll(async () => holdingPartOf(await sent(page), REST).length).toBeGreaterThan(0);
  }, 120_000);

  it('the customer Tabs out of a held cross-origin frame: focus goes on, and their next key lands where it went', async () => {
    const { page, session } = await suite.shareWithControl('/demo/account', { beforeOffer: (p) => pinFrame(p, true) });
    await counting(page);
    const name = await session.field(/^name$/i);
    const pin = page.frameLocator('#signin').locator('#fp');
    await typedAroundAgent(page, pin, () => session.click(name.id), '__clicks', 'er');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Ada', { delay: 40 });
    expect(await pin.inputValue()).toBe('hunter');
    expect(await focusedId(page)).toBe('account-name');
    expect(await page.locator('#account-name').inputValue()).toBe('Ada');
  }, 120_000);

  it('control: the page moves focus out of the held cross-origin frame after the agent’s click: none of the rest goes where it moved', async () => {
    const { page } = await pinAroundHelp((page) => helpButton(page, 150));
    expect(await page.locator('#account-name').inputValue()).toBe('');
    expect(await focusedId(page)).toBe('signin');
    expect(holdingPartOf(await sent(page), REST)).toEqual([]);
  }, 120_000);

  it('the customer types in a clear field of a same-origin frame, the agent clicks the name field within 2 s: the rest stays there', async () => {
    const { page, session } = await suite.shareWithControl('/demo/account', {
      beforeOffer: (p) => pinFrame(p, false, '<label for="note">Delivery note</label><input id="note">'),
    });
    await counting(page);
    const name = await session.field(/^name$/i);
    const note = page.frameLocator('#signin').locator('#note');
    await typedAroundAgent(page, note, () => session.click(name.id), '__clicks', 'er at the back door');
    expect(await note.inputValue()).toBe('hunter at the back door');
    expect(await page.locator('#account-name').inputValue()).toBe('');
    expect(await focusedId(page)).toBe('signin note');
  }, 120_000);
});
