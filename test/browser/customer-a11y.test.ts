/**
 * axe-core (through chai-a11y-axe) on every state of the customer UI: the
 * consent prompt (English and Arabic), the live indicator, paused, the
 * control prompt and the toast after the end. Any violation fails, serious
 * or not. Control: axe does report a button without a name on this page.
 */
import { expect } from '@open-wc/testing';
import { goLive, type LiveSession } from './helpers/customer-live.js';
import { SESSION_SRC, buttonNamed, createTestSession, dialogOf, shadow, until } from './helpers/customer-page.js';

describe('customer UI accessibility (axe-core)', () => {
  let live: LiveSession | null = null;
  afterEach(() => {
    live?.cleanup();
    live = null;
    document.getElementById('a11y-control')?.remove();
    sessionStorage.clear();
  });

  it('control: axe reports an unnamed button', async () => {
    document.body.insertAdjacentHTML('beforeend', '<div id="a11y-control"><button></button></div>');
    await expect(document.getElementById('a11y-control')).not.to.be.accessible();
  });

  for (const lang of ['en', 'ar']) {
    it(`consent prompt (${lang})`, async () => {
      const element = document.createElement('cobrowse-session');
      element.sessionSrc = SESSION_SRC;
      element.setAttribute('lang', lang);
      document.body.append(element);
      const session = await createTestSession({ agentName: 'Dana' });
      void element.offer(session.inviteCode).catch(() => undefined);
      await until(() => dialogOf(element)?.getAttribute('lang') === lang, 'the prompt');
      await expect(element).to.be.accessible();
      element.end();
      element.remove();
    });
  }

  it('live, paused, control prompt and the toast after the end', async () => {
    live = await goLive();
    const { element, agent } = live;
    await expect(element).to.be.accessible();
    buttonNamed(element, 'Pause').click();
    await element.updateComplete;
    await expect(element).to.be.accessible();
    buttonNamed(element, 'Resume').click();
    await element.updateComplete;
    agent.send({ t: 'control-request' });
    await until(() => shadow(element).querySelector('#control-title'), 'the control prompt');
    await expect(element).to.be.accessible();
    buttonNamed(element, 'Deny').click();
    await element.updateComplete;
    buttonNamed(element, 'End sharing').click();
    await until(() => shadow(element).querySelector('.toast'), 'the toast');
    await expect(element).to.be.accessible();
  });
});
