/**
 * Masking for input that arrives without ordinary keystrokes, end to end
 * over a real WebRTC data channel: Chromium's own card autofill (CDP
 * `Autofill.trigger`, the path the browser's autofill menu takes: values set
 * and input/change events fired, no key events) before the customer allows
 * sharing, and digits composed with an input method (CDP
 * `Input.imeSetComposition` then `Input.insertText`, as a Japanese IME
 * composes full-width digits) while the agent watches. Every byte handed to
 * the data channel is decoded and read by the independent leak finder.
 */
import { describe, expect, it } from 'vitest';
import { revealedPositions, truncationLeaks } from '../oracles/leak-finder.js';
import { fileHarness, mirrorElement } from './helpers/harness.js';
import { liveCheckout, sentStrings } from './helpers/live-checkout.js';

const CARD = '4532019673158242';
const CVC = '8264';
const SSN = '278415396';

const harness = fileHarness();

describe('input without ordinary keystrokes (two browsers, real WebRTC)', () => {
  it("Chromium's card autofill before Allow: the snapshot and everything after carry no digit of the card or the CVC", async () => {
    const { customer, agent } = await liveCheckout(harness, {
      beforeAllow: async (page) => {
        const cdp = await page.context().newCDPSession(page);
        const { root } = await cdp.send('DOM.getDocument');
        const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#card' });
        const { node } = await cdp.send('DOM.describeNode', { nodeId });
        await page.focus('#card');
        await cdp.send('Autofill.trigger', {
          fieldId: node.backendNodeId,
          card: { number: CARD, name: 'Ada Lovelace', expiryMonth: '01', expiryYear: '2031', cvc: CVC },
        });
        await expect.poll(() => page.locator('#card').inputValue()).toBe(CARD);
        await cdp.detach();
      },
    });
    // Autofill filled the CVC too (the form's cc-csc field), without a key event.
    expect(await customer.locator('#cvc').inputValue()).toBe(CVC);
    await expect.poll(async () => (await mirrorElement(agent, '#card'))?.masked).toBe(true);
    await expect.poll(async () => (await mirrorElement(agent, '#cvc'))?.masked).toBe(true);
    // The customer goes on in another field; the autofilled fields stay as they were.
    await customer.locator('#name').click();
    await customer.keyboard.type('Ada', { delay: 20 });
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Ada');

    const sent = await sentStrings(harness, customer);
    expect(sent.length).toBeGreaterThan(100);
    expect(truncationLeaks(CARD, sent)).toEqual([]);
    expect([...revealedPositions(CVC, sent)]).toEqual([]);
    // Control: the same finder reads both in the customer's own fields.
    const values = [await customer.locator('#card').inputValue(), await customer.locator('#cvc').inputValue()];
    expect(truncationLeaks(CARD, values)).not.toEqual([]);
    expect([...revealedPositions(CVC, values)]).not.toEqual([]);
  });

  it('digits composed with an input method (full-width, committed group by group) never leave, during composition or after', async () => {
    const { customer, agent } = await liveCheckout(harness);
    const cdp = await customer.context().newCDPSession(customer);
    await customer.locator('#address').click();
    const fullWidth = (digits: string): string =>
      digits.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const compose = async (text: string): Promise<void> => {
      // The IME shows each character as it is composed, then commits the group.
      for (let i = 1; i <= text.length; i++) {
        await cdp.send('Input.imeSetComposition', { text: text.slice(0, i), selectionStart: i, selectionEnd: i });
        await customer.waitForTimeout(30);
      }
      // The composition is in the field (the page sees it as the value) before it is committed.
      expect(await customer.locator('#address').inputValue()).toContain(text);
      await cdp.send('Input.insertText', { text });
    };
    await customer.keyboard.type('SSN ', { delay: 20 });
    for (const group of ['278', '41', '5396']) {
      await compose(fullWidth(group));
      await customer.keyboard.type(' ', { delay: 20 });
    }
    await customer.keyboard.type('card ', { delay: 20 });
    for (const group of CARD.match(/.{4}/g) ?? []) {
      await compose(fullWidth(group));
      await customer.keyboard.type(' ', { delay: 20 });
    }
    const typed = `SSN ${fullWidth('278')} ${fullWidth('41')} ${fullWidth('5396')} card ${(CARD.match(/.{4}/g) ?? []).map(fullWidth).join(' ')} `;
    expect(await customer.locator('#address').inputValue()).toBe(typed);
    // While the customer is in the field, every digit shows as a dot.
    await expect
      .poll(async () => (await mirrorElement(agent, '#address'))?.value)
      .toBe('SSN ••• •• •••• card •••• •••• •••• •••• ');
    // After the field: the card and the SSN stay masked.
    await customer.locator('#name').click();
    await customer.keyboard.type('Ada', { delay: 20 });
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Ada');
    expect((await mirrorElement(agent, '#address'))?.value).toBe('SSN ••• •• •••• card •••• •••• •••• •••• ');
    await cdp.detach();

    const sent = await sentStrings(harness, customer);
    expect(truncationLeaks(CARD, sent)).toEqual([]);
    expect(truncationLeaks(SSN, sent)).toEqual([]);
    // Control: the finder reads full-width digits in what the customer composed.
    expect(truncationLeaks(CARD, [typed])).not.toEqual([]);
    expect(truncationLeaks(SSN, [typed])).not.toEqual([]);
  });
});
