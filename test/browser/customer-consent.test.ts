/**
 * The consent prompt of <cobrowse-session> against the real signaling server:
 * nothing is captured, connected or sent before Allow; Decline records only
 * the decline; the dialog works with the keyboard alone and on a phone.
 */
import { expect } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expectScreenshot, screenshot } from './helpers/screenshots.js';
import type { CobrowseSession } from '../../client/cobrowse-session.js';
import { SimulatedAgent } from './helpers/customer-agent.js';
import {
  PageInstrumentation,
  SERVER_URL,
  addElement,
  agentArrival,
  auditTypes,
  buttonNamed,
  createTestSession,
  dialogOf,
  indicatorText,
  messageKinds,
  shadow,
  until,
} from './helpers/customer-page.js';

const SHOP_PAGE = `<main id="shop-page" style="font:16px system-ui;padding:24px;max-width:640px">
  <h1>Checkout</h1>
  <label>Name <input id="name" value="Ada"></label>
  <label>Card <input id="card" autocomplete="cc-number"></label>
  <button id="before">Pay now</button>
</main>`;

function sessionModuleFetched(): boolean {
  return performance.getEntriesByType('resource').some((entry) => entry.name.includes('/client/session-entry'));
}

function preloadLinks(element: CobrowseSession): number {
  return shadow(element).querySelectorAll('link[rel="modulepreload"]').length;
}

function focusedInShadow(element: CobrowseSession): Element | null {
  return shadow(element).activeElement;
}

