/**
 * An input method's commit typed by the agent reaches the customer's page with
 * the events a person's commit fires there (review s12 F5): the agent's
 * composition in the mirror (CDP Input.imeSetComposition, then insertText, as
 * Chromium's own IME path) against a person's same composition, by CDP, on a
 * copy of the page (helpers/typing-oracle.ts: no product code).
 *
 * The page does what forms for Japanese addresses do: full-width digits an
 * input method typed become ASCII once the composition ends (never during it,
 * which would break the input method). The customer's field must end as the
 * person's, and the page must see the same composition, beforeinput and input
 * events as for the person's commit (the person's syllables in between aside:
 * the agent's composition goes as one commit).
 * Control: an emoji picker's or dictation's text (no key, no composition: CDP
 * insertText alone) fires no composition events for the person, nor for the
 * agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mirrorFrame, startHarness, type Harness } from './helpers/harness.js';
import { drained } from './helpers/live-control.js';
import { typingPages, type TypingPages } from './helpers/typing-oracle.js';

let harness: Harness;
let pages: TypingPages;

const FIELDS = `<label for="t-zip">Postal code</label><input id="t-zip">`;

const SCRIPT = `
  const field = document.getElementById('t-zip');
  window.__imeLog = [];
  for (const type of ['compositionstart', 'compositionupdate', 'compositionend', 'beforeinput', 'input'])
    field.addEventListener(type, (e) =>
      window.__imeLog.push([type, e.inputType ?? '', e.isComposing ?? '', e.cancelable, e.data ?? ''].join(' ')),
    );
  field.addEventListener('compositionend', () => {
    field.value = field.value.replace(/[\\uff10-\\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  });
`;

beforeAll(async () => {
  harness = await startHarness();
  pages = await typingPages(harness, FIELDS, SCRIPT);
}, 90_000);

afterAll(async () => {
  await harness?.close();
});

type Entry = (page: Page) => Promise<void>;

/** A person's input method: the composition shown, then committed (Chromium's own IME events). */
const compose =
  (text: string): Entry =>
  async (page) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
    await cdp.send('Input.insertText', { text });
    await cdp.detach();
  };

/** Text no key and no composition typed (an emoji picker, dictation). */
const picked =
  (text: string): Entry =>
  async (page) => {
    await page.keyboard.insertText(text);
  };

async function reset(page: Page): Promise<void> {
  await page.evaluate(() => {
    (document.getElementById('t-zip') as HTMLInputElement).value = '';
    (window as unknown as { __imeLog: string[] }).__imeLog = [];
  });
}

async function seen(page: Page): Promise<{ value: string; log: string[] }> {
  return page.evaluate(() => ({
    value: (document.getElementById('t-zip') as HTMLInputElement).value,
    log: (window as unknown as { __imeLog: string[] }).__imeLog,
  }));
}

/** The same entry by the agent (in the mirror) and by a person on the copy. */
async function enterBoth(
  entry: Entry,
): Promise<{ customer: { value: string; log: string[] }; local: { value: string; log: string[] } }> {
  await reset(pages.customer);
  await reset(pages.local);
  await (await mirrorFrame(pages.agent)).locator('#t-zip').click();
  await drained(pages.agent);
  await reset(pages.customer);
  await entry(pages.agent);
  await drained(pages.agent);
  await pages.local.locator('#t-zip').click();
  await entry(pages.local);
  return { customer: await seen(pages.customer), local: await seen(pages.local) };
}

/** A person's log from the composition's start and its commit: the syllables shown in between left out. */
function commitOf(log: readonly string[]): string[] {
  const last = log.findLastIndex((entry) => entry.startsWith('compositionupdate '));
  return last < 0 ? [...log] : [log[0] ?? '', ...log.slice(last)];
}

describe('an input method’s commit typed by the agent', () => {
  it('fires the composition events a person’s commit fires, and the page’s compositionend fix-up runs', async () => {
    const r = await enterBoth(compose('１５０'));
    expect(r.local.value).toBe('150');
    expect(r.customer.value).toBe(r.local.value);
    const person = commitOf(r.local.log);
    // The oracle is not empty: Chromium's commit starts and ends a composition.
    expect(person[0]).toMatch(/^compositionstart /);
    expect(person.at(-1)).toMatch(/^compositionend /);
    expect(r.customer.log).toEqual(person);
  }, 60_000);

  it('control: a picker’s text fires no composition events, for the person and for the agent', async () => {
    const r = await enterBoth(picked('😀'));
    expect(r.local.log.some((entry) => entry.startsWith('composition'))).toBe(false);
    expect(r.customer.log).toEqual(r.local.log);
    expect(r.customer.value).toBe(r.local.value);
  }, 60_000);
});
