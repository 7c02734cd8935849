/**
 * What the focus-hold suites share: the demo account page counting the agent's clicks and keys on the name field and
 * the page's own focus moves, a "Help" button the page reacts to, and the customer's real keys around the agent's
 * action. The oracles read the page's own fields and flags, never the product's focus rule.
 */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { AgentSdkSession, PageElement } from '../../../sdk/index.js';

export type Flags = { __clicks: number; __keys: number; __moved: number };

/** One of the page's counters. */
export const flag = (page: Page, name: keyof Flags): Promise<number> =>
  page.evaluate((key) => (window as unknown as Flags)[key], name);

/** The page counts the agent's clicks and keys on the name field and the page's own focus moves. */
export async function counting(page: Page): Promise<void> {
  await page.evaluate(() => {
    const flags = window as unknown as Flags;
    Object.assign(flags, { __clicks: 0, __keys: 0, __moved: 0 });
    const name = document.getElementById('account-name');
    name?.addEventListener('click', () => flags.__clicks++);
    name?.addEventListener('keyup', () => flags.__keys++);
  });
}

/**
 * A "Help" button (its clicks counted) whose click focuses the field `focuses` (the name) after `delay` ms (the page's
 * own later reaction), or in the click's own listener ('sync').
 */
export async function helpButton(page: Page, delay: number | 'sync', focuses = 'account-name'): Promise<void> {
  await page.evaluate(
    ([ms, id]) => {
      const flags = window as unknown as Flags;
      const help = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Help' });
      document.querySelector('#account')?.prepend(help);
      const move = (): void => {
        document.getElementById(id)?.focus();
        flags.__moved++;
      };
      help.addEventListener('click', () => {
        flags.__clicks++;
        if (ms === 'sync') move();
        else setTimeout(move, ms);
      });
    },
    [delay, focuses] as const,
  );
}

/** The page's Help button as the agent's view shows it. */
export async function helpInView(session: AgentSdkSession): Promise<PageElement> {
  await session.until((view) => view.getByRole('button', { name: 'Help' }).length > 0, { timeoutMs: 15_000 });
  const help = session.page.getByRole('button', { name: 'Help' })[0];
  if (help === undefined) throw new Error('no Help button in the agent’s view');
  return help;
}

/** The customer types "hunt" in `field`, the agent acts, the page counts `seen` once, then the customer types `rest`. */
export async function typedAroundAgent(
  page: Page,
  field: Locator,
  act: () => void,
  seen: keyof Flags,
  rest = 'erSecretPass',
): Promise<void> {
  await field.click();
  await page.keyboard.type('hunt', { delay: 40 });
  act();
  await expect.poll(() => flag(page, seen), { timeout: 15_000 }).toBe(1);
  await page.keyboard.type(rest, { delay: 40 });
}

/**
 * Adds the "signin" iframe with a card PIN field (or the fields `html` gives); `cross`: sandboxed, so of an opaque
 * origin the page cannot read.
 */
export function pinFrame(
  page: Page,
  cross: boolean,
  html = '<label for="fp">Card PIN</label><input id="fp" type="password">',
): Promise<unknown> {
  return page.evaluate(
    ([sandboxed, fields]) => {
      const frame = Object.assign(document.createElement('iframe'), { id: 'signin', srcdoc: fields });
      // A sandboxed frame has an opaque origin: the page cannot read it, as a payment provider's frame.
      if (sandboxed) frame.setAttribute('sandbox', '');
      document.querySelector('#account')?.prepend(frame);
      return new Promise((resolve) => frame.addEventListener('load', resolve));
    },
    [cross, html] as const,
  );
}

/** The id of the element focus is on, through same-origin frames ('frame#id' inside a frame), '' for none. */
export function focusedId(page: Page): Promise<string> {
  return page.evaluate(() => {
    let doc: Document = document;
    let path = '';
    for (;;) {
      const el = doc.activeElement;
      if (el === null || el === doc.body) return path;
      path += (path === '' ? '' : ' ') + (el.id === '' ? el.localName : el.id);
      const inner = el.localName === 'iframe' ? (el as HTMLIFrameElement).contentDocument : null;
      if (inner === null) return path;
      doc = inner;
    }
  });
}

/** The strings among `strings` holding four characters in a row of `secret`. */
export function holdingPartOf(strings: readonly string[], secret: string): string[] {
  const parts = Array.from({ length: secret.length - 3 }, (_, i) => secret.slice(i, i + 4));
  return strings.filter((text) => parts.some((part) => text.includes(part)));
}
