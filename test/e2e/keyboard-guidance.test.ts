/**
 * Guidance with the keyboard only, between two real browsers: tools chosen
 * with Enter on the toolbar, the stage reached with Tab, the keyboard pointer
 * moved with arrow keys, Enter to highlight (the element under the pointer,
 * or the focused element in the mirror), to draw and to place an arrow. Each
 * check reads the customer's page: its overlay (pointer, highlight box,
 * drawings) against the real element's position. The mirror's links are out
 * of the agent's Tab order (the customer's own links are not: the control).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mirrorFrame, startHarness, type Harness } from './helpers/harness.js';
import { liveSession, until } from './helpers/live-control.js';

let harness: Harness;
let customer: Page;
let agent: Page;

beforeAll(async () => {
  harness = await startHarness();
  ({ customer, agent } = await liveSession(harness, '/checkout', 'Checkout'));
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

/** Which element of the agent view has focus: a toolbar button's text, 'stage', or what the mirror focuses. */
async function agentFocus(): Promise<string> {
  return agent.evaluate(() => {
    const view = document.querySelector('cobrowse-agent-view');
    const active = view?.shadowRoot?.activeElement;
    if (!active) return document.activeElement?.localName ?? 'none';
    if (active.classList.contains('stage')) return 'stage';
    if (active.localName === 'iframe')
      return `mirror:${view?.mirror?.iframe.contentDocument?.activeElement?.localName ?? '?'}`;
    return active.textContent?.trim() ?? active.localName;
  });
}

/** Choose a tool with the keyboard, then Tab to the stage. */
async function chooseToolAndTabToStage(tool: string): Promise<void> {
  await agent.getByRole('button', { name: 'End session' }).focus();
  for (let i = 0; i < 12 && (await agentFocus()) !== tool; i++) await agent.keyboard.press('Shift+Tab');
  expect(await agentFocus()).toBe(tool);
  await agent.keyboard.press('Enter');
  for (let i = 0; i < 12 && (await agentFocus()) !== 'stage'; i++) await agent.keyboard.press('Tab');
  expect(await agentFocus()).toBe('stage');
}

/** The centre of a customer element, in page coordinates, read on the customer's page. */
async function customerCentre(selector: string): Promise<{ x: number; y: number }> {
  return customer.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2 + window.scrollX, y: r.top + r.height / 2 + window.scrollY };
  });
}

/** Press arrow keys until the keyboard pointer is within 5 px of `target` (page coordinates). */
async function movePointerTo(target: { x: number; y: number }): Promise<void> {
  const position = () =>
    agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.keyboardGuidance.position ?? null);
  await agent.keyboard.press('ArrowRight');
  await agent.keyboard.press('ArrowLeft');
  for (let i = 0; i < 200; i++) {
    const at = await position();
    if (!at) throw new Error('no keyboard pointer');
    const dx = target.x - at.x;
    const dy = target.y - at.y;
    if (Math.abs(dx) <= 5 && Math.abs(dy) <= 5) return;
    const horizontal = Math.abs(dx) > 5;
    const delta = horizontal ? dx : dy;
    const key = horizontal ? (dx > 0 ? 'ArrowRight' : 'ArrowLeft') : dy > 0 ? 'ArrowDown' : 'ArrowUp';
    await agent.keyboard.press(Math.abs(delta) >= 50 ? `Shift+${key}` : key);
  }
  throw new Error('the keyboard pointer did not get there');
}

/** The customer's overlay, read on the customer's page. */
function overlay<T>(read: (root: ShadowRoot) => T): Promise<T> {
  return customer.evaluate(`(${read.toString()})(document.querySelector('cobrowse-session').shadowRoot)`) as Promise<T>;
}

async function customerHighlightContains(point: { x: number; y: number }): Promise<boolean> {
  const box = await overlay((root) => {
    const el = root.querySelector('[data-cobrowse-highlight]') as HTMLElement | null;
    if (!el || getComputedStyle(el).display === 'none') return null;
    const r = el.getBoundingClientRect();
    return { left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY };
  });
  return box !== null && point.x >= box.left && point.x <= box.right && point.y >= box.top && point.y <= box.bottom;
}

