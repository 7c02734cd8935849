/**
 * The agent's guidance in words for screen-reader users: a live region made
 * when sharing starts (empty, outside the aria-hidden overlay) later reads
 * "Dana highlighted: …" and "Dana is pointing at: …". Oracle: the names are
 * the page's own labels written below. Control: the region is empty before
 * the agent shows anything.
 */
import { expect } from '@open-wc/testing';
import { goLive, type LiveSession } from './helpers/customer-live.js';
import { addElement, nodeIdOf, shadow, until } from './helpers/customer-page.js';

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

describe('customer: status and toasts announced through a region that exists first', () => {
  afterEach(() => sessionStorage.clear());

  it('one live region from the first render says the status as it changes, then the closing toast', async () => {
    const element = await addElement();
    const region = shadow(element).querySelector('.live');
    expect(region, 'the region exists before any offer').to.not.equal(null);
    expect(region!.getAttribute('role')).to.equal('status');
    expect(region!.getAttribute('aria-live')).to.equal('polite');
    expect(region!.textContent, 'control: silent before anything happens').to.equal('');
    element.remove();

    const live = await goLive();
    try {
      const said = shadow(live.element).querySelector('.live')!;
      const seen: string[] = [];
      const watcher = new MutationObserver(() => seen.push(said.textContent ?? ''));
      watcher.observe(said, { childList: true, characterData: true, subtree: true });
      // Sharing starts with the outlines of what is hidden: said with a count; then the status.
      await until(() => said.textContent === 'Sharing this tab with Dana', 'the live status');
      live.element.pause();
      await until(() => said.textContent === 'Sharing paused: Dana cannot see this tab', 'the paused status');
      live.element.resume();
      await until(() => said.textContent === 'Sharing this tab with Dana', 'the status after resume');
      const region2 = shadow(live.element).querySelector('.live');
      live.element.end();
      await until(() => said.textContent === 'You stopped sharing this page.', 'the closing toast said');
      expect(shadow(live.element).querySelector('.live'), 'the same region throughout').to.equal(region2);
      expect(region2).to.equal(said);
      watcher.disconnect();
      expect(seen.length, `changes seen: ${seen.join(' | ')}`).to.be.greaterThan(2);
      // The visible toast carries no second live region (said once, not twice).
      expect(shadow(live.element).querySelectorAll('[role="status"]').length).to.equal(
        shadow(live.element).querySelectorAll('.live, [data-cobrowse-announcer]').length,
      );
    } finally {
      live.cleanup();
    }
  });
});
