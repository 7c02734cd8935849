/** Brings a customer element to a live session with a simulated agent, for the tests that start there. */
import type { CobrowseSession } from '../../../client/cobrowse-session.js';
import { SimulatedAgent } from './customer-agent.js';
import {
  SERVER_URL,
  addElement,
  buttonNamed,
  createTestSession,
  indicatorText,
  until,
  type TestSession,
} from './customer-page.js';

export interface LiveSession {
  session: TestSession;
  element: CobrowseSession;
  agent: SimulatedAgent;
  /** Ends everything the test left running. */
  cleanup(): void;
}

/** Offer, Allow, agent joins, first snapshot received, indicator says live. `beforeAllow` runs with the prompt open. */
export async function goLive(beforeAllow?: (element: CobrowseSession) => void | Promise<void>): Promise<LiveSession> {
  const session = await createTestSession({ agentName: 'Dana' });
  const element = await addElement();
  const answer = element.offer(session.inviteCode);
  await element.updateComplete;
  await beforeAllow?.(element);
  const agent = new SimulatedAgent(SERVER_URL, session.agentToken);
  buttonNamed(element, 'Allow sharing').click();
  if ((await answer) !== 'granted') throw new Error('consent was not granted');
  await agent.waitConnected();
  await agent.waitFor((m) => m.t === 'snapshot' && m.final);
  await until(() => indicatorText(element) === 'Sharing this tab with Dana', 'the live indicator');
  return {
    session,
    element,
    agent,
    cleanup() {
      element.end();
      agent.close();
      element.remove();
    },
  };
}

/** The agent asks for control and the customer clicks Allow control. */
export async function grantControl(live: LiveSession): Promise<void> {
  live.agent.send({ t: 'control-request' });
  await until(() => live.element.shadowRoot?.querySelector('#control-title'), 'the control prompt');
  buttonNamed(live.element, 'Allow control').click();
  await live.agent.waitFor((m) => m.t === 'control-grant');
}
