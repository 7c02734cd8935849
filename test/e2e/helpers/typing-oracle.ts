/**
 * The oracle of the remote-typing suites: the same keys typed by the agent
 * into the customer's page (through the mirror, over real WebRTC) and by a
 * person, Playwright's keyboard, into a second copy of the same page. The
 * customer's field must end as the copy's does; no product code is involved
 * in the copy.
 */
import type { Page } from 'playwright-core';
import { mirrorElement, mirrorFrame, type Harness } from './harness.js';
import { drained, liveWithControl } from './live-control.js';

/** A key step: text typed key by key, a key pressed (`times` times), or text an input method commits. */
export type Step = { type: string } | { press: string; times?: number } | { commit: string };

/** The customer's page and the agent's (sharing, with control), and the oracle's copy of the page. */
export interface TypingPages {
  customer: Page;
  agent: Page;
  local: Page;
}

/** What a field holds, and the messages a chat field on the page sent (`#k-sent li`). */
export interface Held {
  value: string;
  sent: string[];
}

async function addFields(page: Page, fields: string, script: string): Promise<void> {
  await page.evaluate((html) => {
    document.querySelector('main')?.insertAdjacentHTML('afterbegin', `<section id="keys">${html}</section>`);
  }, fields);
  await page.addScriptTag({ content: script });
}

/** A live session with control on the shop's form, and its copy, both given `fields` and the page's `script`. */
export async function typingPages(harness: Harness, fields: string, script: string): Promise<TypingPages> {
  const { customer, agent } = await liveWithControl(harness, '/form', 'Delivery details');
  await addFields(customer, fields, script);
  const local = await harness.customerBrowser.newPage();
  await local.goto(`${harness.shop.url}/form`);
  await addFields(local, fields, script);
  return { customer, agent, local };
}

/** Real keys at `delay` ms each; `commit` is text an input method commits (no key events for its characters). */
export async function keys(page: Page, steps: readonly Step[], delay: number): Promise<void> {
  for (const step of steps) {
    if ('type' in step) await page.keyboard.type(step.type, { delay });
    else if ('commit' in step) await page.keyboard.insertText(step.commit);
    else
      for (let i = 0; i < (step.times ?? 1); i++) {
        await page.keyboard.press(step.press, { delay: Math.min(delay, 30) });
        if (delay > 0) await page.waitForTimeout(delay);
      }
  }
}

export async function held(page: Page, id: string): Promise<Held> {
  return page.evaluate(
    (fieldId) => ({
      value: (document.getElementById(fieldId) as HTMLInputElement).value,
      sent: [...document.querySelectorAll('#k-sent li')].map((li) => li.textContent ?? ''),
    }),
    id,
  );
}

async function clear(page: Page, id: string): Promise<void> {
  await page.evaluate((fieldId) => {
    (document.getElementById(fieldId) as HTMLInputElement).value = '';
    document.getElementById('k-sent')?.replaceChildren();
  }, id);
}

/** The same keys into `id` by the agent (through the mirror) and by a person on the oracle's copy. */
export async function typeBoth(
  pages: TypingPages,
  id: string,
  steps: readonly Step[],
  delay: number,
): Promise<{ customer: Held; local: Held }> {
  await clear(pages.customer, id);
  await clear(pages.local, id);
  await (await mirrorFrame(pages.agent)).locator(`#${id}`).click();
  await keys(pages.agent, [{ press: 'Control+A' }, { press: 'Delete' }, ...steps], delay);
  await drained(pages.agent);
  // The oracle's keys at full speed: nothing on the page waits for time, and the suite stays short.
  await pages.local.locator(`#${id}`).click();
  await keys(pages.local, [{ press: 'Control+A' }, { press: 'Delete' }, ...steps], 0);
  return { customer: await held(pages.customer, id), local: await held(pages.local, id) };
}

/** The agent's copy of field `id` (the mirror's), read after drained(): a hold ending then has ended. */
export async function agentCopy(agent: Page, id: string): Promise<string | null> {
  return (await mirrorElement(agent, `#${id}`))?.value ?? null;
}
