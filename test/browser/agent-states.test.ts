/**
 * <cobrowse-agent-view>'s connection states as the agent sees them, against
 * the real server and a simulated customer (real signaling client, real
 * WebRTC peer and channel in the same page): waiting for consent, live with
 * the page's title and path, stale while the customer's page reconnects,
 * ended with the reason, and a clear message for a bad link.
 */
import { expect } from '@open-wc/testing';
import type { SimulatedCustomer } from './helpers/agent-customer.js';
import { PAGE_TITLE, checkoutMutations, checkoutPage } from './helpers/agent-frames.js';
import { connectCustomer, goLive, mountAgentView, type LiveAgent } from './helpers/agent-live.js';
import { createAgentTestSession, until } from './helpers/agent-server.js';
import {
  buttonNamed,
  mirrorElement,
  noticeText,
  pageLine,
  staleBanner,
  statusText,
  toolbarButtons,
  type CobrowseAgentView,
} from './helpers/agent-view.js';

describe('agent view states', () => {
  let live: LiveAgent | null = null;
  let view: CobrowseAgentView | null = null;
  let customer: SimulatedCustomer | null = null;

  afterEach(() => {
    live?.cleanup();
    customer?.close();
    view?.remove();
    live = null;
    customer = null;
    view = null;
  });

  it('waits for the customer, goes live, then shows the page title and path from the snapshot and follows mutations', async () => {
    const session = await createAgentTestSession();
    view = await mountAgentView(session.agentToken);
    await until(() => statusText(view!) === 'Waiting for the customer', 'Waiting for the customer');
    expect(noticeText(view)).to.contain('Waiting for the customer to accept');
    expect(
      toolbarButtons(view)
        .filter((b) => !b.disabled)
        .map((b) => b.textContent?.trim()),
    ).to.deep.equal(['End session']);

    customer = await connectCustomer(session, view);
    expect(statusText(view)).to.equal('Live');
    // Live but nothing to show yet: no page line, the notice still holds the stage.
    expect(pageLine(view)).to.equal('');

    const page = checkoutPage();
    customer.send(page.snapshot);
    await until(() => pageLine(view!).includes(PAGE_TITLE), 'the page title');
    // The path only: the query string and fragment may carry personal data.
    expect(pageLine(view)).to.equal(`${PAGE_TITLE} · /checkout`);
    await view.updateComplete;
    expect(noticeText(view)).to.equal('');
    expect(mirrorElement(view, '#title').textContent).to.equal('Checkout');

    customer.send(checkoutMutations(page));
    await until(
      () => view!.mirror?.iframe.contentDocument?.querySelector('#status')?.textContent === 'Address saved',
      'the mutation in the mirror',
    );
    expect(mirrorElement(view, '#title').textContent).to.equal('Checkout: review');
  });

  it('marks the view stale and says Reconnecting when the customer’s peer closes while the customer is still present, then recovers', async () => {
    live = await goLive();
    expect(staleBanner(live.view)).to.equal('');
    live.customer.dropPeer();
    await until(() => statusText(live!.view) === 'Reconnecting', 'Reconnecting');
    await live.view.updateComplete;
    expect(staleBanner(live.view)).to.contain('may be out of date');
    // The last view stays on screen, marked, not replaced by a blank notice.
    expect(mirrorElement(live.view, '#pay').textContent).to.equal('Pay now');
    expect(noticeText(live.view)).to.equal('');

    await live.customer.connectPeer();
    await until(() => statusText(live!.view) === 'Live', 'Live again');
    live.customer.send(checkoutPage().snapshot);
    await until(() => staleBanner(live!.view) === '', 'the stale banner to go');
  });

  it('says Ended with the reason when the customer ends the session', async () => {
    live = await goLive();
    live.customer.end();
    await until(() => statusText(live!.view) === 'Ended', 'Ended');
    await live.view.updateComplete;
    expect(noticeText(live.view)).to.contain('Session ended');
    expect(noticeText(live.view)).to.contain('The customer stopped sharing.');
    expect(buttonNamed(live.view, 'End session').disabled).to.equal(true);
    expect(toolbarButtons(live.view).every((b) => b.disabled)).to.equal(true);
  });

  it('says Invalid link with a clear message for a token the server does not know', async () => {
    view = await mountAgentView('unknown-token-0123456789abcdefghijklmnopqrstuv');
    await until(() => statusText(view!) === 'Invalid link', 'Invalid link');
    await view.updateComplete;
    expect(noticeText(view)).to.contain('This link does not work');
    expect(noticeText(view)).to.contain('This link is not valid. Ask for a new co-browsing link.');
  });

  it('says Invalid link, not Ended, for a truncated token', async () => {
    // A link cut short in a chat message: the token is too short to even be well-formed.
    view = await mountAgentView('abc123');
    await until(
      () => ['Invalid link', 'Ended'].includes(statusText(view!)),
      `a final state (status: ${statusText(view)})`,
    );
    await view.updateComplete;
    expect(statusText(view)).to.equal('Invalid link');
    expect(noticeText(view)).to.contain('This link is not valid. Ask for a new co-browsing link.');
  });
});
