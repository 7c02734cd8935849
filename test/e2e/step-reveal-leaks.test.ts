/**
 * A number the page reveals in steps, end to end: while the agent watches
 * over a real WebRTC data channel, a script on the customer's page shows a
 * saved card number a group at a time (replacing a text, appending <span>s,
 * setting an input's value), each step seen by the agent before the next.
 * Every byte the customer's page handed to the data channel is decoded and
 * read by the independent leak finder: only the first group ever shows. A
 * countdown and a counter on the same page stay readable.
 */
import { describe, expect, it } from 'vitest';
import { revealedPositions, truncationLeaks } from '../oracles/leak-finder.js';
import { fileHarness, mirrorElement } from './helpers/harness.js';
import { liveCheckout, sentStrings } from './helpers/live-checkout.js';

const CARD = '4532019673158241';
const GROUPS = ['4532', '0196', '7315', '8241'];

const harness = fileHarness();

describe('a number the page reveals in steps (two browsers, real WebRTC)', () => {
  it('only the first group of a card revealed group by group goes over the data channel; a timer and a counter stay readable', async () => {
    const { customer, agent } = await liveCheckout(harness, {
      beforeAllow: (page) =>
        page.evaluate(() => {
          document.body.insertAdjacentHTML(
            'beforeend',
            '<p>Saved card: <span id="reveal-text"></span></p><p>Card: <span id="reveal-spans"></span></p>' +
              '<input id="reveal-input" aria-label="Saved"><p>Ends in <span id="timer">00:58</span></p>' +
              '<p>Visitors <b id="counter">98</b></p>',
          );
        }),
    });
    await expect.poll(async () => (await mirrorElement(agent, '#timer'))?.text, { timeout: 10_000 }).toBe('00:58');

    for (let step = 1; step <= GROUPS.length; step++) {
      const shown = GROUPS.slice(0, step).join(' ');
      await customer.evaluate(
        ([text, group, index]) => {
          (document.getElementById('reveal-text') as HTMLElement).textContent = text;
          const span = document.createElement('span');
          span.textContent = `${index > 0 ? ' ' : ''}${group}`;
          (document.getElementById('reveal-spans') as HTMLElement).append(span);
          (document.getElementById('reveal-input') as HTMLInputElement).value = text;
          (document.getElementById('timer') as HTMLElement).textContent = `0${index}:5${9 - index}`;
          (document.getElementById('counter') as HTMLElement).textContent = String(10 ** (index + 2) - 1 + index);
        },
        [shown, GROUPS[step - 1] ?? '', step - 1] as const,
      );
      // The agent sees each step (the first group as it is, every later one masked) before the next.
      const expected = step === 1 ? shown : shown.replace(/[0-9]/g, '•');
      await expect.poll(async () => (await mirrorElement(agent, '#reveal-text'))?.text).toBe(expected);
      await expect.poll(async () => (await mirrorElement(agent, '#reveal-spans'))?.text).toBe(expected);
      await expect.poll(async () => (await mirrorElement(agent, '#reveal-input'))?.value).toBe(expected);
      await expect.poll(async () => (await mirrorElement(agent, '#timer'))?.text).toBe(`0${step - 1}:5${10 - step}`);
    }
    expect((await mirrorElement(agent, '#counter'))?.text).toBe(String(10 ** 5 - 1 + 3));

    // The origins' random ports are digits too: left out of the search.
    const sent = await sentStrings(harness, customer);
    expect(truncationLeaks(CARD, sent)).toEqual([]);
    expect([...revealedPositions(CARD, sent)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    // Control: the same finder reads the card in what the page showed.
    const shownOnPage = await customer.locator('#reveal-text').textContent();
    expect(truncationLeaks(CARD, [shownOnPage ?? ''])).not.toEqual([]);
  });
});
