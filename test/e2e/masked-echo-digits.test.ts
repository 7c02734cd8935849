/**
 * The agent's own text exempts only the agent's own characters from the echo rule, digit for digit (review s14
 * E1). agent-echoes.ts folded every digit to one, so any digit string the agent typed in a clear field covered
 * every same-length digit echo of a masked value: "000" in the name field let a CVC preview go out as
 * "CVC: 737", also in the snapshot the agent's console gets when it reloads after the customer typed the code.
 * The page gets a security-code field (autocomplete cc-csc, masked) and a preview updated on input, installed
 * with `page.evaluate` as the site's own script. The oracle is every string the customer's page put on the data
 * channel, decoded (helpers/wire.ts): none holds the code as a number of its own. Controls: letters ('abc') and the code itself ('737':
 * the agent's own text goes out as it typed it, which the oracle sees) show what the oracle reads.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoSdkSuite } from './helpers/demo-sdk.js';
import { RECORD_CHANNEL_BYTES, mirrorElement, mirrorFrame, recordingHarness } from './helpers/harness.js';
import { drained, liveWithControl, until } from './helpers/live-control.js';
import { decodeWire } from './helpers/wire.js';
import { sent } from './helpers/masked-copy.js';

const CODE = '737';
/** The code as a number of its own (not three digits of an asset's hash). */
const CODE_SHOWN = new RegExp(`(?<![0-9a-z])${CODE}(?![0-9a-z])`, 'i');

/** A masked security-code field after `after` and a "CVC: …" preview of it (textContent on every input). */
async function addCodePreview(page: Page, after: string): Promise<void> {
  await page.evaluate((selector) => {
    const box = document.createElement('div');
    box.innerHTML =
      '<label for="sec-code">Security code</label><input id="sec-code" autocomplete="cc-csc" inputmode="numeric">' +
      '<p id="sec-preview">CVC: </p>';
    document.querySelector(selector)?.after(box);
    const out = box.querySelector('#sec-preview') as HTMLElement;
    box.querySelector('#sec-code')?.addEventListener('input', (e) => {
      out.textContent = `CVC: ${(e.target as HTMLInputElement).value}`;
    });
  }, after);
}

describe('the agent types digits in a clear field, then the customer types a code (SDK on the demo account page)', () => {
  const suite = demoSdkSuite();

  for (const agentText of ['000', 'abc', CODE]) {
    it(`agent ${agentText}: the code's preview ${agentText === CODE ? 'is the agent’s text (control)' : 'goes out bulleted'}`, async () => {
      const { page, session } = await suite.shareWithControl('/demo/account', {
        beforeLoad: (p) => p.addInitScript(RECORD_CHANNEL_BYTES),
        beforeOffer: (p) => addCodePreview(p, '#account-name'),
      });
      const name = await session.field(/^name$/i);
      session.type(name.id, agentText);
      await expect.poll(() => page.locator('#account-name').inputValue()).toBe(agentText);
      await page.locator('#sec-code').pressSequentially(CODE, { delay: 60 });
      await page.locator('h1').first().click();
      await expect.poll(() => page.locator('#sec-preview').textContent()).toBe(`CVC: ${CODE}`);
      // A later change of the page: once the agent has it, every flush before it (the blur's included) was sent.
      await page.evaluate(() =>
        document.body.append(Object.assign(document.createElement('p'), { textContent: 'Marker done' })),
      );
      await session.until((view) => view.text().includes('Marker done'), { timeoutMs: 15_000 });
      const strings = await sent(page);
      // The agent's own text goes out as it typed it.
      expect(session.page.field(/^name$/i)?.value).toBe(agentText);
      if (agentText === CODE) {
        // Control: the agent typed the code itself, so the preview repeats the agent's whole text (README's one
        // guess the size of the field): the oracle sees it.
        expect(strings.some((text) => CODE_SHOWN.test(text))).toBe(true);
        return;
      }
      expect(strings.filter((text) => CODE_SHOWN.test(text))).toEqual([]);
      expect(strings).toContain('CVC: •••');
      expect(session.page.text()).toContain('CVC: •••');
    }, 120_000);
  }
});

describe('the customer types a code, then the agent types digits and its console reloads (console real keys)', () => {
  const harness = recordingHarness(90_000);

  for (const agentText of ['000', 'abc']) {
    it(`agent ${agentText}: the new snapshot sends the preview bulleted`, async () => {
      const { customer, agent } = await liveWithControl(harness, '/checkout', 'Checkout');
      await addCodePreview(customer, '#address');
      await customer.locator('#sec-code').click();
      await customer.keyboard.type(CODE, { delay: 60 });
      await customer.locator('#title').click();
      await until(async () => (await mirrorElement(agent, '#sec-preview'))?.text === 'CVC: •••', 'preview bulleted');
      const mirror = await mirrorFrame(agent);
      await mirror.locator('#address').click();
      await agent.keyboard.type(agentText, { delay: 40 });
      await drained(agent);
      await mirror.locator('#title').click();
      expect(await customer.locator('#address').inputValue()).toBe(agentText);
      const mark = (await decodeWire(customer)).length;
      await agent.reload();
      await until(async () => (await mirrorElement(agent, '#sec-preview')) !== null, 'mirror after reload', 30_000);
      const after = await sent(customer, mark);
      // The new snapshot holds no code; its preview went out bulleted (the oracle read the snapshot).
      expect(after.filter((text) => CODE_SHOWN.test(text))).toEqual([]);
      expect(after).toContain('CVC: •••');
      expect((await mirrorElement(agent, '#sec-preview'))?.text).toBe('CVC: •••');
    }, 120_000);
  }
});
