/**
 * The agent view's life in a host page: moving the element (a desk
 * rearranging its panes) keeps the session, and the mirror asks the customer
 * for the page again because the browser restarted its iframe; removing it
 * for good closes the connection. Judged by the simulated customer on the
 * real data channel and by what the agent sees.
 */
import { expect } from '@open-wc/testing';
import { connectCustomer, liveAgentHooks, mountAgentView } from './helpers/agent-live.js';
import { createAgentTestSession, until } from './helpers/agent-server.js';
import { agentShadow, statusText, type CobrowseAgentView } from './helpers/agent-view.js';

describe('agent view in the host page', () => {
  const startLive = liveAgentHooks();

  it('moving the element keeps the session live and brings the page back', async () => {
    const live = await startLive();
    const view = live.view;
    const session = view.session;
    const elsewhere = document.createElement('div');
    elsewhere.style.cssText = 'width:900px;height:600px;display:flex;flex-direction:column';
    document.body.append(elsewhere);
    elsewhere.append(view);
    await view.updateComplete;
    // The same session, still live, asking for the page again.
    const resync = await live.customer.waitFor((m) => m.t === 'resync');
    expect(resync.t).to.equal('resync');
    expect(view.session).to.equal(session);
    expect(statusText(view)).to.equal('Live');
    live.customer.send({ ...live.page.snapshot, seq: live.page.nextSeq });
    await until(() => view.mirror?.iframe.contentDocument?.querySelector('#pay'), 'the page mirrored again');
    elsewhere.remove();
  });

  it('removed from the page for good, it closes its connection', async () => {
    const live = await startLive();
    live.view.remove();
    await until(() => live?.customer.connected === false, 'the customer to see the channel close');
  });
});

describe('agent view: the answering peer', () => {
  it('is made while the console waits for consent, so the offer finds it ready, and the session goes live with it', async () => {
    // Peer connections the console makes (simple-peer reads the global when it makes one).
    const Native = window.RTCPeerConnection;
    let made = 0;
    window.RTCPeerConnection = class extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        made += 1;
      }
    };
    let view: CobrowseAgentView | null = null;
    try {
      const session = await createAgentTestSession();
      view = await mountAgentView(session.agentToken);
      await until(() => statusText(view!) === 'Waiting for the customer', 'the agent to wait for consent');
      // Made with the waiting state, in the same task.
      expect(made, 'answering peers made before consent').to.equal(1);
      window.RTCPeerConnection = Native;
      // The offer is answered with it: the session goes live.
      const customer = await connectCustomer(session, view);
      customer.close();
    } finally {
      window.RTCPeerConnection = Native;
      view?.remove();
    }
  });
});

describe('agent view: end-of-session summary', () => {
  const startLive = liveAgentHooks();

  it('shows duration, pages visited, control and who ended it when the customer ends the session', async () => {
    const live = await startLive();
    const signaling = live.customer.signaling;
    signaling.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/cart?id=7' } });
    signaling.send({ t: 'event', event: { kind: 'page-visited', url: 'https://shop.example/checkout' } });
    signaling.send({ t: 'event', event: { kind: 'control-granted' } });
    // One socket's messages are handled in order: the end comes after these events on the server.
    live.customer.end();
    const summary = await until(
      () => agentShadow(live?.view as CobrowseAgentView).querySelector('.end-summary'),
      'the summary',
    );
    const text = summary?.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(text).to.match(/Duration ?\d+ s/);
    expect(text).to.contain('2: /cart, /checkout');
    expect(text).not.to.contain('id=7');
    expect(text).to.match(/Control ?granted/);
    expect(text).to.match(/Ended ?Ended by the customer/);
  });
});
