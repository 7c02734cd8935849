/**
 * Pause from the indicator, against the real server and a simulated agent
 * over real WebRTC: while paused nothing reaches the agent's data channel
 * (bytes counted on the agent's side of the channel, before decoding), resume
 * sends a fresh snapshot, and the audit records both with its chain intact.
 * The channel is ordered, so "the first bytes after the pause belong to the
 * resume's snapshot" proves nothing was sent in between. Control: the same
 * steps without the pause do put bytes on the channel before that snapshot.
 */
import { expect } from '@open-wc/testing';
// @ts-expect-error -- virtual module served by the cobrowse-test-server plugin in web-test-runner.config.mjs
import { apiKey } from '/__cobrowse-test-server.js';
import { goLive, type LiveSession } from './helpers/customer-live.js';
import { auditTypes, buttonNamed, indicatorText, until } from './helpers/customer-page.js';

const PAGE = `<main id="pause-page" style="font:16px system-ui;padding:24px">
  <h1>Account</h1><label>Name <input id="pause-name" value="Ada"></label><ul id="pause-list"></ul>
</main>`;

/** Lets the capture flush, if it is capturing: it flushes once per animation frame. */
async function frames(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
}

/** What the page does while the customer thinks it is not shared. */
async function busyPage(tag: string): Promise<void> {
  const list = document.getElementById('pause-list') as HTMLUListElement;
  for (let i = 0; i < 5; i++) list.insertAdjacentHTML('beforeend', `<li>${tag} ${i}</li>`);
  const input = document.getElementById('pause-name') as HTMLInputElement;
  input.value = `${tag} typed`;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await frames(4);
}

async function verification(sessionId: string): Promise<{ valid?: boolean; ok?: boolean }> {
  const response = await fetch(`/__api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${apiKey as string}` },
  });
  return ((await response.json()) as { verification: { valid?: boolean; ok?: boolean } }).verification;
}

describe('customer pause', () => {
  let live: LiveSession | null = null;

  beforeEach(() => document.body.insertAdjacentHTML('beforeend', PAGE));
  afterEach(() => {
    live?.cleanup();
    live = null;
    document.getElementById('pause-page')?.remove();
    sessionStorage.clear();
  });

  /** Index of the first snapshot part 0 received after message index `from`. */
  function nextSnapshot(session: LiveSession, from: number): Promise<number> {
    return until(() => {
      const i = session.agent.received.findIndex((m, index) => index >= from && m.t === 'snapshot' && m.part === 0);
      return i >= 0 ? i + 1 : 0;
    }, 'a fresh snapshot').then((i) => i - 1);
  }

  it('sends nothing while paused, and a fresh snapshot on resume; both audited', async () => {
    live = await goLive();
    const { agent, element, session } = live;
    await busyPage('before');
    await until(() => JSON.stringify(agent.received).includes('before 4'), 'the page before the pause at the agent');

    const mark = { bytes: agent.bytesReceived, messages: agent.received.length };
    buttonNamed(element, 'Pause').click();
    await element.updateComplete;
    expect(indicatorText(element)).to.equal('Sharing paused: Dana cannot see this tab');
    await busyPage('secret-while-paused');
    expect(agent.bytesReceived, 'bytes on the channel while paused').to.equal(mark.bytes);
    await until(async () => (await auditTypes(session.sessionId)).includes('paused'), 'the pause in the audit');

    buttonNamed(element, 'Resume').click();
    const snapshotAt = await nextSnapshot(live, mark.messages);
    expect(snapshotAt, 'the first message after the pause is the fresh snapshot').to.equal(mark.messages);
    expect(agent.bytesBefore[snapshotAt], 'bytes received between pause and the fresh snapshot').to.equal(mark.bytes);
    await agent.waitFor((m) => m.t === 'snapshot' && m.final && JSON.stringify(m).includes('secret-while-paused 4'));
    await until(() => indicatorText(element) === 'Sharing this tab with Dana', 'live again');

    const types = await auditTypes(session.sessionId);
    expect(types.filter((t) => t === 'paused' || t === 'resumed')).to.deep.equal(['paused', 'resumed']);
    const verdict = await verification(session.sessionId);
    expect(verdict.valid ?? verdict.ok, `audit chain: ${JSON.stringify(verdict)}`).to.equal(true);
  });

  it('control: without the pause the same page activity does reach the channel first', async () => {
    live = await goLive();
    const { agent, element } = live;
    const mark = { bytes: agent.bytesReceived, messages: agent.received.length };
    await busyPage('unpaused');
    await until(() => agent.bytesReceived > mark.bytes, 'bytes on the channel');
    element.pause();
    element.resume();
    const snapshotAt = await nextSnapshot(live, mark.messages);
    expect(snapshotAt).to.be.greaterThan(mark.messages);
    expect(agent.bytesBefore[snapshotAt]).to.be.greaterThan(mark.bytes);
  });
});
