/**
 * <cobrowse-session> while live, against the real server and a simulated agent
 * (real signaling client, real WebRTC peer and channel in the same page):
 * End tears everything down, remote actions respect masking, the control
 * prompt and revoke, the indicator's states, and the guidance overlay is never
 * captured.
 */
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { expectScreenshot } from './helpers/screenshots.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { goLive, grantControl, type LiveSession } from './helpers/customer-live.js';
import {
  PageInstrumentation,
  auditTypes,
  buttonNamed,
  capturedTags,
  dialogOf,
  indicatorText,
  nodeIdOf,
  shadow,
  until,
} from './helpers/customer-page.js';

const SHOP_PAGE = `<main id="shop-page" style="font:16px system-ui;padding:24px">
  <h1>Checkout</h1>
  <form id="checkout">
    <label>Name <input id="name" value="Ada"></label>
    <label>Card number <input id="card" autocomplete="cc-number" value="4111 1111 1111 1111"></label>
    <label>Password <input id="password" type="password" value="Hunter2-Secret!"></label>
    <button id="pay" type="button">Pay now</button>
  </form>
</main>`;

const refusal = (m: ChannelMessage): m is Extract<ChannelMessage, { t: 'action-refused' }> => m.t === 'action-refused';

describe('customer live session', () => {
  let live: LiveSession | null = null;
  let instrumentation: PageInstrumentation | null = null;

  beforeEach(() => {
    document.body.insertAdjacentHTML('beforeend', SHOP_PAGE);
  });
  afterEach(() => {
    live?.cleanup();
    live = null;
    instrumentation?.uninstall();
    instrumentation = null;
    document.getElementById('shop-page')?.remove();
    sessionStorage.clear();
  });

  it('End stops every observer, listener and connection the session opened', async () => {
    instrumentation = new PageInstrumentation().install();
    live = await goLive(() => instrumentation!.trackListeners());
    await grantControl(live);
    live.agent.send({ t: 'pointer', x: 40, y: 40 });
    live.agent.send({ t: 'highlight', id: nodeIdOf(live.agent.received, 'pay'), label: 'Click here' });
    await until(() => shadow(live!.element).querySelector('[data-cobrowse-overlay]'), 'the guidance overlay');
    // Sanity: the session really did open all of this, so "none left" below means something.
    expect(instrumentation.peerConnections.length).to.be.greaterThan(0);
    expect(instrumentation.activeObservers).to.be.greaterThan(0);
    expect(instrumentation.liveListeners.length).to.be.greaterThan(0);

    const ended = new Promise<CustomEvent<{ reason: string }>>((resolve) =>
      live!.element.addEventListener('cobrowse-ended', (e) => resolve(e as CustomEvent<{ reason: string }>), {
        once: true,
      }),
    );
    buttonNamed(live.element, 'End sharing').click();
    expect((await ended).detail.reason).to.equal('customer-ended');

    expect(instrumentation.activeObservers, 'MutationObservers still observing').to.equal(0);
    expect(instrumentation.liveListeners, 'page listeners still registered').to.deep.equal([]);
    expect(instrumentation.peerConnections.map((pc) => pc.signalingState)).to.deep.equal(
      instrumentation.peerConnections.map(() => 'closed'),
    );
    expect(shadow(live.element).querySelector('[data-cobrowse-overlay]') === null, 'overlay removed').to.equal(true);
    await until(
      () => instrumentation!.sockets.every((s) => s.readyState === WebSocket.CLOSED),
      'every customer socket to close',
    );
    await until(async () => (await auditTypes(live!.session.sessionId)).at(-1) === 'ended', 'the end in the audit');
    await until(() => !live!.agent.connected, 'the agent to see the channel close');
    await live.element.updateComplete;
    expect(shadow(live.element).textContent).to.contain('You stopped sharing this page.');
  });

  it('refuses a remote action into a masked field and leaves it unchanged', async () => {
    live = await goLive();
    const card = document.getElementById('card') as HTMLInputElement;
    const name = document.getElementById('name') as HTMLInputElement;
    const ids = {
      card: nodeIdOf(live.agent.received, 'card'),
      password: nodeIdOf(live.agent.received, 'password'),
      name: nodeIdOf(live.agent.received, 'name'),
    };

    // Before control: refused for that reason first.
    live.agent.send({ t: 'action', action: { kind: 'input', id: ids.name, value: 'Mallory' } });
    expect((await live.agent.waitFor(refusal)).reason).to.equal('no-control');
    expect(name.value).to.equal('Ada');

    await grantControl(live);
    live.agent.received.length = 0;
    live.agent.send({ t: 'action', action: { kind: 'input', id: ids.card, value: '5555 5555 5555 4444' } });
    const refused = await live.agent.waitFor(refusal);
    expect(refused).to.deep.equal({ t: 'action-refused', kind: 'input', reason: 'masked' });
    expect(card.value).to.equal('4111 1111 1111 1111');

    live.agent.received.length = 0;
    live.agent.send({ t: 'action', action: { kind: 'click', id: ids.password } });
    expect((await live.agent.waitFor(refusal)).reason).to.equal('masked');
    expect(document.activeElement?.id).to.not.equal('password');

    // The same path works on a plain field, and the page's own listeners see a real input event.
    live.agent.received.length = 0;
    let inputEvents = 0;
    name.addEventListener('input', () => (inputEvents += 1));
    live.agent.send({ t: 'action', action: { kind: 'input', id: ids.name, value: 'Ada Lovelace' } });
    await until(() => name.value === 'Ada Lovelace', 'the allowed input');
    expect(inputEvents).to.equal(1);
    expect(live.agent.received.filter((m) => m.t === 'action-refused')).to.deep.equal([]);
  });

  it('asks before giving control, honours Deny, and revokes with one click', async () => {
    live = await goLive();
    const { element, agent } = live;
    agent.send({ t: 'control-request' });
    await until(() => dialogOf(element)?.querySelector('#control-title'), 'the control prompt');
    const prompt = dialogOf(element)!;
    expect(prompt.getAttribute('aria-modal')).to.equal('true');
    expect(prompt.textContent).to.contain('Dana asks to control this page');
    expect([...prompt.querySelectorAll('button')].map((b) => b.textContent?.trim())).to.deep.equal([
      'Deny',
      'Allow control',
    ]);
    buttonNamed(element, 'Deny').click();
    await agent.waitFor((m) => m.t === 'control-deny');
    await element.updateComplete;
    expect(dialogOf(element) === null, 'prompt closed after Deny').to.equal(true);
    expect(indicatorText(element)).to.equal('Sharing this tab with Dana');

    const granted = new Promise((resolve) =>
      element.addEventListener('cobrowse-control-granted', resolve, { once: true }),
    );
    await grantControl(live);
    await granted;
    await until(() => indicatorText(element) === 'Dana is controlling this tab', 'the control indicator');

    const revoked = new Promise((resolve) =>
      element.addEventListener('cobrowse-control-revoked', resolve, { once: true }),
    );
    buttonNamed(element, 'Take back control').click();
    await revoked;
    await agent.waitFor((m) => m.t === 'control-revoke');
    await until(() => indicatorText(element) === 'Sharing this tab with Dana', 'the indicator without control');
    // Accessible names (icon buttons are named by aria-label).
    const names = [...shadow(element).querySelectorAll('button')].map(
      (b) => b.textContent?.trim() || b.getAttribute('aria-label'),
    );
    expect(names).to.deep.equal([
      'Move the sharing indicator (arrow keys)',
      'Pause',
      'Show what is hidden',
      'End sharing',
      'Minimise',
    ]);
    // Control is really gone: an action now is refused.
    const nameId = nodeIdOf(agent.received, 'name');
    agent.received.length = 0;
    agent.send({ t: 'action', action: { kind: 'input', id: nameId, value: 'Mallory' } });
    expect((await agent.waitFor(refusal)).reason).to.equal('no-control');
    expect((document.getElementById('name') as HTMLInputElement).value).to.equal('Ada');
    await until(
      async () => (await auditTypes(live!.session.sessionId)).includes('control-revoked'),
      'the revoke in the audit',
    );
  });

  it('overlay content (pointer, highlight, drawings) never appears in a captured frame', async () => {
    live = await goLive();
    const { element, agent } = live;
    agent.send({ t: 'pointer', x: 120, y: 80 });
    agent.send({ t: 'highlight', id: nodeIdOf(agent.received, 'pay'), label: 'OVERLAY-LABEL-SENTINEL' });
    agent.send({ t: 'annotation', id: 'drawing-1', shape: 'arrow', points: [10, 10, 200, 120], color: '#7c3aed' });
    await until(
      () => shadow(element).querySelector('[data-cobrowse-annotation="drawing-1"]'),
      'the drawing in the overlay',
    );
    await until(
      () => (shadow(element).querySelector<HTMLElement>('[data-cobrowse-highlight]')?.style.display ?? '') === 'block',
      'the highlight',
    );
    // A page change and a fresh snapshot while all of it is on screen.
    document.getElementById('name')!.setAttribute('data-changed', 'yes');
    agent.send({ t: 'resync', lastSeq: null });
    const before = agent.received.length;
    await agent.waitFor((m) => m.t === 'snapshot' && m.final && agent.received.indexOf(m) >= before);
    await agent.waitFor(
      (m) => m.t === 'mutations' || (m.t === 'snapshot' && JSON.stringify(m).includes('data-changed')),
    );

    const frames = agent.received.filter((m) => ['snapshot', 'mutations'].includes(m.t));
    const wire = JSON.stringify(frames);
    for (const marker of [
      'data-cobrowse-overlay',
      'data-cobrowse-pointer',
      'data-cobrowse-highlight',
      'data-cobrowse-annotation',
      'OVERLAY-LABEL-SENTINEL',
      'End sharing',
      'Sharing this tab',
    ]) {
      expect(wire.includes(marker), `"${marker}" in a captured frame`).to.equal(false);
    }
    expect(capturedTags(frames).has('cobrowse-session'), 'the element (or its shadow content) captured').to.equal(
      false,
    );
    expect(capturedTags(frames).has('polyline'), 'a drawing captured').to.equal(false);
    expect(wire.includes('data-changed'), 'the page itself is captured').to.equal(true);
  });

  it('the indicator says waiting, live and control, and a screenshot of it is reviewed', async () => {
    live = await goLive();
    expect(indicatorText(live.element)).to.equal('Sharing this tab with Dana');
    const indicator = shadow(live.element).querySelector('.indicator')!;
    expect(indicator.getAttribute('role')).to.equal('region');
    expect(indicator.getAttribute('aria-label')).to.equal('Screen sharing');
    await expectScreenshot('test/artifacts/indicator-live.png', { selector: '.indicator' });
    await grantControl(live);
    await until(() => indicatorText(live!.element) === 'Dana is controlling this tab', 'the control indicator');
    await expectScreenshot('test/artifacts/indicator-control.png', { selector: '.indicator' });
    // On a phone the longest indicator (control + two buttons) still fits the screen.
    await setViewport({ width: 360, height: 740 });
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const narrow = indicator.getBoundingClientRect();
    expect(narrow.left, 'indicator left edge at 360 px').to.be.at.least(0);
    expect(narrow.right, 'indicator right edge at 360 px').to.be.at.most(360);
    await setViewport({ width: 1280, height: 800 });
    // The agent leaves: the customer is told it is waiting again.
    live.agent.close();
    await until(() => indicatorText(live!.element) === 'Waiting for Dana to connect…', 'the waiting indicator', 15_000);
  });
});
