/**
 * The customer is told who watches: an invited supervisor joins a live
 * session (a real viewer socket on the real server), the indicator lists them
 * by name and role and the live region says so at once; axe finds nothing
 * wrong with the list (English and Arabic); Remove disconnects the viewer,
 * whose socket closes with the customer's reason. Control: before anyone is
 * invited, no list is shown and nothing is announced about viewers.
 */
import { expect } from '@open-wc/testing';
// @ts-expect-error -- virtual module served by the cobrowse-test-server plugin in web-test-runner.config.mjs
import { apiKey } from '/__cobrowse-test-server.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { goLive, type LiveSession } from './helpers/customer-live.js';
import { SERVER_URL, shadow, until } from './helpers/customer-page.js';

async function inviteViewer(sessionId: string, name: string, kind: 'agent' | 'supervisor'): Promise<string> {
  return (await invite(sessionId, name, kind)).token;
}

async function invite(
  sessionId: string,
  name: string,
  kind: 'agent' | 'supervisor',
): Promise<{ token: string; viewer: { id: string } }> {
  const response = await fetch(`/__api/sessions/${sessionId}/viewers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey as string}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, kind }),
  });
  if (response.status !== 201) throw new Error(`invite failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { token: string; viewer: { id: string } };
}

/** A viewer's signaling socket (the console's, without its peer): enough for the customer to see it join. */
function joinAsViewer(token: string): { socket: WebSocket; closed: Promise<{ code: number; reason: string }> } {
  const url = new URL('/ws', SERVER_URL);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  socket.addEventListener('open', () => socket.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, token })));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })),
  );
  return { socket, closed };
}

const listed = (live: LiveSession) =>
  [...shadow(live.element).querySelectorAll('.viewers li')].map((li) => li.textContent?.trim() ?? '');
const status = (live: LiveSession) =>
  shadow(live.element).querySelector('.indicator .label')?.textContent?.trim() ?? '';
const announced = (live: LiveSession) => shadow(live.element).querySelector('.live')?.textContent?.trim() ?? '';

describe('customer: who is watching', () => {
  let live: LiveSession | null = null;
  const sockets: WebSocket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
    live?.cleanup();
    live = null;
    sessionStorage.clear();
  });

  it('lists a viewer by name and role the moment they join, says it, and removes them for good', async () => {
    live = await goLive();
    // Control: nobody invited, nothing listed or said about viewers.
    expect(listed(live)).to.deep.equal([]);
    expect(announced(live)).to.equal('Sharing this tab with Dana');
    const token = await inviteViewer(live.session.sessionId, 'Sam', 'supervisor');
    const viewer = joinAsViewer(token);
    sockets.push(viewer.socket);
    await until(() => listed(live!).join('|') === 'Sam (supervisor)', 'the viewer in the indicator');
    expect(announced(live)).to.equal('Sam (supervisor) is now watching this tab');
    await expect(live.element).to.be.accessible();
    const remove = shadow(live.element).querySelector<HTMLButtonElement>(
      'button[aria-label="Remove Sam (supervisor)"]',
    );
    expect(remove).not.to.equal(null);
    remove?.click();
    const closed = await viewer.closed;
    expect(closed).to.deep.equal({ code: 4422, reason: 'The customer removed you from this session.' });
    await until(() => listed(live!).length === 0, 'the list to empty');
    // The same invite does not open the session again.
    const again = joinAsViewer(token);
    sockets.push(again.socket);
    expect((await again.closed).code).to.equal(4422);
  });

  it('when the agent’s console leaves while a viewer leads, the status names the viewer who leads', async () => {
    live = await goLive();
    const invited = await invite(live.session.sessionId, 'Sam', 'agent');
    const viewer = joinAsViewer(invited.token);
    sockets.push(viewer.socket);
    await until(() => listed(live!).join('|') === 'Sam (support agent)', 'the viewer in the indicator');
    live.agent.signaling.send({ t: 'hand-lead', to: invited.viewer.id });
    live.agent.close();
    await until(() => status(live!) === 'Sharing this tab with Sam', 'the status naming the lead', 5_000).catch(
      () => undefined,
    );
    expect(status(live)).to.equal('Sharing this tab with Sam');
    expect(announced(live)).to.equal('Sharing this tab with Sam');
    // Still sharing: Pause is there, the dot is not the waiting one.
    expect(shadow(live.element).querySelector('.indicator .pause')).not.to.equal(null);
    expect(shadow(live.element).querySelector('.indicator .dot.waiting')).to.equal(null);
    // Control: the viewer leaves, the lead goes back to the agent's absent console: waiting for Dana.
    viewer.socket.close();
    await until(() => listed(live!).length === 0, 'the viewer gone');
    await until(() => status(live!) === 'Waiting for Dana to connect…', 'waiting for the agent again');
  });

  it('in Arabic: translated, right to left, accessible', async () => {
    live = await goLive();
    live.element.setAttribute('lang', 'ar');
    await until(() => shadow(live!.element).querySelector('.indicator')?.getAttribute('dir') === 'rtl', 'Arabic');
    const token = await inviteViewer(live.session.sessionId, 'Ada', 'agent');
    sockets.push(joinAsViewer(token).socket);
    await until(() => listed(live!)[0] === 'Ada (موظف دعم)', 'the viewer in the indicator, in Arabic');
    expect(announced(live)).to.equal('Ada (موظف دعم) يشاهد هذا التبويب الآن');
    await expect(live.element).to.be.accessible();
  });
});
