/**
 * Echo bullets kept in page text (echo-pins.ts, review s13 R3) hold when the page rebuilds the text and when a
 * new snapshot starts (review s14 E2, E3). The customer types a password and then a copy of it into a clear field
 * (the address) with real keys; the page repeats the address in a "Ship to: …" preview, rebuilt on every input
 * with innerHTML (a new <b> and text each time), with replaceChildren (a new text beside another), or by setting a
 * <span>'s textContent; the copy and its preview go out bulleted. The agent's console presses End and Backspace in
 * the copy (real keys), then reloads (a new snapshot, as a reconnect or a second viewer gets). The page's
 * behaviour is installed with `page.evaluate`, standing in for the site's own script. The oracle is every string
 * the customer's page put on the data channel from the agent's edit on, decoded (helpers/wire.ts): none holds 5
 * characters in a row of the password. Control: the customer's typing of the copy sent its prefixes in the
 * preview as typed (before the copy was whole the echo rule had nothing to match), which the oracle reads.
 * The preview may also be a new line element on every input (replaceWith, a keyed re-render: review s15 F4).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mirrorElement, mirrorFrame, recordingHarness } from './helpers/harness.js';
import { drained, liveWithControl, until } from './helpers/live-control.js';
import { decodeWire } from './helpers/wire.js';
import { BULLETS, SECRET, sent, typeBulletedCopy, untilCopyBulleted } from './helpers/masked-copy.js';

const EDITED = 'marmaladesk';

/** Strings holding 5 characters in a row of the password (ignoring case). */
function holdingSecret(strings: readonly string[]): string[] {
  const secret = SECRET.toLowerCase();
  const parts: string[] = [];
  for (let i = 0; i + 5 <= secret.length; i++) parts.push(secret.slice(i, i + 5));
  return strings.filter((text) => parts.some((part) => text.toLowerCase().includes(part)));
}

const RENDERS = ['innerHTML', 'replaceChildren', 'textContent', 'replaceWith', 'keyed'] as const;
type Render = (typeof RENDERS)[number];

/**
 * A "Ship to: …" preview of the address after it, in a summary between two other lines, rebuilt by `how` on every
 * input: inside the line (innerHTML, replaceChildren, a span's textContent), or as a new line element (review s15
 * F4): `replaceWith` of a new <p>, or a keyed re-render as a framework does it (the old <p> removed, a new one
 * put where it was).
 */
async function addPreview(page: Page, how: Render): Promise<void> {
  await page.evaluate((render) => {
    const line = (value: string): HTMLParagraphElement => {
      const p = Object.assign(document.createElement('p'), { id: 'ship-preview' });
      p.append('Ship to: ', Object.assign(document.createElement('span'), { textContent: value }));
      return p;
    };
    const summary = document.createElement('div');
    let out = line('');
    const span = out.querySelector('span');
    summary.append(Object.assign(document.createElement('p'), { textContent: 'Summary' }), out);
    summary.append(Object.assign(document.createElement('p'), { textContent: 'Total: 3 items' }));
    const address = document.querySelector<HTMLInputElement>('#address');
    address?.after(summary);
    address?.addEventListener('input', () => {
      const value = address.value;
      if (render === 'innerHTML') out.innerHTML = `Ship to: <b>${value}</b>`;
      else if (render === 'replaceChildren') out.replaceChildren('Ship to: ', value);
      else if (render === 'textContent' && span !== null) span.textContent = value;
      else {
        const next = line(value);
        if (render === 'replaceWith') out.replaceWith(next);
        else {
          const after = out.nextSibling;
          out.remove();
          summary.insertBefore(next, after);
        }
        out = next;
      }
    });
  }, how);
}

describe('a preview of the customer’s bulleted copy, edited by the agent (console real keys)', () => {
  const harness = recordingHarness(90_000);

  for (const how of RENDERS) {
    it(`preview by ${how}: one remote Backspace, then a new snapshot, show none of the password`, async () => {
      const { customer, agent } = await liveWithControl(harness, '/checkout', 'Checkout');
      await addPreview(customer, how);
      await typeBulletedCopy(customer);
      await untilCopyBulleted(agent);
      await until(
        async () => (await mirrorElement(agent, '#ship-preview'))?.text === `Ship to: ${BULLETS}`,
        'the bulleted preview',
      );
      // Control: the oracle reads the preview (the copy's prefixes went out as the customer typed them).
      expect(holdingSecret(await sent(customer)).length).toBeGreaterThan(0);

      const before = (await decodeWire(customer)).length;
      const mirror = await mirrorFrame(agent);
      await mirror.locator('#address').click();
      await agent.keyboard.press('End');
      await agent.keyboard.press('Backspace');
      await drained(agent);
      await mirror.locator('#title').click();
      expect(await customer.locator('#address').inputValue()).toBe(EDITED);
      await until(
        async () => (await mirrorElement(agent, '#ship-preview'))?.text?.length === `Ship to: ${EDITED}`.length,
        'the edited preview',
      );
      expect(holdingSecret(await sent(customer, before))).toEqual([]);
      expect((await mirrorElement(agent, '#ship-preview'))?.text).toBe(`Ship to: ${'•'.repeat(EDITED.length)}`);

      const mark = (await decodeWire(customer)).length;
      await agent.reload();
      await until(
        async () => (await mirrorElement(agent, '#ship-preview')) !== null,
        'the mirror after reload',
        30_000,
      );
      const again = await sent(customer, mark);
      expect(holdingSecret(again)).toEqual([]);
      expect(again).toContain('Ship to: ');
      // The lines around the preview go out as they are (a replaced line's pins stay on its place).
      expect(again).toEqual(expect.arrayContaining(['Summary', 'Total: 3 items']));
      expect((await mirrorElement(agent, '#ship-preview'))?.text).toBe(`Ship to: ${'•'.repeat(EDITED.length)}`);
      expect((await mirrorElement(agent, '#address'))?.value).toBe('•'.repeat(EDITED.length));
    }, 120_000);
  }
});
