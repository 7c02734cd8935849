/**
 * A checkout sent by a form with method GET: the browser
 * puts every field in the next page's URL, the masked ones too
 * (`/shipping?…&cvc=738&ssn=…&password=…`), and the session resumes on that
 * page. Before, the new page's snapshot carried that URL with only card
 * numbers and SSNs masked, so the password and the CVC reached the agent.
 * Two browsers, real WebRTC, the customer's real keystrokes; every byte the
 * new page put on the data channel is decoded, and every frame the customer
 * sent on the signaling WebSocket is read, for the password, the CVC digits
 * and the card and SSN digits (independent leak finder). Control: the
 * agent's copy shows the page's URL with the ordinary fields in it.
 */
import { describe, expect, it } from 'vitest';
import { digitSequences, truncationLeaks } from '../oracles/leak-finder.js';
import { fileHarness, mirrorElement } from './helpers/harness.js';
import { liveCheckout, recordSignaling, sentStrings, signaledStrings } from './helpers/live-checkout.js';

const PASSWORD = 'Hunter2-Zebra';
const CVC = '738';
const CARD = '4532 0196 7315 8241';
const SSN = '278-41-5396';

const harness = fileHarness();

describe('a GET form sends masked fields in the next page’s URL (two browsers, real WebRTC)', () => {
  it('the password, CVC, card and SSN in the URL reach neither the agent nor the server', async () => {
    const signaled: string[] = [];
    const { customer, agent } = await liveCheckout(harness, {
      beforeLoad: (page) => recordSignaling(page, signaled),
    });

    for (const [id, text] of [
      ['name', 'Ada Lovelace'],
      ['card', CARD],
      ['cvc', CVC],
      ['ssn', SSN],
      ['password', PASSWORD],
    ] as const) {
      await customer.locator(`#${id}`).click();
      await customer.keyboard.type(text, { delay: 20 });
    }
    // The page sends the form (method GET), as a checkout's Next button does (the test shop's has no submit button).
    await customer.evaluate(() => (document.getElementById('checkout') as HTMLFormElement).requestSubmit());
    await customer.waitForURL('**/shipping?**');
    expect(new URL(customer.url()).searchParams.get('password')).toBe(PASSWORD);
    await expect.poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 15_000 }).toBe('Shipping');

    // The origins' random ports are digits too: left out of the search.
    const sent = [...(await sentStrings(harness, customer)), ...signaledStrings(harness, signaled)];
    // Control: the page's URL went out, with its ordinary fields.
    expect(sent.some((s) => s.includes('ORIGIN/shipping?') && s.includes('name=Ada'))).toBe(true);
    expect(sent.filter((s) => s.includes('Hunter2'))).toEqual([]);
    expect(sent.flatMap(digitSequences).filter((digits) => digits === CVC)).toEqual([]);
    expect(truncationLeaks(CARD, sent)).toEqual([]);
    expect(truncationLeaks(SSN, sent)).toEqual([]);
  }, 60_000);
});
