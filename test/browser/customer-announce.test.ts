/**
 * The agent's guidance in words for screen-reader users: a live region made
 * when sharing starts (empty, outside the aria-hidden overlay) later reads
 * "Dana highlighted: …" and "Dana is pointing at: …". Oracle: the names are
 * the page's own labels written below. Control: the region is empty before
 * the agent shows anything.
 */
import { expect } from '@open-wc/testing';
import { goLive, type LiveSession } from './helpers/customer-live.js';
import { nodeIdOf, shadow, until } from './helpers/customer-page.js';

const PAGE = `<main id="announce-page" style="font:16px system-ui;padding:24px">
  <label>Postcode <input id="postcode" value="SW1A 1AA"></label>
  <button id="pay" type="button" style="margin:40px">Pay now</button>
</main>`;

describe('customer: guidance announced in words', () => {
  let live: LiveSession | null = null;
  beforeEach(() => document.body.insertAdjacentHTML('beforeend', PAGE));
  afterEach(() => {
    live?.cleanup();
    live = null;
    document.getElementById('announce-page')?.remove();
    sessionStorage.clear();
  });

  it('announces highlights and what the pointer is on, through a live region that existed first', async () => {
    live = await goLive();
    const region = shadow(live.element).querySelector('[data-cobrowse-announcer]');
    expect(region, 'the live region exists once sharing starts').to.not.equal(null);
    expect(region!.getAttribute('role')).to.equal('status');
    expect(region!.textContent, 'control: nothing said yet').to.equal('');
    expect(region!.closest('[aria-hidden="true"]')).to.equal(null);

    live.agent.send({ t: 'highlight', id: nodeIdOf(live.agent.received, 'postcode'), label: 'Here' });
    await until(() => region!.textContent === 'Dana highlighted: Postcode', 'the highlight in words');

    const box = document.getElementById('pay')!.getBoundingClientRect();
    live.agent.send({ t: 'pointer', x: box.left + box.width / 2 + scrollX, y: box.top + box.height / 2 + scrollY });
    await until(() => region!.textContent === 'Dana is pointing at: Pay now', 'the pointer in words');
    expect(shadow(live.element).querySelector('[data-cobrowse-announcer]'), 'the same region').to.equal(region);
  });
});
