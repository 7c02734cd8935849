/**
 * Remote control of every other kind of control, between two real browsers,
 * by keyboard where a person would use it: checkbox (Space), radio, select
 * (arrow keys), date (typed), number (typed), range (arrow keys), scrolling
 * inside a scrollable element (wheel), a same-origin iframe (click, typing),
 * and a contenteditable, which is refused with a notice. Each check reads the
 * customer's page itself; each waits for the customer's acknowledgements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { mirrorElement, mirrorFrame, startHarness, type Harness } from './helpers/harness.js';
import { drained, liveWithControl } from './helpers/live-control.js';

let harness: Harness;
let customer: Page;
let agent: Page;
let frame: Frame;

beforeAll(async () => {
  harness = await startHarness();
  ({ customer, agent } = await liveWithControl(harness, '/controls', 'Preferences'));
  frame = await mirrorFrame(agent);
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

describe('remote control of other controls', () => {
  it('checkbox by click and by Space; radio by click', async () => {
    await frame.locator('#gift').click();
    await drained(agent);
    expect(await customer.locator('#gift').isChecked()).toBe(true);
    await frame.locator('#gift').focus();
    await agent.keyboard.press('Space');
    await drained(agent);
    expect(await customer.locator('#gift').isChecked()).toBe(false);
    await frame.locator('#speed-express').click();
    await drained(agent);
    expect(await customer.locator('#speed-express').isChecked()).toBe(true);
    expect(await customer.locator('#speed-standard').isChecked()).toBe(false);
    await expect
      .poll(async () =>
        agent.evaluate(
          () =>
            (
              document
                .querySelector('cobrowse-agent-view')
                ?.mirror?.iframe.contentDocument?.querySelector('#speed-express') as HTMLInputElement | null
            )?.checked,
        ),
      )
      .toBe(true);
  });

  it('select by arrow keys, number and date typed, range by arrow keys', async () => {
    await frame.locator('#size').focus();
    await agent.keyboard.press('ArrowDown');
    await drained(agent);
    expect(await customer.locator('#size').inputValue()).toBe('m');

    await frame.locator('#qty').click();
    await agent.keyboard.press('Control+A');
    await agent.keyboard.type('12', { delay: 40 });
    await drained(agent);
    expect(await customer.locator('#qty').inputValue()).toBe('12');
    expect((await mirrorElement(agent, '#qty'))?.value).toBe('12');

    await frame.locator('#when').focus();
    await agent.keyboard.type('12252026', { delay: 15 });
    await drained(agent);
    expect(await customer.locator('#when').inputValue()).toBe('2026-12-25');

    await frame.locator('#volume').focus();
    for (let i = 0; i < 3; i++) await agent.keyboard.press('ArrowRight');
    await drained(agent);
    expect(await customer.locator('#volume').inputValue()).toBe('8');
    // Echoes after the agent left do not undo anything.
    await frame.locator('#title').click();
    await drained(agent);
    await expect.poll(async () => (await mirrorElement(agent, '#volume'))?.value).toBe('8');
    expect((await mirrorElement(agent, '#qty'))?.value).toBe('12');
  });

  it('the wheel over a scrollable element scrolls that element on the customer’s page, not the page', async () => {
    await frame.locator('#scroller').hover();
    await agent.mouse.wheel(0, 300);
    await drained(agent);
    expect(await customer.locator('#scroller').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    expect(await customer.evaluate(() => window.scrollY)).toBe(0);
  });

  it('scrolling keys scroll the focused scroll box, or the page, on the customer’s side', async () => {
    await customer.locator('#scroller').evaluate((el) => el.scrollTo(0, 0));
    await frame.locator('#scroller').focus();
    await agent.keyboard.press('ArrowDown');
    await agent.keyboard.press('ArrowDown');
    await drained(agent);
    expect(await customer.locator('#scroller').evaluate((el) => el.scrollTop)).toBeGreaterThanOrEqual(60);
    expect(await customer.evaluate(() => window.scrollY)).toBe(0);
    await frame.locator('#title').click();
    await agent.keyboard.press('PageDown');
    await drained(agent);
    expect(await customer.evaluate(() => window.scrollY)).toBeGreaterThan(100);
    await agent.keyboard.press('Home');
    await drained(agent);
    expect(await customer.evaluate(() => window.scrollY)).toBe(0);
  });

  it('clicks and types inside a same-origin iframe', async () => {
    const inner = frame.frameLocator('#help-frame');
    await expect.poll(async () => inner.locator('#frame-button').count()).toBe(1);
    await inner.locator('#frame-button').click();
    await drained(agent);
    const helpFrame = customer.frameLocator('#help-frame');
    expect(await helpFrame.locator('#frame-status').textContent()).toBe('Help shown');
    await inner.locator('#frame-input').click();
    await agent.keyboard.type('Where is my parcel', { delay: 15 });
    await drained(agent);
    expect(await helpFrame.locator('#frame-input').inputValue()).toBe('Where is my parcel');
  });

  it('a contenteditable is refused clearly: a notice, and the customer’s editor is untouched', async () => {
    const before = await customer.locator('#editor').innerHTML();
    await frame.locator('#editor').click();
    await agent.keyboard.type('x');
    await drained(agent);
    await expect.poll(() => agent.locator('cobrowse-agent-view .toast').textContent()).toMatch(/rich-text editor/);
    expect(await customer.locator('#editor').innerHTML()).toBe(before);
  });
});
