/**
 * What Allow starts first. Closing the consent prompt (and, where it is shown
 * with showModal() over a page's own modal dialog, the restyle of the whole
 * page that was inert behind it, tens of milliseconds on a large page) waits:
 * the session, evaluated while the prompt showed, sends its offer first and
 * the prompt closes right after, while the agent answers
 * (client/top-layer-ui.ts, RenderHold). The
 * order is observed on the wire: what the page shows at the moment the offer
 * is handed to the socket. Without an agent (no offer) the prompt closes all
 * the same and focus goes back. The offer tests wait as long as it takes
 * for the offer (on a loaded machine it can take longer than the product's
 * 100 ms safety wait, after which the prompt closes anyway); the control
 * keeps the product's wait, which is what closes the prompt there.
 */
import { expect } from '@open-wc/testing';
import type { CobrowseSession } from '../../client/cobrowse-session.js';
import { RenderHold } from '../../client/top-layer-ui.js';
import { SimulatedAgent } from './helpers/customer-agent.js';
import {
  PageInstrumentation,
  SERVER_URL,
  addElement,
  agentArrival,
  buttonNamed,
  createTestSession,
  dialogOf,
  indicatorText,
  until,
} from './helpers/customer-page.js';

interface AtOffer {
  promptShown: boolean;
  modal: boolean;
  focus: string | undefined;
}

function isOffer(message: unknown): boolean {
  const m = message as { t?: unknown; data?: { type?: unknown } } | null;
  return m?.t === 'signal' && m.data?.type === 'offer';
}

describe('customer Allow: the offer before the prompt closes', () => {
  let instrumentation: PageInstrumentation | null = null;
  let element: CobrowseSession | null = null;
  let agent: SimulatedAgent | null = null;

  beforeEach(() => {
    document.body.insertAdjacentHTML('beforeend', '<main id="page"><button id="before">Pay now</button></main>');
  });
  const productWait = RenderHold.offerWaitMs;
  afterEach(() => {
    RenderHold.offerWaitMs = productWait;
    instrumentation?.uninstall();
    instrumentation = null;
    element?.end();
    element?.remove();
    element = null;
    agent?.close();
    agent = null;
    document.getElementById('page')?.remove();
    sessionStorage.clear();
  });

  // The agent there before the prompt, or joining while it shows: then the consent socket's welcome said
  // "no agent" and its next message "agent here"; both reach the session at Allow, the first must not close the prompt.
  for (const agentJoins of ['before the prompt', 'while the prompt shows'] as const) {
    it(`sends the offer while the prompt still shows, then closes it and gives focus back (agent ${agentJoins})`, async () => {
      RenderHold.offerWaitMs = 60_000;
      instrumentation = new PageInstrumentation().install();
      const session = await createTestSession({ agentName: 'Dana' });
      if (agentJoins === 'before the prompt') agent = new SimulatedAgent(SERVER_URL, session.agentToken);
      const before = document.getElementById('before')!;
      before.focus();
      element = await addElement();
      const answer = element.offer(session.inviteCode);
      await until(() => dialogOf(element!) !== null, 'the prompt');
      if (agentJoins === 'while the prompt shows') {
        const consentSocket = instrumentation.sockets[0];
        if (!consentSocket) throw new Error('no consent socket');
        const heard = agentArrival(consentSocket);
        agent = new SimulatedAgent(SERVER_URL, session.agentToken);
        await heard;
      }
      // The session bundle evaluated while the prompt shows (its mark), so Allow can start it at once.
      await until(() => performance.getEntriesByName('cobrowse:session-evaluated').length > 0, 'the session evaluated');
      const seen: AtOffer[] = [];
      instrumentation.onSend = (message) => {
        if (!isOffer(message) || !element) return;
        const dialog = dialogOf(element);
        seen.push({
          promptShown: dialog !== null,
          modal: dialog instanceof HTMLDialogElement && dialog.open,
          focus: document.activeElement?.id,
        });
      };
      buttonNamed(element, 'Allow sharing').click();
      expect(await answer).to.equal('granted');
      await agent!.waitConnected();
      expect(seen, 'the page when the offer left').to.deep.equal([{ promptShown: true, modal: true, focus: '' }]);
      await until(() => indicatorText(element!).length > 0, 'the indicator');
      expect(dialogOf(element) === null, 'the prompt closed').to.equal(true);
      expect(document.activeElement?.id, 'focus back where it was').to.equal('before');
    });
  }

  it('control: without an agent there is no offer, and the prompt closes and gives focus back all the same', async () => {
    instrumentation = new PageInstrumentation().install();
    const session = await createTestSession({ agentName: 'Dana' });
    document.getElementById('before')!.focus();
    element = await addElement();
    const answer = element.offer(session.inviteCode);
    await until(() => dialogOf(element!) !== null, 'the prompt');
    let offers = 0;
    instrumentation.onSend = (message) => (offers += isOffer(message) ? 1 : 0);
    buttonNamed(element, 'Allow sharing').click();
    expect(await answer).to.equal('granted');
    await until(() => indicatorText(element!) === 'Waiting for Dana to connect…', 'the waiting indicator');
    expect(dialogOf(element) === null, 'the prompt closed').to.equal(true);
    expect(document.activeElement?.id, 'focus back where it was').to.equal('before');
    expect(offers, 'offers sent').to.equal(0);
  });
});
