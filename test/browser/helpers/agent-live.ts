/**
 * Brings an agent view to a live session with a simulated customer (real
 * server, real WebRTC) and the checkout page mirrored, for the tests that
 * start there.
 */
import { fixture, html } from '@open-wc/testing';
import { resetMouse, setViewport } from '@web/test-runner-commands';
import type { ChannelMessage } from '../../../shared/protocol.js';
import { SimulatedCustomer } from './agent-customer.js';
import { checkoutPage, type CheckoutPage } from './agent-frames.js';
import { SERVER_URL, createAgentTestSession, until, type AgentTestSession } from './agent-server.js';
import { statusText, type CobrowseAgentView } from './agent-view.js';

export interface LiveAgent {
  session: AgentTestSession;
  view: CobrowseAgentView;
  customer: SimulatedCustomer;
  page: CheckoutPage;
  /** Ends everything the test left running. */
  cleanup(): void;
}

/** The agent's element in a 960×640 box, as a support desk would embed it (or, `fullWindow`, the whole window, as the console shows it). */
export async function mountAgentView(token: string, fullWindow = false): Promise<CobrowseAgentView> {
  const size = fullWindow ? 'position:fixed;inset:0' : 'width:960px;height:640px';
  const box = await fixture<HTMLDivElement>(html`<div style="${size};display:flex;flex-direction:column">
    <button id="before-view" type="button">Before the view</button>
    <cobrowse-agent-view style="flex:1" server=${SERVER_URL} token=${token}></cobrowse-agent-view>
  </div>`);
  const view = box.querySelector('cobrowse-agent-view');
  if (!view) throw new Error('the agent view was not mounted');
  await view.updateComplete;
  return view;
}

/** The customer consents and connects; resolves once the agent says Live. */
export async function connectCustomer(session: AgentTestSession, view: CobrowseAgentView): Promise<SimulatedCustomer> {
  const customer = new SimulatedCustomer(SERVER_URL, session.customerToken);
  await customer.consent();
  await customer.connectPeer();
  await until(() => statusText(view) === 'Live', 'the agent to say Live');
  return customer;
}

/** Session created, view mounted, customer consented and connected, checkout page mirrored. */
export async function goLive(fullWindow = false): Promise<LiveAgent> {
  const session = await createAgentTestSession();
  const view = await mountAgentView(session.agentToken, fullWindow);
  await until(() => statusText(view) === 'Waiting for the customer', 'the agent to wait for consent');
  const customer = await connectCustomer(session, view);
  const page = checkoutPage();
  customer.send(page.snapshot);
  await until(() => view.mirror?.iframe.contentDocument?.querySelector('#pay'), 'the mirrored page');
  await view.updateComplete;
  return {
    session,
    view,
    customer,
    page,
    cleanup() {
      customer.close();
      view.remove();
    },
  };
}

/**
 * The mocha hooks every live agent-view suite shares, registered in the
 * calling describe: with `viewport`, the page takes that size before the
 * suite and the mouse is released after each test; the live session a test
 * started is cleaned up after it. Returns what a test calls to go live.
 */
export function liveAgentHooks(
  options: { viewport?: { width: number; height: number }; fullWindow?: boolean } = {},
): () => Promise<LiveAgent> {
  let live: LiveAgent | null = null;
  const { viewport } = options;
  if (viewport) before(() => setViewport(viewport));
  afterEach(async () => {
    if (viewport) await resetMouse();
    live?.cleanup();
    live = null;
  });
  return async () => (live = await goLive(options.fullWindow === true));
}

/** The agent asks for control (button) and the simulated customer grants it. */
export async function grantControl(live: LiveAgent, requestButton: HTMLButtonElement): Promise<void> {
  requestButton.click();
  await live.customer.waitFor((m) => m.t === 'control-request');
  live.customer.send({ t: 'control-grant' });
  await until(() => live.view.shadowRoot?.querySelector('form.nav'), 'the agent to show it has control');
}

/** The messages of one type the customer received, in order. */
export function receivedOf<T extends ChannelMessage['t']>(live: LiveAgent, t: T): Extract<ChannelMessage, { t: T }>[] {
  return live.customer.received.filter((m): m is Extract<ChannelMessage, { t: T }> => m.t === t);
}
