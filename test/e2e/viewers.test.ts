/**
 * More than one viewer, end to end: the customer in one Chromium process, the
 * lead agent in a second, a supervisor and a second agent in a third and a
 * fourth, against the real server over real WebRTC. The customer sees who
 * watches and removes one; the lead hands the lead on; a supervisor's whisper
 * reaches the lead and no byte of it reaches the customer (every signaling
 * frame the customer's page received and every data channel byte it received,
 * decoded, checked; control: the same recordings hold the supervisor's name and
 * the new lead's control request); a fifth agent is refused with the limit in words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MessageDecoder } from '../../shared/codec.js';
import { ChunkAssembler } from '../../shared/framing.js';
import { MAX_AGENTS } from '../../shared/viewer-protocol.js';
import { launchChromium, type LaunchedChromium } from '../node/helpers/chromium.js';
import type { TestServer } from '../node/helpers/server.js';
import { agentStatus, mirrorElement, newSession, offer, startHarness, type Harness } from './helpers/harness.js';
import { until } from './helpers/live-control.js';

let harness: Harness | undefined;
const extraBrowsers: LaunchedChromium[] = [];
afterEach(async () => {
  await Promise.all(extraBrowsers.splice(0).map((browser) => browser.close()));
  await harness?.close();
  harness = undefined;
});

/** Every message the customer's data channels receive, per channel, as bytes. */
const RECORD_RECEIVED = `
  (() => {
    window.__received = [];
    const create = RTCPeerConnection.prototype.createDataChannel;
    RTCPeerConnection.prototype.createDataChannel = function (...args) {
      const channel = create.apply(this, args);
      const kept = [];
      window.__received.push(kept);
      channel.addEventListener('message', (event) => {
        const data = event.data;
        kept.push(typeof data === 'string' ? data : Array.from(new Uint8Array(data)));
      });
      return channel;
    };
  })();
`;

async function receivedOverChannels(customer: Page): Promise<{ bytes: Buffer; decoded: string[] }> {
  const channels = await customer.evaluate(
    () => (window as unknown as { __received: (number[] | string)[][] }).__received,
  );
  const decoded: string[] = [];
  const raw: Buffer[] = [];
  for (const chunks of channels) {
    const assembler = new ChunkAssembler();
    // The agents' direction is not deflated (shared/channel.ts): plain msgpack frames.
    const decoder = new MessageDecoder();
    for (const chunk of chunks) {
      if (typeof chunk === 'string') throw new Error('a text message went over the data channel');
      raw.push(Buffer.from(chunk));
      const assembled = assembler.push(Uint8Array.from(chunk));
      if ('complete' in assembled) {
        const result = decoder.decode(assembled.complete);
        if (result.ok) decoded.push(JSON.stringify(result.message));
      }
    }
  }
  return { bytes: Buffer.concat(raw), decoded };
}