describe('guidance by keyboard only', () => {
  it('the mirror’s links are not in the agent’s Tab order (the customer’s are: the control)', async () => {
    const mirrorLinks = await agent.evaluate(() =>
      [
        ...(document
          .querySelector('cobrowse-agent-view')
          ?.mirror?.iframe.contentDocument?.querySelectorAll('a[href]') ?? []),
      ].map((a) => (a as HTMLElement).tabIndex),
    );
    expect(mirrorLinks.length).toBeGreaterThan(0);
    expect(mirrorLinks.every((index) => index === -1)).toBe(true);
    const customerLinks = await customer.evaluate(() =>
      [...document.querySelectorAll('main a[href]')].map((a) => (a as HTMLElement).tabIndex),
    );
    expect(customerLinks.every((index) => index === 0)).toBe(true);
    // A link the page adds later (a mutation) leaves the Tab order too.
    await customer.evaluate(() => {
      const p = document.createElement('p');
      p.innerHTML = '<a id="late-link" href="/help">Help</a>';
      document.querySelector('main')?.append(p);
    });
    await expect
      .poll(() =>
        agent.evaluate(
          () =>
            (
              document
                .querySelector('cobrowse-agent-view')
                ?.mirror?.iframe.contentDocument?.querySelector('#late-link') as HTMLElement | null
            )?.tabIndex ?? null,
        ),
      )
      .toBe(-1);
  });

  it('Pointer: arrow keys on the stage move a pointer the customer sees where the agent put it', async () => {
    await chooseToolAndTabToStage('Pointer');
    const target = await customerCentre('#title');
    await movePointerTo(target);
    // The customer's overlay puts the agent's pointer at that page position (within the 5 px the keys could not close).
    const shown = () =>
      overlay((root) => {
        const el = root.querySelector('[data-cobrowse-pointer]') as HTMLElement | null;
        return el && getComputedStyle(el).display !== 'none'
          ? { x: Number(el.dataset['pageX']), y: Number(el.dataset['pageY']) }
          : null;
      });
    await expect
      .poll(async () => {
        const at = await shown();
        return at !== null && Math.abs(at.x - target.x) <= 5 && Math.abs(at.y - target.y) <= 5;
      })
      .toBe(true);
  });

  it('Highlight: Enter outlines the element under the keyboard pointer on the customer’s page', async () => {
    await chooseToolAndTabToStage('Highlight');
    const target = await customerCentre('#email');
    await movePointerTo(target);
    await agent.keyboard.press('Enter');
    await expect.poll(() => customerHighlightContains(target)).toBe(true);
    // Control: the check does tell elements apart.
    expect(await customerHighlightContains(await customerCentre('#title'))).toBe(false);
  });

  it('Highlight: Enter in the mirror highlights the focused element', async () => {
    const frame = await mirrorFrame(agent);
    await frame.locator('#name').focus();
    await agent.keyboard.press('Enter');
    const target = await customerCentre('#name');
    await expect.poll(() => customerHighlightContains(target)).toBe(true);
  });

  it('Draw and Arrow: Enter starts, arrow keys draw, Enter sends; the customer sees the shapes', async () => {
    await chooseToolAndTabToStage('Draw');
    await agent.keyboard.press('Enter');
    for (let i = 0; i < 4; i++) await agent.keyboard.press('ArrowRight');
    for (let i = 0; i < 3; i++) await agent.keyboard.press('ArrowDown');
    await agent.keyboard.press('Enter');
    await expect
      .poll(() =>
        overlay((root) =>
          [...root.querySelectorAll('[data-cobrowse-annotation] polyline')].map(
            (p) => p.getAttribute('points')?.split(' ').length ?? 0,
          ),
        ),
      )
      .toEqual([8]);

    await chooseToolAndTabToStage('Arrow');
    await agent.keyboard.press('Enter');
    await agent.keyboard.press('Shift+ArrowLeft');
    await agent.keyboard.press('Shift+ArrowUp');
    await agent.keyboard.press('Enter');
    await expect
      .poll(() => overlay((root) => root.querySelectorAll('[data-cobrowse-annotation] polygon').length))
      .toBe(1);
    // Escape drops a drawing that was started: nothing more reaches the customer.
    await agent.keyboard.press('Enter');
    await agent.keyboard.press('ArrowRight');
    await agent.keyboard.press('Escape');
    expect(await overlay((root) => root.querySelectorAll('[data-cobrowse-annotation]').length)).toBe(2);

    // Clear drawings, from the keyboard too.
    await agent.getByRole('button', { name: 'Clear drawings' }).focus();
    await agent.keyboard.press('Enter');
    await expect.poll(() => overlay((root) => root.querySelectorAll('[data-cobrowse-annotation]').length)).toBe(0);
  });

  it('Control: request it with Enter, then Enter on the stage clicks into a field and typing goes to the customer', async () => {
    await agent.getByRole('button', { name: 'Request control' }).focus();
    await agent.keyboard.press('Enter');
    await customer.getByRole('button', { name: 'Allow control' }).click();
    await until(async () => (await agentFocus()) === 'Control', 'focus on the Control tool after the grant');
    for (let i = 0; i < 12 && (await agentFocus()) !== 'stage'; i++) await agent.keyboard.press('Tab');
    expect(await agentFocus()).toBe('stage');
    await movePointerTo(await customerCentre('#name'));
    await agent.keyboard.press('Enter');
    await until(async () => (await agentFocus()) === 'mirror:input', 'the mirrored field to take the agent’s focus');
    await agent.keyboard.type('Grace', { delay: 15 });
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
    expect(await customer.locator('#name').inputValue()).toBe('Grace');
  });
});
