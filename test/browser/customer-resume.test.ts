/**
 * Navigation resume: a live session leaves a sessionStorage record; the
 * element on the next page (a new instance) picks it up without asking again.
 * And one element never runs two sessions.
 */
import { expect } from '@open-wc/testing';
import { parseInvite } from '../../client/invite.js';
import { saveResume } from '../../client/resume-store.js';
import type { CobrowseSession } from '../../client/cobrowse-session.js';
import { SimulatedAgent } from './helpers/customer-agent.js';
import { goLive, type LiveSession } from './helpers/customer-live.js';
import {
  PageInstrumentation,
  SERVER_URL,
  addElement,
  auditTypes,
  createTestSession,
  dialogOf,
  indicatorText,
  until,
} from './helpers/customer-page.js';

describe('customer navigation resume', () => {
  let element: CobrowseSession | null = null;
  let agent: SimulatedAgent | null = null;
  let live: LiveSession | null = null;
  let instrumentation: PageInstrumentation | null = null;
  afterEach(() => {
    element?.end();
    element?.remove();
    element = null;
    agent?.close();
    agent = null;
    live?.cleanup();
    live = null;
    instrumentation?.uninstall();
    instrumentation = null;
    sessionStorage.clear();
  });

  it('resumes on the next page without a consent prompt and reports the page', async () => {
    const session = await createTestSession({ agentName: 'Dana' });
    // What the previous page of this tab left behind after the customer allowed.
    saveResume({ invite: parseInvite(session.inviteCode), controlGranted: false, paused: false }, true);
    element = await addElement();
    await until(() => indicatorText(element!) === 'Waiting for Dana to connect…', 'the waiting indicator');
    expect(dialogOf(element) === null, 'a consent prompt on resume').to.equal(true);
    agent = new SimulatedAgent(SERVER_URL, session.agentToken);
    await agent.waitConnected();
    const snapshot = await agent.waitFor((m) => m.t === 'snapshot' && m.final);
    expect(snapshot.t === 'snapshot' && snapshot.url).to.equal(location.href);
    await until(() => indicatorText(element!) === 'Sharing this tab with Dana', 'the live indicator');
    const types = await auditTypes(session.sessionId);
    expect(types).to.include('page-visited');
    expect(types.filter((t) => t === 'consent-shown')).to.deep.equal([]);
  });

  it('does not resume an expired record', async () => {
    const session = await createTestSession({ agentName: 'Dana' });
    saveResume(
      { invite: parseInvite(session.inviteCode), controlGranted: false, paused: false },
      true,
      Date.now() - 10 * 60 * 1000,
    );
    element = await addElement();
    // No wait needed: the element decides in connectedCallback, and addElement awaited its first complete
    // update (the view module included), so a resumed session would show its indicator ('Starting…') by now.
    expect(indicatorText(element)).to.equal('');
    expect(sessionStorage.getItem('cobrowse:session')).to.equal(null);
  });

  it('does not resume a record its page did not leave (a copy another window made while it was live)', async () => {
    const session = await createTestSession({ agentName: 'Dana' });
    // What window.open or Duplicate tab copies from a live page.
    saveResume({ invite: parseInvite(session.inviteCode), controlGranted: true, paused: false });
    const copy = sessionStorage.getItem('cobrowse:session');
    element = await addElement();
    // The element decides in connectedCallback (see above): a resumed session would show 'Starting…' by now.
    expect(indicatorText(element)).to.equal('');
    expect(sessionStorage.getItem('cobrowse:session'), 'the live window’s record, untouched').to.equal(copy);
    // Control: the same record as its page left it resumes.
    element.remove();
    saveResume({ invite: parseInvite(session.inviteCode), controlGranted: false, paused: false }, true);
    element = await addElement();
    expect(indicatorText(element)).not.to.equal('');
  });

  it('moving the live element in the page keeps one session, not two', async () => {
    instrumentation = new PageInstrumentation().install();
    live = await goLive();
    const sockets = instrumentation.sockets.length;
    const peers = instrumentation.peerConnections.length;
    // A framework re-parents the element: disconnected and connected again in one task.
    const holder = document.createElement('div');
    document.body.append(holder);
    holder.append(live.element);
    // A round trip over the data channel, answered after the move was handled (its check runs in a
    // microtask): a session ended by the move would not answer, and a second one would show 'Starting…'.
    const ts = Date.now();
    live.agent.send({ t: 'ping', ts });
    await live.agent.waitFor((m) => m.t === 'pong' && m.ts === ts);
    await live.element.updateComplete;
    expect(
      live.agent.received.some((m) => m.t === 'end'),
      'an end message after the move',
    ).to.equal(false);
    expect(instrumentation.sockets.length, 'new signaling sockets after a move').to.equal(sockets);
    expect(instrumentation.peerConnections.length, 'new peer connections after a move').to.equal(peers);
    expect(indicatorText(live.element)).to.equal('Sharing this tab with Dana');
    holder.remove();
  });

  it('removing the element from the page stops sharing (no capture without a visible indicator)', async () => {
    instrumentation = new PageInstrumentation().install();
    live = await goLive(() => instrumentation!.trackListeners());
    live.element.remove();
    await until(() => instrumentation!.activeObservers === 0, 'capture to stop after the element left the page');
    await until(
      () => instrumentation!.peerConnections.every((pc) => pc.signalingState === 'closed'),
      'the peer connection to close',
    );
    await until(async () => (await auditTypes(live!.session.sessionId)).at(-1) === 'ended', 'the end in the audit');
    expect(sessionStorage.getItem('cobrowse:session'), 'a resume record after the session ended').to.equal(null);
  });
});
