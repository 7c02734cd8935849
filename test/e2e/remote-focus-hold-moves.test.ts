/**
 * Review s14 H1-H4: the masked-field focus hold (643ba3f) kept the rest of a password the customer is typing from
 * going to a field the agent's click put focus on, but not when the page moves focus a moment after the click (H1),
 * when the agent's action is a key (H3), when the customer's focus is in the password without a key typed yet (H2),
 * or when the password is in an iframe, same-origin or not (H4). Real Chromium, real WebRTC, the customer's real
 * keys at a person's speed, the SDK agent's actions through its view of the demo page. The oracle is the text the
 * test typed and where the page says it went (its own fields' values), not the product's focus rule.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AgentSdkSession } from '../../sdk/index.js';
import { demoSdkSuite, type ShareOptions, type SharedWithControl } from './helpers/demo-sdk.js';
import {
  counting,
  flag,
  helpButton,
  helpInView,
  pinFrame,
  typedAroundAgent,
  type Flags,
} from './helpers/focus-hold-pages.js';

/** Longer than the 2 s a clear field's hold lasts (CUSTOMER_TYPING_MS). */
const PAUSE_MS = 2_600;

/** The customer clicks `selector` on the page, then the agent clicks the name field, and the page saw that click. */
async function agentClicksNameAfter(page: Page, session: AgentSdkSession, selector: string): Promise<void> {
  const name = await session.field(/^name$/i);
  await page.locator(selector).click();
  session.click(name.id);
  await expect.poll(() => flag(page, '__clicks'), { timeout: 15_000 }).toBe(1);
}

describe('the masked-field focus hold against the page’s later moves, keys, focus alone and frames', () => {
  const suite = demoSdkSuite();

  /** The demo account page shared with control, counting the agent's clicks and keys and the page's focus moves. */
  async function shareCounting(options?: ShareOptions): Promise<SharedWithControl> {
    const shared = await suite.shareWithControl('/demo/account', options);
    await counting(shared.page);
    return shared;
  }

  for (const delay of [0, 150]) {
    it(`H1: the page focuses the name field ${delay} ms after the agent's click: the rest of the password stays in the password`, async () => {
      const { page, session } = await shareCounting();
      await helpButton(page, delay);
      const help = await helpInView(session);
      await typedAroundAgent(page, page.locator('#password'), () => session.click(help.id), '__moved');
      expect(await page.locator('#password').inputValue()).toBe('hunterSecretPass');
      expect(await page.locator('#account-name').inputValue()).toBe('');
    }, 120_000);
  }

  it('H1: the agent’s click opens a modal dialog with an autofocus field a moment later: none of the password goes into it', async () => {
    const { page, session } = await shareCounting();
    await page.evaluate(() => {
      const flags = window as unknown as Flags;
      const dialog = document.createElement('dialog');
      dialog.innerHTML = '<label>Your question <input id="question" autofocus></label>';
      const help = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Help' });
      document.querySelector('#account')?.prepend(help, dialog);
      help.addEventListener('click', () =>
        setTimeout(() => {
          dialog.showModal();
          flags.__moved++;
        }, 0),
      );
    });
    const help = await helpInView(session);
    await typedAroundAgent(page, page.locator('#password'), () => session.click(help.id), '__moved');
    // The page made the password inert: the rest of it cannot go there, and goes nowhere.
    expect(await page.locator('#question').inputValue()).toBe('');
    expect(await page.locator('#account-name').inputValue()).toBe('');
  }, 120_000);

  it('H1 control: after the customer’s pause in a clear field the page’s later move takes focus, and the next key goes there', async () => {
    const { page, session } = await shareCounting();
    await helpButton(page, 0);
    const help = await helpInView(session);
    await page.locator('#account-email').click();
    await page.keyboard.type('ada', { delay: 40 });
    await page.waitForTimeout(PAUSE_MS);
    session.click(help.id);
    await expect.poll(() => flag(page, '__moved'), { timeout: 15_000 }).toBe(1);
    await page.keyboard.type('x', { delay: 40 });
    expect(await page.locator('#account-name').inputValue()).toBe('x');
  }, 120_000);

  it('H1 control: the customer Tabs on from the held password, and the page’s focus logic is theirs again', async () => {
    const { page, session } = await shareCounting();
    await helpButton(page, 1_500);
    const help = await helpInView(session);
    await page.locator('#password').click();
    await page.keyboard.type('hunter', { delay: 40 });
    session.click(help.id);
    await expect.poll(() => flag(page, '__clicks'), { timeout: 15_000 }).toBe(1);
    expect(await flag(page, '__moved')).toBe(0);
    await page.keyboard.press('Tab');
    const tabbedTo = await page.evaluate(() => document.activeElement?.id ?? '');
    expect(tabbedTo).not.toBe('password');
    await expect.poll(() => flag(page, '__moved'), { timeout: 15_000 }).toBe(1);
    await page.keyboard.type('x', { delay: 40 });
    expect(await page.locator('#account-name').inputValue()).toBe('x');
    expect(await page.locator('#password').inputValue()).toBe('hunter');
  }, 120_000);

  it('H3: the agent presses Enter in the name field, whose page moves focus to the email field: the rest of the password stays', async () => {
    const { page, session } = await shareCounting();
    await page.evaluate(() => {
      const email = document.getElementById('account-email');
      document.getElementById('account-name')?.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter') return;
        event.preventDefault();
        email?.focus();
      });
    });
    const name = await session.field(/^name$/i);
    await typedAroundAgent(page, page.locator('#password'), () => session.press(name.id, 'Enter'), '__keys');
    expect(await page.locator('#password').inputValue()).toBe('hunterSecretPass');
    expect(await page.locator('#account-email').inputValue()).toBe('');
  }, 120_000);

  it('H2: the customer clicks the password and has typed nothing yet, the agent clicks the name field: the password gets it all', async () => {
    const { page, session } = await shareCounting();
    await agentClicksNameAfter(page, session, '#password');
    await page.keyboard.type('hunterSecretPass', { delay: 40 });
    expect(await page.locator('#password').inputValue()).toBe('hunterSecretPass');
    expect(await page.locator('#account-name').inputValue()).toBe('');
  }, 120_000);

  it('H2 control: focus alone in a clear field does not hold the agent’s click, which puts focus in the name field', async () => {
    const { page, session } = await shareCounting();
    await agentClicksNameAfter(page, session, '#account-email');
    await page.keyboard.type('x', { delay: 40 });
    expect(await page.locator('#account-name').inputValue()).toBe('x');
  }, 120_000);

  for (const where of ['same-origin', 'cross-origin'] as const) {
    it(`H4: the customer types a PIN in a ${where} iframe, the agent clicks the name field: the rest stays in the frame`, async () => {
      const { page, session } = await shareCounting({
        beforeOffer: (p) => pinFrame(p, where === 'cross-origin'),
      });
      const name = await session.field(/^name$/i);
      const field = page.frameLocator('#signin').locator('#fp');
      await typedAroundAgent(page, field, () => session.click(name.id), '__clicks');
      expect(await field.inputValue()).toBe('hunterSecretPass');
      expect(await page.locator('#account-name').inputValue()).toBe('');
    }, 120_000);
  }
});
