/**
 * Review s13 R4: the focus hold of remote actions (review s12 F2) ended 2 s after the customer's last key, so a
 * customer pausing inside their password (reading it from paper, a password manager, a 2FA prompt) lost the rest
 * of it to a clear field the agent clicked during the pause. A masked field now keeps the hold while focus stays
 * there; a clear field keeps the 2 s rule, so a field the customer left idle does not hold the agent's clicks.
 * Real Chromium, real WebRTC, the customer's real keys; the SDK agent on the demo. The oracle is the text the
 * test typed and where the page says it went (its own fields' values), not the product's focus rule.
 */
import { describe, expect, it } from 'vitest';
import { demoSdkSuite, type SharedWithControl } from './helpers/demo-sdk.js';

/** Longer than the 2 s a clear field's hold lasts (CUSTOMER_TYPING_MS), as a person looking something up pauses. */
const PAUSE_MS = 2_600;

describe('a remote click during the customer’s pause in a field (SDK on the demo)', () => {
  const suite = demoSdkSuite();

  async function shared(): Promise<SharedWithControl & { clicks: () => Promise<number> }> {
    const { page, session } = await suite.shareWithControl('/demo/account');
    await page.evaluate(() => {
      (window as unknown as { __clicks: number }).__clicks = 0;
      document.getElementById('account-name')?.addEventListener('click', () => {
        (window as unknown as { __clicks: number }).__clicks++;
      });
    });
    const clicks = (): Promise<number> => page.evaluate(() => (window as unknown as { __clicks: number }).__clicks);
    return { page, session, clicks };
  }

  it('the customer pauses inside their password, the agent clicks the name field: the rest of the password stays in the password field', async () => {
    const { page, session, clicks } = await shared();
    const name = await session.field(/^name$/i);
    await page.locator('#password').click();
    await page.keyboard.type('hunt', { delay: 40 });
    await page.waitForTimeout(PAUSE_MS);
    session.click(name.id);
    await expect.poll(clicks).toBe(1);
    await page.keyboard.type('erSecretPass', { delay: 40 });
    expect(await page.locator('#password').inputValue()).toBe('hunterSecretPass');
    expect(await page.locator('#account-name').inputValue()).toBe('');
    expect(session.page.field(/^name$/i)?.value ?? '').not.toContain('erSecret');
  }, 120_000);

  it('control: the same pause in a clear field does not hold the click, which puts focus in the name field', async () => {
    const { page, session, clicks } = await shared();
    const name = await session.field(/^name$/i);
    await page.locator('#account-email').click();
    await page.keyboard.type('ada', { delay: 40 });
    await page.waitForTimeout(PAUSE_MS);
    session.click(name.id);
    await expect.poll(clicks).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('account-name');
    // The oracle sees a key sent to the wrong field: the customer's next keys go where the click put focus.
    await page.keyboard.type('x', { delay: 40 });
    expect(await page.locator('#account-name').inputValue()).toBe('x');
  }, 120_000);
});