describe('customer consent', () => {
  let instrumentation: PageInstrumentation | null = null;
  let element: CobrowseSession | null = null;
  let agent: SimulatedAgent | null = null;

  beforeEach(() => {
    performance.clearResourceTimings();
    document.body.insertAdjacentHTML('beforeend', SHOP_PAGE);
  });
  afterEach(async () => {
    instrumentation?.uninstall();
    instrumentation = null;
    element?.end();
    element?.remove();
    element = null;
    agent?.close();
    agent = null;
    document.getElementById('shop-page')?.remove();
    sessionStorage.clear();
    await setViewport({ width: 800, height: 600 });
  });

  it('captures, connects and sends nothing before Allow, and starts all of it after', async () => {
    instrumentation = new PageInstrumentation().install();
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    const answer = element.offer(session.inviteCode);
    await element.updateComplete;
    // The agent's arrival is what a connection would start on: listen for it on the consent socket
    // (this listener runs after the element's own, which was added first).
    const consentSocket = instrumentation.sockets[0];
    if (!consentSocket) throw new Error('no consent socket');
    const agentHeard = agentArrival(consentSocket);
    // The agent is already waiting: the only thing holding the connection back is the prompt.
    agent = new SimulatedAgent(SERVER_URL, session.agentToken);
    await until(
      () => messageKinds(instrumentation!.signalingMessages()).includes('event:consent-shown'),
      'consent-shown on the consent socket',
    );
    // The session bundle is preloaded while the prompt is shown (modulepreload: fetched and compiled, not run).
    await until(() => sessionModuleFetched(), 'the session bundle preloaded during the prompt');
    // Barrier instead of a pause: the customer's page has handled the agent's arrival, and the element
    // has rendered whatever state that led to (a session starting would replace the prompt at once).
    await agentHeard;
    await element.updateComplete;

    expect(dialogOf(element) !== null, 'the consent prompt').to.equal(true);
    expect(instrumentation.peerConnections.length, 'peer connections before Allow').to.equal(0);
    expect(instrumentation.observeCalls, 'MutationObserver.observe calls before Allow').to.equal(0);
    expect(messageKinds(instrumentation.signalingMessages())).to.deep.equal(['hello', 'event:consent-shown']);
    // The bundle is there, yet none of its code ran, as the zeros above and the one socket say.
    expect(preloadLinks(element), 'the preload is our own, in the shadow root').to.equal(1);
    expect(document.querySelectorAll('link[rel="modulepreload"]').length, 'preload links in the host page').to.equal(0);
    expect(instrumentation.sockets.length, 'sockets before Allow (the consent socket only)').to.equal(1);
    expect(agent.received, 'data channel messages before Allow').to.deep.equal([]);

    buttonNamed(element, 'Allow sharing').click();
    expect(await answer).to.equal('granted');
    await agent.waitConnected();
    await agent.waitFor((m) => m.t === 'snapshot');
    // The instrumentation sees the real thing once allowed, so the zeros above mean something.
    expect(instrumentation.peerConnections.length).to.be.greaterThan(0);
    expect(instrumentation.observeCalls).to.be.greaterThan(0);
    // The session went on with the consent socket: consent, page visit and WebRTC signals on one socket.
    expect(instrumentation.sockets.length, 'signaling sockets after Allow').to.equal(1);
    expect(messageKinds(instrumentation.signalingMessages()).slice(0, 4)).to.deep.equal([
      'hello',
      'event:consent-shown',
      'event:consent-granted',
      'event:page-visited',
    ]);
    expect(preloadLinks(element), 'the preload link, once used').to.equal(0);
  });

  it('Decline sends nothing but the decline, and the audit records only that', async () => {
    instrumentation = new PageInstrumentation().install();
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    const declined = new Promise<Event>((resolve) =>
      element!.addEventListener('cobrowse-consent-declined', resolve, { once: true }),
    );
    const answer = element.offer(session.inviteCode);
    await element.updateComplete;
    buttonNamed(element, 'Decline').click();
    expect(await answer).to.equal('declined');
    await declined;

    await until(
      async () => (await auditTypes(session.sessionId)).includes('consent-declined'),
      'the decline in the audit',
    );
    expect(await auditTypes(session.sessionId)).to.deep.equal([
      'session-created',
      'consent-shown',
      'consent-declined',
      'ended',
    ]);
    expect(messageKinds(instrumentation.signalingMessages())).to.deep.equal([
      'hello',
      'event:consent-shown',
      'event:consent-declined',
    ]);
    expect(instrumentation.peerConnections.length).to.equal(0);
    expect(instrumentation.observeCalls).to.equal(0);
    expect(instrumentation.sockets.length, 'sockets (the consent socket only)').to.equal(1);
    expect(preloadLinks(element), 'the preload link after Decline').to.equal(0);
    expect(sessionStorage.getItem('cobrowse:session'), 'a resume record after Decline').to.equal(null);
    await element.updateComplete;
    expect(shadow(element).textContent).to.contain('You declined to share this page.');
    await until(
      () => instrumentation!.sockets.every((s) => s.readyState === WebSocket.CLOSED),
      'the consent socket to close',
    );
  });

  it('says who asks, what is seen and hidden, and that the customer stays in charge', async () => {
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    void element.offer(session.inviteCode).catch(() => undefined);
    await element.updateComplete;
    const text = dialogOf(element)?.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(text).to.contain('Dana from support would like to see this page');
    expect(text).to.contain('this browser tab only');
    expect(text).to.contain('Passwords, card numbers and other sensitive fields are hidden');
    expect(text).to.contain('cannot click or type');
    expect(text).to.contain('stop sharing at any time');
  });

  it('draws its icons without relying on an emoji font', async () => {
    // Debian's Chromium here has no emoji font: emoji icons rendered as empty boxes in the screenshots.
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    void element.offer(session.inviteCode).catch(() => undefined);
    await element.updateComplete;
    const text = shadow(element).textContent ?? '';
    expect(text.match(/\p{Extended_Pictographic}/gu) ?? []).to.deep.equal([]);
    expect(dialogOf(element)!.querySelectorAll('li svg[aria-hidden="true"]').length).to.equal(4);
  });

  it('is a labelled modal dialog whose buttons have accessible names', async () => {
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    void element.offer(session.inviteCode).catch(() => undefined);
    await element.updateComplete;
    const dialog = dialogOf(element)!;
    expect(dialog.getAttribute('aria-modal')).to.equal('true');
    const label = shadow(element).getElementById(dialog.getAttribute('aria-labelledby') ?? '');
    expect(label?.textContent?.trim()).to.match(/would like to see this page/);
    const description = shadow(element).getElementById(dialog.getAttribute('aria-describedby') ?? '');
    expect(description?.textContent).to.contain('this browser tab only');
    const names = [...dialog.querySelectorAll('button')].map(
      (b) => b.getAttribute('aria-label') ?? b.textContent?.trim(),
    );
    expect(names).to.deep.equal(['Decline', 'Allow sharing']);
  });

  it('works with the keyboard alone: focus moves in, Tab stays inside, Escape declines, focus returns', async () => {
    const session = await createTestSession({ agentName: 'Dana' });
    const before = document.getElementById('before')!;
    before.focus();
    element = await addElement();
    const answer = element.offer(session.inviteCode);
    await element.updateComplete;
    await until(() => focusedInShadow(element!)?.id === 'consent-title', 'focus on the dialog heading');
    expect(document.activeElement?.localName).to.equal('cobrowse-session');

    const seen: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      await sendKeys({ press: 'Tab' });
      seen.push(
        focusedInShadow(element)?.textContent?.trim() ?? `outside: ${document.activeElement?.localName ?? 'none'}`,
      );
    }
    expect(seen).to.deep.equal(['Decline', 'Allow sharing', 'Decline', 'Allow sharing']);
    await sendKeys({ press: 'Shift+Tab' });
    expect(focusedInShadow(element)?.textContent?.trim()).to.equal('Decline');
    await sendKeys({ press: 'Shift+Tab' });
    expect(focusedInShadow(element)?.textContent?.trim(), 'Shift+Tab wraps to the last button').to.equal(
      'Allow sharing',
    );

    await sendKeys({ press: 'Escape' });
    expect(await answer).to.equal('declined');
    await element.updateComplete;
    expect(dialogOf(element) === null, 'dialog closed').to.equal(true);
    expect(document.activeElement?.id, 'focus back where it was').to.equal(before.id);
  });

  for (const key of ['Enter', 'Space'] as const) {
    it(`allows with ${key} on the Allow button and gives focus back afterwards`, async () => {
      const session = await createTestSession({ agentName: 'Dana' });
      const before = document.getElementById('before')!;
      before.focus();
      element = await addElement();
      const answer = element.offer(session.inviteCode);
      await element.updateComplete;
      await until(() => focusedInShadow(element!)?.id === 'consent-title', 'focus on the dialog heading');
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      expect(focusedInShadow(element)?.textContent?.trim()).to.equal('Allow sharing');
      await sendKeys({ press: key });
      expect(await answer).to.equal('granted');
      await until(() => indicatorText(element!).length > 0, 'the indicator');
      expect(dialogOf(element) === null, 'dialog closed').to.equal(true);
      expect(document.activeElement?.id, 'focus back where it was').to.equal(before.id);
    });
  }

  it('fits a 360 px wide phone screen without horizontal overflow', async () => {
    await setViewport({ width: 360, height: 740 });
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    void element.offer(session.inviteCode).catch(() => undefined);
    await element.updateComplete;
    const dialog = dialogOf(element)!;
    const box = dialog.getBoundingClientRect();
    expect(box.left).to.be.at.least(0);
    expect(box.right).to.be.at.most(360);
    expect(dialog.scrollWidth, 'dialog content wider than the dialog').to.be.at.most(dialog.clientWidth);
    for (const part of dialog.querySelectorAll('button, li, h2')) {
      const rect = part.getBoundingClientRect();
      expect(rect.left, part.textContent ?? '').to.be.at.least(0);
      expect(rect.right, part.textContent ?? '').to.be.at.most(360);
    }
    expect(document.documentElement.scrollWidth).to.be.at.most(360);
    const allow = buttonNamed(element, 'Allow sharing').getBoundingClientRect();
    expect(allow.height, 'touch target height').to.be.at.least(44);
  });

  it('screenshots: the prompt on desktop and at 360 px', async () => {
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    void element.offer(session.inviteCode).catch(() => undefined);
    await element.updateComplete;
    for (const [name, width, height] of [
      ['consent-desktop', 1024, 700],
      ['consent-360', 360, 740],
    ] as const) {
      await setViewport({ width, height });
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await expectScreenshot(`test/artifacts/${name}.png`);
    }
    // Control for the comparison: the 360 px prompt, compared with the desktop one, differs.
    const control = await screenshot({
      path: 'test/artifacts/consent-360.png',
      compareWith: 'test/artifacts/consent-desktop.png',
    });
    expect(control.comparison?.sameSize, 'a 360 px shot is not the size of the desktop one').to.equal(false);
  });
});