async function inviteOverRest(server: TestServer, sessionId: string, name: string, kind: 'agent' | 'supervisor') {
  const res = await fetch(`${server.baseUrl}/api/sessions/${sessionId}/viewers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, kind }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { link: string; viewer: { id: string } };
}

function shadow(customer: Page, selector: string): Promise<string[]> {
  return customer.evaluate(
    (sel) =>
      [...(document.querySelector('cobrowse-session')?.shadowRoot?.querySelectorAll(sel) ?? [])].map(
        (el) => el.textContent?.trim() ?? '',
      ),
    selector,
  );
}

async function openLive(page: Page, link: string, title: string): Promise<void> {
  await page.goto(link);
  await until(async () => (await agentStatus(page)) === 'Live', 'the viewer to be live', 60_000);
  await until(async () => (await mirrorElement(page, '#title'))?.text === title, 'the viewer’s mirror', 60_000);
}

describe('more than one viewer', () => {
  it('a supervisor and a second agent watch; whisper, hand-over, removal and the limit', async () => {
    harness = await startHarness();
    const [supervisorBrowser, colleagueBrowser] = await Promise.all([launchChromium(), launchChromium()]);
    extraBrowsers.push(supervisorBrowser, colleagueBrowser);
    const session = await newSession(harness, { agentName: 'Dana' });
    // The customer's page records what it receives (socket frames, data channel bytes) from its first script on.
    const customer = await harness.customerBrowser.newPage();
    await customer.addInitScript(RECORD_RECEIVED);
    const customerFrames: string[] = [];
    customer.on('websocket', (socket) =>
      socket.on('framereceived', (frame) => customerFrames.push(String(frame.payload))),
    );
    await customer.goto(`${harness.shop.url}/checkout`);
    await offer(customer, session.inviteCode);
    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    const agent = await harness.agentBrowser.newPage();
    await openLive(agent, session.agentLink, 'Checkout');
    const sessionId = session.sessionId;

    // The lead invites a supervisor with the console's Invite button; the chat system invites a second agent.
    await agent.getByText('Invite a viewer', { exact: true }).click();
    if (process.env['VIEWERS_SCREENSHOTS']) {
      // The invite form as the lead sees it: wide, on a phone, and at 200 % zoom (half the width at twice the scale).
      await agent.getByLabel('Name').focus();
      await agent.screenshot({ path: 'test/artifacts/diff/viewers-invite.png' });
      await agent.setViewportSize({ width: 360, height: 640 });
      await agent.screenshot({ path: 'test/artifacts/diff/viewers-invite-360.png' });
      await agent.setViewportSize({ width: 640, height: 400 });
      await agent.evaluate(() => document.documentElement.style.setProperty('zoom', '2'));
      await agent.screenshot({ path: 'test/artifacts/diff/viewers-invite-zoom200.png', fullPage: true });
      await agent.evaluate(() => document.documentElement.style.removeProperty('zoom'));
      await agent.setViewportSize({ width: 1280, height: 800 });
    }
    await agent.getByLabel('Name').fill('Sam');
    await agent.getByLabel('Role').selectOption('supervisor');
    await agent.getByRole('button', { name: 'Invite' }).click();
    const supervisorLink = await agent.getByLabel(/^Invite link for Sam/).inputValue();
    expect(supervisorLink).toContain('/agent/#token=vw.');
    const colleagueInvite = await inviteOverRest(harness.server, sessionId, 'Ada', 'agent');

    const supervisor = await supervisorBrowser.newPage();
    await openLive(supervisor, supervisorLink, 'Checkout');
    // The customer is told at once, by name and role, in the indicator and the live region.
    await until(
      async () => (await shadow(customer, '.live'))[0] === 'Sam (supervisor) is now watching this tab',
      'the announcement',
    );
    const colleague = await colleagueBrowser.newPage();
    await openLive(colleague, colleagueInvite.link, 'Checkout');
    await until(
      async () => (await shadow(customer, '.viewers li')).join('|') === 'Sam (supervisor)|Ada (support agent)',
      'the customer to see both viewers',
    );
    // The console names everyone with the customer's words: "(support agent)", not "(agent)".
    const participants = agent.getByRole('list', { name: /^Watching:/ });
    await participants.getByText('Ada (support agent)').waitFor();
    expect(await participants.getByText(/^Dana \(support agent\)/).count()).toBe(1);
    expect(await participants.getByText(/\(agent\)/).count()).toBe(0);

    if (process.env['VIEWERS_SCREENSHOTS']) {
      await customer.setViewportSize({ width: 360, height: 640 });
      await customer.screenshot({ path: 'test/artifacts/diff/viewers-customer-360.png' });
      await customer.setViewportSize({ width: 1280, height: 800 });
      await customer.screenshot({ path: 'test/artifacts/diff/viewers-customer.png' });
      await agent.screenshot({ path: 'test/artifacts/diff/viewers-lead.png' });
      await supervisor.screenshot({ path: 'test/artifacts/diff/viewers-supervisor.png' });
    }
    // Viewers watch read-only: no guidance tools, no control request.
    await expect.poll(() => supervisor.getByRole('button', { name: 'Pointer' }).isDisabled()).toBe(true);
    await expect.poll(() => colleague.getByRole('button', { name: 'Request control' }).isDisabled()).toBe(true);
    expect(await supervisor.getByText(/You are watching as supervisor: read-only/).count()).toBe(1);

    // The supervisor whispers; the lead reads it.
    const secret = 'WHISPER-e2e-91c: offer the goodwill voucher';
    await supervisor.getByRole('textbox', { name: /^Whisper to / }).fill(secret);
    await supervisor.getByRole('button', { name: 'Send' }).click();
    await agent.getByRole('log', { name: 'Whispers from supervisors' }).getByText(secret).waitFor();
    // A viewer's guidance and control request, sent past its console's disabled tools, are refused by the customer's page.
    await supervisor.evaluate(() => {
      const session = document.querySelector('cobrowse-agent-view')?.session;
      session?.send({ t: 'control-request' });
      session?.send({ t: 'highlight', id: 1, label: 'VIEWER-HIGHLIGHT' });
    });
    await supervisor.getByText('The customer declined to give you control.').waitFor();
    // Its remote action, sent on its own channel with ids of its own mirror, is refused by the customer's page.
    const refused = await supervisor.evaluate(async () => {
      const view = document.querySelector('cobrowse-agent-view');
      const button = view?.mirror?.iframe.contentDocument?.querySelector('button');
      const id = button ? view?.mirror?.idOf(button) : undefined;
      if (id === undefined || !view?.session) return 'no button';
      view.session.send({ t: 'action', action: { kind: 'click', id }, serial: 1 });
      return 'sent';
    });
    expect(refused).toBe('sent');
    await supervisor.getByText('You no longer have control.').waitFor();
    expect(await customer.getByRole('button', { name: 'Allow control' }).count()).toBe(0);
    expect((await shadow(customer, '.overlay')).join('')).not.toContain('VIEWER-HIGHLIGHT');

    // The lead hands the lead to Ada: her tools work, Dana's do not.
    await agent.getByRole('button', { name: 'Make Ada lead' }).click();
    await expect.poll(() => colleague.getByRole('button', { name: 'Request control' }).isDisabled()).toBe(false);
    await expect.poll(() => agent.getByRole('button', { name: 'Request control' }).isDisabled()).toBe(true);
    await colleague.getByRole('button', { name: 'Request control' }).click();
    // The customer is asked by the new lead, by name.
    await customer.getByRole('heading', { name: 'Ada asks to control this page' }).waitFor();
    await customer.getByRole('button', { name: 'Allow control' }).click();
    await colleague.getByRole('button', { name: 'Release control' }).waitFor();
    // Control for the refusal above: the lead's action is applied on the customer's page.
    await colleague.evaluate(async () => {
      const session = document.querySelector('cobrowse-agent-view')?.session;
      session?.act({ kind: 'scroll', id: 0, x: 0, y: 120 });
      await session?.drained();
    });
    await until(async () => (await customer.evaluate(() => Math.round(scrollY))) === 120, 'the lead’s scroll to apply');

    // Not one byte of the whisper reached the customer, on its socket or its data channels.
    await until(
      async () => customerFrames.some((f) => f.includes('"lead"') && f.includes(colleagueInvite.viewer.id)),
      'the roster after the hand-over',
    );
    const socketText = customerFrames.join('\n');
    const { bytes, decoded } = await receivedOverChannels(customer);
    for (const piece of ['WHISPER-e2e-91c', 'goodwill']) {
      expect(socketText.includes(piece)).toBe(false);
      expect(bytes.includes(piece)).toBe(false);
      expect(decoded.some((m) => m.includes(piece))).toBe(false);
    }
    // Control: the same recordings hold what the customer is meant to get.
    expect(socketText).toContain('Sam');
    expect(decoded.some((m) => m.includes('"t":"control-request"'))).toBe(true);

    // The customer removes the supervisor: told why, and the invite is void.
    await customer.getByRole('button', { name: 'Remove Sam (supervisor)' }).click();
    await supervisor.getByText('The customer removed you from this session.').first().waitFor();
    await supervisor.reload();
    await supervisor
      .getByText(/The customer removed you from this session/)
      .first()
      .waitFor();
    await until(
      async () => (await shadow(customer, '.viewers li')).join('|') === 'Ada (support agent)',
      'Sam to be gone',
    );

    // The limit: with the lead, Ada and two more, a fifth agent is refused with the limit in words.
    const more = [];
    for (const name of ['Ben', 'Cy', 'Dee']) more.push(await inviteOverRest(harness.server, sessionId, name, 'agent'));
    const ben = await supervisorBrowser.newPage();
    await openLive(ben, more[0]!.link, 'Checkout');
    const cy = await colleagueBrowser.newPage();
    await openLive(cy, more[1]!.link, 'Checkout');
    const dee = await supervisorBrowser.newPage();
    await dee.goto(more[2]!.link);
    await dee
      .getByText(`${MAX_AGENTS} agents already watch this session, its limit. Ask one to leave, then try again.`)
      .first()
      .waitFor();
    expect(await agentStatus(dee)).toBe('Not joined');
  });
});
