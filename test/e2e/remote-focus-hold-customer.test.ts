/**
 * The masked-field focus hold (ab1ba31) undoes the page's focus moves that follow the agent's action, and must never
 * fight the customer's own (late review F2, MED): card boxes that move focus on to the next box after four digits
 * the customer typed ended '4532|||', the hold putting focus back in the full first box and the rest dropped there.
 * Real Chromium, real WebRTC, the customer's real keys, the SDK agent on the demo. The oracle is the page's own
 * fields and where focus is, never the product's focus rule.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoSdkSuite, type SharedWithControl } from './helpers/demo-sdk.js';
import { counting, flag, focusedId, helpButton, helpInView, holdingPartOf } from './helpers/focus-hold-pages.js';
import { RECORD_CHANNEL_BYTES } from './helpers/harness.js';
import { sent } from './helpers/masked-copy.js';

const CARD = '4532715337904891';
/** The customer's password: any four characters of it on the wire are a leak. */
const SECRET = 'huntQuoll7Zxq9';

/** How the card boxes move focus on once full: in the customer's `input` event, or in a timer it sets. */
type Advance = 'input' | 'timeout';

/** Four card-number boxes of four digits whose page moves focus to the next box once one is full. */
async function cardBoxes(page: Page, advance: Advance): Promise<void> {
  await page.evaluate((later) => {
    const boxes = [1, 2, 3, 4].map((n) =>
      Object.assign(document.createElement('input'), {
        id: `card-${n}`,
        autocomplete: 'cc-number',
        inputMode: 'numeric',
        maxLength: 4,
        ariaLabel: `Card number, part ${n}`,
      }),
    );
    boxes.forEach((box, i) =>
      box.addEventListener('input', () => {
        const next = boxes[i + 1];
        if (box.value.length < 4 || next === undefined) return;
        if (later) setTimeout(() => next.focus(), 0);
        else next.focus();
      }),
    );
    document.querySelector('#account')?.prepend(...boxes);
  }, advance === 'timeout');
}

const boxValues = (page: Page): Promise<string> =>
  page.evaluate(() =>
    [1, 2, 3, 4].map((n) => (document.getElementById(`card-${n}`) as HTMLInputElement).value).join('|'),
  );

const WHOLE = CARD.match(/.{4}/g)?.join('|');

describe('the masked-field focus hold and the customer’s own focus moves', () => {
  const suite = demoSdkSuite();
  const recorded = { beforeLoad: (page: Page) => page.addInitScript(RECORD_CHANNEL_BYTES) };

  async function sharedWithBoxes(advance: Advance): Promise<SharedWithControl> {
    const shared = await suite.shareWithControl('/demo/account');
    await counting(shared.page);
    await cardBoxes(shared.page, advance);
    return shared;
  }

  for (const advance of ['input', 'timeout'] as const) {
    it(`F2: the agent clicks the name field while the customer is in the first card box, the boxes move on (${advance}): every digit lands`, async () => {
      const { page, session } = await sharedWithBoxes(advance);
      const name = await session.field(/^name$/i);
      await page.locator('#card-1').click();
      await page.keyboard.type(CARD.slice(0, 2), { delay: 40 });
      session.click(name.id);
      await expect.poll(() => flag(page, '__clicks'), { timeout: 15_000 }).toBe(1);
      await page.keyboard.type(CARD.slice(2), { delay: 40 });
      expect(await boxValues(page)).toBe(WHOLE);
      expect(await focusedId(page)).toBe('card-4');
      expect(await page.locator('#account-name').inputValue()).toBe('');
    }, 120_000);
  }

  it('F2: the page moves focus to the name field 400 ms after the agent’s click, once the boxes moved on: undone, every digit lands', async () => {
    const { page, session } = await sharedWithBoxes('input');
    await helpButton(page, 400);
    const help = await helpInView(session);
    await page.locator('#card-1').click();
    await page.keyboard.type(CARD.slice(0, 2), { delay: 40 });
    session.click(help.id);
    await expect.poll(() => flag(page, '__clicks'), { timeout: 15_000 }).toBe(1);
    await page.keyboard.type(CARD.slice(2, 8), { delay: 40 });
    await expect.poll(() => flag(page, '__moved'), { timeout: 15_000 }).toBe(1);
    await page.keyboard.type(CARD.slice(8), { delay: 40 });
    expect(await boxValues(page)).toBe(WHOLE);
    expect(await page.locator('#account-name').inputValue()).toBe('');
  }, 120_000);

  it('F2 control: with no agent action the boxes move on for the customer, and every digit lands', async () => {
    const { page } = await sharedWithBoxes('input');
    await page.locator('#card-1').click();
    await page.keyboard.type(CARD, { delay: 40 });
    expect(await boxValues(page)).toBe(WHOLE);
    expect(await focusedId(page)).toBe('card-4');
  }, 120_000);

  /** The agent clicks Help, whose click focuses `focuses`; the customer clicks into it, then the agent clicks the name field. */
  async function agentClicksNameInto(focuses: string): Promise<Page> {
    const { page, session } = await suite.shareWithControl('/demo/account', recorded);
    await counting(page);
    await helpButton(page, 'sync', focuses);
    const help = await helpInView(session);
    const name = await session.field(/^name$/i);
    session.click(help.id);
    await expect.poll(() => flag(page, '__moved'), { timeout: 15_000 }).toBe(1);
    await page.locator(`#${focuses}`).click();
    session.click(name.id);
    await expect.poll(() => flag(page, '__clicks'), { timeout: 15_000 }).toBe(2);
    await page.keyboard.type(SECRET, { delay: 40 });
    return page;
  }

  it('F6: the page focused the password after the agent’s click, the customer clicks into it: the agent’s next click leaves it there', async () => {
    const page = await agentClicksNameInto('password');
    expect(await page.locator('#password').inputValue()).toBe(SECRET);
    expect(await page.locator('#account-name').inputValue()).toBe('');
    expect(await focusedId(page)).toBe('password');
    expect(holdingPartOf(await sent(page), SECRET)).toEqual([]);
  }, 120_000);

  it('F6 control: the page focused the email field after the agent’s click, the customer clicks into it: the agent’s next click takes focus', async () => {
    const page = await agentClicksNameInto('account-email');
    expect(await page.locator('#account-name').inputValue()).toBe(SECRET);
    expect(await focusedId(page)).toBe('account-name');
    await expect.poll(async () => holdingPartOf(await sent(page), SECRET).length).toBeGreaterThan(0);
  }, 120_000);
});
